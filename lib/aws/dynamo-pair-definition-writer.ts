/**
 * PairDefinitionWriter on the Failwatch table: BatchWriteItem, 25 puts or deletes a request. DynamoDB may
 * leave part of a batch unprocessed (throughput); those are sent again with the client's own retry
 * strategy deciding how long to wait and when to give up, exactly as for a throttled request. Only the
 * poll function builds this (lib/poll-wiring.ts): the alarm function's code, and role, never write here.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryStrategy, RetryStrategyV2, RetryToken } from '@smithy/types';
import { pairKey, type PairId } from '../domain/model';
import type { PairDefinition } from '../domain/pair-definition';
import { StoreError } from '../errors';
import { encodePairDefinition } from '../pair-definition-codec';
import type { PairDefinitionWriter } from '../ports';
import { withStoreError } from './dynamo-errors';
import type { Item } from './dynamo-fields';
import { definitionItem, definitionKey } from './dynamo-pair-definitions';
import type { Table } from './dynamo-reads';

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_WRITE_MAX_REQUESTS = 25;

type WriteRequest = { readonly PutRequest: { readonly Item: Item } } | { readonly DeleteRequest: { readonly Key: Item } };

export class DynamoPairDefinitionWriter implements PairDefinitionWriter {
  private readonly table: Table;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  async writeDefinitions(changes: { readonly put: readonly PairDefinition[]; readonly remove: readonly PairId[] }): Promise<void> {
    const requests: WriteRequest[] = [
      ...changes.put.map((definition) => ({ PutRequest: { Item: definitionItem(definition, encodePairDefinition(definition)) } })),
      ...changes.remove.map((pairId) => ({ DeleteRequest: { Key: definitionKey(pairId) } })),
    ];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX_REQUESTS) {
      await this.batchWrite(requests.slice(start, start + BATCH_WRITE_MAX_REQUESTS), describe(changes));
    }
  }

  private async batchWrite(requests: readonly WriteRequest[], what: string): Promise<void> {
    const action = `writing ${what}`;
    const strategy = await this.table.client.config.retryStrategy();
    let token = isTokenStrategy(strategy) ? await strategy.acquireInitialRetryToken('dynamodb:BatchWriteItem') : undefined;
    let pending: readonly WriteRequest[] = requests;
    for (let attempt = 1; ; attempt++) {
      const output = await withStoreError(action, () => this.table.client.send(new BatchWriteCommand({ RequestItems: { [this.table.tableName]: [...pending] } })));
      pending = (output.UnprocessedItems?.[this.table.tableName] ?? []) as WriteRequest[];
      if (pending.length === 0) {
        if (token !== undefined && isTokenStrategy(strategy)) strategy.recordSuccess(token);
        return;
      }
      token = await nextAttempt(strategy, token, () => new StoreError(`DynamoDB left ${pending.length} of ${requests.length} writes unprocessed while ${action}, after ${attempt} attempts (throughput exhausted); the next sweep writes them`, true));
    }
  }
}

function isTokenStrategy(strategy: RetryStrategy | RetryStrategyV2): strategy is RetryStrategyV2 {
  return 'acquireInitialRetryToken' in strategy;
}

/**
 * Waits as the client's retry strategy says for a throttled request, and returns its new token; throws
 * `giveUp()` when the strategy allows no more attempts (or is a legacy one, which cannot be asked).
 */
async function nextAttempt(strategy: RetryStrategy | RetryStrategyV2, token: RetryToken | undefined, giveUp: () => Error): Promise<RetryToken> {
  if (token === undefined || !isTokenStrategy(strategy)) throw giveUp();
  let next: RetryToken;
  try {
    next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
  } catch {
    throw giveUp();
  }
  const delayMs = next.getRetryDelay();
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return next;
}

function describe(changes: { readonly put: readonly PairDefinition[]; readonly remove: readonly PairId[] }): string {
  const first = changes.put[0]?.pair.id ?? changes.remove[0];
  const count = changes.put.length + changes.remove.length;
  return `${count} pair definition(s)${first === undefined ? '' : ` from ${pairKey(first)}`}`;
}
