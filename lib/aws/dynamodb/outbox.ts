/**
 * The outbox's operations, shared by transitions (`T#<sequence>`) and notices (`N#<key>`). An entry lives
 * in the pair's state item (`outbox.<sort key>`) from its commit until a sweep moves it to history;
 * claiming it for publishing under a lease, marking it published, releasing a claim after a failed
 * publish and dropping a notice decided again are single-item updates of that entry. Moving FINAL
 * entries (PUBLISHED, HELD, SILENCED) to history items of their own is a Put per entry, then one update
 * that takes them out of the outbox. None of these touches the state's revision: the outbox's
 * bookkeeping is not decision state, and must never make a concurrent commit fail.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import { StoreError } from '../../errors';
import { PublishStatus } from '../../ports';
import { isConditionalCheckFailed, type Item, NOTICE_SORT_KEY_PREFIX, pairPartitionKey, PARTITION_KEY, SORT_KEY, toStoreError, TransitionAttribute, TTL_ATTRIBUTE } from './table';
import { StateAttribute, historyItem } from './state-items';
import { getItem, type Table } from './reads';
import { stateKey } from './state-write';

export type Key = Record<typeof PARTITION_KEY | typeof SORT_KEY, string>;

/** An entry of a state's outbox: its history sort key and its body (the history item without its keys). */
export interface CommittedItem {
  readonly sortKey: string;
  readonly body: Item;
}

const NOT_EXISTS = `attribute_not_exists(#${PARTITION_KEY})`;
const PUT_ATTEMPTS = 2;

/** The claim of an entry: until when it is held (a lease), and the token of the run holding it. */
const CLAIM: readonly string[] = [TransitionAttribute.CLAIM_UNTIL, TransitionAttribute.CLAIM_TOKEN];

/** What may differ between two copies of one history item: how far its publishing got, and its expiry. */
const BOOKKEEPING: readonly string[] = [TransitionAttribute.PUBLISH_STATUS, ...CLAIM, TransitionAttribute.SNS_MESSAGE_ID, TransitionAttribute.PUBLISHED_AT, TTL_ATTRIBUTE];

/** Statuses an entry never leaves: only these are ever moved to history. */
export function isFinal(status: unknown): boolean {
  return status === PublishStatus.PUBLISHED || status === PublishStatus.HELD || status === PublishStatus.SILENCED;
}

/** Names for an update of one outbox entry (`#outbox.#entry...`), with the attributes the update uses. */
function entryNames(sortKey: string, ...attributes: string[]): Record<string, string> {
  return { '#outbox': StateAttribute.OUTBOX, '#entry': sortKey, ...Object.fromEntries(attributes.map((name) => [`#${name}`, name])) };
}

/**
 * Claims a PENDING entry until `leaseUntil`, if nobody holds it or its holder's lease ran out before
 * `now`, and returns the claim's token (which releases it). Undefined when another run holds it, when
 * it is no longer PENDING, or when it is not in the outbox.
 */
export async function claimEntry(table: Table, pairId: PairId, sortKey: string, now: Date, leaseUntil: Date, action: string): Promise<string | undefined> {
  const { CLAIM_UNTIL, CLAIM_TOKEN, PUBLISH_STATUS } = TransitionAttribute;
  const token = randomUUID();
  const claimed = await updateEntry(table, action, {
    Key: stateKey(pairId),
    UpdateExpression: `SET #outbox.#entry.#${CLAIM_UNTIL} = :lease, #outbox.#entry.#${CLAIM_TOKEN} = :token`,
    // ISO-8601 UTC strings of one format sort like the instants they name. A missing entry fails the
    // condition before the update is applied, so nothing is created.
    ConditionExpression: `#outbox.#entry.#${PUBLISH_STATUS} = :pending AND (attribute_not_exists(#outbox.#entry.#${CLAIM_UNTIL}) OR #outbox.#entry.#${CLAIM_UNTIL} < :now)`,
    ExpressionAttributeNames: entryNames(sortKey, CLAIM_UNTIL, CLAIM_TOKEN, PUBLISH_STATUS),
    ExpressionAttributeValues: { ':lease': leaseUntil.toISOString(), ':now': now.toISOString(), ':pending': PublishStatus.PENDING, ':token': token },
  });
  return claimed ? token : undefined;
}

/**
 * Marks the entry PUBLISHED with the SNS message id, its claim gone. An entry no longer in the outbox
 * was published by another run and moved to history already (this send was a repeat: at least once);
 * one in neither place is a StoreError.
 */
export async function markEntryPublished(table: Table, pairId: PairId, sortKey: string, what: string, snsMessageId: string, publishedAt: Date): Promise<void> {
  const { PUBLISH_STATUS, SNS_MESSAGE_ID, PUBLISHED_AT, CLAIM_UNTIL, CLAIM_TOKEN } = TransitionAttribute;
  const pair = pairKey(pairId);
  const marked = await updateEntry(table, `marking ${what} of ${pair} published`, {
    Key: stateKey(pairId),
    UpdateExpression:
      `SET #outbox.#entry.#${PUBLISH_STATUS} = :published, #outbox.#entry.#${SNS_MESSAGE_ID} = :messageId, #outbox.#entry.#${PUBLISHED_AT} = :publishedAt ` +
      `REMOVE #outbox.#entry.#${CLAIM_UNTIL}, #outbox.#entry.#${CLAIM_TOKEN}`,
    ConditionExpression: 'attribute_exists(#outbox.#entry)',
    ExpressionAttributeNames: entryNames(sortKey, PUBLISH_STATUS, SNS_MESSAGE_ID, PUBLISHED_AT, CLAIM_UNTIL, CLAIM_TOKEN),
    ExpressionAttributeValues: { ':published': PublishStatus.PUBLISHED, ':messageId': snsMessageId, ':publishedAt': publishedAt.toISOString() },
  });
  if (marked) return;
  if ((await getItem(table, historyKey(pairId, sortKey), `reading ${what} of ${pair}`)) !== undefined) return;
  throw new StoreError(`There is no ${what} of ${pair} in the outbox or in history to mark published`, false);
}

/**
 * Gives up the entry's claim if it is still the one `token` names: a run whose lease ran out must not
 * free the claim another run took since (and may be sending under). Otherwise, or for an entry no
 * longer in the outbox, nothing changes.
 */
export async function releaseEntryClaim(table: Table, pairId: PairId, sortKey: string, token: string, action: string): Promise<void> {
  const { CLAIM_UNTIL, CLAIM_TOKEN } = TransitionAttribute;
  await updateEntry(table, action, {
    Key: stateKey(pairId),
    UpdateExpression: `REMOVE #outbox.#entry.#${CLAIM_UNTIL}, #outbox.#entry.#${CLAIM_TOKEN}`,
    ConditionExpression: `#outbox.#entry.#${CLAIM_TOKEN} = :token`,
    ExpressionAttributeNames: entryNames(sortKey, CLAIM_UNTIL, CLAIM_TOKEN),
    ExpressionAttributeValues: { ':token': token },
  });
}

/** Takes a PENDING entry out of the outbox unsent (a notice decided again, whose first copy stands in history). */
export async function dropPendingEntry(table: Table, pairId: PairId, sortKey: string, action: string): Promise<void> {
  const { PUBLISH_STATUS } = TransitionAttribute;
  await updateEntry(table, action, {
    Key: stateKey(pairId),
    UpdateExpression: 'REMOVE #outbox.#entry',
    ConditionExpression: `#outbox.#entry.#${PUBLISH_STATUS} = :pending`,
    ExpressionAttributeNames: entryNames(sortKey, PUBLISH_STATUS),
    ExpressionAttributeValues: { ':pending': PublishStatus.PENDING },
  });
}

/**
 * Moves the FINAL entries among `entries` to history (PENDING ones are left alone: a history item is
 * final and never changes), then takes them out of the outbox, each only if it is still final there.
 * A history item already under an entry's key must be the same transition (another run moved it); a
 * different one is a broken invariant, a StoreError. A notice already there is the same notice decided
 * before (its key says what it is about), and stands. A failure leaves the entries in the outbox, where
 * reads still show them, for the next sweep.
 */
export async function materializeEntries(table: Table, pairId: PairId, entries: readonly CommittedItem[]): Promise<void> {
  const final = entries.filter(({ body }) => isFinal(body[TransitionAttribute.PUBLISH_STATUS]));
  if (final.length === 0) return;
  for (const { sortKey, body } of final) await putHistoryItem(table, pairId, historyItem(pairPartitionKey(pairId), sortKey, withoutClaim(body)));
  const sortKeys = final.map(({ sortKey }) => sortKey);
  if (await removeFinalEntries(table, pairId, sortKeys)) return;
  // One of them is PENDING again (a notice key committed anew since): take the others out one by one.
  for (const sortKey of sortKeys) await removeFinalEntries(table, pairId, [sortKey]);
}

async function putHistoryItem(table: Table, pairId: PairId, item: Item): Promise<void> {
  const sortKey = String(item[SORT_KEY]);
  const what = `${sortKey} of ${pairKey(pairId)}`;
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
    try {
      await table.client.send(
        new PutCommand({ TableName: table.tableName, Item: item, ConditionExpression: NOT_EXISTS, ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY } }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toStoreError(error, `writing ${what} to history`);
    }
    const existing = await getItem(table, historyKey(pairId, sortKey), `reading ${what}`);
    // Gone again between the two calls (expired): put it once more.
    if (existing === undefined) continue;
    if (!sortKey.startsWith(NOTICE_SORT_KEY_PREFIX) && canonical(withoutBookkeeping(existing)) !== canonical(withoutBookkeeping(item))) {
      throw new StoreError(`History already holds a different ${what} than the one committed in its state's outbox: two commits claimed one sequence. This is a bug; keep both items for diagnosis`, false);
    }
    return;
  }
  throw new StoreError(`Could not write ${what} to history: it kept disappearing (${PUT_ATTEMPTS} attempts); try again`, true);
}

/** Removes the entries if each is still final (or gone); false, removing nothing, if one is not. Never creates a state item. */
async function removeFinalEntries(table: Table, pairId: PairId, sortKeys: readonly string[]): Promise<boolean> {
  const names: Record<string, string> = { '#outbox': StateAttribute.OUTBOX, '#status': TransitionAttribute.PUBLISH_STATUS };
  sortKeys.forEach((sortKey, index) => (names[`#d${index}`] = sortKey));
  const stillFinal = sortKeys.map((_, index) => `(attribute_not_exists(#outbox.#d${index}) OR #outbox.#d${index}.#status IN (:published, :held, :silenced))`);
  return updateEntry(table, `taking moved entries of ${pairKey(pairId)} out of the outbox`, {
    Key: stateKey(pairId),
    UpdateExpression: `REMOVE ${sortKeys.map((_, index) => `#outbox.#d${index}`).join(', ')}`,
    ConditionExpression: ['attribute_exists(#outbox)', ...stillFinal].join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':published': PublishStatus.PUBLISHED, ':held': PublishStatus.HELD, ':silenced': PublishStatus.SILENCED },
  });
}

export function historyKey(pairId: PairId, sortKey: string): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: sortKey };
}

/** A conditional update of the state item: false when its condition does not hold (nothing changed). */
async function updateEntry(
  table: Table,
  action: string,
  input: { Key: Key; UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
): Promise<boolean> {
  try {
    await table.client.send(new UpdateCommand({ TableName: table.tableName, ...input }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw toStoreError(error, action);
  }
}

function withoutClaim(body: Item): Item {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !CLAIM.includes(name)));
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
