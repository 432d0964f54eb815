// The sheet cell that links a trade to its files: `drive_file_id|mime_type|shareable_link`, several joined with `; `.

export interface AttachmentRef {
  file_id: string;
  /** Null when the cell came from an older format that did not record it. */
  mime_type: string | null;
  link: string;
}

export const ATTACHMENT_SEPARATOR = '; ';

// Characters that delimit the cell format are percent-encoded inside a link so that the cell always splits back.
const escapeLink = (link: string): string => link.replace(/[|;,\s]/g, (c) => encodeURIComponent(c));

export function encodeAttachmentRef(ref: AttachmentRef): string {
  const fileId = ref.file_id.replace(/[|;,\s]/g, '');
  const mime = (ref.mime_type ?? 'application/octet-stream').replace(/[|;,\s]/g, '');
  return `${fileId}|${mime}|${escapeLink(ref.link)}`;
}

export function encodeAttachmentCell(refs: readonly AttachmentRef[]): string {
  return refs.map(encodeAttachmentRef).join(ATTACHMENT_SEPARATOR);
}

const DRIVE_PATH_ID = /\/(?:file\/d|document\/d|open\/d)\/([A-Za-z0-9_-]{10,})/;
const QUERY_ID = /[?&]id=([A-Za-z0-9_-]{10,})/;
const LOCAL_MEDIA_ID = /\/api\/media\/([A-Za-z0-9_-]+)/;
const MIME = /^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i;

/** The file id inside a Drive share link (`/file/d/ID/…`, `?id=ID`) or a local media link, else null. */
export function fileIdFromLink(link: string): string | null {
  const match = DRIVE_PATH_ID.exec(link) ?? QUERY_ID.exec(link) ?? LOCAL_MEDIA_ID.exec(link);
  return match?.[1] ?? null;
}

function decodePiece(piece: string): AttachmentRef | null {
  const parts = piece.split('|').map((p) => p.trim());
  if (parts.length >= 3) {
    const [fileId, mime, ...rest] = parts;
    const link = rest.join('|');
    if (!fileId) return null;
    return { file_id: fileId, mime_type: mime && MIME.test(mime) ? mime.toLowerCase() : null, link };
  }
  if (parts.length === 2) {
    // The earlier Python service wrote `id|link`.
    const [fileId, link] = parts;
    if (!fileId || !link) return null;
    return { file_id: fileId, mime_type: null, link };
  }
  const link = parts[0] ?? '';
  const fileId = fileIdFromLink(link);
  return fileId ? { file_id: fileId, mime_type: null, link } : null;
}

/**
 * Reads a `file_links` cell in any format this service (or the earlier Python one) wrote: pieces separated by `;`
 * or `,`, each `id|mime|link`, `id|link` or a bare Drive link. Pieces that cannot be read are skipped.
 */
export function decodeAttachmentCell(cell: string | null | undefined): AttachmentRef[] {
  if (!cell) return [];
  return cell
    .split(/[;,\n]/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0)
    .map(decodePiece)
    .filter((ref): ref is AttachmentRef => ref !== null);
}
