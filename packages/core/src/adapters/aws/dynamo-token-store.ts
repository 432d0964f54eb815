// Token store of AWS mode: each user's Google connection, and a lock item per Google account so one account has one user.
import {
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../../errors';
import type { GoogleConnection, TokenStore } from '../../ports/token-store.port';
import { cancellationCodes, describeTable, isConditionFailed, named, type DynamoStoreOptions } from './dynamo-client';
import { itemKeys } from './dynamo-table';

/** The user's item changed between our read and our transaction (a concurrent connect): read again, at most this often. */
const WRITE_ROUNDS = 3;
const RETRYABLE_CANCELLATIONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);

export class DynamoTokenStore implements TokenStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * One transaction writes the connection and takes the account's lock item (absent, or already this user's). The
   * connection is written only if it is absent or names this same account: a user stays bound to their first account
   * (`OAUTH.USER_BOUND_ELSEWHERE`), one account serves one user (`OAUTH.ACCOUNT_IN_USE`); `delete` frees both.
   */
  async put(connection: GoogleConnection): Promise<void> {
    for (const field of ['user_id', 'subject', 'ciphertext'] as const) {
      if (typeof connection[field] !== 'string' || connection[field].length === 0) {
        throw new ValidationError('TOKEN.INVALID_CONNECTION', `A Google connection needs a non-empty ${field}.`, { field });
      }
    }
    const { user_id: userId, subject } = connection;
    const item = {
      ...itemKeys.googleConnection(userId),
      user_id: userId,
      subject,
      email: connection.email,
      ciphertext: connection.ciphertext,
      status: connection.status,
      updated_at: this.timestamp(),
    };
    for (let round = 0; round < WRITE_ROUNDS; round++) {
      const previous = (await this.read(userId))?.subject;
      if (previous !== undefined && previous !== subject) {
        throw new ConflictError('OAUTH.USER_BOUND_ELSEWHERE', 'This user is connected to another Google account.');
      }
      const codes = await this.transact([
        {
          Put: named({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: previous === undefined ? 'attribute_not_exists(#pk)' : '#subject = :previous',
            ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
          }),
        },
        {
          Put: named({
            TableName: this.tableName,
            Item: { ...itemKeys.googleSubject(subject), user_id: userId },
            ConditionExpression: 'attribute_not_exists(#pk) OR #user_id = :user',
            ExpressionAttributeValues: { ':user': userId },
          }),
        },
      ]);
      if (codes === null) return;
      if (codes[1] === 'ConditionalCheckFailed') {
        throw new ConflictError('OAUTH.ACCOUNT_IN_USE', 'This Google account is already connected to another user.');
      }
    }
    throw new ConflictError('TOKEN.CONCURRENT_UPDATE', 'The Google connection changed while it was being saved; try again.');
  }

  async get(userId: string): Promise<GoogleConnection | null> {
    return this.read(userId);
  }

  async findBySubject(subject: string): Promise<GoogleConnection | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.googleSubject(subject), ConsistentRead: true }));
    if (typeof Item?.user_id !== 'string') return null;
    const connection = await this.read(Item.user_id);
    // Read apart from the lock: the user may have moved to another account in between, and then holds none here.
    return connection?.subject === subject ? connection : null;
  }

  async updateCiphertext(userId: string, ciphertext: string): Promise<void> {
    if (typeof ciphertext !== 'string' || ciphertext.length === 0) {
      throw new ValidationError('TOKEN.INVALID_CONNECTION', 'A Google connection needs a non-empty ciphertext.', { field: 'ciphertext' });
    }
    // A refresh finishing after the connection broke (or was deleted) must not revive it.
    await this.updateIf(userId, 'SET #ciphertext = :ciphertext, #updated_at = :now', '#status = :connected', {
      ':ciphertext': ciphertext,
      ':connected': 'connected',
    });
  }

  async markBroken(userId: string): Promise<void> {
    await this.updateIf(userId, 'SET #status = :broken, #updated_at = :now', 'attribute_exists(#pk)', { ':broken': 'broken' });
  }

  async delete(userId: string): Promise<void> {
    for (let round = 0; round < WRITE_ROUNDS; round++) {
      const current = await this.read(userId);
      if (!current) return;
      const codes = await this.transact([
        {
          Delete: named({
            TableName: this.tableName,
            Key: itemKeys.googleConnection(userId),
            ConditionExpression: '#subject = :subject',
            ExpressionAttributeValues: { ':subject': current.subject },
          }),
        },
        this.releaseLock(current.subject, userId),
      ]);
      if (codes === null) return;
    }
    throw new ConflictError('TOKEN.CONCURRENT_UPDATE', 'The Google connection changed while it was being deleted; try again.');
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }

  /** Deletes a lock item if it is this user's (or already gone); another user's lock is never released. */
  private releaseLock(subject: string, userId: string) {
    return {
      Delete: named({
        TableName: this.tableName,
        Key: itemKeys.googleSubject(subject),
        ConditionExpression: 'attribute_not_exists(#pk) OR #user_id = :user',
        ExpressionAttributeValues: { ':user': userId },
      }),
    };
  }

  /**
   * Null when the transaction applied; else, when it was cancelled by a condition or a concurrent transaction, the
   * code of each item for the caller to decide. Anything else is thrown as it came.
   */
  private async transact(items: TransactWriteCommandInput['TransactItems']): Promise<string[] | null> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return null;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === null || !codes.every((code) => RETRYABLE_CANCELLATIONS.has(code))) throw error;
      return codes;
    }
  }

  private async updateIf(userId: string, update: string, condition: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand(
          named({
            TableName: this.tableName,
            Key: itemKeys.googleConnection(userId),
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeValues: { ...values, ':now': this.timestamp() },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  private async read(userId: string): Promise<GoogleConnection | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.googleConnection(userId), ConsistentRead: true }));
    if (!Item) return null;
    const { user_id, subject, email, ciphertext, status, updated_at } = Item as GoogleConnection;
    return { user_id, subject, ...(email === undefined ? {} : { email }), ciphertext, status, updated_at };
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
