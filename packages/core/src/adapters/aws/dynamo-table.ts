// The one DynamoDB table of AWS mode: its keys, indexes, TTL and protection, for the stores, aws:bootstrap and Pulumi.
//
// Entity              | pk                       | sk                     | gsi1pk / gsi1sk                        | gsi2pk / gsi2sk               | TTL
// ------------------- | ------------------------ | ---------------------- | -------------------------------------- | ----------------------------- | ---
// job                 | JOB#<job_id>             | JOB                    | USER_JOBS#<user_id> /                  | –                             | –
//                     |                          |                        |   <created_at>#<job_id>                |                               |
// job result chunk    | JOB#<job_id>             | RESULT#<attempt>#0001… | –                                      | –                             | –
// report share link   | JOB#<job_id>             | SHARE#<share_id>       | –                                      | –                             | yes
// API key             | API_KEY#<sha256 of key>  | API_KEY                | USER_KEYS#<user_id> /                  | –                             | –
//                     |                          |                        |   <created_at>#<key_id>  (active only) |                               |
// keys issued (ever) | USER#<user_id>           | API_KEYS_ISSUED        | –                                      | –                             | –
// Google connection   | USER#<user_id>           | GOOGLE                 | –                                      | –                             | –
// Google account lock | GOOGLE_SUBJECT#<subject> | GOOGLE_SUBJECT         | –                                      | –                             | –
// weekly schedule     | USER#<user_id>           | SCHEDULE#WEEKLY        | –                                      | SCHEDULES_ENABLED / <user_id> | –
//                     |                          |                        |                                        |   (enabled only)              |
// OAuth nonce         | NONCE#<nonce>            | NONCE                  | –                                      | –                             | yes
// idempotency record  | IDEMPOTENCY#<owner>      | KEY#<key>              | –                                      | –                             | yes
//
// Access patterns: a job by id (GetItem) and an owner's jobs newest first (gsi1, descending: job ids are random, so
// order comes from created_at, the id only breaks ties); a key by its hash (GetItem, strongly consistent) and a user's
// active keys (gsi1); a connection by user or by Google account (two GetItems); every enabled schedule (gsi2, sparse);
// a share link by job and id (GetItem: its signed token names both) and a job's links (Query on the job's partition).
// Each free-form id ends its key, and no prefix is a prefix of another, so no two entities can share a key.
// Items with a TTL also carry the exact expiry their reads compare, TTL itself being whole seconds: `expires_at_ms`,
// or a share link's ISO `link_expires_at`.
import type {
  CreateTableCommandInput,
  UpdateContinuousBackupsCommandInput,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';

/** Default table name for infrastructure that is not told one (the apps read DYNAMODB_TABLE_NAME). */
export const DEFAULT_TABLE_NAME = 'pecunia';

/** Epoch seconds after which DynamoDB may delete the item. Deletion is lazy, so readers also compare it themselves. */
export const TTL_ATTRIBUTE = 'expires_at';

/** gsi1: an owner's jobs (newest first) and a user's active API keys. */
export const OWNER_INDEX = 'gsi1';
/** gsi2: sparse, holds only enabled weekly schedules. */
export const ENABLED_SCHEDULES_INDEX = 'gsi2';

/**
 * The job fields a list shows, projected into gsi1 so listing is one query. The result stays out: it can be hundreds
 * of kilobytes a job, and a list never shows it.
 */
export const JOB_SUMMARY_ATTRIBUTES = ['job_id', 'user_id', 'status', 'stage', 'progress', 'created_at', 'updated_at', 'request', 'error'] as const;

/** What an operator running this on AWS expects of a table holding credentials and reports. */
export const TABLE_PROTECTION = {
  billingMode: 'PAY_PER_REQUEST',
  /** KMS with the AWS-managed key, so key use shows in CloudTrail; token ciphertexts are Fernet-encrypted besides. */
  serverSideEncryption: true,
  pointInTimeRecovery: true,
  /** For the Pulumi program; createTableInput leaves it off so that a local or test table can be dropped. */
  deletionProtection: true,
} as const;

/** Item keys of every entity, in one place so that the stores and the table comment cannot drift apart. */
export const itemKeys = {
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  /** Chunks of one completion attempt share a prefix; the attempt id has a fixed length, so chunks sort by number. */
  resultChunkPrefix: (attempt: string) => `RESULT#${attempt}#`,
  resultChunk: (jobId: string, attempt: string, index: number) => ({
    pk: `JOB#${jobId}`,
    sk: `RESULT#${attempt}#${String(index + 1).padStart(4, '0')}`,
  }),
  /** A job's share links live beside it, so listing them is one strongly consistent query of its partition. */
  shareLink: (jobId: string, shareId: string) => ({ pk: `JOB#${jobId}`, sk: `SHARE#${shareId}` }),
  shareLinkPrefix: 'SHARE#',
  ownerJobs: (userId: string) => `USER_JOBS#${userId}`,
  ownerJobsSort: (createdAt: string, jobId: string) => `${createdAt}#${jobId}`,
  apiKey: (keyHash: string) => ({ pk: `API_KEY#${keyHash}`, sk: 'API_KEY' }),
  ownerKeys: (userId: string) => `USER_KEYS#${userId}`,
  /** How many keys a user was ever issued (revocation leaves it): a user with revoked keys still exists. */
  keysIssued: (userId: string) => ({ pk: `USER#${userId}`, sk: 'API_KEYS_ISSUED' }),
  googleConnection: (userId: string) => ({ pk: `USER#${userId}`, sk: 'GOOGLE' }),
  googleSubject: (subject: string) => ({ pk: `GOOGLE_SUBJECT#${subject}`, sk: 'GOOGLE_SUBJECT' }),
  weeklySchedule: (userId: string) => ({ pk: `USER#${userId}`, sk: 'SCHEDULE#WEEKLY' }),
  /**
   * One partition for all enabled schedules: it is written only when a trader changes a schedule and read once a
   * week, far below a partition's limits, and a GSI partition has no size cap.
   */
  enabledSchedules: 'SCHEDULES_ENABLED',
  nonce: (nonce: string) => ({ pk: `NONCE#${nonce}`, sk: 'NONCE' }),
  idempotency: (owner: string, key: string) => ({ pk: `IDEMPOTENCY#${owner}`, sk: `KEY#${key}` }),
} as const;

const stringAttribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });

/** The CreateTable request: keys, both indexes, on-demand billing and KMS encryption. TTL and PITR are separate calls. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map(stringAttribute),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: OWNER_INDEX,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...JOB_SUMMARY_ATTRIBUTES] },
      },
      {
        IndexName: ENABLED_SCHEDULES_INDEX,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    BillingMode: TABLE_PROTECTION.billingMode,
    SSESpecification: { Enabled: TABLE_PROTECTION.serverSideEncryption, SSEType: 'KMS' },
  };
}

/** Turns TTL on for `expires_at` (UpdateTimeToLive; run once the table is ACTIVE). */
export function timeToLiveInput(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}

/** Turns point-in-time recovery on (UpdateContinuousBackups). */
export function continuousBackupsInput(tableName: string): UpdateContinuousBackupsCommandInput {
  return {
    TableName: tableName,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: TABLE_PROTECTION.pointInTimeRecovery },
  };
}
