import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import { DynamoNonceStore } from './dynamo-nonce-store';

describe('DynamoNonceStore', () => {
  let dynamo: DynamoStandIn;
  let tableName: string;
  let clock: number;
  let nonces: DynamoNonceStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = await dynamo.newTable();
    clock = 1_000_000;
    nonces = new DynamoNonceStore(dynamo.doc, tableName, { now: () => clock });
  });

  it('is named dynamodb and ready', async () => {
    expect(nonces.name).toBe('dynamodb');
    await expect(nonces.ready()).resolves.toBeUndefined();
  });

  it('accepts a nonce once, refuses its replay, and accepts it again once expired (TTL not yet swept)', async () => {
    expect(await nonces.use('n1', clock + 600_000)).toBe(true);
    expect(await nonces.use('n1', clock + 600_000)).toBe(false);
    expect(await nonces.use('n2', clock + 600_000)).toBe(true);

    clock += 599_999;
    expect(await nonces.use('n1', clock + 600_000)).toBe(false);
    clock += 1;
    expect(await nonces.use('n1', clock + 600_000)).toBe(true);
    expect(await nonces.use('n1', clock + 600_000)).toBe(false);
  });

  it('gives the TTL attribute in epoch seconds, rounded up', async () => {
    await nonces.use('n1', 1_600_000_000_001);

    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'NONCE#n1', sk: 'NONCE' } }));

    expect(Item).toMatchObject({ expires_at: 1_600_000_001 });
  });

  it('accepts exactly one of many concurrent uses of one nonce', async () => {
    const uses = await Promise.all(Array.from({ length: 10 }, () => nonces.use('race', clock + 60_000)));

    expect(uses.filter(Boolean)).toHaveLength(1);
  });

  it('refuses empty or oversized nonces', async () => {
    expect(await nonces.use('', clock + 1)).toBe(false);
    expect(await nonces.use('x'.repeat(257), clock + 1)).toBe(false);
    expect(await nonces.use(42 as unknown as string, clock + 1)).toBe(false);
  });
});
