// Media store of local mode: attachment bytes as content-addressed files, ownership and metadata in SQLite.
import { createHash, randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
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

/** The bytes of a put, ready to be kept: a synced temporary file, or none when the blob was already there. */
interface StagedBlob {
  id: string;
  size: number;
  temp: string | null;
}

/** A blob found before its put's transaction but gone by then (the last put holding it was undone meanwhile). */
class BlobVanished extends Error {}

/** A media id is a lowercase sha256 hex digest: nothing else can reach the filesystem. */
const MEDIA_ID = /^[0-9a-f]{64}$/;

export const isMediaId = (id: unknown): id is string => typeof id === 'string' && MEDIA_ID.test(id);

export class FsMediaStore implements MediaStore {
  readonly name = 'filesystem';

  private readonly dir: string;
  private readonly linkFor: (id: string) => string;
  private readonly now: () => number;
  private readonly selectStatement: BetterSqlite3.Statement<[string, string], MediaRow>;
  private readonly keepTransaction: BetterSqlite3.Transaction<(owner: string, upload: MediaUpload | MediaStreamUpload, blob: StagedBlob) => PutMedia>;
  private readonly releaseTransaction: BetterSqlite3.Transaction<(owner: string, id: string) => void>;
  private prepared: Promise<void> | null = null;
  /** Whether this store has removed the temporary files a killed process left (once, on its first use). */
  private swept = false;

  constructor(options: FsMediaStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.linkFor = options.linkFor;
    this.now = options.now ?? Date.now;
    const { db } = options;
    // The first upload of given bytes by an owner fixes its filename and type; a re-upload returns that record and
    // counts one more put holding it.
    const upsertStatement = db.prepare<[string, string, string, string, number, string], MediaRow & { puts: number }>(
      `INSERT INTO media (owner, id, filename, mime_type, size, created_at, puts) VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (owner, id) DO UPDATE SET puts = puts + 1
       RETURNING id, filename, mime_type, size, puts`,
    );
    this.selectStatement = db.prepare('SELECT id, filename, mime_type, size FROM media WHERE owner = ? AND id = ?');
    const releaseOneStatement = db.prepare<[string, string]>('UPDATE media SET puts = puts - 1 WHERE owner = ? AND id = ? AND puts > 1');
    const deleteStatement = db.prepare<[string, string]>('DELETE FROM media WHERE owner = ? AND id = ?');
    const holdersStatement = db.prepare<[string], number>('SELECT count(*) FROM media WHERE id = ?').pluck();

    // A put and the undoing of one change the row and the blob together, under SQLite's write lock (IMMEDIATE, taken
    // by every process on this DATA_DIR): an undo cannot remove a blob between another put's finding it and that put's
    // row, and a row is never left without its blob. The file operations inside are renames and unlinks, synchronous.
    this.keepTransaction = db.transaction((owner: string, upload: MediaUpload | MediaStreamUpload, blob: StagedBlob): PutMedia => {
      const row = upsertStatement.get(owner, blob.id, upload.filename, upload.mimeType, blob.size, new Date(this.now()).toISOString());
      if (!row) throw new Error(`Media ${blob.id} was not recorded.`);
      // Last, so that a failure rolls the row back: a row never stands without its blob.
      const target = this.blobPath(blob.id);
      if (blob.temp !== null) {
        // Identical bytes under the same name: replacing a blob another put wrote changes nothing.
        fs.renameSync(blob.temp, target);
      } else if (!fs.existsSync(target)) {
        throw new BlobVanished();
      }
      return { ...this.toStored(row), created: row.puts === 1 };
    });
    this.releaseTransaction = db.transaction((owner: string, id: string) => {
      if (releaseOneStatement.run(owner, id).changes > 0) return;
      if (deleteStatement.run(owner, id).changes === 0) return;
      // The bytes go when no owner holds them any more (content addressing shares one blob between owners).
      if (holdersStatement.get(id) === 0) fs.rmSync(this.blobPath(id), { force: true });
    });
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
    let blob = streamed ? await this.stageStream(upload.chunks) : await this.stageBytes(upload.data, true);
    try {
      let kept: PutMedia;
      try {
        kept = this.keepTransaction.immediate(owner, upload, blob);
      } catch (error) {
        if (!(error instanceof BlobVanished)) throw error;
        // Only a put of whole bytes reuses a blob it found. That blob was removed, by the undo of the last put that
        // held it, before this put could hold it: it is written after all.
        blob = await this.stageBytes((upload as MediaUpload).data, false);
        kept = this.keepTransaction.immediate(owner, upload, blob);
      }
      // Persists the rename, outside the write lock.
      if (blob.temp !== null) await syncDirectory(path.dirname(this.blobPath(blob.id)));
      return kept;
    } catch (error) {
      if (blob.temp !== null) await fsp.rm(blob.temp, { force: true });
      throw error;
    }
  }

  /**
   * Undoes one put of the file by `owner` (its trade was not written): the record goes with the owner's last put of
   * it, the bytes with the last owner's. Every other put of the same bytes — a trade written earlier, or one still
   * being made by another request — keeps them.
   */
  async delete(owner: string, id: string): Promise<void> {
    if (!isMediaId(id) || typeof owner !== 'string') return;
    this.releaseTransaction.immediate(owner, id);
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

  /** The bytes in a temporary file beside their blob, or nothing when `reuse` and the blob exists already. */
  private async stageBytes(data: Uint8Array, reuse: boolean): Promise<StagedBlob> {
    const id = createHash('sha256').update(data).digest('hex');
    await this.prepare();
    const target = this.blobPath(id);
    if (reuse && (await exists(target))) return { id, size: data.byteLength, temp: null };
    const temp = await this.writeTemp(path.dirname(target), (handle) => handle.writeFile(data));
    return { id, size: data.byteLength, temp };
  }

  /** Writes chunks as they come, hashing them on the way: the blob's name (its hash) is known only at the end. */
  private async stageStream(chunks: AsyncIterable<Uint8Array>): Promise<StagedBlob> {
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
    const temp = await this.writeTemp(this.dir, write);
    try {
      const id = hash.digest('hex');
      await fsp.mkdir(path.dirname(this.blobPath(id)), { recursive: true, mode: PRIVATE_DIR_MODE });
      return { id, size, temp };
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }

  /**
   * Writes a blob's bytes so that a reader sees either no file or the complete file, never a partial one: into a
   * temporary file in `folder` (the blob's filesystem, so that renaming it to the blob is atomic), synced. Nothing is
   * left behind when the write fails.
   */
  private async writeTemp(folder: string, write: (handle: FileHandle) => Promise<void>): Promise<string> {
    await fsp.mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode is narrowed by the umask only, never widened: a shard folder made by this call is 0700 already.
    // Random suffix for concurrent writers.
    const temp = path.join(folder, `.upload.${randomBytes(8).toString('hex')}.tmp`);
    try {
      const handle = await fsp.open(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        await write(handle);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return temp;
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }
}

/** The temporary file of a blob being written (`writeTemp`). */
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
