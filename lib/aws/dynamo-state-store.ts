/**
 * StateStore on one DynamoDB table, exactly-once history from single-item conditional writes only (no
 * transactions, so it runs unchanged on dynalite). The commit point of a change is ONE conditional write
 * of the pair's state item (revision as expected, or no item yet), which also puts every transition and
 * notice of the change into the state's `outbox` map. The sequence of a transition is therefore taken
 * exactly when the state that counts it is: the revision check alone makes sequences unique.
 * After the commit each outbox item is materialized as a history item of its own (put only if its key is
 * free); HELD and SILENCED ones then leave the outbox, PENDING ones leave it once published.
 *
 * What a crash leaves behind, and who finishes it:
 *   - before the commit: nothing. The next run decides again from the same stored state.
 *   - after the commit, before materializing: the items, in the state's outbox. Every load shows them
 *     (no extra call: they are in the state item), history reads merge them in, and the next run
 *     materializes the HELD/SILENCED ones (`materialize`) and the PENDING ones when it claims them.
 *   - after materializing, before publishing: a PENDING history item still in the outbox; the next run
 *     claims and publishes it. The run that recorded it wrote it already claimed (`claimUntil`, to save
 *     the claim call), so the next run claims it only once that lease has run out, as after any claim.
 *   - after publishing, before leaving the outbox: the next claim finds it published and drops it.
 * Items of the old protocol (transitions written before their state) cannot exist: nothing was deployed
 * with it, so the roll-forward that adopted them is gone.
 *
 * Size: the outbox holds only what is not yet materialized (a single run's worth) or not yet accepted by
 * SNS. Flap damping holds rapid side changes out of it, so it nears DynamoDB's 400 KB item limit only if
 * SNS refuses messages for a very long time; the commit then fails with a StoreError saying so, and the
 * pair resumes once the outbox drains.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../domain/model';
import { ConfigurationError, StoreError } from '../errors';
import { PublishStatus, type OutboxItem, type RecordedPairState, type StateChange, type StateStore, type StoredNotice, type StoredPairState, type StoredTransition } from '../ports';
import { assertCoherentChange } from './dynamo-change';
import { map, type Item } from './dynamo-fields';
import { StateAttribute, historyItem, outboxBody, parseStateItem, parseTransitionItem, transitionItem } from './dynamo-items';
import { noticeItem, parseNoticeItem } from './dynamo-notice-items';
import { claimItem, dropFromOutbox, getItem, markItemPublished, materializeItems, releaseItemClaim, type CommittedItem, type Key } from './dynamo-outbox';
import { DynamoBatchReader } from './dynamo-batch-reader';
import { queryItems, type Table } from './dynamo-reads';
import { commitState, stateKey } from './dynamo-state-write';
import {
  NOTICE_SORT_KEY_PREFIX,
  PARTITION_KEY,
  SORT_KEY,
  TRANSITION_SORT_KEY_PREFIX,
  TransitionAttribute,
  noticeSortKey,
  pairPartitionKey,
  transitionSortKey,
} from './dynamo-table';

export interface DynamoStateStoreOptions {
  /** Must be made with `createDocumentClient` (lib/aws/dynamo-table.ts): optional fields are left out of items. */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a transition stays in history before DynamoDB TTL removes it; 0 keeps it forever. */
  readonly historyDays: number;
  /** Shared with the DynamoSilenceStore, the sweep's state and silence reads go out in one request. */
  readonly reader?: DynamoBatchReader;
}

const DEFAULT_LIST_LIMIT = 50;

export class DynamoStateStore implements StateStore {
  private readonly table: Table;
  private readonly historyDays: number;
  private readonly reader: DynamoBatchReader;

  constructor(options: DynamoStateStoreOptions) {
    if (options.tableName.trim() === '') throw new ConfigurationError('DynamoStateStore needs a table name, got an empty string');
    if (!Number.isSafeInteger(options.historyDays) || options.historyDays < 0) {
      throw new ConfigurationError(`DynamoStateStore historyDays must be a whole number of days, 0 or more, got ${options.historyDays}`);
    }
    if (options.client.config.translateConfig?.marshallOptions?.removeUndefinedValues !== true) {
      throw new ConfigurationError('DynamoStateStore needs a document client that removes undefined values: create it with createDocumentClient()');
    }
    this.table = { client: options.client, tableName: options.tableName };
    this.historyDays = options.historyDays;
    this.reader = options.reader ?? new DynamoBatchReader(this.table);
  }

  async loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPairState>> {
    // BatchGetItem rejects a request that names the same key twice.
    const keys = [...new Map(pairIds.map((id) => [pairPartitionKey(id), stateKey(id)])).values()];
    const items = await this.reader.read(keys, 'reading pair states');
    const states = new Map<string, StoredPairState>();
    for (const item of items) {
      const state = parseStateItem(item);
      states.set(pairKey(state.pairId), state);
    }
    return states;
  }

  async loadStateConsistent(pairId: PairId): Promise<StoredPairState | undefined> {
    const item = await this.getStateItem(pairId);
    return item === undefined ? undefined : parseStateItem(item);
  }

  async record(change: StateChange & { readonly expectedRevision: number | undefined }, options: { readonly claimUntil?: Date } = {}): Promise<RecordedPairState> {
    assertCoherentChange(change);
    const { pairId } = change.next;
    const items: CommittedItem[] = [
      ...change.transitions.map((transition) => committedItem(transitionItem(transition, this.historyDays))),
      ...(change.notices ?? []).map((notice) => committedItem(noticeItem(notice, this.historyDays))),
    ];
    const written = await commitState(this.table, pairId, change.next, change.expectedRevision, new Map(items.map((i) => [i.sortKey, i.body])), `writing the state of ${pairKey(pairId)}`);
    // Materialized as committed: a notice key already in the outbox keeps the body it was first committed with.
    const committed = outboxMap(written);
    const mine = items.map(({ sortKey, body }) => ({ sortKey, body: committed[sortKey] ?? body }));
    let done: Finished = { finished: [], claimed: [] };
    try {
      done = await this.finish(pairId, mine, options.claimUntil && { until: options.claimUntil, token: randomUUID() });
    } catch {
      // Recorded all the same: what is not materialized stays in the outbox of the state returned, for
      // `materialize` or a claim (this run's or the next one's) to finish; what was put claimed before
      // the failure is not reported claimed, so the caller's claim finds it held until the lease runs out.
    }
    const state = parseStateItem(withoutOutboxEntries(written, done.finished));
    if (options.claimUntil === undefined) return state;
    const claimed = {
      sequences: done.claimed.flatMap((sortKey) => (sortKey.startsWith(TRANSITION_SORT_KEY_PREFIX) ? [sequenceOf(sortKey)] : [])),
      notices: done.claimed.flatMap((sortKey) => (sortKey.startsWith(NOTICE_SORT_KEY_PREFIX) ? [sortKey.slice(NOTICE_SORT_KEY_PREFIX.length)] : [])),
    };
    return { ...state, claimed };
  }

  async materialize(pairId: PairId, items: readonly OutboxItem[]): Promise<void> {
    await this.finish(
      pairId,
      items.map((entry) => committedItem(entry.kind === 'TRANSITION' ? transitionItem(entry.transition, this.historyDays) : noticeItem(entry.notice, this.historyDays))),
    );
  }

  async getTransition(pairId: PairId, sequence: number): Promise<StoredTransition | undefined> {
    const item = await this.fromHistoryOrOutbox(pairId, transitionSortKey(sequence), `reading transition ${sequence} of ${pairKey(pairId)}`);
    return item === undefined ? undefined : parseTransitionItem(item);
  }

  async listTransitions(pairId: PairId, limit = DEFAULT_LIST_LIMIT): Promise<readonly StoredTransition[]> {
    return (await this.newestWithPrefix(pairId, TRANSITION_SORT_KEY_PREFIX, limit, 'transitions')).map(parseTransitionItem);
  }

  async listTransitionsBetween(pairId: PairId, fromSequence: number, toSequence: number): Promise<readonly StoredTransition[]> {
    if (toSequence < fromSequence) return [];
    const [first, last] = [transitionSortKey(fromSequence), transitionSortKey(toSequence)];
    const items = await this.withOutbox(pairId, (sortKey) => sortKey >= first && sortKey <= last, () =>
      queryItems(
        this.table,
        {
          KeyConditionExpression: `#${PARTITION_KEY} = :pk AND #${SORT_KEY} BETWEEN :first AND :last`,
          ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':first': first, ':last': last },
          ConsistentRead: true,
        },
        Number.POSITIVE_INFINITY,
        `reading transitions ${fromSequence}-${toSequence} of ${pairKey(pairId)}`,
      ),
    );
    return items.sort(bySortKey).map(parseTransitionItem);
  }

  async getNotice(pairId: PairId, key: string): Promise<StoredNotice | undefined> {
    const item = await this.fromHistoryOrOutbox(pairId, noticeSortKey(key), `reading notice ${key} of ${pairKey(pairId)}`);
    return item === undefined ? undefined : parseNoticeItem(item);
  }

  async listNotices(pairId: PairId, limit = DEFAULT_LIST_LIMIT): Promise<readonly StoredNotice[]> {
    return (await this.newestWithPrefix(pairId, NOTICE_SORT_KEY_PREFIX, limit, 'notices')).map(parseNoticeItem);
  }

  claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<boolean> {
    const key = historyKey(pairId, transitionSortKey(sequence));
    return this.claimCommitted(pairId, key, () => claimItem(this.table, key, now, leaseUntil, `claiming transition ${sequence} of ${pairKey(pairId)}`));
  }

  claimNoticeForPublish(pairId: PairId, key: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const itemKey = historyKey(pairId, noticeSortKey(key));
    return this.claimCommitted(pairId, itemKey, () => claimItem(this.table, itemKey, now, leaseUntil, `claiming notice ${key} of ${pairKey(pairId)}`));
  }

  async markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markItemPublished(this.table, pairId, historyKey(pairId, transitionSortKey(sequence)), `transition ${sequence}`, snsMessageId, publishedAt);
  }

  async markNoticePublished(pairId: PairId, key: string, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markItemPublished(this.table, pairId, historyKey(pairId, noticeSortKey(key)), `notice ${key}`, snsMessageId, publishedAt);
  }

  async releaseClaim(pairId: PairId, sequence: number): Promise<void> {
    await releaseItemClaim(this.table, historyKey(pairId, transitionSortKey(sequence)), `releasing the claim on transition ${sequence} of ${pairKey(pairId)}`);
  }

  async releaseNoticeClaim(pairId: PairId, key: string): Promise<void> {
    await releaseItemClaim(this.table, historyKey(pairId, noticeSortKey(key)), `releasing the claim on notice ${key} of ${pairKey(pairId)}`);
  }

  /**
   * Materializes the items (PENDING ones born claimed, with `claim`), then takes out of the
   * outbox those not waiting to be published. Returns the sort keys of those, and of those born claimed.
   */
  private async finish(pairId: PairId, items: readonly CommittedItem[], claim?: { readonly until: Date; readonly token: string }): Promise<Finished> {
    const results = [...(await materializeItems(this.table, pairId, items, claim))];
    const finished = results.flatMap(([sortKey, { status }]) => (status === PublishStatus.PENDING ? [] : [sortKey]));
    await dropFromOutbox(this.table, pairId, finished, `taking finished items of ${pairKey(pairId)} out of the outbox`);
    return { finished, claimed: results.flatMap(([sortKey, { claimed }]) => (claimed ? [sortKey] : [])) };
  }

  /**
   * A claim that fails may be on an item committed but not yet materialized (materialize it, then claim),
   * or on one already published but still listed in the outbox (drop it from there).
   */
  private async claimCommitted(pairId: PairId, key: Key, claim: () => Promise<boolean>): Promise<boolean> {
    if (await claim()) return true;
    const sortKey = key[SORT_KEY];
    const existing = await getItem(this.table, key, `reading ${sortKey} of ${pairKey(pairId)}`);
    if (existing !== undefined) {
      if (existing[TransitionAttribute.PUBLISH_STATUS] !== PublishStatus.PENDING) {
        await dropFromOutbox(this.table, pairId, [sortKey], `taking ${sortKey} of ${pairKey(pairId)} out of the outbox`);
      }
      // Otherwise another run holds it under a lease.
      return false;
    }
    const body = outboxMap(await this.getStateItem(pairId))[sortKey];
    if (body === undefined) return false;
    const { finished } = await this.finish(pairId, [{ sortKey, body }]);
    return finished.length === 0 && claim();
  }

  private async getStateItem(pairId: PairId): Promise<Item | undefined> {
    return getItem(this.table, stateKey(pairId), `reading the state of ${pairKey(pairId)}`);
  }

  /**
   * The history item, or the outbox entry committed for it. The state is read only when the item is not
   * there, and the item once more if the state no longer lists it (materialized in between).
   */
  private async fromHistoryOrOutbox(pairId: PairId, sortKey: string, action: string): Promise<Item | undefined> {
    const key = historyKey(pairId, sortKey);
    const item = await getItem(this.table, key, action);
    if (item !== undefined) return item;
    const body = outboxMap(await this.getStateItem(pairId))[sortKey];
    if (body !== undefined) return historyItem(key[PARTITION_KEY], sortKey, body);
    return getItem(this.table, key, action);
  }

  /**
   * History items merged with the outbox entries `wanted` picks, materialized copies first (they carry the
   * publishing progress). The state is read BEFORE the history: an item that leaves the outbox in between
   * was materialized before it left, so one of the two reads sees it.
   */
  private async withOutbox(pairId: PairId, wanted: (sortKey: string) => boolean, readHistory: () => Promise<Item[]>): Promise<Item[]> {
    const outbox = outboxMap(await this.getStateItem(pairId));
    const merged = new Map<string, Item>();
    for (const [sortKey, body] of Object.entries(outbox)) if (wanted(sortKey)) merged.set(sortKey, historyItem(pairPartitionKey(pairId), sortKey, body));
    for (const item of await readHistory()) merged.set(String(item[SORT_KEY]), item);
    return [...merged.values()];
  }

  private async newestWithPrefix(pairId: PairId, prefix: string, limit: number, what: string): Promise<Item[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new StoreError(`listing ${what} needs a limit of 1 or more, got ${limit}`, false);
    const items = await this.withOutbox(pairId, (sortKey) => sortKey.startsWith(prefix), () =>
      queryItems(
        this.table,
        {
          KeyConditionExpression: `#${PARTITION_KEY} = :pk AND begins_with(#${SORT_KEY}, :prefix)`,
          ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':prefix': prefix },
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        limit,
        `listing the ${what} of ${pairKey(pairId)}`,
      ),
    );
    return items.sort(bySortKey).reverse().slice(0, limit);
  }
}

/** Sort keys of the items `finish` took out of the outbox, and of those it wrote born claimed. */
interface Finished {
  readonly finished: readonly string[];
  readonly claimed: readonly string[];
}

function sequenceOf(transitionSortKey: string): number {
  return Number(transitionSortKey.slice(TRANSITION_SORT_KEY_PREFIX.length));
}

function historyKey(pairId: PairId, sortKey: string): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: sortKey };
}

function committedItem(item: Item): CommittedItem {
  return { sortKey: String(item[SORT_KEY]), body: outboxBody(item) };
}

/** The state item's outbox map (sort key → item body); empty without a state. */
function outboxMap(state: Item | undefined): Record<string, Item> {
  if (state?.[StateAttribute.OUTBOX] === undefined) return {};
  return map(state, StateAttribute.OUTBOX, `state item ${String(state[PARTITION_KEY])}`) as Record<string, Item>;
}

function withoutOutboxEntries(state: Item, sortKeys: readonly string[]): Item {
  const outbox = { ...outboxMap(state) };
  for (const sortKey of sortKeys) delete outbox[sortKey];
  return { ...state, [StateAttribute.OUTBOX]: outbox };
}

function bySortKey(a: Item, b: Item): number {
  const [x, y] = [String(a[SORT_KEY]), String(b[SORT_KEY])];
  return x < y ? -1 : x > y ? 1 : 0;
}
