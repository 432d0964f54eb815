import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './sqlite-database';
import { MIGRATIONS } from './sqlite-migrations';
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

  it('undoes one put at a time: the bytes stay while another put of them holds them (two trades, one failing)', async () => {
    const data = png('attached twice');
    // One trade stores the file, a second trade of the same trader attaches the same bytes, then the first one fails.
    const first = await store.put('alice', { filename: 'chart.png', mimeType: 'image/png', data });
    const second = await store.put('alice', { filename: 'chart.png', mimeType: 'image/png', data: Uint8Array.from(data) });
    expect([first.created, second.created]).toEqual([true, false]);

    await store.delete('alice', first.id);
    const kept = await store.get('alice', second.id);
    expect(kept?.filename).toBe('chart.png');
    expect(Buffer.from(kept?.data ?? []).equals(Buffer.from(data))).toBe(true);

    // The second trade fails too: now nothing holds the bytes.
    await store.delete('alice', second.id);
    expect(await store.get('alice', second.id)).toBeNull();
    expect(listFiles(mediaDir)).toEqual([]);
    // More undos than puts change nothing, and a put after them starts over.
    await store.delete('alice', second.id);
    expect((await store.put('alice', { filename: 'again.png', mimeType: 'image/png', data })).created).toBe(true);
    expect(listFiles(mediaDir)).toHaveLength(1);
  });

  it('writes the bytes again when the blob it found is removed before its put is recorded', async () => {
    const data = png('raced');
    const earlier = await store.put('alice', { filename: 'a.png', mimeType: 'image/png', data });
    // Between this put's finding the blob and its recording, the undo of the only put holding it removes it.
    const access = jest.spyOn(fs.promises, 'access').mockImplementationOnce(async () => {
      await store.delete('alice', earlier.id);
    });
    try {
      const again = await store.put('alice', { filename: 'b.png', mimeType: 'image/png', data });
      expect(again).toMatchObject({ id: earlier.id, filename: 'b.png', created: true });
    } finally {
      access.mockRestore();
    }
    expect(Buffer.from((await store.get('alice', earlier.id))?.data ?? []).equals(Buffer.from(data))).toBe(true);
    expect(listFiles(mediaDir)).toHaveLength(1);
  });

  it('counts a record made before puts were counted as one put', async () => {
    const file = path.join(dir, 'older.sqlite');
    const older = openDatabase(file, MIGRATIONS.slice(0, 5));
    const data = png('from an older version');
    const id = sha256(data);
    older.prepare('INSERT INTO media (owner, id, filename, mime_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('alice', id, 'old.png', 'image/png', data.byteLength, '2026-01-01T00:00:00.000Z');
    older.close();
    fs.mkdirSync(path.join(mediaDir, id.slice(0, 2)), { recursive: true });
    fs.writeFileSync(path.join(mediaDir, id.slice(0, 2), id), data);

    const upgraded = openDatabase(file);
    try {
      const olderStore = new FsMediaStore({ dir: mediaDir, db: upgraded, linkFor: (mediaId) => `http://localhost:3000/api/media/${mediaId}` });
      const again = await olderStore.put('alice', { filename: 'new.png', mimeType: 'image/png', data });
      expect(again).toMatchObject({ filename: 'old.png', created: false });
      await olderStore.delete('alice', id);
      expect((await olderStore.get('alice', id))?.filename).toBe('old.png');
      await olderStore.delete('alice', id);
      expect(await olderStore.get('alice', id)).toBeNull();
      expect(listFiles(mediaDir)).toEqual([]);
    } finally {
      upgraded.close();
    }
  });

  it('keeps exactly the files some put still holds, under concurrent puts and undos through two connections', async () => {
    // Two stores on two connections to one file, as two processes on one DATA_DIR would be.
    const otherDb = openDatabase(path.join(dir, 'pecunia.sqlite'));
    try {
      const stores = [store, new FsMediaStore({ dir: mediaDir, db: otherDb, linkFor: (id) => `http://localhost:3000/api/media/${id}` })];
      const contents = ['a', 'b', 'c'].map((text) => png(`shared ${text}`));
      const held = new Map<string, number>();
      const key = (owner: string, id: string) => `${owner} ${id}`;
      let seed = 7;
      const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
      for (let round = 0; round < 12; round++) {
        // Each round: a few puts and undos of earlier puts, all at once.
        const undoable = [...held].flatMap(([k, count]) => Array.from({ length: count }, () => k));
        const ops: Promise<void>[] = [];
        for (let i = 0; i < 6; i++) {
          const on = stores[next(2)]!;
          if (i % 3 === 2 && undoable.length > 0) {
            const [owner, id] = undoable.splice(next(undoable.length), 1)[0]!.split(' ') as [string, string];
            held.set(key(owner, id), held.get(key(owner, id))! - 1);
            ops.push(on.delete(owner, id));
          } else {
            const owner = ['alice', 'bob'][next(2)]!;
            const data = contents[next(contents.length)]!;
            held.set(key(owner, sha256(data)), (held.get(key(owner, sha256(data))) ?? 0) + 1);
            ops.push(on.put(owner, { filename: 'x.png', mimeType: 'image/png', data }).then(() => undefined));
          }
        }
        await Promise.all(ops);
        for (const [k, count] of held) {
          const [owner, id] = k.split(' ') as [string, string];
          expect({ k, kept: (await store.get(owner, id)) !== null }).toEqual({ k, kept: count > 0 });
        }
        const blobs = new Set([...held].filter(([, count]) => count > 0).map(([k]) => k.split(' ')[1]!));
        expect(listFiles(mediaDir).map((file) => path.basename(file)).sort()).toEqual([...blobs].sort());
      }
    } finally {
      otherDb.close();
    }
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

    const rename = jest.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO'), { code: 'EIO' });
    });
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
