// Media store of Google mode: attachments as private files in the trader's own Drive, resumable above 5 MB.
import { Readable } from 'node:stream';
import { drive, type drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { isPecuniaError, UpstreamError, ValidationError } from '../../errors';
import { isStreamUpload } from '../../domain/attachment-stream';
import type { MediaContent, MediaStore, MediaStreamUpload, MediaUpload, PutMedia, StoredMedia } from '../../ports/media-store.port';
import { apiOptions, describeFailure, gaxiosOptions, isArrayBuffer, withClient } from './google-api-call';
import type { GoogleAuthProvider, GoogleEndpoints } from './google-auth';

export interface DriveMediaStoreOptions {
  auth: GoogleAuthProvider;
  endpoints?: GoogleEndpoints;
  /** Folder every upload goes into (`GOOGLE_DRIVE_ROOT_FOLDER_ID`); unset means the root of the trader's Drive. */
  rootFolderId?: string;
}

/** Above this a single multipart request is fragile; Drive's own guidance is a resumable session. */
export const RESUMABLE_THRESHOLD_BYTES = 5 * 1024 * 1024;
/**
 * A streamed file goes to a resumable session in pieces of this size (Drive wants multiples of 256 KiB but the last):
 * what the adapter holds of a file at once, whatever its size.
 */
export const UPLOAD_PIECE_BYTES = RESUMABLE_THRESHOLD_BYTES;
const FILE_FIELDS = 'id,name,mimeType,size,webViewLink';
const DRIVE_ID = /^[A-Za-z0-9_-]{10,200}$/;
const GOOGLE_API_ROOT = 'https://www.googleapis.com/';

export const isDriveFileId = (id: unknown): id is string => typeof id === 'string' && DRIVE_ID.test(id);

type Action = 'upload' | 'download' | 'delete';
type UploadMeta = Pick<MediaUpload, 'filename' | 'mimeType'>;

export class DriveMediaStore implements MediaStore {
  readonly name = 'google-drive';

  private readonly root: string;
  // One API object per authorised client: the client is per user, so this is per user too.
  private readonly apis = new WeakMap<OAuth2Client, drive_v3.Drive>();

  constructor(private readonly options: DriveMediaStoreOptions) {
    this.root = options.endpoints?.apiRootUrl ?? GOOGLE_API_ROOT;
  }

  /**
   * Uploads a new private file (no sharing permission is added: the link opens for the trader, signed in). Drive has
   * no content addressing, so every put creates a file and `created` is always true.
   */
  async put(owner: string, upload: MediaUpload | MediaStreamUpload): Promise<PutMedia> {
    if (typeof owner !== 'string' || owner.length === 0) {
      throw new ValidationError('MEDIA.INVALID_OWNER', 'A media owner must be a non-empty string.');
    }
    const streamed = isStreamUpload(upload);
    if (!streamed && !(upload.data instanceof Uint8Array)) throw new ValidationError('MEDIA.INVALID_DATA', 'Media data must be bytes.');
    if (typeof upload.filename !== 'string' || typeof upload.mimeType !== 'string') {
      throw new ValidationError('MEDIA.INVALID_METADATA', 'Media filename and mime type must be strings.');
    }
    if (streamed) return this.putStream(owner, upload);
    const file = await this.call(owner, 'upload', (api, client) =>
      upload.data.byteLength <= RESUMABLE_THRESHOLD_BYTES ? this.multipart(api, upload) : this.resumable(client, upload),
    );
    return { ...this.toStored(file, upload), created: true };
  }

  /**
   * A file that arrives in chunks: up to the threshold it is gathered and sent as a small file; past it a resumable
   * session takes it a piece at a time, so at most one piece is held. Chunks that fail leave the session unfinished,
   * and Drive makes no file of an unfinished session.
   */
  private async putStream(owner: string, upload: MediaStreamUpload): Promise<PutMedia> {
    const source = upload.chunks[Symbol.asyncIterator]();
    const piece = Buffer.allocUnsafe(UPLOAD_PIECE_BYTES);
    let filled = 0;
    let carry: Uint8Array | undefined;
    /** Fills `piece`; true when bytes follow it (kept in `carry`), false once the file has ended. */
    const fill = async (): Promise<boolean> => {
      for (;;) {
        let chunk = carry;
        carry = undefined;
        if (chunk === undefined) {
          const next = await source.next();
          if (next.done) return false;
          chunk = next.value;
        }
        const taken = Math.min(chunk.byteLength, UPLOAD_PIECE_BYTES - filled);
        piece.set(chunk.subarray(0, taken), filled);
        filled += taken;
        if (taken < chunk.byteLength) {
          carry = chunk.subarray(taken);
          return true;
        }
      }
    };
    if (!(await fill())) {
      const whole = { filename: upload.filename, mimeType: upload.mimeType, data: piece.subarray(0, filled) };
      const file = await this.call(owner, 'upload', (api) => this.multipart(api, whole));
      return { ...this.toStored(file, whole), created: true };
    }
    let sent = 0;
    const file = await this.call(owner, 'upload', async (_api, client) => {
      // A refused token is retried once with a fresh one: fine before the first piece went, impossible after (the
      // pieces sent are gone).
      if (sent > 0) throw new UpstreamError('MEDIA.UPSTREAM', 'Google Drive refused an upload half-way through.', undefined, 502);
      const session = await this.openSession(client, upload, undefined);
      // A full piece goes out once more bytes are known to follow it, so the last request always states the total.
      for (let more = true; more; more = await fill()) {
        // Answered, so the piece has gone: its buffer takes the next one.
        await this.sendPiece(client, session, piece, sent, undefined);
        sent += filled;
        filled = 0;
      }
      const last = piece.subarray(0, filled);
      sent += filled;
      return this.sendPiece(client, session, last, sent - filled, sent);
    });
    return { ...this.toStored(file, { ...upload, data: { byteLength: sent } }), created: true };
  }

  async get(owner: string, id: string): Promise<MediaContent | null> {
    if (!isDriveFileId(id)) return null;
    return this.call(owner, 'download', async (api) => {
      try {
        const { data: file } = await api.files.get({ fileId: id, fields: FILE_FIELDS });
        const media = await api.files.get({ fileId: id, alt: 'media' }, { responseType: 'arraybuffer' });
        const bytes: unknown = media.data;
        if (!isArrayBuffer(bytes)) throw new UpstreamError('MEDIA.UPSTREAM', 'Google Drive answered a download without bytes.', undefined, 502);
        return { ...this.toStored(file), data: new Uint8Array(bytes) };
      } catch (error) {
        // Another account's file is a 404 too: Drive does not tell "not yours" from "not there", nor do we.
        if (describeFailure(error).status === 404) return null;
        throw error;
      }
    });
  }

  async delete(owner: string, id: string): Promise<void> {
    if (!isDriveFileId(id)) return;
    await this.call(owner, 'delete', async (api) => {
      try {
        await api.files.delete({ fileId: id });
      } catch (error) {
        if (describeFailure(error).status !== 404) throw error;
      }
    });
  }

  /** Nothing to probe without a user: every call needs a trader's token, and a failing Drive shows on their request. */
  async ready(): Promise<void> {}

  private async multipart(api: drive_v3.Drive, upload: MediaUpload): Promise<drive_v3.Schema$File> {
    const { data } = await api.files.create(
      {
        requestBody: this.metadata(upload),
        media: { mimeType: upload.mimeType, body: Readable.from([Buffer.from(upload.data.buffer, upload.data.byteOffset, upload.data.byteLength)]) },
        fields: FILE_FIELDS,
      },
      // googleapis applies a client-level rootUrl to ordinary calls but not to media uploads: without this per-call
      // rootUrl the upload would go to Google's host whatever GOOGLE_API_ROOT_URL says.
      { rootUrl: this.root },
    );
    return data;
  }

  /**
   * Drive's resumable protocol, which googleapis does not implement: a POST opens a session (metadata, declared type
   * and length) and answers its URI in `Location`; one PUT of the bytes to that URI creates the file.
   */
  private async resumable(client: OAuth2Client, upload: MediaUpload): Promise<drive_v3.Schema$File> {
    const session = await this.openSession(client, upload, upload.data.byteLength);
    const { data } = await client.request<drive_v3.Schema$File>({
      ...gaxiosOptions(this.options.endpoints),
      url: session,
      method: 'PUT',
      headers: { 'Content-Type': upload.mimeType },
      data: Buffer.from(upload.data.buffer, upload.data.byteOffset, upload.data.byteLength),
    });
    return data;
  }

  /** Opens a resumable session (its length left open when unknown) and answers its URI. */
  private async openSession(client: OAuth2Client, upload: UploadMeta, length: number | undefined): Promise<string> {
    const session = await client.request({
      ...gaxiosOptions(this.options.endpoints),
      url: new URL('upload/drive/v3/files', this.root).href,
      method: 'POST',
      params: { uploadType: 'resumable', fields: FILE_FIELDS },
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'X-Upload-Content-Type': upload.mimeType,
        ...(length === undefined ? {} : { 'X-Upload-Content-Length': String(length) }),
      },
      data: this.metadata(upload),
    });
    const location = session.headers.get('location');
    // The PUT carries the trader's token: it goes nowhere but the Drive host the session was opened on.
    if (!location || new URL(location, this.root).origin !== new URL(this.root).origin) {
      throw new UpstreamError('MEDIA.UPSTREAM', 'Google Drive opened no usable upload session.', undefined, 502);
    }
    return new URL(location, this.root).href;
  }

  /**
   * One piece of a session: bytes `start`… of a file whose `total` is stated with the last piece only. Drive answers
   * 308 to a piece that is not the last, saying in `Range` what it holds; anything short of all bytes sent is a
   * failure (the file is then not made).
   */
  private async sendPiece(client: OAuth2Client, session: string, bytes: Buffer, start: number, total: number | undefined): Promise<drive_v3.Schema$File> {
    const end = start + bytes.byteLength - 1;
    const answer = await client.request<drive_v3.Schema$File>({
      ...gaxiosOptions(this.options.endpoints),
      url: session,
      method: 'PUT',
      headers: { 'Content-Range': `bytes ${start}-${end}/${total ?? '*'}` },
      data: bytes,
      validateStatus: (status) => (status >= 200 && status < 300) || (total === undefined && status === 308),
    });
    if (total === undefined && answer.headers.get('range') !== `bytes=0-${end}`) {
      throw new UpstreamError('MEDIA.UPSTREAM', `Google Drive kept ${answer.headers.get('range') ?? 'nothing'} of bytes 0-${end} of an upload.`, undefined, 502);
    }
    return answer.data;
  }

  private metadata(upload: UploadMeta): drive_v3.Schema$File {
    const { rootFolderId } = this.options;
    return { name: upload.filename, mimeType: upload.mimeType, ...(rootFolderId ? { parents: [rootFolderId] } : {}) };
  }

  private api(client: OAuth2Client): drive_v3.Drive {
    let api = this.apis.get(client);
    if (!api) {
      api = drive({ version: 'v3', auth: client, ...apiOptions(this.options.endpoints) });
      this.apis.set(client, api);
    }
    return api;
  }

  private async call<T>(owner: string, action: Action, run: (api: drive_v3.Drive, client: OAuth2Client) => Promise<T>): Promise<T> {
    try {
      return await withClient(this.options.auth, owner, (client) => run(this.api(client), client));
    } catch (error) {
      throw this.mediaError(error, action);
    }
  }

  private toStored(file: drive_v3.Schema$File, upload?: UploadMeta & { data: { byteLength: number } }): StoredMedia {
    if (!file.id) throw new UpstreamError('MEDIA.UPSTREAM', 'Google Drive answered without a file id.', undefined, 502);
    return {
      id: file.id,
      filename: file.name ?? upload?.filename ?? file.id,
      mimeType: file.mimeType ?? upload?.mimeType ?? 'application/octet-stream',
      size: file.size == null ? (upload?.data.byteLength ?? 0) : Number(file.size),
      link: file.webViewLink ?? `https://drive.google.com/file/d/${file.id}/view`,
    };
  }

  private mediaError(error: unknown, action: Action): unknown {
    if (isPecuniaError(error)) return error;
    const failure = describeFailure(error);
    const { status, retryAfterMs } = failure;
    const rateLimited = status === 429 || (status === 403 && /rateLimitExceeded$/i.test(failure.reason ?? ''));
    if (rateLimited) {
      return new UpstreamError('MEDIA.RATE_LIMITED', `Google Drive is limiting requests; the ${action} can be retried later.`, error, 503, { retryAfterMs });
    }
    if (status === undefined || status >= 500) {
      return new UpstreamError('MEDIA.UNAVAILABLE', `Google Drive is unavailable (${failure.message}); the ${action} can be retried later.`, error, 503, { retryAfterMs });
    }
    if (status === 403 && failure.reason === 'storageQuotaExceeded') {
      return new UpstreamError('MEDIA.DRIVE_FULL', "The trader's Google Drive is full; free some space and send the trade again.", error, 507);
    }
    if (status === 403) {
      return new UpstreamError('MEDIA.FORBIDDEN', `Google Drive refused the ${action} (${failure.message}); reconnect Google to grant Drive access.`, error, 403);
    }
    if (status === 404 && action === 'upload') {
      return new UpstreamError('MEDIA.FOLDER_NOT_FOUND', `The Drive folder ${this.options.rootFolderId ?? ''} (GOOGLE_DRIVE_ROOT_FOLDER_ID) is not in the connected Google account.`, error, 502);
    }
    return new UpstreamError('MEDIA.UPSTREAM', `Google Drive refused the ${action}: ${failure.message}`, error, 502);
  }
}
