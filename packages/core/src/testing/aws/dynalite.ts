// DynamoDB on loopback for tests: dynalite in-process with the table of `createTableInput`, or that table on moto; a fresh table per test.
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

/** The engine of a suite and the table of the running test; read it inside tests and hooks, not while collecting. */
export interface DynamoTestTable {
  readonly engine: DynamoStandIn;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * Registers, in the calling describe block, dynalite for the block (started in beforeAll, stopped in afterAll) and a
 * fresh empty table before each test, so that no test sees another's items.
 */
export function useDynaliteTable(): DynamoTestTable {
  return useTablePerTest(startDynalite);
}

/**
 * The same on an engine that someone else runs and stops — moto from `describeWithMoto(name, (moto) => …)`, passed
 * as `moto` — for code that needs what dynalite lacks (transactions).
 */
export function useEngineTable(engine: () => DynamoEngine): DynamoTestTable {
  return useTablePerTest(() => useDynamoEngine(engine()));
}

function useTablePerTest(start: () => Promise<DynamoStandIn>): DynamoTestTable {
  let standIn: DynamoStandIn | undefined;
  let tableName: string | undefined;
  const running = (): DynamoStandIn => {
    if (!standIn) throw new Error('No DynamoDB engine is running: use the table inside tests and hooks, not while collecting them.');
    return standIn;
  };
  beforeAll(async () => {
    standIn = await start();
  });
  afterAll(async () => {
    await standIn?.close();
  });
  beforeEach(async () => {
    tableName = await running().newTable();
  });
  return {
    get engine() {
      return running();
    },
    get doc() {
      return running().doc;
    },
    get tableName() {
      if (tableName === undefined) throw new Error('No table yet: the table is made before each test.');
      return tableName;
    },
  };
}
