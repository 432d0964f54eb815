// Media store of local mode: attachment bytes as content-addressed files, ownership and metadata in SQLite.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { isStreamUpload } from '../../domain/attachment-stream';
import { ValidationError } from '../../errors';
import type { MediaContent, MediaStore, MediaStreamUpload, MediaUpload, PutMedia, StoredMedia } from '../../ports/media-store.port';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, type Database } from './sqlite-database';

export interface FsMediaStoreOptions {
  /** Directory of the blobs (`$DATA_DIR/media`). */
  dir: string;
  db: Database;
  /** Link a person can open for a media id, e.g. `http://localhost:3000/api/media/{id}`. */
  linkFor: (id: string) => string;
  now?: () => number;
}

interface MediaRow {
  id: string;
  filename: string;
  mime_type: string;
  size: number;
}

/** A media id is a lowercase sha256 hex digest: nothing else can reach the filesystem. */
const MEDIA_ID = /^[0-9a-f]{64}$/;

export const isMediaId = (id: unknown): id is string => typeof id === 'string' && MEDIA_ID.test(id);

export class FsMediaStore implements MediaStore {
  readonly name = 'filesystem';

  private readonly dir: string;
  private readonly linkFor: (id: string) => string;
  private readonly now: () => number;
  private readonly insertStatement: BetterSqlite3.Statement<[string, string, string, string, number, string]>;
  private readonly selectStatement: BetterSqlite3.Statement<[string, string], MediaRow>;
  private readonly deleteStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly holdersStatement: BetterSqlite3.Statement<[string], number>;
  private prepared: Promise<void> | null = null;
  /** Whether this store has removed the temporary files a killed process left (once, on its first use). */
  private swept = false;

  constructor(options: FsMediaStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.linkFor = options.linkFor;
    this.now = options.now ?? Date.now;
    // The first upload of given bytes by an owner fixes its filename and type; a re-upload returns that record.
    this.insertStatement = options.db.prepare(
      `INSERT INTO media (owner, id, filename, mime_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (owner, id) DO NOTHING`,
    );
    this.selectStatement = options.db.prepare(
      'SELECT id, filename, mime_type, size FROM media WHERE owner = ? AND id = ?',
    );
    this.deleteStatement = options.db.prepare('DELETE FROM media WHERE owner = ? AND id = ?');
    this.holdersStatement = options.db.prepare<[string], number>('SELECT count(*) FROM media WHERE id = ?').pluck();
  }

  async put(owner: string, upload: MediaUpload | MediaStreamUpload): Promise<PutMedia> {
    if (typeof owner !== 'string' || owner.length === 0) {
      throw new ValidationError('MEDIA.INVALID_OWNER', 'A media owner must be a non-empty string.');
    }
    const streamed = isStreamUpload(upload);
    if (!streamed && !(upload.data instanceof Uint8Array)) {
      throw new ValidationError('MEDIA.INVALID_DATA', 'Media data must be bytes.');
    }
    if (typeof upload.filename !== 'string' || typeof upload.mimeType !== 'string') {
      throw new ValidationError('MEDIA.INVALID_METADATA', 'Media filename and mime type must be strings.');
    }
    // Bytes first, row second: a crash in between leaves an unowned blob (harmless), never a row without bytes.
    const { id, size } = streamed ? await this.writeStream(upload.chunks) : await this.writeBytes(upload.data);
    const { changes } = this.insertStatement.run(
      owner,
      id,
      upload.filename,
      upload.mimeType,
      size,
      new Date(this.now()).toISOString(),
    );
    const row = this.selectStatement.get(owner, id);
    if (!row) throw new Error(`Media ${id} vanished right after it was stored.`);
    // Same bytes stored before by this owner: the earlier record stands, and undoing this put must not remove it.
    return { ...this.toStored(row), created: changes > 0 };
  }

  async delete(owner: string, id: string): Promise<void> {
    if (!isMediaId(id) || typeof owner !== 'string') return;
    this.deleteStatement.run(owner, id);
    // The bytes go when no owner holds them any more (content addressing shares one blob between owners).
    if (this.holdersStatement.get(id) === 0) await fsp.rm(this.blobPath(id), { force: true });
  }

  async get(owner: string, id: string): Promise<MediaContent | null> {
    if (!isMediaId(id) || typeof owner !== 'string') return null;
    const row = this.selectStatement.get(owner, id);
    if (!row) return null;
    let data: Buffer;
    try {
      data = await fsp.readFile(this.blobPath(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return { ...this.toStored(row), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }

  async ready(): Promise<void> {
    // Re-checked on every probe: a folder that went missing (or was replaced) is reported, not assumed.
    this.prepared = null;
    await this.prepare();
  }

  /**
   * The media folder and its shard folders 0700, whatever the umask and whatever an older version left: attachments
   * are the traders' alone. Done once per store (and on each readiness probe); blobs are written 0600.
   */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await fsp.mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      await fsp.chmod(this.dir, PRIVATE_DIR_MODE);
      const sweep = !this.swept;
      for (const entry of await fsp.readdir(this.dir, { withFileTypes: true })) {
        const entryPath = path.join(this.dir, entry.name);
        if (entry.isDirectory()) {
          await fsp.chmod(entryPath, PRIVATE_DIR_MODE);
          if (sweep) await removeAbandonedUploads(entryPath);
        } else if (sweep && TEMP_UPLOAD.test(entry.name)) {
          await removeIfAbandoned(entryPath);
        }
      }
      this.swept = true;
    })().catch((error: unknown) => {
      this.prepared = null;
      throw error;
    });
    return this.prepared;
  }

  private blobPath(id: string): string {
    return path.join(this.dir, id.slice(0, 2), id);
  }

  private toStored(row: MediaRow): StoredMedia {
    return { id: row.id, filename: row.filename, mimeType: row.mime_type, size: row.size, link: this.linkFor(row.id) };
  }

  private async writeBytes(data: Uint8Array): Promise<{ id: string; size: number }> {
    const id = createHash('sha256').update(data).digest('hex');
    await this.prepare();
    const target = this.blobPath(id);
    if (!(await exists(target))) await this.writeBlob(path.dirname(target), (handle) => handle.writeFile(data), () => target);
    return { id, size: data.byteLength };
  }

  /** Writes chunks as they come, hashing them on the way: the blob's name (its hash) is known only at the end. */
  private async writeStream(chunks: AsyncIterable<Uint8Array>): Promise<{ id: string; size: number }> {
    await this.prepare();
    const hash = createHash('sha256');
    let size = 0;
    const write = async (handle: FileHandle) => {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.byteLength;
        for (let offset = 0; offset < chunk.byteLength; ) offset += (await handle.write(chunk, offset)).bytesWritten;
      }
    };
    let id = '';
    await this.writeBlob(
      this.dir,
      write,
      async () => {
        id = hash.digest('hex');
        const target = this.blobPath(id);
        await fsp.mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
        return target;
      },
    );
    return { id, size };
  }

  /**
   * Writes a blob so that a reader sees either no file or the complete file, never a partial one: into a temporary
   * file in `folder` (the target's filesystem, so that the rename is atomic), synced, then renamed to `targetOf()`.
   * Nothing is left behind when the write fails.
   */
  private async writeBlob(folder: string, write: (handle: FileHandle) => Promise<void>, targetOf: () => Promise<string> | string): Promise<void> {
    await fsp.mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode is narrowed by the umask only, never widened: a shard folder made by this call is 0700 already.
    // Random suffix for concurrent writers.
    const temp = path.join(folder, `.upload.${randomBytes(8).toString('hex')}.tmp`);
    let target: string;
    try {
      const handle = await fsp.open(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        await write(handle);
        await handle.sync();
      } finally {
        await handle.close();
      }
      target = await targetOf();
      // Identical bytes under the same name: a concurrent writer winning the rename changes nothing.
      await fsp.rename(temp, target);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
  }
}

/** The temporary file of a blob being written (`writeBlob`). */
const TEMP_UPLOAD = /^\.upload\.[0-9a-f]{16}\.tmp$/;
/**
 * A temporary file untouched this long belongs to no upload in progress (a form is cut by the server's request timeout
 * long before): it was left by a process that was killed mid-upload, and is removed.
 */
export const ABANDONED_UPLOAD_MS = 6 * 60 * 60 * 1000;

async function removeAbandonedUploads(folder: string): Promise<void> {
  for (const name of await fsp.readdir(folder)) if (TEMP_UPLOAD.test(name)) await removeIfAbandoned(path.join(folder, name));
}

async function removeIfAbandoned(file: string): Promise<void> {
  try {
    const { mtimeMs } = await fsp.stat(file);
    if (Date.now() - mtimeMs > ABANDONED_UPLOAD_MS) await fsp.rm(file, { force: true });
  } catch (error) {
    // Finished (renamed) or removed meanwhile: nothing to do.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Persists the rename itself; some platforms (Windows) cannot open a directory, which only costs durability. */
async function syncDirectory(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof fsp.open>> | undefined;
  try {
    handle = await fsp.open(folder, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
