// The operations commands `env:record`, `env:verify` and `env:check`: each takes argv and returns its exit code.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '@pecunia/core';
import { envSchema, loadConfig, modeOf, type Entry } from '@pecunia/core/composition';
import { readEnvFile } from './env-file';

/** Exit codes, documented in tools/README.md; monitoring (the systemd timer, a deploy script) keys on them. */
export const EXIT = {
  ok: 0,
  /** env:check: a required variable is missing or invalid, or a combination cannot work. */
  invalid: 2,
  /** env:verify: the file no longer matches its recorded hash. */
  drift: 3,
  /** The env file (or, for verify, the hash file) does not exist. */
  missing: 5,
  /** EX_USAGE from sysexits.h. */
  usage: 64,
  /** EX_DATAERR: the hash file holds no SHA-256. */
  badHashFile: 65,
  /** EX_IOERR: a file exists but cannot be read or written (permissions, a directory…). */
  io: 74,
} as const;

/** process.stdout and process.stderr satisfy this; tests pass a collector. */
export interface Output {
  write(text: string): unknown;
}

const ENTRIES: readonly Entry[] = ['api', 'lambda', 'worker', 'cli'];
const USAGE = {
  record: 'usage: npm run -s env:record -- --env-file FILE --hash-file FILE',
  verify: 'usage: npm run -s env:verify -- --env-file FILE --hash-file FILE',
  check: `usage: npm run -s env:check -- --env-file FILE [--entry ${ENTRIES.join('|')}]`,
};
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `env:record`: stores the SHA-256 of the env file's bytes in the hash file, in `sha256sum` format. */
export function runEnvRecord(argv: readonly string[], out: Output, err: Output): number {
  const args = parse(argv, USAGE.record, ['env-file', 'hash-file'], out, err);
  if (typeof args === 'number') return args;
  const envFile = args['env-file']!;
  const hashFile = args['hash-file']!;
  const digest = sha256Of('env:record', envFile, err);
  if (typeof digest === 'number') return digest;
  try {
    // `sha256sum -c` reads this line too, so an operator can check by hand with the usual tool.
    writeAtomically(hashFile, `${digest}  ${path.resolve(envFile)}\n`);
  } catch (error) {
    err.write(`env:record: cannot write ${hashFile}: ${reasonOf(error)}\n`);
    return EXIT.io;
  }
  out.write(`env:record: recorded the SHA-256 of ${envFile} in ${hashFile}\n`);
  return EXIT.ok;
}

/** `env:verify`: 0 while the env file still has the recorded hash, 3 once it has drifted. */
export function runEnvVerify(argv: readonly string[], out: Output, err: Output): number {
  const args = parse(argv, USAGE.verify, ['env-file', 'hash-file'], out, err);
  if (typeof args === 'number') return args;
  const envFile = args['env-file']!;
  const hashFile = args['hash-file']!;
  let recorded: string;
  try {
    recorded = readFileSync(hashFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  } catch (error) {
    if (isMissing(error)) {
      err.write(`env:verify: no recorded hash at ${hashFile}; run env:record on the known-good ${envFile} first\n`);
      return EXIT.missing;
    }
    err.write(`env:verify: cannot read ${hashFile}: ${reasonOf(error)}\n`);
    return EXIT.io;
  }
  if (!SHA256_HEX.test(recorded)) {
    err.write(`env:verify: ${hashFile} holds no SHA-256; run env:record again on the known-good ${envFile}\n`);
    return EXIT.badHashFile;
  }
  const digest = sha256Of('env:verify', envFile, err);
  if (typeof digest === 'number') return digest;
  if (digest !== recorded) {
    // Names the files only: the content is secrets, and a journal line is read by more people than the file.
    err.write(`env:verify: DRIFT: ${envFile} no longer matches the SHA-256 recorded in ${hashFile}; if the change was intended, run env:check then env:record\n`);
    return EXIT.drift;
  }
  out.write(`env:verify: ${envFile} matches ${hashFile}\n`);
  return EXIT.ok;
}

/** `env:check`: validates the env file with the one env schema for an entry point; names each problem, never a value. */
export function runEnvCheck(argv: readonly string[], out: Output, err: Output): number {
  const args = parse(argv, USAGE.check, ['env-file'], out, err, ['entry']);
  if (typeof args === 'number') return args;
  const envFile = args['env-file']!;
  const entry = (args.entry ?? 'api') as Entry;
  if (!ENTRIES.includes(entry)) {
    err.write(`env:check: --entry must be one of ${ENTRIES.join(', ')}\n${USAGE.check}\n`);
    return EXIT.usage;
  }
  let parsed: ReturnType<typeof readEnvFile>;
  try {
    parsed = readEnvFile(envFile);
  } catch (error) {
    if (isMissing(error)) {
      err.write(`env:check: ${envFile} does not exist\n`);
      return EXIT.missing;
    }
    err.write(`env:check: cannot read ${envFile}: ${reasonOf(error)}\n`);
    return EXIT.io;
  }
  if (!parsed.ok) {
    err.write(`env:check: ${envFile} line ${parsed.line}: ${parsed.reason}\n`);
    return EXIT.invalid;
  }
  for (const warning of warningsFor(parsed.values, parsed.duplicates)) err.write(`env:check: warning: ${warning}\n`);
  try {
    // The file alone, not merged with this shell's environment: it is what the service will start with.
    const config = loadConfig(parsed.values, entry);
    out.write(`env:check: ${envFile} is valid for the ${entry} entry point (${modeOf(config.adapters)} mode)\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err.write(`env:check: ${envFile} is not valid for the ${entry} entry point:\n`);
    for (const problem of error.problems) err.write(`  - ${redact(problem, parsed.values)}\n`);
    return EXIT.invalid;
  }
}

type Options = Partial<Record<'env-file' | 'hash-file' | 'entry', string>>;

/** The options, or an exit code once usage (or help) has been printed. */
function parse(argv: readonly string[], usage: string, required: readonly (keyof Options)[], out: Output, err: Output, optional: readonly (keyof Options)[] = []): Options | number {
  let values: Options & { help?: boolean };
  // The npm scripts pass `--` first: node (20 and later) reads a `--env-file` anywhere in its argv, even after the
  // script's path, and exits 9 when that file is missing (nodejs/node#54232), unless a `--` comes before it.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: { 'env-file': { type: 'string' }, 'hash-file': { type: 'string' }, entry: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    err.write(`${reasonOf(error)}\n${usage}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    out.write(`${usage}\n`);
    return EXIT.ok;
  }
  const missing = required.filter((name) => !values[name]);
  const unexpected = (['env-file', 'hash-file', 'entry'] as const).filter((name) => values[name] !== undefined && !required.includes(name) && !optional.includes(name));
  if (missing.length > 0 || unexpected.length > 0) {
    const what = [...missing.map((name) => `missing --${name}`), ...unexpected.map((name) => `unexpected --${name}`)].join(', ');
    err.write(`${what}\n${usage}\n`);
    return EXIT.usage;
  }
  return values;
}

function sha256Of(command: string, file: string, err: Output): string | number {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch (error) {
    if (isMissing(error)) {
      err.write(`${command}: ${file} does not exist\n`);
      return EXIT.missing;
    }
    err.write(`${command}: cannot read ${file}: ${reasonOf(error)}\n`);
    return EXIT.io;
  }
}

/** Write beside the target, flush, rename: a reader (the timer) sees the old hash or the new one, never half of one. */
function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // The umask may narrow the mode given to open(); set it exactly.
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Names the schema does not read but that look like one it does: a typo there silently falls back to a default. */
function warningsFor(values: Readonly<Record<string, string>>, duplicates: readonly { name: string; lines: number[] }[]): string[] {
  const known = Object.keys(envSchema.shape);
  const warnings = duplicates.map(({ name, lines }) => `${name} is set on lines ${lines.join(', ')}; the last one wins`);
  for (const name of Object.keys(values)) {
    if (known.includes(name)) continue;
    // One edit for short names, two for long ones: HOME is not a typo of HOST, but PROT is one of PORT.
    const near = known.find((candidate) => editDistance(name.toUpperCase(), candidate) <= (candidate.length <= 6 ? 1 : 2));
    if (near) warnings.push(`${name} is not read by Pecunia; did you mean ${near}?`);
  }
  return warnings;
}

// Secrets are long; a short value ("true", "8000") would also match ordinary words of a message, so it is left alone.
const REDACT_FROM_LENGTH = 8;

/** A schema message never quotes a value today; this keeps it so if one ever does (a custom refinement, say). */
function redact(problem: string, values: Readonly<Record<string, string>>): string {
  return Object.values(values)
    .map((value) => value.trim())
    .filter((value) => value.length >= REDACT_FROM_LENGTH)
    .sort((a, b) => b.length - a.length)
    .reduce((text, value) => text.split(value).join('[redacted]'), problem);
}

/** Optimal string alignment distance: edits, with a swap of two neighbours (PROT for PORT) counted as one. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
