// importFile: sends a broker export as multipart/form-data (fields first, then the file); see form-upload.ts for how.
import type { Client } from 'openapi-fetch';
import type { paths } from './generated/api';
import { formUpload } from './form-upload';
import type { TextPart } from './multipart-body';
import type { ImportFileOptions, ImportResult } from './types';

export interface ImportFileInput {
  /** The export's bytes. */
  data: Uint8Array;
  /** Its name, e.g. `trades.csv` (shown in errors; the format is told from the headers, not the name). */
  filename: string;
}

export async function sendImport(api: Client<paths>, file: ImportFileInput, options: ImportFileOptions): Promise<{ data?: ImportResult; error?: unknown; response: Response }> {
  const fields: TextPart[] = [];
  if (options.format) fields.push({ name: 'format', value: options.format });
  if (options.timezone) fields.push({ name: 'timezone', value: options.timezone });
  if (options.account) fields.push({ name: 'account', value: options.account });
  if (options.mapping) fields.push({ name: 'mapping', value: JSON.stringify(options.mapping) });
  const onProgress = options.onProgress;
  const upload = formUpload(
    [...fields, { name: 'file', filename: file.filename, contentType: 'text/csv', data: file.data }],
    onProgress && ((sent, total) => onProgress(sent, total ?? file.data.byteLength)),
  );
  const result = await (api.POST('/api/imports', {
    params: {
      query: {
        sheet_id: options.sheetId,
        ...(options.sheetRange ? { sheet_range: options.sheetRange } : {}),
        ...(options.dryRun ? { dry_run: 'true' as const } : {}),
        ...(options.strict ? { strict: 'true' as const } : {}),
      },
    },
    signal: options.signal,
    ...upload.init,
  } as never) as Promise<{ data?: ImportResult; error?: unknown; response: Response }>);
  upload.answered(result.response);
  return result;
}
