/**
 * StateStore on one DynamoDB table, exactly-once history from single-item conditional writes only (no
 * transactions, so it runs unchanged on dynalite). The commit point of a change is ONE conditional write
 * of the pair's state item (revision as expected, or no item yet), which also puts every transition and
 * notice of the change into the state's `outbox` map, those to be sent already claimed by the committing
 * run (`claimUntil`) when it asks. The sequence of a transition is therefore taken exactly when the state
 * that counts it is: the revision check alone makes sequences unique.
 * Publishing works on the outbox entry in the state item: claim (a lease), mark published, release. Only
 * the scheduled sweep moves FINAL entries (PUBLISHED, HELD, SILENCED) to history items of their own
 * (`materialize`), and takes them out of the outbox. A PENDING entry is never moved, so a history item is
 * final and never changes; every history read merges the outbox in (the history copy wins). An alarm that
 * records and sends one transition thus costs the read of the state, the commit and the published mark.
 *
 * What a crash leaves behind, and who finishes it:
 *   - before the commit: nothing. The next run decides again from the same stored state.
 *   - after the commit, before SNS took it: a PENDING entry, claimed by the dead run until its lease
 *     runs out (`claimUntil`). Every load shows it (it is in the state item) and history reads merge it
 *     in; once the lease has run out, any run (alarm or sweep, even one that sees no change) claims and
 *     sends it. A HELD or SILENCED entry waits for the next sweep to move it to history.
 *   - after SNS took it, before the mark: still PENDING, still claimed; once the lease has run out the
 *     next run sends it again (at least once: the same `transitionId` attribute lets subscribers drop the
 *     repeat).
 *   - after the mark, before the sweep moved it: a PUBLISHED entry in the outbox, shown by every read;
 *     the next sweep writes its history item and takes it out (an alarm run never does).
 *   - after its history item, before it left the outbox: both copies, identical; reads prefer history,
 *     and the next sweep finds the history item there and takes the entry out.
 * If the commit's answer is lost and the SDK's retry is refused (the revision moved: this commit's own),
 * the commit recognizes its own born claims by their token and counts as done.
 * A notice is recorded once: a key already waiting in the outbox keeps its first entry, and a key already
 * in history (decided again after its first entry was moved there) is dropped from the outbox unsent
 * (`dropRepeatedNotice`, checked before each notice is sent).
 *
 * Size: the outbox holds what SNS has not taken yet and what the next sweep has not moved to history yet
 * (at most one sweep interval's worth, 5 minutes with managed alarms). Flap damping holds rapid side
 * changes down, so it nears DynamoDB's 400 KB item limit only if SNS refuses messages for a very long
 * time (or the sweep stops running); the commit then fails with a StoreError saying so, and the pair
 * resumes once the outbox drains.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import { ConfigurationError, StoreError } from '../../errors';
import { PublishStatus, type OutboxItem, type RecordedPair, type StateChange, type StateStore, type StoredNotice, type StoredPair, type StoredTransition } from '../../ports';
import { assertCoherentChange, commitState, stateKey } from './state-write';
import { type Item, map, NOTICE_SORT_KEY_PREFIX, noticeSortKey, pairPartitionKey, PARTITION_KEY, SORT_KEY, TRANSITION_SORT_KEY_PREFIX, TransitionAttribute, transitionSortKey } from './table';
import { StateAttribute, historyItem, outboxBody, parseStateItem, parseTransitionItem, transitionItem } from './state-items';
import { noticeItem, parseNoticeItem } from './notice-items';
import { claimEntry, dropPendingEntry, historyKey, markEntryPublished, materializeEntries, releaseEntryClaim, type CommittedItem } from './outbox';
import { DynamoBatchReader, getItem, queryItems, type Table } from './reads';

export interface DynamoStateStoreOptions {
  /** Must be made with `createDocumentClient` (lib/aws/dynamodb/table.ts): optional fields are left out of items. */
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

  async loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPair>> {
    // BatchGetItem rejects a request that names the same key twice.
    const keys = [...new Map(pairIds.map((id) => [pairPartitionKey(id), stateKey(id)])).values()];
    const items = await this.reader.read(keys, 'reading pair states');
    const states = new Map<string, StoredPair>();
    for (const item of items) {
      const state = parseStateItem(item);
      states.set(pairKey(state.pairId), state);
    }
    return states;
  }

  async loadStateConsistent(pairId: PairId): Promise<StoredPair | undefined> {
    const item = await this.getStateItem(pairId);
    return item === undefined ? undefined : parseStateItem(item);
  }

  async record(change: StateChange & { readonly expectedRevision: number | undefined }, options: { readonly claimUntil?: Date } = {}): Promise<RecordedPair> {
    const pairId = assertCoherentChange(change);
    const claim = options.claimUntil && { until: options.claimUntil.toISOString(), token: randomUUID() };
    const items: CommittedItem[] = [
      ...change.transitions.map((transition) => committedItem(transitionItem(transition, this.historyDays))),
      ...(change.notices ?? []).map((notice) => committedItem(noticeItem(notice, this.historyDays))),
    ];
    const entries = new Map(items.map(({ sortKey, body }) => [sortKey, claim ? bornClaimed(body, claim) : body]));
    const written = await commitState(this.table, pairId, change.next, change.watch, change.expectedRevision, entries, `writing the state of ${pairKey(pairId)}`, claim?.token);
    const state = parseStateItem(written);
    if (claim === undefined) return state;
    // A notice key already in the outbox kept its first entry (and whoever claimed that): not this run's.
    const own = Object.entries(outboxMap(written)).flatMap(([sortKey, body]) =>
      body[TransitionAttribute.CLAIM_TOKEN] === claim.token && body[TransitionAttribute.PUBLISH_STATUS] === PublishStatus.PENDING ? [sortKey] : [],
    );
    const claimed = {
      token: claim.token,
      until: new Date(claim.until),
      sequences: own.flatMap((sortKey) => (sortKey.startsWith(TRANSITION_SORT_KEY_PREFIX) ? [sequenceOf(sortKey)] : [])).sort((a, b) => a - b),
      notices: own.flatMap((sortKey) => (sortKey.startsWith(NOTICE_SORT_KEY_PREFIX) ? [sortKey.slice(NOTICE_SORT_KEY_PREFIX.length)] : [])),
    };
    return { ...state, claimed };
  }

  async materialize(pairId: PairId, items: readonly OutboxItem[]): Promise<void> {
    await materializeEntries(this.table, pairId, items.map((item) => committedItem(this.historyItemOf(item))));
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

  claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<string | undefined> {
    return claimEntry(this.table, pairId, transitionSortKey(sequence), now, leaseUntil, `claiming transition ${sequence} of ${pairKey(pairId)}`);
  }

  claimNoticeForPublish(pairId: PairId, key: string, now: Date, leaseUntil: Date): Promise<string | undefined> {
    return claimEntry(this.table, pairId, noticeSortKey(key), now, leaseUntil, `claiming notice ${key} of ${pairKey(pairId)}`);
  }

  async markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markEntryPublished(this.table, pairId, transitionSortKey(sequence), `transition ${sequence}`, snsMessageId, publishedAt);
  }

  async markNoticePublished(pairId: PairId, key: string, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markEntryPublished(this.table, pairId, noticeSortKey(key), `notice ${key}`, snsMessageId, publishedAt);
  }

  async releaseClaim(pairId: PairId, sequence: number, claimToken: string): Promise<void> {
    await releaseEntryClaim(this.table, pairId, transitionSortKey(sequence), claimToken, `releasing the claim on transition ${sequence} of ${pairKey(pairId)}`);
  }

  async releaseNoticeClaim(pairId: PairId, key: string, claimToken: string): Promise<void> {
    await releaseEntryClaim(this.table, pairId, noticeSortKey(key), claimToken, `releasing the claim on notice ${key} of ${pairKey(pairId)}`);
  }

  async dropRepeatedNotice(pairId: PairId, key: string): Promise<boolean> {
    const sortKey = noticeSortKey(key);
    // History holds only final copies, moved there from the outbox: one there means this key was
    // recorded before, and the PENDING entry is the same notice decided again.
    if ((await getItem(this.table, historyKey(pairId, sortKey), `reading notice ${key} of ${pairKey(pairId)}`)) === undefined) return false;
    await dropPendingEntry(this.table, pairId, sortKey, `dropping the repeated notice ${key} of ${pairKey(pairId)}`);
    return true;
  }

  /** The history item an outbox item stands for, publishing progress included. */
  private historyItemOf(item: OutboxItem): Item {
    const [base, stored] = item.kind === 'TRANSITION' ? [transitionItem(item.transition, this.historyDays), item.transition] : [noticeItem(item.notice, this.historyDays), item.notice];
    return {
      ...base,
      [TransitionAttribute.PUBLISH_STATUS]: stored.publishStatus,
      [TransitionAttribute.SNS_MESSAGE_ID]: stored.snsMessageId,
      [TransitionAttribute.PUBLISHED_AT]: stored.publishedAt,
    };
  }

  private async getStateItem(pairId: PairId): Promise<Item | undefined> {
    return getItem(this.table, stateKey(pairId), `reading the state of ${pairKey(pairId)}`);
  }

  /**
   * The history item, or the outbox entry committed for it. The state is read only when the item is not
   * there, and the item once more if the state no longer lists it (moved to history in between).
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
   * History items merged with the outbox entries `wanted` picks, the history copy winning (a history item
   * is final, and identical to the entry it was moved from). The state is read BEFORE the history: an item
   * that leaves the outbox in between was written to history before it left, so one of the two reads sees it.
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

function sequenceOf(transitionSortKey: string): number {
  return Number(transitionSortKey.slice(TRANSITION_SORT_KEY_PREFIX.length));
}

/** An outbox entry to be sent, committed already claimed until `claim.until` by the run whose `claim.token` it carries. */
function bornClaimed(body: Item, claim: { readonly until: string; readonly token: string }): Item {
  if (body[TransitionAttribute.PUBLISH_STATUS] !== PublishStatus.PENDING) return body;
  return { ...body, [TransitionAttribute.CLAIM_UNTIL]: claim.until, [TransitionAttribute.CLAIM_TOKEN]: claim.token };
}

function committedItem(item: Item): CommittedItem {
  return { sortKey: String(item[SORT_KEY]), body: outboxBody(item) };
}

/** The state item's outbox map (sort key → item body); empty without a state. */
function outboxMap(state: Item | undefined): Record<string, Item> {
  if (state?.[StateAttribute.OUTBOX] === undefined) return {};
  return map(state, StateAttribute.OUTBOX, `state item ${String(state[PARTITION_KEY])}`) as Record<string, Item>;
}

function bySortKey(a: Item, b: Item): number {
  const [x, y] = [String(a[SORT_KEY]), String(b[SORT_KEY])];
  return x < y ? -1 : x > y ? 1 : 0;
}
