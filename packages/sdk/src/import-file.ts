// importFile: sends a broker export as multipart/form-data (fields first, then the file), streamed so that progress
// can be reported as the bytes leave.
import type { Client } from 'openapi-fetch';
import type { paths } from './generated/api';
import type { ImportFileOptions, ImportResult } from './types';

export interface ImportFileInput {
  /** The export's bytes. */
  data: Uint8Array;
  /** Its name, e.g. `trades.csv` (shown in errors; the format is told from the headers, not the name). */
  filename: string;
}

const CHUNK = 256 * 1024;

const quoted = (text: string) => text.replace(/["\r\n\\]/g, '_');

/** The multipart body as a stream of parts: text fields, then the file in chunks, counting what has been read. */
export function multipartBody(
  fields: Record<string, string>,
  file: ImportFileInput,
  onProgress?: (sent: number, total: number) => void,
): { body: ReadableStream<Uint8Array>; contentType: string; length: number } {
  const boundary = `----pecunia-${globalThis.crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const head: Uint8Array[] = Object.entries(fields).map(([name, value]) =>
    encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  head.push(
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.filename)}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const headBytes = head.reduce((sum, part) => sum + part.byteLength, 0);
  const total = file.data.byteLength;
  let offset = 0;
  let headSent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headSent) {
        head.forEach((part) => controller.enqueue(part));
        headSent = true;
        onProgress?.(0, total);
        return;
      }
      if (offset < total) {
        const end = Math.min(offset + CHUNK, total);
        controller.enqueue(file.data.subarray(offset, end));
        offset = end;
        onProgress?.(offset, total);
        return;
      }
      controller.enqueue(tail);
      controller.close();
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length: headBytes + total + tail.byteLength };
}

export async function sendImport(api: Client<paths>, file: ImportFileInput, options: ImportFileOptions): Promise<{ data?: ImportResult; error?: unknown; response: Response }> {
  const fields: Record<string, string> = {};
  if (options.format) fields['format'] = options.format;
  if (options.timezone) fields['timezone'] = options.timezone;
  if (options.account) fields['account'] = options.account;
  if (options.mapping) fields['mapping'] = JSON.stringify(options.mapping);
  const { body, contentType, length } = multipartBody(fields, file, options.onProgress);
  return api.POST('/api/imports', {
    params: {
      query: {
        sheet_id: options.sheetId,
        ...(options.sheetRange ? { sheet_range: options.sheetRange } : {}),
        ...(options.dryRun ? { dry_run: 'true' as const } : {}),
        ...(options.strict ? { strict: 'true' as const } : {}),
      },
    },
    body: body as never,
    bodySerializer: (value: unknown) => value as never,
    headers: { 'Content-Type': contentType, 'Content-Length': String(length) },
    signal: options.signal,
    // Node's fetch sends a streamed body only in half-duplex mode.
    duplex: 'half',
  } as never) as Promise<{ data?: ImportResult; error?: unknown; response: Response }>;
}
