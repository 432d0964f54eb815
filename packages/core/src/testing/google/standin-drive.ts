// Drive v3 of the Google stand-in: multipart and resumable uploads, metadata, media download and delete, per account.
import { createHash, randomBytes } from 'node:crypto';
import { GoogleHttpError, json, parseJson, parseMultipart, selectFields, type Reply, type StandInRequest } from './standin-http';
import { requireScope, type AccessToken } from './standin-oauth';

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';
const DRIVE_SCOPES = ['https://www.googleapis.com/auth/drive.file', 'https://www.googleapis.com/auth/drive'];
// What Drive v3 answers when the request names no `fields`.
const DEFAULT_FIELDS = ['kind', 'id', 'name', 'mimeType'];

/** A file as the stand-in keeps it; `owner` is the Google account (`sub`) whose token created it. */
export interface DriveFile {
  id: string;
  owner: string;
  name: string;
  mimeType: string;
  parents: string[];
  data: Buffer;
  createdTime: string;
}

interface UploadSession {
  owner: string;
  metadata: Record<string, unknown>;
  mimeType: string | undefined;
  length: number | undefined;
  received: Buffer[];
  query: URLSearchParams;
}

const newId = () => `1${randomBytes(24).toString('base64url')}`;

export class DriveState {
  readonly files = new Map<string, DriveFile>();
  private readonly sessions = new Map<string, UploadSession>();

  createFolder(owner: string, name: string): string {
    return this.store(owner, { name, mimeType: FOLDER_MIME_TYPE }, Buffer.alloc(0), undefined).id;
  }

  /** The reply if the request is a Drive call; `access` authenticates it (every call but a session URI's PUT does). */
  handle(request: StandInRequest, access: () => AccessToken): Reply | undefined {
    const { method, path, query } = request;
    if (path === '/upload/drive/v3/files' && method === 'PUT' && query.has('upload_id')) return this.continueUpload(request);
    if (path === '/upload/drive/v3/files' && method === 'POST') return this.upload(request, this.drive(access()));
    if (path === '/drive/v3/files' && method === 'POST') {
      const metadata = parseJson(request.body) as Record<string, unknown>;
      return this.answer(this.store(this.drive(access()).account.sub, metadata, Buffer.alloc(0), undefined), query);
    }
    const match = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
    if (!match?.[1] || (method !== 'GET' && method !== 'DELETE')) return undefined;
    const file = this.owned(this.drive(access()), match[1]);
    if (method === 'DELETE') {
      this.files.delete(file.id);
      return { status: 204 };
    }
    if (query.get('alt') !== 'media') return this.answer(file, query);
    if (file.mimeType === FOLDER_MIME_TYPE) throw new GoogleHttpError(403, 'Only files with binary content can be downloaded.', 'fileNotDownloadable');
    return { status: 200, bytes: file.data, contentType: file.mimeType };
  }

  private drive(access: AccessToken): AccessToken {
    requireScope(access, DRIVE_SCOPES);
    return access;
  }

  /** Another account's file is a 404, not a 403: Drive does not reveal that the id exists. */
  private owned(access: AccessToken, id: string): DriveFile {
    const file = this.files.get(id);
    if (!file || file.owner !== access.account.sub) {
      throw new GoogleHttpError(404, `File not found: ${id}.`, 'notFound');
    }
    return file;
  }

  private upload(request: StandInRequest, access: AccessToken): Reply {
    const { query, req, body } = request;
    const uploadType = query.get('uploadType');
    const owner = access.account.sub;
    if (uploadType === 'multipart') {
      const [meta, media] = parseMultipart(body, req.headers['content-type']);
      const metadata = parseJson(meta?.body ?? Buffer.alloc(0)) as Record<string, unknown>;
      return this.answer(this.store(owner, metadata, media?.body ?? Buffer.alloc(0), media?.headers['content-type']), query);
    }
    if (uploadType === 'resumable') {
      const uploadId = randomBytes(16).toString('base64url');
      const length = req.headers['x-upload-content-length'];
      this.sessions.set(uploadId, {
        owner,
        metadata: parseJson(body) as Record<string, unknown>,
        mimeType: header(req.headers['x-upload-content-type']),
        length: length === undefined ? undefined : Number(length),
        received: [],
        query,
      });
      // The session URI keeps the first request's query (fields…), as Google's does, plus the upload id.
      const location = new URL(`upload/drive/v3/files?${query.toString()}`, request.baseUrl);
      location.searchParams.set('upload_id', uploadId);
      return { status: 200, headers: { location: location.href, 'x-guploader-uploadid': uploadId } };
    }
    if (uploadType === 'media') return this.answer(this.store(owner, {}, body, req.headers['content-type']), query);
    throw new GoogleHttpError(400, `Invalid value for uploadType: ${uploadType ?? ''}`, 'invalidParameter');
  }

  /**
   * The PUT to a session URI. Like Google's, the upload id is the credential here (no bearer needed); chunks with
   * `Content-Range` are answered 308 until the declared length has arrived.
   */
  private continueUpload(request: StandInRequest): Reply {
    const uploadId = request.query.get('upload_id') ?? '';
    const session = this.sessions.get(uploadId);
    if (!session) throw new GoogleHttpError(404, 'No such upload session.', 'notFound');
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(request.req.headers['content-range']) ?? '');
    const before = session.received.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    // As Google: a piece starts where the last one ended, and one of a file whose total is still open ('*') is a
    // whole number of 256 KiB.
    if (range && (Number(range[1]) !== before || Number(range[2]) - Number(range[1]) + 1 !== request.body.byteLength)) {
      throw new GoogleHttpError(400, `Content-Range ${range[0]} does not follow the ${before} bytes received.`, 'badContentRange');
    }
    if (range?.[3] === '*' && request.body.byteLength % (256 * 1024) !== 0) {
      throw new GoogleHttpError(400, 'A piece of an upload of unknown size must be a multiple of 256 KiB.', 'badContentRange');
    }
    session.received.push(request.body);
    const received = before + request.body.byteLength;
    if (range?.[3] === '*') return { status: 308, headers: { range: `bytes=0-${received - 1}` } };
    const total = range?.[3] ? Number(range[3]) : (session.length ?? received);
    if (received < total) return { status: 308, headers: { range: `bytes=0-${received - 1}` } };
    this.sessions.delete(uploadId);
    const mimeType = session.mimeType ?? header(request.req.headers['content-type']);
    const file = this.store(session.owner, session.metadata, Buffer.concat(session.received), mimeType);
    return this.answer(file, session.query);
  }

  private store(owner: string, metadata: Record<string, unknown>, data: Buffer, mediaType: string | undefined): DriveFile {
    const parents = Array.isArray(metadata.parents) ? metadata.parents.map(String) : [];
    for (const parent of parents) {
      const folder = this.files.get(parent);
      // A parent the account cannot see is "not found", exactly like a missing one.
      if (!folder || folder.owner !== owner || folder.mimeType !== FOLDER_MIME_TYPE) {
        throw new GoogleHttpError(404, `File not found: ${parent}.`, 'notFound');
      }
    }
    const file: DriveFile = {
      id: newId(),
      owner,
      name: typeof metadata.name === 'string' ? metadata.name : 'Untitled',
      mimeType: typeof metadata.mimeType === 'string' ? metadata.mimeType : (mediaType ?? 'application/octet-stream'),
      parents,
      data: Buffer.from(data),
      createdTime: new Date().toISOString(),
    };
    this.files.set(file.id, file);
    return file;
  }

  private answer(file: DriveFile, query: URLSearchParams): Reply {
    const folder = file.mimeType === FOLDER_MIME_TYPE;
    const resource = {
      kind: 'drive#file',
      id: file.id,
      name: file.name,
      mimeType: file.mimeType,
      parents: file.parents.length > 0 ? file.parents : undefined,
      // Drive sends int64 values as strings.
      size: folder ? undefined : String(file.data.byteLength),
      md5Checksum: folder ? undefined : createHash('md5').update(file.data).digest('hex'),
      webViewLink: folder
        ? `https://drive.google.com/drive/folders/${file.id}`
        : `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`,
      createdTime: file.createdTime,
    };
    return json(200, selectFields(resource, query.get('fields') ?? undefined, DEFAULT_FIELDS));
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
