/** Multi-request reads: every page of a query, every key of a batch (DynamoDB may answer in parts). */
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { chunksOf } from '../../batches';
import { StoreError } from '../../errors';
import { type Item, PARTITION_KEY, sendUntilProcessed, SORT_KEY, withStoreError } from './table';

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

/** The items of distinct `keys` that exist, in any order: batches of 100, unprocessed keys asked again (lib/aws/dynamodb/table.ts). */
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

/**
 * Eventually consistent reads by key, gathered: every key asked for in the same turn of the event loop
 * goes out in the same BatchGetItem requests (100 keys each). A sweep asks for its pairs' states and for
 * the CLI silences side by side, so the silences ride in the states' request instead of costing one
 * of their own. A failed request fails every read it carried.
 */
interface Waiting {
  readonly keys: readonly Item[];
  readonly action: string;
  resolve(items: Item[]): void;
  reject(error: unknown): void;
}

export class DynamoBatchReader {
  private waiting: Waiting[] = [];

  constructor(private readonly table: Table) {}

  /** The items of `keys` that exist, in any order. */
  read(keys: readonly Item[], action: string): Promise<Item[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ keys, action, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const reads = this.waiting;
    this.waiting = [];
    // BatchGetItem rejects a request that names the same key twice.
    const keys = new Map(reads.flatMap((read) => read.keys.map((key) => [idOf(key), key] as const)));
    const action = [...new Set(reads.map((read) => read.action))].join(' and ');
    try {
      const found = new Map<string, Item>((await batchGetItems(this.table, [...keys.values()], action)).map((item) => [idOf(item), item]));
      for (const read of reads) {
        const items = [...new Set(read.keys.map(idOf))].map((id) => found.get(id));
        read.resolve(items.filter((item): item is Item => item !== undefined));
      }
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}

function idOf(item: Item): string {
  return JSON.stringify([item[PARTITION_KEY], item[SORT_KEY]]);
}
