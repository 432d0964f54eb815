// env:record / env:verify / env:check by their exit codes, and the shell scripts around them run as an operator would.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, runEnvCheck, runEnvRecord, runEnvVerify } from './env-tools';

const ROOT = path.resolve(__dirname, '../..');
const SECRETS = {
  GOOGLE_CLIENT_SECRET: 'GOCSPX-client-secret-do-not-print',
  TOKEN_ENCRYPTION_SECRET: 'token-encryption-secret-of-at-least-32-chars',
};

function capture() {
  const output = { text: '', write: (chunk: string) => void (output.text += chunk) };
  return output;
}

function envText(variables: Record<string, string>): string {
  return `${Object.entries(variables).map(([name, value]) => `${name}=${value}`).join('\n')}\n`;
}

/** A production API in Google mode with everything it needs. */
function goodEnv(): string {
  return envText({
    APP_ENV: 'production',
    PORT: '8080',
    GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
    GOOGLE_CLIENT_SECRET: SECRETS.GOOGLE_CLIENT_SECRET,
    GOOGLE_REDIRECT_URI: 'https://pecunia.example.com/api/auth/google/callback',
    TOKEN_ENCRYPTION_SECRET: SECRETS.TOKEN_ENCRYPTION_SECRET,
  });
}

/** An invalid port and half the Google set: two problems in one file. */
function badEnv(): string {
  return envText({ PORT: 'abc', GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: SECRETS.GOOGLE_CLIENT_SECRET });
}

let dir: string;
let envFile: string;
let hashFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'env-tools-'));
  envFile = path.join(dir, '.env');
  hashFile = path.join(dir, '.env.sha256');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(command: typeof runEnvCheck, argv: string[]) {
  const out = capture();
  const err = capture();
  const code = command(argv, out, err);
  // The temporary directory's random name could spell anything; take it out before looking for values.
  return { code, out: out.text.replaceAll(dir, '<dir>'), err: err.text.replaceAll(dir, '<dir>') };
}

describe('env:record and env:verify', () => {
  it('records the SHA-256 of the file in a 0600 hash file that verify accepts', () => {
    writeFileSync(envFile, goodEnv());

    const recorded = run(runEnvRecord, ['--env-file', envFile, '--hash-file', hashFile]);
    const verified = run(runEnvVerify, ['--env-file', envFile, '--hash-file', hashFile]);

    expect(recorded.code).toBe(EXIT.ok);
    expect(verified.code).toBe(EXIT.ok);
    const expected = createHash('sha256').update(readFileSync(envFile)).digest('hex');
    expect(readFileSync(hashFile, 'utf8')).toBe(`${expected}  ${envFile}\n`);
    expect(statSync(hashFile).mode & 0o777).toBe(0o600);
  });

  it('replaces an earlier hash without leaving a temporary file behind', () => {
    writeFileSync(envFile, goodEnv());
    writeFileSync(hashFile, 'stale\n', { mode: 0o644 });

    const recorded = run(runEnvRecord, ['--env-file', envFile, '--hash-file', hashFile]);

    expect(recorded.code).toBe(EXIT.ok);
    expect(readdirSync(dir).sort()).toEqual(['.env', '.env.sha256']);
    expect(statSync(hashFile).mode & 0o777).toBe(0o600);
  });

  it('exits 3 once the file changes, naming both files and none of the content', () => {
    writeFileSync(envFile, goodEnv());
    run(runEnvRecord, ['--env-file', envFile, '--hash-file', hashFile]);
    appendFileSync(envFile, 'GEMINI_API_KEY=AIza-new-key-nobody-reviewed\n');

    const verified = run(runEnvVerify, ['--env-file', envFile, '--hash-file', hashFile]);

    expect(verified.code).toBe(EXIT.drift);
    expect(verified.err).toContain('<dir>/.env no longer matches');
    expect(verified.err).toContain('<dir>/.env.sha256');
    expect(verified.err + verified.out).not.toMatch(/AIza|GOCSPX|token-encryption/);
  });

  it.each([
    ['record, the env file', runEnvRecord, false, false],
    ['verify, the env file', runEnvVerify, false, true],
    ['verify, the hash file', runEnvVerify, true, false],
  ])('exits 5 when a file is missing (%s)', (_name, command, withEnv, withHash) => {
    if (withEnv) writeFileSync(envFile, goodEnv());
    if (withHash) writeFileSync(hashFile, `${'0'.repeat(64)}  ${envFile}\n`);

    const result = run(command, ['--env-file', envFile, '--hash-file', hashFile]);

    expect(result.code).toBe(EXIT.missing);
    expect(result.err).toMatch(/does not exist|no recorded hash/);
  });

  it('exits 65 when the hash file holds no SHA-256', () => {
    writeFileSync(envFile, goodEnv());
    writeFileSync(hashFile, 'not a hash\n');

    const verified = run(runEnvVerify, ['--env-file', envFile, '--hash-file', hashFile]);

    expect(verified.code).toBe(EXIT.badHashFile);
    expect(verified.err).toContain('holds no SHA-256');
  });
});

describe('env:check', () => {
  it('exits 0 for a complete file and names the mode', () => {
    writeFileSync(envFile, goodEnv());

    const checked = run(runEnvCheck, ['--env-file', envFile]);

    expect(checked).toEqual({ code: EXIT.ok, out: expect.stringContaining('valid for the api entry point (google mode)'), err: '' });
  });

  it('exits 2 naming each problem on its own line, printing no value', () => {
    writeFileSync(envFile, badEnv());

    const checked = run(runEnvCheck, ['--env-file', envFile]);

    expect(checked.code).toBe(EXIT.invalid);
    const problems = checked.err.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([expect.stringMatching(/^ {2}- PORT: /), expect.stringMatching(/^ {2}- GOOGLE_REDIRECT_URI: required together with/)]);
    expect(checked.err + checked.out).not.toMatch(/abc|GOCSPX|googleusercontent/);
  });

  it('checks against the rules of the entry point given', () => {
    writeFileSync(envFile, goodEnv());

    const checked = run(runEnvCheck, ['--env-file', envFile, '--entry', 'lambda']);

    expect(checked.code).toBe(EXIT.invalid);
    expect(checked.err).toContain('ANALYSIS_QUEUE_URL: the analysis Lambda needs');
  });

  it('exits 2 for a malformed line, naming its number and not its text', () => {
    writeFileSync(envFile, `${goodEnv()}GEMINI_API_KEY AIza-key-without-equals\n`);

    const checked = run(runEnvCheck, ['--env-file', envFile]);

    expect(checked.code).toBe(EXIT.invalid);
    expect(checked.err).toContain('<dir>/.env line 7:');
    expect(checked.err).not.toContain('AIza');
  });

  it('warns about a name that looks like a typo and one set twice, still exiting 0', () => {
    writeFileSync(envFile, `${goodEnv()}PROT=9000\nPORT=8081\n`);

    const checked = run(runEnvCheck, ['--env-file', envFile]);

    expect(checked.code).toBe(EXIT.ok);
    expect(checked.err).toContain('PORT is set on lines 2, 8; the last one wins');
    expect(checked.err).toContain('PROT is not read by Pecunia; did you mean PORT?');
  });

  it('exits 5 when the file is missing', () => {
    const checked = run(runEnvCheck, ['--env-file', envFile]);

    expect(checked.code).toBe(EXIT.missing);
    expect(checked.err).toContain('<dir>/.env does not exist');
  });
});

describe('usage', () => {
  it.each([
    ['no arguments', runEnvCheck, []],
    ['an unknown option', runEnvCheck, ['--env-file', 'x', '--verbose']],
    ['an unknown entry point', runEnvCheck, ['--env-file', 'x', '--entry', 'cron']],
    ['a positional argument', runEnvVerify, ['.env']],
    ['record without --hash-file', runEnvRecord, ['--env-file', 'x']],
    ['check given --hash-file', runEnvCheck, ['--env-file', 'x', '--hash-file', 'y']],
  ])('exits 64 with a usage line for %s', (_name, command, argv) => {
    const result = run(command, argv);

    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toMatch(/^usage: npm run -s env:\w+ -- --env-file FILE/m);
  });

  it('accepts the -- the npm scripts put first, and prints usage on --help', () => {
    writeFileSync(envFile, goodEnv());

    const checked = run(runEnvCheck, ['--', '--env-file', envFile]);
    const help = run(runEnvRecord, ['--help']);

    expect(checked.code).toBe(EXIT.ok);
    expect(help).toEqual({ code: EXIT.ok, out: expect.stringMatching(/^usage: /), err: '' });
  });
});

describe('operations scripts', () => {
  const SLOW = 60_000;
  const canVerifyUnits = spawnSync('systemd-analyze', ['--version']).status === 0;

  /** Stand-ins for systemctl (logs its calls) and, when asked, for `id` (says we are not root). */
  function fakeBin(asUser?: number): NodeJS.ProcessEnv {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> ${path.join(dir, 'systemctl.log')}\n`);
    if (asUser !== undefined) writeFileSync(path.join(bin, 'id'), `#!/bin/sh\necho ${asUser}\n`);
    for (const file of readdirSync(bin)) chmodSync(path.join(bin, file), 0o755);
    return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  }

  function sh(args: string[], env: NodeJS.ProcessEnv = process.env) {
    return spawnSync('bash', args, { cwd: ROOT, env, encoding: 'utf8' });
  }

  it('installs both units into --prefix, pointed at this checkout, without systemctl', () => {
    const target = path.join(dir, 'units');

    const installed = sh(['tools/scripts/install-env-check-timer.sh', '--prefix', target, '--hash-file', hashFile], fakeBin());

    expect(installed.status).toBe(0);
    expect(readdirSync(target).sort()).toEqual(['pecunia-env-check.service', 'pecunia-env-check.timer']);
    const service = readFileSync(path.join(target, 'pecunia-env-check.service'), 'utf8');
    expect(service).toContain(`WorkingDirectory=${ROOT}\n`);
    expect(service).toContain(`ExecStart=/usr/bin/env npm run -s env:verify -- --env-file /opt/pecunia/.env --hash-file ${hashFile}\n`);
    expect(service).toContain('Type=oneshot');
    expect(readFileSync(path.join(target, 'pecunia-env-check.timer'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'tools/systemd/pecunia-env-check.timer'), 'utf8'));
    expect(installed.stderr).toContain(`${hashFile} does not exist yet`);
    expect(existsSync(path.join(dir, 'systemctl.log'))).toBe(false);
  });

  (canVerifyUnits ? it : it.skip)('installs units that systemd-analyze verify accepts', () => {
    const target = path.join(dir, 'units');
    sh(['tools/scripts/install-env-check-timer.sh', '--prefix', target]);

    const verified = spawnSync('systemd-analyze', ['verify', path.join(target, 'pecunia-env-check.service'), path.join(target, 'pecunia-env-check.timer')], { encoding: 'utf8' });

    expect({ status: verified.status, stderr: verified.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('refuses to install into systemd without root', () => {
    const env = fakeBin(1000);

    const installed = sh(['tools/scripts/install-env-check-timer.sh'], env);

    expect(installed.status).toBe(77);
    expect(installed.stderr).toContain('run as root');
    expect(existsSync(path.join(dir, 'systemctl.log'))).toBe(false);
  });

  it('exits 64 on an unknown installer option', () => {
    const installed = sh(['tools/scripts/install-env-check-timer.sh', '--prefixx', dir]);

    expect(installed.status).toBe(64);
    expect(installed.stderr).toContain('usage:');
  });

  it('passes the pre-restart check on a good file', () => {
    writeFileSync(envFile, goodEnv());

    const checked = sh(['tools/scripts/pre-restart-check.sh', envFile]);

    expect(checked.status).toBe(EXIT.ok);
    expect(checked.stdout).toContain('is valid for the api entry point');
  }, SLOW);

  it.each([
    ['an invalid file', (file: string) => writeFileSync(file, badEnv()), EXIT.invalid],
    ['a missing file', () => undefined, EXIT.missing],
  ])('fails the pre-restart check on %s with env:check’s code', (_name, arrange, code) => {
    arrange(envFile);

    const checked = sh(['tools/scripts/pre-restart-check.sh', envFile]);

    expect(checked.status).toBe(code);
    expect(checked.stderr).toContain(`pre-restart check failed (exit ${code})`);
    expect(checked.stderr).not.toContain('GOCSPX');
  }, SLOW);

  it('exits 5 through `npm run env:verify` when the env file is missing (node must not read --env-file itself)', () => {
    const verified = spawnSync('npm', ['run', '-s', 'env:verify', '--', '--env-file', envFile, '--hash-file', hashFile], { cwd: ROOT, encoding: 'utf8' });

    expect(verified.status).toBe(EXIT.missing);
    expect(verified.stderr).toContain('no recorded hash');
  }, SLOW);
});
