// Reads a deployment's env file (`KEY=value` lines) into a record, or names the first line that is not one.
import { readFileSync } from 'node:fs';

// Our own parser rather than dotenv: dotenv is only here through nx (not ours to import), and it skips a line it
// cannot read without a word, where an operator needs to be told which line is wrong.

/** A variable assigned more than once: the last assignment wins, as with systemd's EnvironmentFile= and dotenv. */
export interface DuplicateVariable {
  name: string;
  lines: number[];
}

export type EnvFileParse =
  | { ok: true; values: Record<string, string>; duplicates: DuplicateVariable[] }
  | { ok: false; line: number; reason: string };

const ASSIGNMENT = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*/;
const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$', '`': '`' };

interface QuotedValue {
  value: string;
  /** Index of the line after the one holding the closing quote. */
  next: number;
}

/**
 * Parses env-file text. Lines: `KEY=value`, optional `export `, `#` comments, blank lines. Values: unquoted (trimmed,
 * ` #` starts a comment), 'single-quoted' (literal) or "double-quoted" (\n \r \t \" \\ \$ escapes); quoted values may
 * span lines. Nothing is expanded: `$HOME` stays `$HOME`.
 */
export function parseEnv(text: string): EnvFileParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values: Record<string, string> = {};
  const seenOn = new Map<string, number[]>();
  let index = 0;
  while (index < lines.length) {
    const lineNumber = index + 1;
    const line = (lines[index] ?? '').trimStart();
    if (line === '' || line.startsWith('#')) {
      index += 1;
      continue;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) return { ok: false, line: lineNumber, reason: describeMalformed(line) };
    const name = assignment[1]!;
    const rest = line.slice(assignment[0].length);
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const quoted = readQuoted(lines, index, rest, quote);
      if ('reason' in quoted) return { ok: false, line: quoted.line, reason: quoted.reason };
      value = quoted.value;
      index = quoted.next;
    } else {
      // A `#` inside a word is part of the value (`PASS=a#b`), as in a shell; after whitespace it starts a comment.
      value = rest.replace(/(^|[ \t])#.*$/, '').trimEnd();
      index += 1;
    }
    values[name] = value;
    seenOn.set(name, [...(seenOn.get(name) ?? []), lineNumber]);
  }
  const duplicates = [...seenOn].filter(([, at]) => at.length > 1).map(([name, at]) => ({ name, lines: at }));
  return { ok: true, values, duplicates };
}

/** Reads and parses an env file; file-system errors (ENOENT…) are thrown for the caller to map to its exit codes. */
export function readEnvFile(file: string): EnvFileParse {
  return parseEnv(readFileSync(file, 'utf8'));
}

function readQuoted(lines: readonly string[], start: number, rest: string, quote: '"' | "'"): QuotedValue | { line: number; reason: string } {
  let value = '';
  let text = rest.slice(1);
  let index = start;
  for (;;) {
    let position = 0;
    while (position < text.length) {
      const char = text[position]!;
      if (char === quote) {
        const trailing = text.slice(position + 1);
        // Only a comment may follow the closing quote; anything else is a typo an operator should see.
        if (trailing.trim() !== '' && !/^[ \t]+#/.test(trailing) && !trailing.startsWith('#')) {
          return { line: index + 1, reason: `unexpected text after the closing ${quote} quote` };
        }
        return { value, next: index + 1 };
      }
      if (quote === '"' && char === '\\' && position + 1 < text.length) {
        const escaped = text[position + 1]!;
        // An unknown escape keeps its backslash, as a shell does inside double quotes.
        value += DOUBLE_QUOTED_ESCAPES[escaped] ?? `\\${escaped}`;
        position += 2;
        continue;
      }
      value += char;
      position += 1;
    }
    index += 1;
    if (index >= lines.length) return { line: start + 1, reason: `unterminated ${quote} quote (opened on this line)` };
    // The value goes on: a quoted value may hold a newline (a PEM key, say).
    value += '\n';
    text = lines[index] ?? '';
  }
}

function describeMalformed(line: string): string {
  const name = /^(?:export[ \t]+)?(\S+)/.exec(line)?.[1] ?? '';
  if (!line.includes('=')) return 'expected KEY=value (no "=" on this line)';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.split('=')[0] ?? '')) {
    return 'expected KEY=value where KEY is letters, digits and _ and does not start with a digit';
  }
  return 'expected KEY=value';
}
