import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import { createDocumentClient } from './dynamo-client';
import { DYNAMO_IDEMPOTENCY_TTL_MS, DynamoIdempotencyStore } from './dynamo-idempotency-store';

describe('DynamoIdempotencyStore', () => {
  let dynamo: DynamoStandIn;
  let tableName: string;
  let clock: number;
  let store: DynamoIdempotencyStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = await dynamo.newTable();
    clock = Date.parse('2026-03-01T10:00:00Z');
    store = new DynamoIdempotencyStore(dynamo.doc, tableName, { now: () => clock });
  });

  const response = { status: 201, body: { job_id: 'j1', nested: [1, 'two', null] }, fingerprint: 'fp-1' };

  it('is named dynamodb and ready', async () => {
    expect(store.name).toBe('dynamodb');
    await expect(store.ready()).resolves.toBeUndefined();
  });

  it('hands a key out once: new, then in progress, then done with the response', async () => {
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'in_progress' });
    await store.complete('alice', 'k1', response);
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
  });

  it('reports the stored state and fingerprint to a claim with another fingerprint', async () => {
    await store.claim('alice', 'k1', 'fp-1');
    expect(await store.claim('alice', 'k1', 'fp-other')).toEqual({ state: 'in_progress' });
    await store.complete('alice', 'k1', response);
    const claim = await store.claim('alice', 'k1', 'fp-other');
    expect(claim).toEqual({ state: 'done', response: expect.objectContaining({ fingerprint: 'fp-1' }) });
  });

  it('keeps keys of different owners apart', async () => {
    expect(await store.claim('alice', 'k1', 'fp')).toEqual({ state: 'new' });
    expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'new' });
    await store.complete('alice', 'k1', response);
    expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'in_progress' });
  });

  it('releases an in-progress claim so a retry runs again, but never drops a stored response', async () => {
    await store.claim('alice', 'k1', 'fp-1');
    await store.release('alice', 'k1');
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
    await store.complete('alice', 'k1', response);
    await store.release('alice', 'k1');
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
    await store.release('alice', 'never-claimed');
  });

  it('treats entries older than 24 hours as absent, before TTL sweeps them', async () => {
    await store.claim('alice', 'stuck', 'fp');
    await store.claim('alice', 'done', 'fp-1');
    await store.complete('alice', 'done', response);

    clock += DYNAMO_IDEMPOTENCY_TTL_MS - 1;
    expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'in_progress' });
    expect((await store.claim('alice', 'done', 'fp-1')).state).toBe('done');

    clock += 1;
    expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'in_progress' });
  });

  it('keeps the claim’s expiry when completing, and gives the TTL attribute in epoch seconds', async () => {
    await store.claim('alice', 'k1', 'fp-1');
    clock += 60_000;

    await store.complete('alice', 'k1', response);

    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'IDEMPOTENCY#alice', sk: 'KEY#k1' } }));
    const expiresAt = Date.parse('2026-03-01T10:00:00Z') + DYNAMO_IDEMPOTENCY_TTL_MS;
    expect(Item).toMatchObject({ state: 'done', expires_at_ms: expiresAt, expires_at: expiresAt / 1000 });
  });

  it('keeps a response completed without a live claim, and bodies of any JSON shape', async () => {
    await store.complete('alice', 'late', { status: 204, body: undefined, fingerprint: 'fp' });
    expect(await store.claim('alice', 'late', 'fp')).toEqual({
      state: 'done',
      response: { status: 204, body: undefined, fingerprint: 'fp' },
    });
    await store.complete('alice', 'text', { status: 200, body: 'plain "text" ✓', fingerprint: 'fp' });
    expect(await store.claim('alice', 'text', 'fp')).toMatchObject({ response: { body: 'plain "text" ✓' } });

    await store.claim('alice', 'expired', 'fp');
    clock += DYNAMO_IDEMPOTENCY_TTL_MS;
    await store.complete('alice', 'expired', response);
    expect(await store.claim('alice', 'expired', 'fp-1')).toEqual({ state: 'done', response });
  });

  it('gives exactly one of many concurrent claims, from two clients, the key', async () => {
    const other = new DynamoIdempotencyStore(createDocumentClient(dynamo), tableName, { now: () => clock });

    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).claim('alice', 'race', 'fp')));

    expect(claims.filter((claim) => claim.state === 'new')).toHaveLength(1);
    expect(claims.filter((claim) => claim.state === 'in_progress')).toHaveLength(9);
  });

  it('refuses empty keys and invalid statuses', async () => {
    await expect(store.claim('alice', '', 'fp')).rejects.toMatchObject({ code: 'IDEMPOTENCY.INVALID_INPUT' });
    await expect(store.complete('alice', 'k', { status: 42, body: null, fingerprint: 'fp' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY.INVALID_STATUS',
    });
  });
});
