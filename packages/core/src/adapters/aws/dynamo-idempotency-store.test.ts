import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeIdempotencyStoreContract } from '../../testing/contracts/idempotency-store.contract';
import { manualClock } from '../../testing/manual-clock';
import { createDocumentClient } from './dynamo-client';
import { DEFAULT_IDEMPOTENCY_LEASE_MS } from '../../ports/idempotency-store.port';
import { DYNAMO_IDEMPOTENCY_TTL_MS, DynamoIdempotencyStore } from './dynamo-idempotency-store';

describe('DynamoIdempotencyStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => {
    const clock = manualClock();
    return {
      clock,
      store: new DynamoIdempotencyStore(dynamo.doc, dynamo.tableName, { now: clock.now }),
      ttlMs: DYNAMO_IDEMPOTENCY_TTL_MS,
      leaseMs: DEFAULT_IDEMPOTENCY_LEASE_MS,
      // Its own client, as a second Lambda instance has.
      another: async () => new DynamoIdempotencyStore(createDocumentClient(dynamo.engine), dynamo.tableName, { now: clock.now }),
    };
  };

  describeIdempotencyStoreContract('keeps the IdempotencyStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });

    it('holds a claim for its lease, keeps the response for the TTL from completion, and gives the TTL attribute in epoch seconds', async () => {
      const { store, clock } = subject();
      clock.set(Date.parse('2026-03-01T10:00:00Z'));
      await store.claim('alice', 'k1', 'fp-1');
      const read = async () => (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'IDEMPOTENCY#alice', sk: 'KEY#k1' } }))).Item;
      const leaseEnd = Date.parse('2026-03-01T10:00:00Z') + DEFAULT_IDEMPOTENCY_LEASE_MS;
      expect(await read()).toMatchObject({ state: 'in_progress', expires_at_ms: leaseEnd, expires_at: leaseEnd / 1000 });
      clock.advance(60_000);

      await store.complete('alice', 'k1', { status: 201, body: { job_id: 'j1', nested: [1, 'two', null] }, fingerprint: 'fp-1' });

      const expiresAt = Date.parse('2026-03-01T10:01:00Z') + DYNAMO_IDEMPOTENCY_TTL_MS;
      expect(await read()).toMatchObject({ state: 'done', expires_at_ms: expiresAt, expires_at: expiresAt / 1000 });
    });
  });
});
