import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './sqlite-database';
import { ABANDONED_UPLOAD_MS, FsMediaStore } from './fs-media-store';

const png = (text: string): Uint8Array => new TextEncoder().encode(`\x89PNG fake ${text}`);
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Every file under `root`, relative to it. */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('FsMediaStore', () => {
  let dir: string;
  let mediaDir: string;
  let db: Database;
  let store: FsMediaStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    mediaDir = path.join(dir, 'media');
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    store = new FsMediaStore({ dir: mediaDir, db, linkFor: (id) => `http://localhost:3000/api/media/${id}` });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is named filesystem and creates its directory when ready', async () => {
    expect(store.name).toBe('filesystem');
    await store.ready();
    expect(fs.statSync(mediaDir).isDirectory()).toBe(true);
  });

  it('keeps the media folders 0700 and the files 0600, even where an older version left them open', async () => {
    // What a version before this fix left: folders at 0755 under a DATA_DIR that already existed.
    const old = png('from an older version');
    const oldShard = path.join(mediaDir, sha256(old).slice(0, 2));
    fs.mkdirSync(oldShard, { recursive: true, mode: 0o755 });
    fs.chmodSync(mediaDir, 0o755);
    fs.chmodSync(oldShard, 0o755);
    const mode = (file: string) => fs.statSync(file).mode & 0o777;

    const stored = await store.put('alice', { filename: 'chart.png', mimeType: 'image/png', data: png('new') });

    const blob = path.join(mediaDir, stored.id.slice(0, 2), stored.id);
    expect(mode(mediaDir)).toBe(0o700);
    expect(mode(oldShard)).toBe(0o700);
    expect(mode(path.dirname(blob))).toBe(0o700);
    expect(mode(blob)).toBe(0o600);
  });

  it('removes, on its first use, the temporary files of uploads a killed process left, and no other file', async () => {
    const stored = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data: png('kept') });
    const shard = path.join(mediaDir, stored.id.slice(0, 2));
    const stale = [path.join(mediaDir, '.upload.0123456789abcdef.tmp'), path.join(shard, '.upload.fedcba9876543210.tmp')];
    const fresh = path.join(mediaDir, '.upload.00112233445566ff.tmp');
    const lookalike = path.join(mediaDir, '.upload.not-ours.tmp');
    const hoursAgo = new Date(Date.now() - ABANDONED_UPLOAD_MS - 60_000);
    for (const file of [...stale, fresh, lookalike]) fs.writeFileSync(file, 'partial');
    for (const file of [...stale, lookalike]) fs.utimesSync(file, hoursAgo, hoursAgo);

    // A new process: its store's first use sweeps.
    const restarted = new FsMediaStore({ dir: mediaDir, db, linkFor: (id) => `http://localhost:3000/api/media/${id}` });
    await restarted.ready();

    expect(stale.filter((file) => fs.existsSync(file))).toEqual([]);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(lookalike)).toBe(true);
    expect((await restarted.get('alice', stored.id))?.data).toEqual(png('kept'));
  });

  it('stores bytes under their sha256 and reads them back with metadata and link', async () => {
    const data = png('one');
    const id = sha256(data);
    const stored = await store.put('alice', { filename: 'chart.png', mimeType: 'image/png', data });
    expect(stored).toEqual({
      id,
      filename: 'chart.png',
      mimeType: 'image/png',
      size: data.byteLength,
      link: `http://localhost:3000/api/media/${id}`,
      created: true,
    });
    expect(listFiles(mediaDir)).toEqual([path.join(id.slice(0, 2), id)]);

    const content = await store.get('alice', id);
    const { created: _created, ...metadata } = stored;
    expect(content).toEqual({ ...metadata, data: expect.any(Uint8Array) });
    expect(Buffer.from(content?.data ?? []).equals(Buffer.from(data))).toBe(true);
  });

  it('stores identical bytes once, for every owner that uploads them', async () => {
    const data = png('same');
    const first = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data });
    const again = await store.put('alice', { filename: 'renamed.png', mimeType: 'image/png', data: Uint8Array.from(data) });
    const bobs = await store.put('bob', { filename: 'b.png', mimeType: 'image/png', data });
    expect(again).toEqual({ ...first, created: false }); // the first upload of these bytes by alice fixes the record
    expect(first.created).toBe(true);
    expect(bobs.created).toBe(true);
    expect(bobs.id).toBe(first.id);
    expect(bobs.filename).toBe('b.png');
    expect(listFiles(mediaDir)).toHaveLength(1);
    expect((await store.get('bob', first.id))?.filename).toBe('b.png');
  });

  it('deletes an owner\'s file, keeping the bytes while another owner still holds them', async () => {
    const data = png('shared');
    const alices = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data });
    await store.put('bob', { filename: 'b.png', mimeType: 'image/png', data });

    await store.delete('alice', alices.id);
    expect(await store.get('alice', alices.id)).toBeNull();
    expect((await store.get('bob', alices.id))?.filename).toBe('b.png');
    expect(listFiles(mediaDir)).toHaveLength(1);

    await store.delete('bob', alices.id);
    expect(listFiles(mediaDir)).toEqual([]);
    // Unknown, foreign or malformed ids change nothing.
    await store.delete('carol', alices.id);
    await store.delete('alice', '../etc/passwd');
  });

  it('hides a media from an owner who did not store it', async () => {
    const stored = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data: png('private') });
    expect(await store.get('bob', stored.id)).toBeNull();
    expect(await store.get('alice', sha256(png('never stored')))).toBeNull();
  });

  it('answers null for ids that are not a sha256 without touching the filesystem', async () => {
    const stored = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data: png('x') });
    const readFile = jest.spyOn(fs.promises, 'readFile');
    try {
      const junk = [
        '../../etc/passwd',
        `../${stored.id}`,
        `${stored.id.slice(0, 2)}/${stored.id}`,
        stored.id.toUpperCase(),
        `${stored.id}\u0000`,
        `${stored.id}/`,
        stored.id.slice(1),
        '',
        '..',
      ];
      for (const id of junk) expect(await store.get('alice', id)).toBeNull();
      expect(readFile).not.toHaveBeenCalled();
      // The spy does see the store's reads: a valid id goes to the file.
      expect(await store.get('alice', stored.id)).not.toBeNull();
      expect(readFile).toHaveBeenCalledTimes(1);
    } finally {
      readFile.mockRestore();
    }
  });

  it('answers null when the blob of a known media has disappeared', async () => {
    const stored = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data: png('gone') });
    fs.rmSync(path.join(mediaDir, stored.id.slice(0, 2), stored.id));
    expect(await store.get('alice', stored.id)).toBeNull();
  });

  it('stores empty files', async () => {
    const stored = await store.put('alice', { filename: 'empty.txt', mimeType: 'text/plain', data: new Uint8Array() });
    expect(stored.size).toBe(0);
    expect((await store.get('alice', stored.id))?.data.byteLength).toBe(0);
  });

  it('leaves no temporary file behind, after many concurrent uploads or after a failed write', async () => {
    const uploads = Array.from({ length: 20 }, (_, i) => png(`file ${i % 5}`));
    await Promise.all(uploads.map((data, i) => store.put(`owner-${i % 3}`, { filename: `${i}.png`, mimeType: 'image/png', data })));
    const files = listFiles(mediaDir);
    expect(files).toHaveLength(5);
    expect(files.every((file) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(file.split(path.sep).join('/')))).toBe(true);

    const rename = jest.spyOn(fs.promises, 'rename').mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    try {
      await expect(store.put('alice', { filename: 'x.png', mimeType: 'image/png', data: png('fails') })).rejects.toThrow('EIO');
    } finally {
      rename.mockRestore();
    }
    expect(listFiles(mediaDir)).toHaveLength(5);
    expect(await store.get('alice', sha256(png('fails')))).toBeNull();
  });

  describe('streamed puts', () => {
    async function* chunksOf(...parts: Array<Uint8Array | Error>): AsyncGenerator<Uint8Array> {
      for (const part of parts) {
        if (part instanceof Error) throw part;
        yield part;
      }
    }

    it('stores the chunks under the sha256 of their bytes, the same file as a put of the whole', async () => {
      const whole = png('streamed in three pieces');

      const stored = await store.put('alice', { filename: 's.png', mimeType: 'image/png', chunks: chunksOf(whole.subarray(0, 5), whole.subarray(5, 9), whole.subarray(9)) });
      const again = await store.put('bob', { filename: 'w.png', mimeType: 'image/png', data: whole });

      expect(stored).toMatchObject({ id: sha256(whole), size: whole.byteLength, filename: 's.png', created: true });
      expect(Buffer.from((await store.get('alice', stored.id))!.data).equals(Buffer.from(whole))).toBe(true);
      expect(again.id).toBe(stored.id);
      expect(listFiles(mediaDir)).toEqual([path.join(stored.id.slice(0, 2), stored.id)]);
    });

    it('keeps nothing, not even a temporary file, when the chunks fail half-way', async () => {
      const attempt = store.put('alice', { filename: 'x.png', mimeType: 'image/png', chunks: chunksOf(png('start'), new Error('client went away')) });

      await expect(attempt).rejects.toThrow('client went away');
      expect(listFiles(mediaDir)).toEqual([]);
      expect(db.prepare('SELECT count(*) AS n FROM media').get()).toEqual({ n: 0 });
    });

    it('answers created: false when the same owner streamed the same bytes before', async () => {
      const bytes = png('twice');
      await store.put('alice', { filename: 'a.png', mimeType: 'image/png', chunks: chunksOf(bytes) });

      const second = await store.put('alice', { filename: 'b.png', mimeType: 'image/png', chunks: chunksOf(bytes.subarray(0, 3), bytes.subarray(3)) });

      expect(second).toMatchObject({ filename: 'a.png', created: false });
      expect(listFiles(mediaDir)).toHaveLength(1);
    });
  });

  it('skips writing a blob that already exists', async () => {
    const data = png('existing');
    await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data });
    const open = jest.spyOn(fs.promises, 'open');
    try {
      await store.put('bob', { filename: 'b.png', mimeType: 'image/png', data });
      expect(open).not.toHaveBeenCalled();
    } finally {
      open.mockRestore();
    }
  });

  it('rejects uploads without bytes or owner', async () => {
    await expect(
      store.put('alice', { filename: 'a', mimeType: 'x/y', data: 'text' as unknown as Uint8Array }),
    ).rejects.toMatchObject({ code: 'MEDIA.INVALID_DATA' });
    await expect(store.put('', { filename: 'a', mimeType: 'x/y', data: png('a') })).rejects.toMatchObject({
      code: 'MEDIA.INVALID_OWNER',
    });
  });
});
