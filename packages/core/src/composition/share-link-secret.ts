// Where the secrets share links are signed with come from: SHARE_LINK_SECRET, or locally one generated into DATA_DIR.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import { MIN_SHARE_SECRET_LENGTH } from '../security/share-token';
import type { AdapterPlan } from './config';
import type { Env } from './env';

/** The file a local deployment keeps its generated secret in, beside its database. */
export const SHARE_LINK_SECRET_FILE = 'share-link-secret';

/**
 * The share link secrets, newest first. SHARE_LINK_SECRET when set; otherwise, where the links are stored on this
 * machine, a secret generated once into DATA_DIR (mode 0600), so links made before a restart still open after it.
 * A shared store (DynamoDB) needs the variable: instances that each generated their own could not open each other's links.
 */
export function shareLinkSecrets(env: Pick<Env, 'SHARE_LINK_SECRET' | 'DATA_DIR'>, plan: Pick<AdapterPlan, 'shareLinks'>): string[] {
  if (env.SHARE_LINK_SECRET?.length) return env.SHARE_LINK_SECRET;
  if (plan.shareLinks !== 'local') {
    throw new ConfigError(['SHARE_LINK_SECRET: required when share links are stored in DynamoDB (DYNAMODB_TABLE_NAME), so that every instance signs alike']);
  }
  return [localSecret(path.resolve(env.DATA_DIR))];
}

function localSecret(dataDir: string): string {
  const file = path.join(dataDir, SHARE_LINK_SECRET_FILE);
  const existing = readIfPresent(file);
  if (existing !== undefined) return checked(existing, file);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Written whole under a private name, then linked into place: a second process starting at the same moment either
  // wins the link or reads the winner's complete file, never half of one.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return checked(readFileSync(file, 'utf8'), file);
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function checked(text: string, file: string): string {
  const secret = text.trim();
  if (secret.length < MIN_SHARE_SECRET_LENGTH) {
    throw new ConfigError([`${file}: holds no share link secret of at least ${MIN_SHARE_SECRET_LENGTH} characters; delete it to generate one (links made with it stop opening), or set SHARE_LINK_SECRET`]);
  }
  return secret;
}
