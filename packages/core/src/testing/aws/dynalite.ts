// DynamoDB on loopback for tests: dynalite in-process with the table of `createTableInput`, or that table on moto.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../adapters/aws/dynamo-client';
import { createTableInput } from '../../adapters/aws/dynamo-table';

/** Where a DynamoDB engine listens and the dummy keys it accepts. */
export interface DynamoEngine {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface DynamoStandIn extends DynamoEngine {
  tableName: string;
  doc: DynamoDBDocumentClient;
  /** Creates another empty table like `tableName` and returns its name: a clean slate per test on the same engine. */
  newTable(): Promise<string>;
  /** Stops what this helper started; every suite calls it in afterAll, or jest waits on the open server. */
  close(): Promise<void>;
}

type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
// dynalite ships no type declarations: loaded through a typed require rather than an untyped import.
const loadDynalite = (): Dynalite => createRequire(__filename)('dynalite') as Dynalite;

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The table on an engine that someone else runs and stops — moto (`describeWithMoto`), for code that dynalite cannot
 * run: it has no TransactWriteItems. `close()` leaves the engine running.
 */
export async function useDynamoEngine(engine: DynamoEngine, close: () => Promise<void> = async () => {}): Promise<DynamoStandIn> {
  const doc = createDocumentClient(engine);
  const newTable = async () => {
    const name = `pecunia-test-${randomBytes(4).toString('hex')}`;
    await doc.send(new CreateTableCommand(createTableInput(name)));
    return name;
  };
  try {
    return { ...engine, tableName: await newTable(), doc, newTable, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * dynalite in memory on 127.0.0.1 with the table of `createTableInput`, ACTIVE at once. Like DynamoDB it enforces
 * conditions, indexes and the 400 KB item limit; unlike it, it never sweeps expired TTL items and has no transactions.
 */
export async function startDynalite(): Promise<DynamoStandIn> {
  const server = loadDynalite()({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    await close();
    throw new Error('dynalite did not report a TCP port.');
  }
  return useDynamoEngine({ endpoint: `http://127.0.0.1:${address.port}`, region: REGION, credentials: CREDENTIALS }, close);
}
