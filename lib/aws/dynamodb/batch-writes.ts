/** BatchWriteItem, 25 puts or deletes a request; what DynamoDB leaves unprocessed is sent again as lib/aws/dynamodb/table.ts says. */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { chunksOf } from '../../batches';
import { StoreError } from '../../errors';
import type { Table } from './reads';
import { type Item, sendUntilProcessed, withStoreError } from './table';

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_WRITE_MAX_REQUESTS = 25;

export type WriteRequest = { readonly PutRequest: { readonly Item: Item } } | { readonly DeleteRequest: { readonly Key: Item } };

/** Every request written, 25 a call, one call after another; `what` names them in an error. Throws StoreError; what was written before stays written. */
export async function batchWriteItems(table: Table, requests: readonly WriteRequest[], what: string): Promise<void> {
  for (const batch of chunksOf(requests, BATCH_WRITE_MAX_REQUESTS)) await batchWrite(table, batch, what);
}

function batchWrite(table: Table, requests: readonly WriteRequest[], what: string): Promise<void> {
  const action = `writing ${what}`;
  return sendUntilProcessed(
    table.client,
    'dynamodb:BatchWriteItem',
    requests,
    async (pending) => {
      const output = await withStoreError(action, () => table.client.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: [...pending] } })));
      return (output.UnprocessedItems?.[table.tableName] ?? []) as WriteRequest[];
    },
    (left, attempts) => new StoreError(`DynamoDB left ${left} of ${requests.length} writes unprocessed while ${action}, after ${attempts} attempts (throughput exhausted); the next sweep writes them`, true),
  );
}
