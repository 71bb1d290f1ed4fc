/**
 * The outbox's item operations, shared by transitions (`T#<sequence>`) and notices (`N#<key>`):
 * materialize an item committed in the state's outbox as a history item of its own, take items out of
 * the outbox, claim a history item for publishing under a lease, mark it published, or release a claim
 * after a failed publish. None of them touches the state's revision: the outbox is not decision state.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../domain/model';
import { StoreError } from '../errors';
import { PublishStatus } from '../ports';
import { isConditionalCheckFailed, toStoreError, withStoreError } from './dynamo-errors';
import { StateAttribute, historyItem, type Item } from './dynamo-items';
import type { Table } from './dynamo-reads';
import { stateKey } from './dynamo-state-write';
import { NOTICE_SORT_KEY_PREFIX, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, TransitionAttribute, pairPartitionKey } from './dynamo-table';

export type Key = Record<typeof PARTITION_KEY | typeof SORT_KEY, string>;

/** An item as committed in a state's outbox: its history sort key and its body. */
export interface CommittedItem {
  readonly sortKey: string;
  readonly body: Item;
}

const NOT_EXISTS = `attribute_not_exists(#${PARTITION_KEY})`;
const EXISTS = `attribute_exists(#${PARTITION_KEY})`;
const PUT_ATTEMPTS = 2;

/** What may differ between two copies of one history item: how far its publishing got, and its expiry. */
const BOOKKEEPING: readonly string[] = [
  TransitionAttribute.PUBLISH_STATUS,
  TransitionAttribute.CLAIM_UNTIL,
  TransitionAttribute.CLAIM_TOKEN,
  TransitionAttribute.SNS_MESSAGE_ID,
  TransitionAttribute.PUBLISHED_AT,
  TTL_ATTRIBUTE,
];

/** What materializing one committed item left in history. */
export interface Materialized {
  /** The publish status of the history item now under its sort key. */
  readonly status: string;
  /** True when this call created it PENDING and already claimed until `claimUntil` (born claimed). */
  readonly claimed: boolean;
}

/**
 * Puts each committed item as a history item unless its key is taken. A transition already there must
 * be the same one (another run materialized it); a different one is a broken invariant, a StoreError.
 * A notice already there is the same notice decided before (its key says what it is about), and stands.
 * With `claim`, a PENDING item this call creates is created claimed until `claim.until`, exactly as a
 * claim would leave it: the caller may publish it without claiming it, and every other run respects the
 * lease. `claim.token` (unique to the call) recognizes this call's own Put when its answer was lost and
 * the retry finds the item there; an item another run created is never reported claimed.
 * Returns what is under each sort key now.
 */
export async function materializeItems(
  table: Table,
  pairId: PairId,
  items: readonly CommittedItem[],
  claim?: { readonly until: Date; readonly token: string },
): Promise<Map<string, Materialized>> {
  const results = new Map<string, Materialized>();
  for (const { sortKey, body } of items) {
    const item = historyItem(pairPartitionKey(pairId), sortKey, body);
    const bornClaimed = claim !== undefined && item[TransitionAttribute.PUBLISH_STATUS] === PublishStatus.PENDING;
    const claimed = bornClaimed ? { ...item, [TransitionAttribute.CLAIM_UNTIL]: claim.until.toISOString(), [TransitionAttribute.CLAIM_TOKEN]: claim.token } : item;
    results.set(sortKey, await materializeItem(table, pairId, claimed));
  }
  return results;
}

async function materializeItem(table: Table, pairId: PairId, item: Item): Promise<Materialized> {
  const sortKey = String(item[SORT_KEY]);
  const what = `${sortKey} of ${pairKey(pairId)}`;
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
    try {
      await table.client.send(
        new PutCommand({ TableName: table.tableName, Item: item, ConditionExpression: NOT_EXISTS, ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY } }),
      );
      return { status: String(item[TransitionAttribute.PUBLISH_STATUS]), claimed: item[TransitionAttribute.CLAIM_TOKEN] !== undefined };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStoreError(error, `writing ${what} to history`);
    }
    const existing = await getItem(table, { [PARTITION_KEY]: String(item[PARTITION_KEY]), [SORT_KEY]: sortKey }, `reading ${what}`);
    // Gone again between the two calls (expired): put it once more.
    if (existing === undefined) continue;
    if (!sortKey.startsWith(NOTICE_SORT_KEY_PREFIX) && canonical(withoutBookkeeping(existing)) !== canonical(withoutBookkeeping(item))) {
      throw new StoreError(`History already holds a different ${what} than the one committed in its state's outbox: two commits claimed one sequence. This is a bug; keep both items for diagnosis`, false);
    }
    const status = String(existing[TransitionAttribute.PUBLISH_STATUS]);
    // This call's own Put, its answer lost (the SDK retried it): still this call's claim.
    const own = item[TransitionAttribute.CLAIM_TOKEN] !== undefined && existing[TransitionAttribute.CLAIM_TOKEN] === item[TransitionAttribute.CLAIM_TOKEN];
    return { status, claimed: own && status === PublishStatus.PENDING };
  }
  throw new StoreError(`Could not write ${what} to history: it kept disappearing (${PUT_ATTEMPTS} attempts); try again`, true);
}

/** Takes the entries out of the state's outbox (those already gone are no matter); no revision check, no revision bump. */
export async function dropFromOutbox(table: Table, pairId: PairId, sortKeys: readonly string[], action: string): Promise<void> {
  if (sortKeys.length === 0) return;
  const names: Record<string, string> = { '#outbox': StateAttribute.OUTBOX };
  sortKeys.forEach((sortKey, index) => (names[`#d${index}`] = sortKey));
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: stateKey(pairId),
        UpdateExpression: `REMOVE ${sortKeys.map((_, index) => `#outbox.#d${index}`).join(', ')}`,
        // Never creates a state item, and a state without the map has nothing to remove.
        ConditionExpression: 'attribute_exists(#outbox)',
        ExpressionAttributeNames: names,
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw toStoreError(error, action);
  }
}

export async function claimItem(table: Table, key: Key, now: Date, leaseUntil: Date, action: string): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        // A later claim is nobody's born claim any more: the token goes.
        UpdateExpression: 'SET #claimUntil = :lease REMOVE #claimToken',
        // ISO-8601 UTC strings of one format sort like the instants they name.
        ConditionExpression: '#publishStatus = :pending AND (attribute_not_exists(#claimUntil) OR #claimUntil < :now)',
        ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL, '#claimToken': TransitionAttribute.CLAIM_TOKEN, '#publishStatus': TransitionAttribute.PUBLISH_STATUS },
        ExpressionAttributeValues: { ':lease': leaseUntil.toISOString(), ':now': now.toISOString(), ':pending': PublishStatus.PENDING },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw toStoreError(error, action);
  }
}

/** Marks the history item published, then takes it out of the pair's outbox. */
export async function markItemPublished(table: Table, pairId: PairId, key: Key, what: string, snsMessageId: string, publishedAt: Date): Promise<void> {
  const pair = pairKey(pairId);
  const found = await updateIfExists(table, `marking ${what} of ${pair} published`, {
    Key: key,
    UpdateExpression: 'SET #publishStatus = :published, #snsMessageId = :messageId, #publishedAt = :publishedAt REMOVE #claimUntil, #claimToken',
    ExpressionAttributeNames: {
      '#claimToken': TransitionAttribute.CLAIM_TOKEN,
      '#publishStatus': TransitionAttribute.PUBLISH_STATUS,
      '#snsMessageId': TransitionAttribute.SNS_MESSAGE_ID,
      '#publishedAt': TransitionAttribute.PUBLISHED_AT,
      '#claimUntil': TransitionAttribute.CLAIM_UNTIL,
    },
    ExpressionAttributeValues: { ':published': PublishStatus.PUBLISHED, ':messageId': snsMessageId, ':publishedAt': publishedAt.toISOString() },
  });
  if (!found) throw new StoreError(`There is no ${what} of ${pair} in history to mark published`, false);
  // If this step fails the entry stays in the outbox: the next claim finds it published and drops it.
  await dropFromOutbox(table, pairId, [key[SORT_KEY]], `taking ${what} of ${pair} out of the outbox`);
}

export async function releaseItemClaim(table: Table, key: Key, action: string): Promise<void> {
  await updateIfExists(table, action, {
    Key: key,
    UpdateExpression: 'REMOVE #claimUntil, #claimToken',
    ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL, '#claimToken': TransitionAttribute.CLAIM_TOKEN },
  });
}

export async function getItem(table: Table, key: Key, action: string): Promise<Item | undefined> {
  const output = await withStoreError(action, () => table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })));
  return output.Item;
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

function withoutBookkeeping(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !BOOKKEEPING.includes(name)));
}

/** Key-order-independent JSON, undefined fields left out (as the document client leaves them out of items). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
