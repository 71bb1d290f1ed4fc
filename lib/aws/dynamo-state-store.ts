/**
 * StateStore on one DynamoDB table, with exactly-once history built from single-item conditional
 * writes only (no transactions, so it runs unchanged on dynalite):
 *   1. each notice item is put only if its key is free (a notice decided twice is recorded once);
 *   2. each transition item is put only if its sequence is free — the race for a sequence is won once;
 *   3. the state item is then updated only if its revision is the one the decision was made from.
 * A run that dies between 2 and 3 leaves transitions beyond the state's sequence; the next
 * `loadStateConsistent` rolls the state forward to the last one's `stateAfter`, and puts the notices
 * named on that transition back in the outbox. A run that dies before 2 changed no state: the next run
 * decides the same notices again and finds them recorded.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../domain/model';
import { ConfigurationError, StaleStateError, StoreError } from '../errors';
import { PublishStatus, type StateChange, type StateStore, type StoredNotice, type StoredPairState, type StoredTransition } from '../ports';
import { isConditionalCheckFailed, toStoreError, withStoreError } from './dynamo-errors';
import { assertCoherentChange } from './dynamo-change';
import { StateAttribute, TransitionAttribute, parseStateItem, parseTransitionItem, transitionItem, type Item } from './dynamo-items';
import { parseNoticeItem } from './dynamo-notice-items';
import { NOT_EXISTS, claimItem, markItemPublished, noticesStillPending, putNotices, releaseItemClaim, type Key } from './dynamo-outbox';
import { stateKey, writeState, type Outbox } from './dynamo-state-write';
import {
  LAST_TRANSITION_SORT_KEY,
  NOTICE_SORT_KEY_PREFIX,
  PARTITION_KEY,
  SORT_KEY,
  TRANSITION_SORT_KEY_PREFIX,
  noticeSortKey,
  pairPartitionKey,
  transitionSortKey,
} from './dynamo-table';
import { batchGetItems, queryItems, type Table } from './dynamo-reads';

export interface DynamoStateStoreOptions {
  /** Must be made with `createDocumentClient` (lib/aws/dynamo-table.ts): optional fields are left out of items. */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a transition stays in history before DynamoDB TTL removes it; 0 keeps it forever. */
  readonly historyDays: number;
}

const REPAIR_MAX_ATTEMPTS = 5;
const DEFAULT_LIST_LIMIT = 50;

export class DynamoStateStore implements StateStore {
  private readonly table: Table;
  private readonly historyDays: number;

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
  }

  async loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPairState>> {
    // BatchGetItem rejects a request that names the same key twice.
    const keys = [...new Map(pairIds.map((id) => [pairPartitionKey(id), stateKey(id)])).values()];
    const items = await batchGetItems(this.table, keys, 'reading pair states');
    const states = new Map<string, StoredPairState>();
    for (const item of items) {
      const state = parseStateItem(item);
      states.set(pairKey(state.pairId), state);
    }
    return states;
  }

  async loadStateConsistent(pairId: PairId): Promise<StoredPairState | undefined> {
    const key = pairKey(pairId);
    for (let attempt = 1; attempt <= REPAIR_MAX_ATTEMPTS; attempt++) {
      const state = await this.getState(pairId);
      const unapplied = await this.transitionsAfter(pairId, state?.sequence ?? 0);
      const last = unapplied[unapplied.length - 1];
      if (last === undefined) return state;
      const outbox: Outbox = {
        sequences: unapplied.filter((t) => t.transition.publishStatus === PublishStatus.PENDING).map((t) => t.transition.sequence),
        noticeKeys: await noticesStillPending(this.table, pairId, last.noticeKeys),
      };
      try {
        const written = await writeState(this.table, pairId, last.transition.stateAfter, state?.revision, outbox, `finishing the interrupted write of ${key}`);
        return parseStateItem(written);
      } catch (error) {
        if (!(error instanceof StaleStateError)) throw error;
      }
    }
    throw new StoreError(`The state of ${key} kept changing while finishing an interrupted write (${REPAIR_MAX_ATTEMPTS} attempts); try again`, true);
  }

  async record(change: StateChange & { readonly expectedRevision: number | undefined }): Promise<void> {
    assertCoherentChange(change);
    const key = pairKey(change.next.pairId);
    const noticeKeys = await putNotices(this.table, change.notices ?? [], this.historyDays);
    for (const [index, transition] of change.transitions.entries()) {
      const item = transitionItem(transition, this.historyDays);
      if (index === change.transitions.length - 1 && noticeKeys.length > 0) item[TransitionAttribute.NOTICE_KEYS] = noticeKeys;
      try {
        await this.table.client.send(
          new PutCommand({ TableName: this.table.tableName, Item: item, ConditionExpression: NOT_EXISTS, ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY } }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new StaleStateError(key, `transition ${transition.sequence} is already recorded`);
        throw toStoreError(error, `writing transition ${transition.id}`);
      }
    }
    // Held and silenced transitions are history only: a summary notice covers them.
    const sequences = change.transitions.filter((t) => t.delivery === undefined).map((t) => t.sequence);
    await writeState(this.table, change.next.pairId, change.next, change.expectedRevision, { sequences, noticeKeys }, `writing the state of ${key}`);
  }

  async getTransition(pairId: PairId, sequence: number): Promise<StoredTransition | undefined> {
    const item = await this.getItem(transitionKey(pairId, sequence), `reading transition ${sequence} of ${pairKey(pairId)}`);
    return item === undefined ? undefined : parseTransitionItem(item);
  }

  async listTransitions(pairId: PairId, limit = DEFAULT_LIST_LIMIT): Promise<readonly StoredTransition[]> {
    return (await this.newestWithPrefix(pairId, TRANSITION_SORT_KEY_PREFIX, limit, 'transitions')).map(parseTransitionItem);
  }

  async listTransitionsBetween(pairId: PairId, fromSequence: number, toSequence: number): Promise<readonly StoredTransition[]> {
    if (toSequence < fromSequence) return [];
    const items = await queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND #${SORT_KEY} BETWEEN :first AND :last`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':first': transitionSortKey(fromSequence), ':last': transitionSortKey(toSequence) },
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      `reading transitions ${fromSequence}-${toSequence} of ${pairKey(pairId)}`,
    );
    return items.map(parseTransitionItem);
  }

  async getNotice(pairId: PairId, key: string): Promise<StoredNotice | undefined> {
    const item = await this.getItem(noticeKey(pairId, key), `reading notice ${key} of ${pairKey(pairId)}`);
    return item === undefined ? undefined : parseNoticeItem(item);
  }

  async listNotices(pairId: PairId, limit = DEFAULT_LIST_LIMIT): Promise<readonly StoredNotice[]> {
    return (await this.newestWithPrefix(pairId, NOTICE_SORT_KEY_PREFIX, limit, 'notices')).map(parseNoticeItem);
  }

  claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<boolean> {
    return claimItem(this.table, transitionKey(pairId, sequence), now, leaseUntil, `claiming transition ${sequence} of ${pairKey(pairId)}`);
  }

  claimNoticeForPublish(pairId: PairId, key: string, now: Date, leaseUntil: Date): Promise<boolean> {
    return claimItem(this.table, noticeKey(pairId, key), now, leaseUntil, `claiming notice ${key} of ${pairKey(pairId)}`);
  }

  async markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markItemPublished(this.table, pairId, transitionKey(pairId, sequence), `transition ${sequence}`, snsMessageId, publishedAt, {
      attribute: StateAttribute.PENDING,
      member: new Set([sequence]),
    });
  }

  async markNoticePublished(pairId: PairId, key: string, snsMessageId: string, publishedAt: Date): Promise<void> {
    await markItemPublished(this.table, pairId, noticeKey(pairId, key), `notice ${key}`, snsMessageId, publishedAt, {
      attribute: StateAttribute.PENDING_NOTICES,
      member: new Set([key]),
    });
  }

  async releaseClaim(pairId: PairId, sequence: number): Promise<void> {
    await releaseItemClaim(this.table, transitionKey(pairId, sequence), `releasing the claim on transition ${sequence} of ${pairKey(pairId)}`);
  }

  async releaseNoticeClaim(pairId: PairId, key: string): Promise<void> {
    await releaseItemClaim(this.table, noticeKey(pairId, key), `releasing the claim on notice ${key} of ${pairKey(pairId)}`);
  }

  private async getItem(key: Key, action: string): Promise<Item | undefined> {
    const output = await withStoreError(action, () => this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: key, ConsistentRead: true })));
    return output.Item;
  }

  private async getState(pairId: PairId): Promise<StoredPairState | undefined> {
    const item = await this.getItem(stateKey(pairId), `reading the state of ${pairKey(pairId)}`);
    return item === undefined ? undefined : parseStateItem(item);
  }

  private async newestWithPrefix(pairId: PairId, prefix: string, limit: number, what: string): Promise<Item[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new StoreError(`listing ${what} needs a limit of 1 or more, got ${limit}`, false);
    return queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND begins_with(#${SORT_KEY}, :prefix)`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':prefix': prefix },
        ScanIndexForward: false,
      },
      limit,
      `listing the ${what} of ${pairKey(pairId)}`,
    );
  }

  /** The recorded transitions after `sequence` that continue it without a gap, oldest first, with the notices recorded alongside. */
  private async transitionsAfter(pairId: PairId, sequence: number): Promise<readonly { transition: StoredTransition; noticeKeys: readonly string[] }[]> {
    const items = await queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND #${SORT_KEY} BETWEEN :first AND :last`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':first': transitionSortKey(sequence + 1), ':last': LAST_TRANSITION_SORT_KEY },
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      `reading the unapplied transitions of ${pairKey(pairId)}`,
    );
    const transitions = items.map((item) => {
      const keys = item[TransitionAttribute.NOTICE_KEYS];
      return { transition: parseTransitionItem(item), noticeKeys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [] };
    });
    const gap = transitions.findIndex((t, index) => t.transition.sequence !== sequence + 1 + index);
    return gap === -1 ? transitions : transitions.slice(0, gap);
  }
}

function transitionKey(pairId: PairId, sequence: number): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: transitionSortKey(sequence) };
}

function noticeKey(pairId: PairId, key: string): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: noticeSortKey(key) };
}
