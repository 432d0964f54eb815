// CSV reading for broker files: a stream of records with their line numbers, BOM and delimiter handled, nothing
// buffered beyond the chunk being read (plain lines split by hand, csv-parse from the first line with quoting on).
import { parse, type Parser } from 'csv-parse';
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
 * A reader of a CSV file's bytes: fed a chunk at a time (`write`, then `end`), it hands its records over one by one
 * (`next`, undefined once the bytes fed so far hold no further record).
 */
interface RecordReader {
  write(bytes: Buffer): void;
  end(): Promise<void>;
  next(): CsvRecord | undefined;
}

/** csv-parse driven by hand, a chunk at a time, its records kept in a plain array. */
class CsvParseReader implements RecordReader {
  private readonly parser: Parser;
  // Piping the parser as an object stream cost more per record than the parsing itself.
  private batch: CsvRecord[] = [];
  private index = 0;
  private failure: Error | undefined;

  constructor(delimiter: string, bom: boolean) {
    this.parser = parse({
      bom,
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
    this.parser.on('data', (record: CsvRecord) => this.batch.push(record));
    // A file the parser cannot read (a quote never closed…) is the caller's to fix, not a server fault.
    this.parser.on('error', (error: Error & { code?: string; lines?: number }) => {
      this.failure = new ValidationError('IMPORT.MALFORMED_CSV', `The file is not readable CSV: ${error.message}`, { parser_code: error.code, line: error.lines }, error);
    });
  }

  write(bytes: Buffer): void {
    this.parser.write(bytes);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.parser.once('end', resolve);
      this.parser.once('error', () => reject(this.failure));
      this.parser.end();
      // 'end' is only emitted once the readable side is consumed, which the 'data' listener does.
    });
    if (this.failure) throw this.failure;
  }

  next(): CsvRecord | undefined {
    if (this.index < this.batch.length) return this.batch[this.index++];
    if (this.index > 0) {
      this.batch = [];
      this.index = 0;
    }
    return undefined;
  }
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const NO_BYTES = Buffer.alloc(0);

const isBlank = (cell: string): boolean => cell.trim() === '';
const UNKNOWN = -2;

/**
 * Plain lines (no quote, no stray carriage return: nearly every line of a large export) split by hand, which is many
 * times cheaper than csv-parse's byte-by-byte state machine, and a line at a time as records are asked for, so that
 * a chunk's records are not all alive at once. From the first line that is not plain to the end of the file csv-parse
 * reads, so quoting, odd line breaks and malformed files are exactly its. Records, line numbers and errors are what
 * csv-parse alone gives (`csv-records.test.ts` checks it on generated files): a plain line is split at the delimiter,
 * an empty line or one of blank cells is skipped, each line break counts one line (the first break of the file, `\n`
 * or `\r\n`, is the record delimiter throughout), and a line must be over 256 KB before its size can be refused. One
 * difference, before an error at the very end of the file (a quote never closed in its last bytes): the plain lines just
 * before it come out as records first, where csv-parse alone, still holding its last few bytes, failed without them;
 * the error is the same, and an import stops on it either way.
 */
class PlainLineReader implements RecordReader {
  /** Bytes after the last complete line. */
  private pending: Buffer = NO_BYTES;
  /**
   * Chunks that came after `pending` with no line break in them, kept aside: the line is joined (and searched) once,
   * when its break comes or it outgrows what csv-parse accepts. Joining at every chunk cost a long line sent in small
   * chunks (a slow upload) its length squared.
   */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Plain lines not split yet: `text` from `from` on. */
  private text = '';
  private from = 0;
  /** The next delimiter in `text` at or after `from`; -1 when there is none, UNKNOWN when not looked for yet. */
  private delimiterAt = UNKNOWN;
  /** Line breaks read so far: a record's line is one more. */
  private lines = 0;
  private crlf: boolean | undefined;
  private bomChecked = false;
  /** csv-parse, once a line that is not plain came. */
  private parser: CsvParseReader | undefined;

  constructor(private readonly delimiter: string) {}

  write(chunk: Buffer): void {
    if (this.parser) return this.parser.write(chunk);
    const waiting = this.pending.length + this.heldBytes;
    if (waiting > 0 && chunk.indexOf(LF) < 0 && waiting + chunk.length <= MAX_RECORD_CHARS) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    const bytes = waiting > 0 ? this.takePending(chunk) : chunk;
    this.read(bytes, false);
  }

  async end(): Promise<void> {
    if (!this.parser) this.read(this.takePending(NO_BYTES), true);
    // The last line was not plain, or an earlier one: csv-parse has it.
    if (this.parser) await this.parser.end();
  }

  next(): CsvRecord | undefined {
    const { text, delimiter } = this;
    while (this.from < text.length) {
      const from = this.from;
      let to = text.indexOf('\n', from);
      const last = to < 0;
      if (last) to = text.length;
      // Complete lines of a CRLF file end with the `\r` (the last line of the file has no break).
      const contentEnd = this.crlf === true && !last ? to - 1 : to;
      this.from = to + 1;
      const line = this.lines + 1;
      if (!last) this.lines = line;
      if (contentEnd > from) {
        // The line split at each delimiter, as `split` would, without first copying the line out. The delimiter found
        // past the line is kept for the next lines: a file of one column is not searched to its end once per line.
        const cells: string[] = [];
        let start = from;
        let at = this.delimiterAt;
        if (at === UNKNOWN || (at >= 0 && at < from)) at = text.indexOf(delimiter, from);
        while (at >= 0 && at < contentEnd) {
          cells.push(text.slice(start, at));
          start = at + 1;
          at = text.indexOf(delimiter, start);
        }
        this.delimiterAt = at;
        cells.push(text.slice(start, contentEnd));
        if (!cells.every(isBlank)) return { line, cells };
      }
    }
    return this.parser?.next();
  }

  /** The bytes waiting for a line break, joined with `chunk`, and none left waiting. */
  private takePending(chunk: Buffer): Buffer {
    const bytes = Buffer.concat([this.pending, ...this.held, chunk]);
    this.pending = NO_BYTES;
    this.held = [];
    this.heldBytes = 0;
    return bytes;
  }

  /** Takes in `bytes`, the plain lines first; what follows a line that is not plain goes to csv-parse. */
  private read(bytes: Buffer, end: boolean): void {
    let start = 0;
    if (!this.bomChecked) {
      // csv-parse looks for a byte-order mark once it has 3 bytes (or the whole file, when it is shorter).
      if (bytes.length < 3 && !end) {
        this.pending = bytes;
        return;
      }
      if (bytes.length >= 3) {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
        // UTF-16: csv-parse decodes it, from the first byte.
        else if (bytes[0] === 0xff && bytes[1] === 0xfe) return this.handOver(bytes, true);
      }
      this.bomChecked = true;
    }
    if (this.crlf === undefined) {
      // The file's first line break is its record delimiter; a lone `\r` (classic Mac OS) is csv-parse's to read.
      const lf = bytes.indexOf(LF, start);
      const cr = bytes.indexOf(CR, start);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 === lf) this.crlf = true;
        else if (cr + 1 < bytes.length || end) return this.handOver(bytes.subarray(start), false);
        else {
          // A `\r` that ends the chunk: whether a `\n` follows is in the next one.
          this.pending = bytes.subarray(start);
          return;
        }
      } else if (lf >= 0) this.crlf = false;
    }
    // The plain lines: up to the last line break (to the end of the file at its end), and before the first line with a
    // quote, a carriage return other than that of a CRLF, or too many bytes.
    const limit = end ? bytes.length : Math.max(start, bytes.lastIndexOf(LF) + 1);
    let quote = bytes.indexOf(QUOTE, start);
    let cr = bytes.indexOf(CR, start);
    let plainEnd = start;
    while (plainEnd < limit) {
      const lf = bytes.indexOf(LF, plainEnd);
      const lineEnd = lf < 0 || lf >= limit ? limit : lf;
      const crlfEnd = lineEnd === lf && lf > plainEnd && bytes[lf - 1] === CR;
      // In a CRLF file a bare `\n` is not a line break to csv-parse (though it counts it as a line).
      if (this.crlf === true && lineEnd === lf && !crlfEnd) break;
      const contentEnd = crlfEnd && this.crlf === true ? lf - 1 : lineEnd;
      if (quote >= 0 && quote < lineEnd) break;
      if (cr >= 0 && cr < lineEnd) {
        if (cr < contentEnd) break;
        cr = bytes.indexOf(CR, lineEnd);
      }
      if (lineEnd - plainEnd > MAX_RECORD_CHARS) break;
      plainEnd = lineEnd === lf ? lf + 1 : lineEnd;
      if (quote >= 0 && quote < plainEnd) quote = bytes.indexOf(QUOTE, plainEnd);
    }
    // `next` has split every line of the previous text before anything more is read.
    this.text = bytes.toString('utf8', start, plainEnd);
    this.from = 0;
    this.delimiterAt = UNKNOWN;
    if (plainEnd < limit) return this.handOver(bytes.subarray(plainEnd), false);
    this.pending = bytes.subarray(limit);
    // A line with no break yet, longer than csv-parse accepts: csv-parse tells when it refuses it.
    if (this.pending.length > MAX_RECORD_CHARS) {
      const line = this.pending;
      this.pending = NO_BYTES;
      this.handOver(line, false);
    }
  }

  /**
   * From `rest` to the end of the file csv-parse reads. It is handed a blank line for each line read here before
   * (blank lines are skipped but counted), so that its line numbers, in records and errors, are the file's; and the
   * byte-order mark is only looked for at the start of the file. The plain lines before `rest` are still to be split:
   * `next` hands them over first.
   */
  private handOver(rest: Buffer, bom: boolean): void {
    const linesBefore = this.lines + (this.text.slice(this.from).match(/\n/g)?.length ?? 0);
    this.parser = new CsvParseReader(this.delimiter, bom);
    const blankLines = Buffer.from((this.crlf ? '\r\n' : '\n').repeat(linesBefore), 'utf8');
    this.parser.write(Buffer.concat([blankLines, rest]));
  }
}

/** Delimiters a plain line can be split at: one character that is not part of the CSV syntax. */
const splittable = (delimiter: string): boolean => delimiter.length === 1 && delimiter.charCodeAt(0) < 0x80 && !'"\r\n'.includes(delimiter);

/**
 * The records of a CSV source, a hand-written iterator rather than an async generator: a record already read is
 * handed over in an already-resolved promise, without a generator's suspensions (a few per record, at a hundred
 * thousand records a measurable part of an import). Like the generator it replaces, it stops at the first error and
 * leaves the source as it is when the consumer stops early.
 */
class CsvRecordStream implements AsyncIterableIterator<CsvRecord> {
  private chunks: AsyncIterator<Buffer> | undefined;
  /** The chunks peeked to guess the delimiter, handed to the reader before the rest of the source. */
  private head: Buffer[] = [];
  private headIndex = 0;
  private reader: RecordReader | undefined;
  /** The source has no more chunks; the reader was told the file is over. */
  private ended = false;
  private readerEnded = false;
  private finished = false;
  private pulling: Promise<IteratorResult<CsvRecord>> | undefined;

  constructor(
    private readonly source: CsvSource,
    private readonly options: { delimiter?: string; csvParseOnly?: boolean },
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<CsvRecord>> {
    if (this.pulling) return this.pulling.then(() => this.next());
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    const record = this.reader?.next();
    if (record !== undefined) return Promise.resolve({ value: record, done: false });
    this.pulling = this.pull().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  async return(): Promise<IteratorResult<CsvRecord>> {
    this.finished = true;
    return { value: undefined, done: true };
  }

  /** Reads chunks until one completes a record, or the file ends. */
  private async pull(): Promise<IteratorResult<CsvRecord>> {
    try {
      const reader = this.reader ?? (await this.start());
      for (;;) {
        const chunk = this.nextHeadChunk() ?? (this.ended ? undefined : await this.nextChunk());
        if (chunk === undefined) {
          if (!this.readerEnded) {
            this.readerEnded = true;
            await reader.end();
            const record = reader.next();
            if (record !== undefined) return { value: record, done: false };
          }
          this.finished = true;
          return { value: undefined, done: true };
        }
        reader.write(chunk);
        const record = reader.next();
        if (record !== undefined) return { value: record, done: false };
      }
    } catch (error) {
      this.finished = true;
      throw error;
    }
  }

  /** The next peeked chunk, by index: a slow upload can leave tens of thousands of tiny chunks, too many to `shift`. */
  private nextHeadChunk(): Buffer | undefined {
    if (this.headIndex < this.head.length) return this.head[this.headIndex++];
    if (this.head.length > 0) {
      this.head = [];
      this.headIndex = 0;
    }
    return undefined;
  }

  private async nextChunk(): Promise<Buffer | undefined> {
    const next = await this.chunks!.next();
    if (next.done) {
      this.ended = true;
      return undefined;
    }
    return next.value;
  }

  /** Peeks enough of the file to guess the delimiter (the peeked chunks are read again), and picks the reader. */
  private async start(): Promise<RecordReader> {
    this.chunks = chunksOf(this.source)[Symbol.asyncIterator]();
    let headBytes = 0;
    while (headBytes < SAMPLE_BYTES) {
      const chunk = await this.nextChunk();
      if (chunk === undefined) break;
      this.head.push(chunk);
      headBytes += chunk.length;
    }
    const delimiter = this.options.delimiter ?? guessDelimiter(Buffer.concat(this.head).toString('utf8', 0, Math.min(headBytes, SAMPLE_BYTES)));
    this.reader = splittable(delimiter) && this.options.csvParseOnly !== true ? new PlainLineReader(delimiter) : new CsvParseReader(delimiter, true);
    return this.reader;
  }
}

/**
 * Records of a CSV file in order. Blank lines are skipped, rows may have differing column counts (multi-section
 * statements), cells are kept as written (readers trim them). `delimiter` is guessed from the first 64 KB when not
 * given. `csvParseOnly` reads every line with csv-parse (the reference the plain-line reader is tested against).
 */
export function csvRecords(source: CsvSource, options: { delimiter?: string; csvParseOnly?: boolean } = {}): AsyncIterableIterator<CsvRecord> {
  return new CsvRecordStream(source, options);
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
