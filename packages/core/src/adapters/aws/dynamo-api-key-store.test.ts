import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import { DynamoApiKeyStore } from './dynamo-api-key-store';

describe('DynamoApiKeyStore', () => {
  let dynamo: DynamoStandIn;
  let tableName: string;
  let store: DynamoApiKeyStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = await dynamo.newTable();
    store = new DynamoApiKeyStore(dynamo.doc, tableName, { now: () => Date.parse('2026-03-01T10:00:00Z') });
  });

  it('is named dynamodb and ready', async () => {
    expect(store.name).toBe('dynamodb');
    await expect(store.ready()).resolves.toBeUndefined();
  });

  it('creates pk_ keys that verify to their user', async () => {
    const { key, record } = await store.create('alice');
    expect(key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({ keyId: key.slice(3, 11), userId: 'alice', createdAt: '2026-03-01T10:00:00.000Z' });
    expect(await store.verify(key)).toBe('alice');
    expect(await store.count('alice')).toBe(1);
  });

  it('stores only the sha256 of a key, never the key', async () => {
    const { key } = await store.create('alice');

    const { Items = [] } = await dynamo.doc.send(new ScanCommand({ TableName: tableName }));

    expect(JSON.stringify(Items)).not.toContain(key);
    const keyItems = Items.filter((item) => String(item.pk).startsWith('API_KEY#'));
    expect(keyItems).toEqual([expect.objectContaining({ pk: `API_KEY#${createHash('sha256').update(key).digest('hex')}`, user_id: 'alice' })]);
    expect(keyItems[0]).not.toHaveProperty('revoked_at');
    // Beside it only the count of keys ever issued to the user, which holds no key.
    expect(Items.filter((item) => !String(item.pk).startsWith('API_KEY#'))).toEqual([expect.objectContaining({ pk: 'USER#alice', sk: 'API_KEYS_ISSUED', issued: 1 })]);
  });

  it('creates distinct keys', async () => {
    const keys = await Promise.all(Array.from({ length: 20 }, () => store.create('alice')));
    expect(new Set(keys.map(({ key }) => key)).size).toBe(20);
    expect(await store.count('alice')).toBe(20);
  });

  it('revokes every active key of one user only', async () => {
    const a1 = await store.create('alice');
    const a2 = await store.create('alice');
    const b1 = await store.create('bob');
    expect(await store.revoke('alice')).toBe(2);
    expect(await store.revoke('alice')).toBe(0);
    expect(await store.verify(a1.key)).toBeNull();
    expect(await store.verify(a2.key)).toBeNull();
    expect(await store.verify(b1.key)).toBe('bob');
    expect(await store.count('alice')).toBe(0);
    expect(await store.count('bob')).toBe(1);
    // The user still exists: every key ever issued counts when asked for.
    expect(await store.count('alice', { includeRevoked: true })).toBe(2);
    expect(await store.count('nobody', { includeRevoked: true })).toBe(0);

    const a3 = await store.create('alice');
    expect(await store.verify(a3.key)).toBe('alice');
    expect(await store.count('alice')).toBe(1);
  });

  it('counts one revocation once when two revokes race', async () => {
    await Promise.all(Array.from({ length: 5 }, () => store.create('alice')));

    const counts = await Promise.all([store.revoke('alice'), store.revoke('alice')]);

    expect(counts[0]! + counts[1]!).toBe(5);
    expect(await store.count('alice')).toBe(0);
  });

  it('answers null, never throws, for unknown or junk keys', async () => {
    const { key } = await store.create('alice');
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const junk: unknown[] = [
      flipped,
      `pk_${'A'.repeat(43)}`,
      key.slice(3),
      `${key} `,
      `${key}A`,
      '',
      'pk_',
      "pk_' OR 1=1 --",
      'x'.repeat(100_000),
      null,
      undefined,
      42,
      {},
      [key],
    ];
    for (const candidate of junk) await expect(store.verify(candidate as string)).resolves.toBeNull();
    expect(await store.count('nobody')).toBe(0);
    expect(await store.revoke('nobody')).toBe(0);
  });

  it('refuses an empty user id', async () => {
    await expect(store.create('')).rejects.toMatchObject({ code: 'API_KEY.INVALID_USER' });
  });
});
