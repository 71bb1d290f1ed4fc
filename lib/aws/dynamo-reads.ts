/** Multi-request reads: every page of a query, every key of a batch (DynamoDB may answer in parts). */
import { BatchGetCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../errors';
import { withStoreError } from './dynamo-errors';
import type { Item } from './dynamo-items';
import { PARTITION_KEY, SORT_KEY } from './dynamo-table';

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const BATCH_GET_MAX_KEYS = 100;
const BATCH_GET_MAX_ATTEMPTS = 8;
const BATCH_GET_BASE_DELAY_MS = 50;
const BATCH_GET_MAX_DELAY_MS = 2_000;
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

/** The items of distinct `keys` that exist, in any order: batches of 100, unprocessed keys asked again. */
export async function batchGetItems(table: Table, keys: readonly Item[], action: string): Promise<Item[]> {
  const batches: Item[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) batches.push(keys.slice(start, start + BATCH_GET_MAX_KEYS));
  return (await Promise.all(batches.map((batch) => batchGet(table, batch, action)))).flat();
}

async function batchGet(table: Table, keys: readonly Item[], action: string): Promise<Item[]> {
  const items: Item[] = [];
  let unprocessed = keys;
  for (let attempt = 1; ; attempt++) {
    const output = await withStoreError(action, () =>
      table.client.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: [...unprocessed] } } })),
    );
    items.push(...(output.Responses?.[table.tableName] ?? []));
    unprocessed = output.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    if (unprocessed.length === 0) return items;
    if (attempt === BATCH_GET_MAX_ATTEMPTS) {
      throw new StoreError(`DynamoDB left ${unprocessed.length} keys unread while ${action} after ${attempt} attempts (throughput exhausted); try again later`, true);
    }
    // Full jitter, so runs throttled together do not come back together.
    await sleep(Math.random() * Math.min(BATCH_GET_MAX_DELAY_MS, BATCH_GET_BASE_DELAY_MS * 2 ** attempt));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
