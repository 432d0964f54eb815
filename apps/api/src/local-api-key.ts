// First start in local mode: create a key for user `local`, print it once, keep it in $DATA_DIR/local-api-key (0600).
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ApiKeyStore } from '@pecunia/core';

export const LOCAL_USER = 'local';

/** Returns the new key when one was created, or null when user `local` already has one. */
export async function ensureLocalApiKey(keys: ApiKeyStore, dataDir: string): Promise<{ key: string; file: string } | null> {
  if ((await keys.count(LOCAL_USER)) > 0) return null;
  const { key } = await keys.create(LOCAL_USER);
  const file = path.join(path.resolve(dataDir), 'local-api-key');
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  return { key, file };
}
