/**
 * HistoryReader on the Failwatch table: what `failwatch status`, `history` and `report` read, the very items
 * the functions decide from. The table has no index of pairs (each pair is a partition, `PAIR#<pairKey>`),
 * so listing them is one Scan that keeps the STATE and DEFINITION items; it reads, and is billed for,
 * every item of the table, which suits an operator's command (the functions never scan). A pair's history
 * is its state item, read first, then its transition and notice items, merged with the state's outbox as
 * DynamoStateStore merges it: an entry that leaves the outbox in between was written to history before it
 * left, so one of the two reads sees it.
 */
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, parsePairKey, type PairId } from '../../domain/model';
import type { PairDefinition } from '../../domain/pair-definition';
import type { HistoryReader, PairHistory, StoredNotice, StoredPair, StoredPairState, StoredTransition } from '../../ports';
import { parseNoticeItem } from './notice-items';
import { parseDefinitionItem } from './pair-definitions';
import { getItem, queryItems, type Table } from './reads';
import { parseStateItem, parseTransitionItem } from './state-items';
import { stateKey } from './state-write';
import { DEFINITION_SORT_KEY, type Item, NOTICE_SORT_KEY_PREFIX, pairPartitionKey, PARTITION_KEY, SORT_KEY, STATE_SORT_KEY, toStoreError, TRANSITION_SORT_KEY_PREFIX } from './table';

const PAIR_PARTITION_PREFIX = 'PAIR#';

export class DynamoHistoryReader implements HistoryReader {
  private readonly table: Table;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  async listPairs(): Promise<readonly StoredPair[]> {
    const byPartition = new Map<string, { state?: StoredPairState; definition?: PairDefinition; definitionProblem?: string }>();
    try {
      const pages = paginateScan(
        { client: this.table.client },
        {
          TableName: this.table.tableName,
          FilterExpression: '#sk IN (:state, :definition)',
          ExpressionAttributeNames: { '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':state': STATE_SORT_KEY, ':definition': DEFINITION_SORT_KEY },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const partition = String(item[PARTITION_KEY]);
          if (!partition.startsWith(PAIR_PARTITION_PREFIX)) continue;
          const entry = byPartition.get(partition) ?? {};
          if (item[SORT_KEY] === STATE_SORT_KEY) entry.state = parseStateItem(item);
          else {
            const parsed = parseDefinitionItem(item);
            if ('definition' in parsed) entry.definition = parsed.definition;
            else entry.definitionProblem = parsed.problem;
          }
          byPartition.set(partition, entry);
        }
      }
    } catch (error) {
      throw toStoreError(error, `listing the pairs in table ${this.table.tableName}`);
    }
    return [...byPartition]
      .flatMap(([partition, entry]) => {
        const pairId = entry.state?.pairId ?? entry.definition?.pair.id ?? parsePairKey(partition.slice(PAIR_PARTITION_PREFIX.length));
        return pairId === undefined ? [] : [{ pairId, ...entry }];
      })
      .sort((a, b) => compare(pairKey(a.pairId), pairKey(b.pairId)));
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
