import fc from 'fast-check';
import { ValidationError } from '../errors';
import { csvRecords, guessDelimiter } from './csv-records';
import type { CsvRecord } from './import-types';

async function recordsOf(source: Parameters<typeof csvRecords>[0], options: { delimiter?: string } = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of csvRecords(source, options)) out.push(record);
  return out;
}

async function failureOf(source: Parameters<typeof csvRecords>[0]): Promise<ValidationError> {
  try {
    await recordsOf(source);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

async function* pieces(...parts: (string | Buffer)[]): AsyncIterable<string | Buffer> {
  for (const part of parts) yield part;
}

describe('csvRecords', () => {
  it('numbers records by the line they end on, skipping blank lines and records of blank cells', async () => {
    const records = await recordsOf('a,b,c\n\n1,2,3\n , ,\n,,\n4,"x\ny",6\n7,8');

    expect(records).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 3, cells: ['1', '2', '3'] },
      { line: 7, cells: ['4', 'x\ny', '6'] },
      { line: 8, cells: ['7', '8'] },
    ]);
  });

  it('strips a UTF-8 BOM, reads CRLF files and keeps spaces and odd column counts', async () => {
    const records = await recordsOf(Buffer.from('\uFEFFSymbol;Qty\r\n AAPL ;1;extra\r\n\r\nMSFT\r\n', 'utf8'));

    expect(records).toEqual([
      { line: 1, cells: ['Symbol', 'Qty'] },
      { line: 2, cells: [' AAPL ', '1', 'extra'] },
      { line: 4, cells: ['MSFT'] },
    ]);
  });

  it('reads a stream whose chunks split lines and multi-byte characters', async () => {
    const bytes = Buffer.from('Symbol,Fee\nAAPL,1 €\nMSFT,2 €\n', 'utf8');
    const split = bytes.indexOf(0xe2) + 1;

    const records = await recordsOf(pieces(bytes.subarray(0, 5), bytes.subarray(5, split), bytes.subarray(split)));

    expect(records).toEqual([
      { line: 1, cells: ['Symbol', 'Fee'] },
      { line: 2, cells: ['AAPL', '1 €'] },
      { line: 3, cells: ['MSFT', '2 €'] },
    ]);
  });

  it('guesses tab and semicolon delimiters', async () => {
    expect(guessDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t');
    expect(guessDelimiter('a;b;c\n1,5;2,5;3')).toBe(';');
    expect(await recordsOf('a\tb\n1\t2\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]);
  });

  it('refuses a quote never closed, naming the line', async () => {
    const error = await failureOf('a,b\n1,2\n3,"4\n5,6\n');

    expect(error.code).toBe('IMPORT.MALFORMED_CSV');
    expect(error.message).toBe('The file is not readable CSV: Quote Not Closed: the parsing is finished with an opening quote at line 4');
    expect(error.details).toEqual({ parser_code: 'CSV_QUOTE_NOT_CLOSED', line: 4 });
  });

  it('refuses a record of more than 256 KB (a file without line breaks) after the plain lines before it', async () => {
    const error = await failureOf(`a,b\n1,2\n${'x'.repeat(300_000)},y\n3,4\n`);

    expect(error.code).toBe('IMPORT.MALFORMED_CSV');
    expect(error.message).toBe('The file is not readable CSV: Max Record Size: record exceed the maximum number of tolerated bytes of 262144 at line 3');
    expect(error.details).toEqual({ parser_code: 'CSV_MAX_RECORD_SIZE', line: 3 });
  });
});

/** Everything csvRecords answers for a source: its records and the error it ends with, if any. */
async function outcomeOf(source: () => Parameters<typeof csvRecords>[0], options: { delimiter?: string; csvParseOnly?: boolean }) {
  const records: CsvRecord[] = [];
  try {
    for await (const record of csvRecords(source(), options)) records.push(record);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { records, error: { code: error.code, message: error.message, details: error.details } };
  }
  return { records };
}

describe('csvRecords plain-line reader', () => {
  // Cells mostly plain, now and then with what only csv-parse reads: quotes, carriage returns, multi-byte and invalid
  // UTF-8, a byte-order mark; lines joined by \n, \r\n or a lone \r, the file cut into chunks anywhere.
  const token = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('AAPL', '100', '1.5', '', ' ', 'x y', '€', '2026-03-05 09:30:00') },
    { weight: 4, arbitrary: fc.constantFrom(',', ';', '\t') },
    { weight: 1, arbitrary: fc.constantFrom('"', '""', '"a,b"', '"x\ny"', '\r', '\uFEFF', '\u00A0', '\u2028') },
  );
  const line = fc.array(token, { maxLength: 8 }).map((tokens) => tokens.join(''));
  const file = fc.record({
    start: fc.constantFrom('', '', '', '\uFEFF', '\n', '\r\n'),
    lines: fc.array(line, { maxLength: 30 }),
    breaks: fc.constantFrom(['\n'], ['\r\n'], ['\n', '\r\n'], ['\r'], ['\n', '\n', '\n', '\r']),
    seed: fc.integer({ min: 0, max: 1000 }),
    last: fc.boolean(),
    raw: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
    cuts: fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 5 }),
  });

  it('gives the records, line numbers and errors csv-parse alone gives', async () => {
    await fc.assert(
      fc.asyncProperty(file, fc.constantFrom(undefined, ',', ';', '\t', '||'), async ({ start, lines, breaks, seed, last, raw, cuts }, delimiter) => {
        // Arrange
        const text = start + lines.map((text, i) => text + (i < lines.length - 1 || last ? breaks[(seed + i) % breaks.length]! : '')).join('');
        const bytes = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from(raw), Buffer.from('\nEND,1', 'utf8')]);
        const bounds = [...new Set(cuts.filter((cut) => cut < bytes.length))].sort((a, b) => a - b);
        const chunks = () => pieces(...[0, ...bounds].map((from, i) => bytes.subarray(from, bounds[i] ?? bytes.length)));
        const options = delimiter === undefined ? {} : { delimiter };

        // Act
        const plain = await outcomeOf(chunks, options);
        const reference = await outcomeOf(chunks, { ...options, csvParseOnly: true });

        // Assert
        expect(plain).toEqual(reference);
        expect(await outcomeOf(() => bytes, options)).toEqual(await outcomeOf(() => bytes, { ...options, csvParseOnly: true }));
      }),
      { numRuns: 500 },
    );
  });
});
