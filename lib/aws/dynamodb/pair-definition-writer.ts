/**
 * PairDefinitionWriter on the Failwatch table: BatchWriteItem, 25 puts or deletes a request; what DynamoDB
 * leaves unprocessed is sent again as lib/aws/dynamodb/table.ts says. Only the
 * poll function builds this (lib/runtime/poll-wiring.ts): the alarm function's code, and role, never write here.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunksOf } from '../../batches';
import { pairKey, type PairId } from '../../domain/model';
import type { PairDefinition } from '../../domain/pair-definition';
import { StoreError } from '../../errors';
import { encodePairDefinition } from '../../pair-definition-codec';
import type { PairDefinitionWriter } from '../../ports';
import { type Item, sendUntilProcessed, withStoreError } from './table';
import { definitionItem, definitionKey } from './pair-definitions';
import type { Table } from './reads';

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
    for (const batch of chunksOf(requests, BATCH_WRITE_MAX_REQUESTS)) await this.batchWrite(batch, describe(changes));
  }

  private batchWrite(requests: readonly WriteRequest[], what: string): Promise<void> {
    const action = `writing ${what}`;
    return sendUntilProcessed(
      this.table.client,
      'dynamodb:BatchWriteItem',
      requests,
      async (pending) => {
        const output = await withStoreError(action, () => this.table.client.send(new BatchWriteCommand({ RequestItems: { [this.table.tableName]: [...pending] } })));
        return (output.UnprocessedItems?.[this.table.tableName] ?? []) as WriteRequest[];
      },
      (left, attempts) => new StoreError(`DynamoDB left ${left} of ${requests.length} writes unprocessed while ${action}, after ${attempts} attempts (throughput exhausted); the next sweep writes them`, true),
    );
  }
}

function describe(changes: { readonly put: readonly PairDefinition[]; readonly remove: readonly PairId[] }): string {
  const first = changes.put[0]?.pair.id ?? changes.remove[0];
  const count = changes.put.length + changes.remove.length;
  return `${count} pair definition(s)${first === undefined ? '' : ` from ${pairKey(first)}`}`;
}
