// Share link store of AWS mode: each link an item in its job's partition, swept by TTL once it has expired.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertStorableShareLink } from '../../domain/share-link';
import { ConflictError } from '../../errors';
import type { ShareLink, ShareLinkStore } from '../../ports/share-link-store.port';
import { describeTable, isConditionFailed, named, ttlSeconds } from './dynamo-client';
import { itemKeys, TTL_ATTRIBUTE } from './dynamo-table';

interface ShareLinkItem {
  share_id: string;
  job_id: string;
  owner: string;
  created_at: string;
  /** The link's expiry as given (ISO); `expires_at` is the TTL attribute, whole seconds. */
  link_expires_at: string;
  revoked_at?: string;
}

export class DynamoShareLinkStore implements ShareLinkStore {
  readonly name = 'dynamodb';

  /** No clock is used: a link carries its own times, set by the service. */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(link: ShareLink): Promise<void> {
    assertStorableShareLink(link);
    const { share_id, job_id, owner, created_at, expires_at, revoked_at } = link;
    try {
      await this.doc.send(
        new PutCommand(
          named({
            TableName: this.tableName,
            Item: {
              ...itemKeys.shareLink(job_id, share_id),
              share_id,
              job_id,
              owner,
              created_at,
              link_expires_at: expires_at,
              ...(revoked_at === undefined ? {} : { revoked_at }),
              [TTL_ATTRIBUTE]: ttlSeconds(Date.parse(expires_at)),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new ConflictError('SHARE.ALREADY_EXISTS', 'A share link with this id exists already.');
      throw error;
    }
  }

  async get(jobId: string, shareId: string): Promise<ShareLink | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.shareLink(jobId, shareId), ConsistentRead: true }));
    return Item ? toLink(Item as ShareLinkItem) : null;
  }

  async listForJob(owner: string, jobId: string): Promise<ShareLink[]> {
    const links = (await this.itemsOfJob(jobId)).filter((item) => item.owner === owner).map(toLink);
    // The sort key orders by the random id; a job has few links, so they are ordered here.
    return links.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.share_id.localeCompare(a.share_id));
  }

  async revoke(owner: string, jobId: string, shareId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand(
          named({
            TableName: this.tableName,
            Key: itemKeys.shareLink(jobId, shareId),
            // A link revoked before keeps its first time: revoking is idempotent.
            UpdateExpression: 'SET #revoked_at = if_not_exists(#revoked_at, :at)',
            ConditionExpression: 'attribute_exists(#pk) AND #owner = :owner',
            ExpressionAttributeValues: { ':at': at, ':owner': owner },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async revokeAll(owner: string, jobId: string, at: string): Promise<number> {
    const open = (await this.itemsOfJob(jobId)).filter((item) => item.owner === owner && item.revoked_at === undefined);
    const revoked = await Promise.all(
      open.map(async (item) => {
        try {
          await this.doc.send(
            new UpdateCommand(
              named({
                TableName: this.tableName,
                Key: itemKeys.shareLink(jobId, item.share_id),
                UpdateExpression: 'SET #revoked_at = :at',
                // Revoked meanwhile by another call: that call counts it.
                ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#revoked_at) AND #owner = :owner',
                ExpressionAttributeValues: { ':at': at, ':owner': owner },
              }),
            ),
          );
          return true;
        } catch (error) {
          if (isConditionFailed(error)) return false;
          throw error;
        }
      }),
    );
    return revoked.filter(Boolean).length;
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }

  /** Every share link item in the job's partition, page by page (strongly consistent: a revocation shows at once). */
  private async itemsOfJob(jobId: string): Promise<ShareLinkItem[]> {
    const { pk } = itemKeys.shareLink(jobId, '');
    const items: ShareLinkItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand(
          named({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': itemKeys.shareLinkPrefix },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      items.push(...((page.Items ?? []) as ShareLinkItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function toLink(item: ShareLinkItem): ShareLink {
  const { share_id, job_id, owner, created_at, link_expires_at, revoked_at } = item;
  return { share_id, job_id, owner, created_at, expires_at: link_expires_at, ...(revoked_at === undefined ? {} : { revoked_at }) };
}
