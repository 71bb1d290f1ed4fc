/**
 * The outbox's item operations, shared by transitions (`T#<sequence>`) and notices (`N#<key>`): record a
 * notice once, claim an item for publishing under a lease, mark it published (and leave the pair's
 * outbox set), or release a claim after a failed publish.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../domain/model';
import type { Notice } from '../domain/notices';
import { StoreError } from '../errors';
import { PublishStatus } from '../ports';
import { isConditionalCheckFailed, toStoreError, withStoreError } from './dynamo-errors';
import { TransitionAttribute, type Item } from './dynamo-items';
import { noticeItem } from './dynamo-notice-items';
import type { Table } from './dynamo-reads';
import { stateKey } from './dynamo-state-write';
import { PARTITION_KEY, SORT_KEY, noticeSortKey, pairPartitionKey } from './dynamo-table';

export type Key = Record<typeof PARTITION_KEY | typeof SORT_KEY, string>;

export const NOT_EXISTS = `attribute_not_exists(#${PARTITION_KEY})`;
const EXISTS = `attribute_exists(#${PARTITION_KEY})`;

/** Puts each notice unless its key is taken; returns the keys that are (still) waiting to be published. */
export async function putNotices(table: Table, notices: readonly Notice[], historyDays: number): Promise<string[]> {
  const pending: string[] = [];
  for (const notice of notices) {
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: noticeItem(notice, historyDays),
          ConditionExpression: NOT_EXISTS,
          ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY },
        }),
      );
      pending.push(notice.key);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStoreError(error, `writing notice ${notice.id}`);
      // Decided before by a run that died or lost the race: keep it in the outbox only if it was never sent.
      pending.push(...(await noticesStillPending(table, notice.pairId, [notice.key])));
    }
  }
  return pending;
}

export async function noticesStillPending(table: Table, pairId: PairId, keys: readonly string[]): Promise<string[]> {
  const pending: string[] = [];
  for (const key of keys) if ((await getNoticeItem(table, pairId, key))?.[TransitionAttribute.PUBLISH_STATUS] === PublishStatus.PENDING) pending.push(key);
  return pending;
}

export async function claimItem(table: Table, key: Key, now: Date, leaseUntil: Date, action: string): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'SET #claimUntil = :lease',
        // ISO-8601 UTC strings of one format sort like the instants they name.
        ConditionExpression: '#publishStatus = :pending AND (attribute_not_exists(#claimUntil) OR #claimUntil < :now)',
        ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL, '#publishStatus': TransitionAttribute.PUBLISH_STATUS },
        ExpressionAttributeValues: { ':lease': leaseUntil.toISOString(), ':now': now.toISOString(), ':pending': PublishStatus.PENDING },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw toStoreError(error, action);
  }
}

export async function markItemPublished(
  table: Table,
  pairId: PairId,
  key: Key,
  what: string,
  snsMessageId: string,
  publishedAt: Date,
  outbox: { readonly attribute: string; readonly member: Set<number> | Set<string> },
): Promise<void> {
  const pair = pairKey(pairId);
  const found = await updateIfExists(table, `marking ${what} of ${pair} published`, {
    Key: key,
    UpdateExpression: 'SET #publishStatus = :published, #snsMessageId = :messageId, #publishedAt = :publishedAt REMOVE #claimUntil',
    ExpressionAttributeNames: {
      '#publishStatus': TransitionAttribute.PUBLISH_STATUS,
      '#snsMessageId': TransitionAttribute.SNS_MESSAGE_ID,
      '#publishedAt': TransitionAttribute.PUBLISHED_AT,
      '#claimUntil': TransitionAttribute.CLAIM_UNTIL,
    },
    ExpressionAttributeValues: { ':published': PublishStatus.PUBLISHED, ':messageId': snsMessageId, ':publishedAt': publishedAt.toISOString() },
  });
  if (!found) throw new StoreError(`There is no ${what} of ${pair} to mark published`, false);
  // Set deletion is atomic on its own, so the outbox needs no revision check (and bumps no revision).
  await updateIfExists(table, `removing ${what} from the outbox of ${pair}`, {
    Key: stateKey(pairId),
    UpdateExpression: 'DELETE #pending :members',
    ExpressionAttributeNames: { '#pending': outbox.attribute },
    ExpressionAttributeValues: { ':members': outbox.member },
  });
}

export async function releaseItemClaim(table: Table, key: Key, action: string): Promise<void> {
  await updateIfExists(table, action, {
    Key: key,
    UpdateExpression: 'REMOVE #claimUntil',
    ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL },
  });
}

/** An update of an existing item only (an update would otherwise create a stray one); false when absent. */
async function updateIfExists(
  table: Table,
  action: string,
  input: { Key: Key; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        ...input,
        ConditionExpression: EXISTS,
        ExpressionAttributeNames: { ...input.ExpressionAttributeNames, [`#${PARTITION_KEY}`]: PARTITION_KEY },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw toStoreError(error, action);
  }
}

async function getNoticeItem(table: Table, pairId: PairId, key: string): Promise<Item | undefined> {
  const output = await withStoreError(`reading notice ${key} of ${pairKey(pairId)}`, () =>
    table.client.send(new GetCommand({ TableName: table.tableName, Key: { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: noticeSortKey(key) }, ConsistentRead: true })),
  );
  return output.Item;
}
