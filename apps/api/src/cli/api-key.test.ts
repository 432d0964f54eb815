import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compose, loadConfig } from '@pecunia/core/composition';
import { runApiKeyCommand } from './api-key';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runApiKeyCommand(args, { DATA_DIR: dataDir }, (line) => lines.push(line));
  return { code, lines };
}

async function verify(key: string): Promise<string | null> {
  const adapters = await compose(loadConfig({ DATA_DIR: dataDir }, 'cli'));
  try {
    return await adapters.apiKeys.verify(key);
  } finally {
    await adapters.close();
  }
}

describe('api-key command', () => {
  it('creates a key bound to the user, printed as the last line, and revokes it', async () => {
    const created = await run('create', '--user', 'trader-7');
    expect(created.code).toBe(0);
    const key = created.lines.at(-1)!;
    expect(await verify(key)).toBe('trader-7');

    const revoked = await run('revoke', '--user', 'trader-7');
    expect(revoked).toEqual({ code: 0, lines: ['Revoked 1 key(s) of user "trader-7".'] });
    expect(await verify(key)).toBeNull();
  });

  it.each([[[]], [['create']], [['delete', '--user', 'x']], [['create', '--user', 'bad user!']]])('refuses %p with exit code 2', async (args) => {
    expect((await run(...args)).code).toBe(2);
  });
});
