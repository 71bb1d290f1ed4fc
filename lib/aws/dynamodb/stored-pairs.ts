/**
 * StoredPairCatalog on the Failwatch table: every pair's state (sort key `STATE`, outbox included) and
 * definition (sort key `DEFINITION`), in one Scan of the table. The table has no index by sort key, so
 * the Scan reads the history items too (each costs its read, whatever the filter keeps): this is for the
 * operator console, run by a person, never by the functions. IAM: dynamodb:Scan on the table.
 */
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PairDefinition } from '../../domain/pair-definition';
import { describeError, StoreError } from '../../errors';
import type { StoredPair } from '../../ports';
import type { StoredPairCatalog, StoredPairs } from '../../usecases/console-ports';
import { sdkErrorFacts } from '../sdk-errors';
import { readDefinitionItem } from './pair-definitions';
import { parseStateItem } from './state-items';
import { DEFINITION_SORT_KEY, type Item, PARTITION_KEY, SORT_KEY, STATE_SORT_KEY, toStoreError } from './table';

export class DynamoStoredPairCatalog implements StoredPairCatalog {
  constructor(private readonly options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {}

  async listStoredPairs(): Promise<StoredPairs> {
    const definitions: PairDefinition[] = [];
    const states: StoredPair[] = [];
    const unreadable: { item: string; problem: string }[] = [];
    const pages = paginateScan(
      { client: this.options.client },
      {
        TableName: this.options.tableName,
        FilterExpression: '#sk IN (:state, :definition)',
        ExpressionAttributeNames: { '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':state': STATE_SORT_KEY, ':definition': DEFINITION_SORT_KEY },
      },
    );
    try {
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const where = `${String(item[PARTITION_KEY])} ${String(item[SORT_KEY])}`;
          if (item[SORT_KEY] === DEFINITION_SORT_KEY) {
            const read = readDefinitionItem(item);
            if ('definition' in read) definitions.push(read.definition);
            else unreadable.push({ item: where, problem: read.problem });
          } else {
            const state = readState(item);
            if ('state' in state) states.push(state.state);
            else unreadable.push({ item: where, problem: state.problem });
          }
        }
      }
    } catch (error) {
      if (sdkErrorFacts(error).name === 'ResourceNotFoundException') {
        throw new StoreError(`Table ${this.options.tableName} does not exist in this account and region: check the stage and the region (a stage keeps its pairs in failwatch-<stage>-history)`, false, { cause: error });
      }
      throw toStoreError(error, `scanning table ${this.options.tableName} for the pairs' states and definitions`);
    }
    return { definitions, states, unreadable };
  }
}

function readState(item: Item): { readonly state: StoredPair } | { readonly problem: string } {
  try {
    return { state: parseStateItem(item) };
  } catch (error) {
    return { problem: describeError(error) };
  }
}
