// Media store of Google mode: attachments as private files in the trader's own Drive, resumable above 5 MB.
import { Readable } from 'node:stream';
import { drive, type drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { isPecuniaError, UpstreamError, ValidationError } from '../../errors';
import type { MediaContent, MediaStore, MediaUpload, PutMedia, StoredMedia } from '../../ports/media-store.port';
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
const FILE_FIELDS = 'id,name,mimeType,size,webViewLink';
const DRIVE_ID = /^[A-Za-z0-9_-]{10,200}$/;
const GOOGLE_API_ROOT = 'https://www.googleapis.com/';

export const isDriveFileId = (id: unknown): id is string => typeof id === 'string' && DRIVE_ID.test(id);

type Action = 'upload' | 'download' | 'delete';

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
  async put(owner: string, upload: MediaUpload): Promise<PutMedia> {
    if (typeof owner !== 'string' || owner.length === 0) {
      throw new ValidationError('MEDIA.INVALID_OWNER', 'A media owner must be a non-empty string.');
    }
    if (!(upload.data instanceof Uint8Array)) throw new ValidationError('MEDIA.INVALID_DATA', 'Media data must be bytes.');
    if (typeof upload.filename !== 'string' || typeof upload.mimeType !== 'string') {
      throw new ValidationError('MEDIA.INVALID_METADATA', 'Media filename and mime type must be strings.');
    }
    const file = await this.call(owner, 'upload', (api, client) =>
      upload.data.byteLength <= RESUMABLE_THRESHOLD_BYTES ? this.multipart(api, upload) : this.resumable(client, upload),
    );
    return { ...this.toStored(file, upload), created: true };
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
        media: { mimeType: upload.mimeType, body: Readable.from([Buffer.from(upload.data)]) },
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
    const options = gaxiosOptions(this.options.endpoints);
    const session = await client.request({
      ...options,
      url: new URL('upload/drive/v3/files', this.root).href,
      method: 'POST',
      params: { uploadType: 'resumable', fields: FILE_FIELDS },
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'X-Upload-Content-Type': upload.mimeType,
        'X-Upload-Content-Length': String(upload.data.byteLength),
      },
      data: this.metadata(upload),
    });
    const location = session.headers.get('location');
    // The PUT carries the trader's token: it goes nowhere but the Drive host the session was opened on.
    if (!location || new URL(location, this.root).origin !== new URL(this.root).origin) {
      throw new UpstreamError('MEDIA.UPSTREAM', 'Google Drive opened no usable upload session.', undefined, 502);
    }
    const { data } = await client.request<drive_v3.Schema$File>({
      ...options,
      url: new URL(location, this.root).href,
      method: 'PUT',
      headers: { 'Content-Type': upload.mimeType },
      data: Buffer.from(upload.data),
    });
    return data;
  }

  private metadata(upload: MediaUpload): drive_v3.Schema$File {
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

  private toStored(file: drive_v3.Schema$File, upload?: MediaUpload): StoredMedia {
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
