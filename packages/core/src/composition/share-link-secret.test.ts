import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { SHARE_LINK_SECRET_FILE, shareLinkSecrets } from './share-link-secret';

describe('shareLinkSecrets', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pecunia-share-secret-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const local = { shareLinks: 'local' } as const;

  it('uses SHARE_LINK_SECRET when set, newest first, and writes nothing', () => {
    const secrets = ['a'.repeat(32), 'b'.repeat(32)];

    expect(shareLinkSecrets({ SHARE_LINK_SECRET: secrets, DATA_DIR: root }, local)).toEqual(secrets);
    expect(() => statSync(path.join(root, SHARE_LINK_SECRET_FILE))).toThrow();
  });

  it('generates one secret into DATA_DIR, private to this user, and reads the same one on every later start', () => {
    // Arrange
    const dataDir = path.join(root, 'data');

    // Act
    const first = shareLinkSecrets({ DATA_DIR: dataDir }, local);
    const again = shareLinkSecrets({ DATA_DIR: dataDir }, local);

    // Assert
    const file = path.join(dataDir, SHARE_LINK_SECRET_FILE);
    expect(first).toHaveLength(1);
    expect(first[0]!.length).toBeGreaterThanOrEqual(32);
    expect(again).toEqual(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('refuses a secret file too short to sign with, naming the file', () => {
    writeFileSync(path.join(root, SHARE_LINK_SECRET_FILE), 'short\n');

    expect(() => shareLinkSecrets({ DATA_DIR: root }, local)).toThrow(ConfigError);
    expect(() => shareLinkSecrets({ DATA_DIR: root }, local)).toThrow(/share-link-secret: holds no share link secret/);
  });

  it('needs SHARE_LINK_SECRET where links are shared between instances (DynamoDB)', () => {
    expect(() => shareLinkSecrets({ DATA_DIR: root }, { shareLinks: 'aws' })).toThrow(/SHARE_LINK_SECRET: required/);
  });
});
