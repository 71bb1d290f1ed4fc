/**
 * PairDefinitionWriter on the Failwatch table: BatchWriteItem, 25 puts or deletes a request
 * (lib/aws/dynamodb/batch-writes.ts). Only the poll function builds this (lib/runtime/poll-wiring.ts): the
 * alarm function's code, and role, never write here.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import type { PairDefinition } from '../../domain/pair-definition';
import { encodePairDefinition } from '../../pair-definition-codec';
import type { PairDefinitionWriter } from '../../ports';
import { batchWriteItems, type WriteRequest } from './batch-writes';
import { definitionItem, definitionKey } from './pair-definitions';
import type { Table } from './reads';

export { BATCH_WRITE_MAX_REQUESTS } from './batch-writes';

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
    await batchWriteItems(this.table, requests, describe(changes));
  }
}

function describe(changes: { readonly put: readonly PairDefinition[]; readonly remove: readonly PairId[] }): string {
  const first = changes.put[0]?.pair.id ?? changes.remove[0];
  const count = changes.put.length + changes.remove.length;
  return `${count} pair definition(s)${first === undefined ? '' : ` from ${pairKey(first)}`}`;
}
