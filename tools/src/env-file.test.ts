// The env-file parser: the syntax operators write by hand, and a line number for each mistake.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv, readEnvFile } from './env-file';

function valuesOf(text: string): Record<string, string> {
  const parsed = parseEnv(text);
  if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.reason}`);
  return parsed.values;
}

describe('parseEnv', () => {
  it('reads KEY=value lines, skipping blank lines and comments', () => {
    const text = '# Pecunia\n\nPORT=8000\n   # indented comment\nHOST=0.0.0.0\n';

    const values = valuesOf(text);

    expect(values).toEqual({ PORT: '8000', HOST: '0.0.0.0' });
  });

  it('accepts an export prefix and spaces around the =', () => {
    const text = 'export PORT=8000\nexport\tHOST = localhost\nAPP_ENV= production';

    const values = valuesOf(text);

    expect(values).toEqual({ PORT: '8000', HOST: 'localhost', APP_ENV: 'production' });
  });

  it('keeps every = after the first in the value', () => {
    const text = 'GOOGLE_REDIRECT_URI=https://example.com/cb?a=b&c==d\nEMPTY=';

    const values = valuesOf(text);

    expect(values).toEqual({ GOOGLE_REDIRECT_URI: 'https://example.com/cb?a=b&c==d', EMPTY: '' });
  });

  it('ends an unquoted value at a comment after whitespace, but keeps a # inside a word', () => {
    const text = 'PORT=8000   # the API\nSECRET=ab#cd\nSPACED=hello world  ';

    const values = valuesOf(text);

    expect(values).toEqual({ PORT: '8000', SECRET: 'ab#cd', SPACED: 'hello world' });
  });

  it('takes single-quoted values literally', () => {
    const text = "A='it has \\n and $HOME and # inside'\nB='' # empty";

    const values = valuesOf(text);

    expect(values).toEqual({ A: 'it has \\n and $HOME and # inside', B: '' });
  });

  it('unescapes \\n \\r \\t \\" \\\\ and \\$ in double quotes, and keeps an unknown escape as written', () => {
    const text = 'A="line1\\nline2\\ttab\\r"\nB="say \\"hi\\" \\\\ \\$5 \\q"';

    const values = valuesOf(text);

    expect(values).toEqual({ A: 'line1\nline2\ttab\r', B: 'say "hi" \\ $5 \\q' });
  });

  it('expands no variables', () => {
    const text = 'HOME_COPY=$HOME\nQUOTED="${PORT}"';

    const values = valuesOf(text);

    expect(values).toEqual({ HOME_COPY: '$HOME', QUOTED: '${PORT}' });
  });

  it('lets a quoted value span lines (a PEM key, say)', () => {
    const text = 'KEY="-----BEGIN-----\nabc\n-----END-----"\nPORT=1';

    const values = valuesOf(text);

    expect(values).toEqual({ KEY: '-----BEGIN-----\nabc\n-----END-----', PORT: '1' });
  });

  it('counts lines on after a value that spans lines', () => {
    const text = 'KEY="-----BEGIN-----\nabc\n-----END-----"\nPORT=1\nBROKEN';

    const parsed = parseEnv(text);

    expect(parsed).toEqual({ ok: false, line: 5, reason: expect.stringContaining('no "="') });
  });

  it('reads CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFFPORT=8000\r\nHOST="h"\r\n';

    const values = valuesOf(text);

    expect(values).toEqual({ PORT: '8000', HOST: 'h' });
  });

  it('lets the last assignment win and lists the lines of each duplicate', () => {
    const text = 'PORT=1\nHOST=h\nPORT=2\nPORT=3';

    const parsed = parseEnv(text);

    expect(parsed).toEqual({ ok: true, values: { PORT: '3', HOST: 'h' }, duplicates: [{ name: 'PORT', lines: [1, 3, 4] }] });
  });

  it.each([
    ['a line without =', 'PORT=1\nnot an assignment', 2, 'no "="'],
    ['a name starting with a digit', '1PORT=8000', 1, 'KEY is letters'],
    ['a name with a dash', 'MY-PORT=8000', 1, 'KEY is letters'],
    ['text after the closing quote', 'A="x"y', 1, 'after the closing'],
    ['an unterminated quote (the line it opened on)', 'PORT=1\nSECRET="never closed\nmore', 2, 'unterminated'],
    ['export with no assignment', 'export PORT', 1, 'no "="'],
  ])('names the line of %s', (_name, text, line, reason) => {
    const parsed = parseEnv(text);

    expect(parsed).toEqual({ ok: false, line, reason: expect.stringContaining(reason) });
  });

  it('never quotes the malformed line, which may hold a secret', () => {
    const text = 'GEMINI_API_KEY "AIzaSy-very-secret"';

    const parsed = parseEnv(text);

    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).not.toContain('very-secret');
  });
});

describe('readEnvFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'env-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a file from disk', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'PORT=8000\n');

    const parsed = readEnvFile(file);

    expect(parsed).toEqual({ ok: true, values: { PORT: '8000' }, duplicates: [] });
  });

  it('throws the file-system error of a missing file for the caller to map', () => {
    const file = path.join(dir, 'missing.env');

    const read = () => readEnvFile(file);

    expect(read).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
