// CSV reading for broker files: a stream of records with their line numbers, BOM and delimiter handled, nothing
// buffered beyond the record being parsed (csv-parse does the quoting rules).
import { parse } from 'csv-parse';
import { ValidationError } from '../errors';
import type { CsvRecord } from './import-types';

export type CsvSource = string | Buffer | Uint8Array | AsyncIterable<Buffer | Uint8Array | string>;

/**
 * Guesses the delimiter from the first lines: `;` when it outnumbers `,` (European NinjaTrader exports, decimal
 * commas), tab for TSV, `,` otherwise.
 */
export function guessDelimiter(sample: string): ',' | ';' | '\t' {
  const lines = sample.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '').slice(0, 5);
  const count = (char: string) => lines.reduce((sum, line) => sum + line.split(char).length - 1, 0);
  const commas = count(',');
  const semicolons = count(';');
  const tabs = count('\t');
  if (tabs > commas && tabs > semicolons) return '\t';
  if (semicolons > commas) return ';';
  return ',';
}

async function* chunksOf(source: CsvSource): AsyncIterable<Buffer> {
  if (typeof source === 'string') {
    yield* chunksOf(Buffer.from(source, 'utf8'));
    return;
  }
  if (source instanceof Uint8Array) {
    // Slices, so that the parser's records are handed on as they are read rather than all at once.
    const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    for (let offset = 0; offset < bytes.length; offset += SLICE_BYTES) yield bytes.subarray(offset, offset + SLICE_BYTES);
    return;
  }
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
}

const SAMPLE_BYTES = 64 * 1024;
const SLICE_BYTES = 256 * 1024;
const MAX_RECORD_CHARS = 256 * 1024;

/**
 * Records of a CSV file in order. Blank lines are skipped, rows may have differing column counts (multi-section
 * statements), cells are trimmed of surrounding spaces only where they are unquoted. `delimiter` is guessed from the
 * first 64 KB when not given.
 */
export async function* csvRecords(source: CsvSource, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord> {
  const iterator = chunksOf(source)[Symbol.asyncIterator]();
  // Peek enough of the file to guess the delimiter, then replay it into the parser.
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < SAMPLE_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const delimiter = options.delimiter ?? guessDelimiter(Buffer.concat(head).toString('utf8', 0, Math.min(headBytes, SAMPLE_BYTES)));
  async function* replay(): AsyncIterable<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const parser = parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      // A broker record is a few KB; one of megabytes (a file with no line breaks) costs csv-parse about a second of
      // CPU per MB, so it is refused (400 IMPORT.MALFORMED_CSV) rather than parsed.
      max_record_size: MAX_RECORD_CHARS,
      // The line the record ended on (a record spanning lines, a quoted newline, is rare in exports). Taken here rather
      // than with `info: true`, whose per-record copy of the parser state was a third of a large import's time.
      on_record: (record: string[], context) => ({ line: context.lines, cells: record }) as unknown as string[],
  });
  // The parser is driven by hand, a chunk at a time, and its records handed on from a plain array: piping it as an
  // object stream cost more per record than the parsing itself.
  let batch: CsvRecord[] = [];
  let failure: Error | undefined;
  parser.on('data', (record: CsvRecord) => batch.push(record));
  // A file the parser cannot read (a quote never closed…) is the caller's to fix, not a server fault.
  parser.on('error', (error: Error & { code?: string; lines?: number }) => {
    failure = new ValidationError('IMPORT.MALFORMED_CSV', `The file is not readable CSV: ${error.message}`, { parser_code: error.code, line: error.lines }, error);
  });
  const drain = function* (): Generator<CsvRecord> {
    const records = batch;
    batch = [];
    for (const record of records) yield record;
  };
  for await (const chunk of replay()) {
    parser.write(chunk);
    if (failure) throw failure;
    yield* drain();
  }
  await new Promise<void>((resolve, reject) => {
    parser.once('end', resolve);
    parser.once('error', () => reject(failure));
    parser.end();
    // 'end' is only emitted once the readable side is consumed, which the 'data' listener does.
  });
  if (failure) throw failure;
  yield* drain();
}

/** The first `count` records of a file, for format detection. */
export async function headRecords(records: AsyncIterable<CsvRecord>, count = 40): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of records) {
    out.push(record);
    if (out.length >= count) break;
  }
  return out;
}
