/** Multi-request reads: every page of a query, every key of a batch (DynamoDB may answer in parts). */
import { BatchGetCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { chunksOf } from '../../batches';
import { StoreError } from '../../errors';
import { withStoreError } from './errors';
import type { Item } from './state-items';
import { PARTITION_KEY, SORT_KEY } from './table';
import { sendUntilProcessed } from './unprocessed';

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const BATCH_GET_MAX_KEYS = 100;
const QUERY_MAX_PAGES = 100;

/** A strongly consistent read of one item; undefined when there is none. */
export async function getItem(table: Table, key: Item, action: string): Promise<Item | undefined> {
  const output = await withStoreError(action, () => table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true })));
  return output.Item;
}

export type KeyQuery = Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues' | 'ScanIndexForward' | 'ConsistentRead'>;

/** Up to `limit` items of a key query (its expressions name the keys `#pk` and, if used, `#sk`), following pages. */
export async function queryItems(table: Table, query: KeyQuery, limit: number, action: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < QUERY_MAX_PAGES && items.length < limit; page++) {
    const remaining = limit - items.length;
    const output = await withStoreError(action, () =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          ...query,
          // DynamoDB rejects a name the expressions do not use: a partition-only query names no sort key.
          ExpressionAttributeNames: {
            [`#${PARTITION_KEY}`]: PARTITION_KEY,
            ...(query.KeyConditionExpression?.includes(`#${SORT_KEY}`) ? { [`#${SORT_KEY}`]: SORT_KEY } : {}),
          },
          ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
    if (startKey === undefined) break;
  }
  return items;
}

/** The items of distinct `keys` that exist, in any order: batches of 100, unprocessed keys asked again (lib/aws/dynamodb/unprocessed.ts). */
export async function batchGetItems(table: Table, keys: readonly Item[], action: string): Promise<Item[]> {
  return (await Promise.all(chunksOf(keys, BATCH_GET_MAX_KEYS).map((batch) => batchGet(table, batch, action)))).flat();
}

async function batchGet(table: Table, keys: readonly Item[], action: string): Promise<Item[]> {
  const items: Item[] = [];
  await sendUntilProcessed(
    table.client,
    'dynamodb:BatchGetItem',
    keys,
    async (pending) => {
      const output = await withStoreError(action, () => table.client.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: [...pending] } } })));
      items.push(...(output.Responses?.[table.tableName] ?? []));
      return output.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    },
    (left, attempts) => new StoreError(`DynamoDB left ${left} keys unread while ${action} after ${attempts} attempts (throughput exhausted); try again later`, true),
  );
  return items;
}
