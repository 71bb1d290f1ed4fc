/**
 * HistoryReader on the Failwatch table: a pair's whole history, for `failwatch status`, `history` and
 * `report`, from the very items the functions decide from (the pairs themselves are listed by
 * lib/aws/dynamodb/stored-pairs.ts). The state item is read first, then the pair's transition and notice
 * items, merged with the state's outbox as DynamoStateStore merges it: an entry that leaves the outbox in
 * between was written to history before it left, so one of the two reads sees it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import type { StoredNotice, StoredTransition } from '../../ports';
import type { HistoryReader, PairHistory } from '../../usecases/console-ports';
import { parseNoticeItem } from './notice-items';
import { getItem, queryItems, type Table } from './reads';
import { parseStateItem, parseTransitionItem } from './state-items';
import { stateKey } from './state-write';
import { type Item, NOTICE_SORT_KEY_PREFIX, pairPartitionKey, PARTITION_KEY, SORT_KEY, TRANSITION_SORT_KEY_PREFIX } from './table';

export class DynamoHistoryReader implements HistoryReader {
  private readonly table: Table;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  async readPairHistory(pairId: PairId): Promise<PairHistory> {
    const key = pairKey(pairId);
    const stateItem = await getItem(this.table, stateKey(pairId), `reading the state of ${key}`);
    const state = stateItem === undefined ? undefined : parseStateItem(stateItem);
    const [transitionItems, noticeItems] = await Promise.all([this.historyItems(pairId, TRANSITION_SORT_KEY_PREFIX, 'transitions'), this.historyItems(pairId, NOTICE_SORT_KEY_PREFIX, 'notices')]);
    // The history copy wins: it is final, and identical to the entry it was moved from.
    const transitions = new Map<number, StoredTransition>();
    const notices = new Map<string, StoredNotice>();
    for (const entry of state?.outbox ?? []) {
      if (entry.kind === 'TRANSITION') transitions.set(entry.transition.sequence, entry.transition);
      else notices.set(entry.notice.key, entry.notice);
    }
    for (const item of transitionItems) {
      const transition = parseTransitionItem(item);
      transitions.set(transition.sequence, transition);
    }
    for (const item of noticeItems) {
      const notice = parseNoticeItem(item);
      notices.set(notice.key, notice);
    }
    return {
      ...(state === undefined ? {} : { state }),
      transitions: [...transitions.values()].sort((a, b) => a.sequence - b.sequence),
      notices: [...notices.values()].sort((a, b) => compare(a.observedAt, b.observedAt) || compare(a.key, b.key)),
    };
  }

  private historyItems(pairId: PairId, prefix: string, what: string): Promise<Item[]> {
    return queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND begins_with(#${SORT_KEY}, :prefix)`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':prefix': prefix },
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      `reading the ${what} of ${pairKey(pairId)}`,
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
