/**
 * ListingStore on the Failwatch table, in a partition of its own (`DISCOVERY`): a head item (sort key
 * `HEAD`) saying which catalog and which progress are current, the catalog of the last complete listing
 * (its pair keys; the pairs' definitions are their own items, lib/aws/dynamodb/pair-definitions.ts) and the
 * stretches of a listing under way. Catalog and stretches are gzipped JSON cut into binary chunks
 * (`CATALOG#<listing>#<n>`, `PROGRESS#<listing>#<stretch>#<n>`) well under DynamoDB's 400 KB an item. The
 * head is written last and only if no other container wrote it since this one read it (its `revision`):
 * a chunk the head does not name is never read as current. A new container reads the whole partition in
 * one Query (a page per MB). Only the poll function writes here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../errors';
import { ListingPhase, type ListingCursor, type ListingPiece, type ListingStore, type StoredListingState } from '../../ports';
import { batchWriteItems, type WriteRequest } from './batch-writes';
import { queryItems, type Table } from './reads';
import { isConditionalCheckFailed, type Item, PARTITION_KEY, SORT_KEY, withStoreError } from './table';

export const DISCOVERY_PARTITION_KEY = 'DISCOVERY';
const HEAD_SORT_KEY = 'HEAD';
const FORMAT = 1;
/** Bytes of gzipped JSON an item holds: DynamoDB's item limit is 400 KB, keys and attributes included. */
export const CHUNK_BYTES = 300_000;

interface Head {
  readonly revision: number;
  readonly catalog?: { readonly id: string; readonly chunks: number; readonly hash: string };
  readonly progress?: { readonly id: string; readonly startedAt: string; readonly chunks: readonly number[] };
}

type Stretch = { readonly cursor: ListingCursor; readonly piece: ListingPiece };

export class DynamoListingStore implements ListingStore {
  private readonly table: Table;
  /** The head as this container last read or wrote it; undefined until read. */
  private head: Head | undefined;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  async loadListingState(): Promise<StoredListingState> {
    const items = await this.readPartition();
    const headItem = items.find((item) => item[SORT_KEY] === HEAD_SORT_KEY);
    const problems: string[] = [];
    const head = headItem === undefined ? { revision: 0 } : readHead(headItem, problems);
    this.head = head;
    const chunks = new Map(items.map((item) => [String(item[SORT_KEY]), item['data']]));
    const state: { -readonly [K in keyof StoredListingState]: StoredListingState[K] } = { problems };
    if (head.catalog !== undefined) {
      const keys = decodeChunks(chunks, catalogPrefix(head.catalog.id), head.catalog.chunks);
      if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) state.complete = { pairKeys: keys as string[] };
      else problems.push(`the catalog of the last complete listing (${head.catalog.id}) is damaged; a new listing replaces it`);
    }
    if (head.progress !== undefined) {
      const { id, startedAt } = head.progress;
      const stretches = head.progress.chunks.map((count, stretch) => decodeChunks(chunks, progressPrefix(id, stretch), count));
      if (stretches.every(isStretch)) state.progress = { listingId: id, startedAt, stretches };
      else problems.push(`the progress of listing ${id} is damaged; the listing starts again`);
    }
    return state;
  }

  async saveProgress(listingId: string, startedAt: string, stretch: number, step: Stretch): Promise<void> {
    const head = this.head ?? (await this.readHead());
    const current = head.progress?.id === listingId ? head.progress : undefined;
    // Stretches before this one must be the table's, or the listing would resume from a hole.
    if ((current?.chunks.length ?? 0) !== stretch) throw new StoreError(`the table holds ${current?.chunks.length ?? 0} stretch(es) of listing ${listingId}, not ${stretch}; its progress is kept in this container only`, true);
    const parts = encodeChunks(step);
    const puts = parts.map((data, n) => put(`${progressPrefix(listingId, stretch)}${n}`, data));
    await batchWriteItems(this.table, puts, `listing progress (${listingId}, stretch ${stretch})`);
    const abandoned = current === undefined && head.progress !== undefined ? progressKeys(head.progress) : [];
    await this.writeHead(head, { ...withoutProgress(head), progress: { id: listingId, startedAt, chunks: [...(current?.chunks ?? []), parts.length] } });
    if (abandoned.length > 0) await batchWriteItems(this.table, abandoned.map(remove), `the progress of an abandoned listing`);
  }

  async saveComplete(pairKeys: readonly string[]): Promise<number> {
    const head = this.head ?? (await this.readHead());
    const sorted = [...pairKeys].sort();
    const hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
    if (head.catalog?.hash === hash && head.progress === undefined) return 0;
    const requests: WriteRequest[] = [];
    let catalog = head.catalog;
    if (catalog?.hash !== hash) {
      const id = randomUUID();
      const parts = encodeChunks(sorted);
      requests.push(...parts.map((data, n) => put(`${catalogPrefix(id)}${n}`, data)));
      catalog = { id, chunks: parts.length, hash };
    }
    if (requests.length > 0) await batchWriteItems(this.table, requests, 'the catalog of the complete listing');
    await this.writeHead(head, { catalog });
    const stale = [...(head.catalog !== undefined && head.catalog.id !== catalog.id ? catalogKeys(head.catalog) : []), ...(head.progress !== undefined ? progressKeys(head.progress) : [])];
    if (stale.length > 0) await batchWriteItems(this.table, stale.map(remove), 'the listing progress and catalog replaced');
    return Math.ceil(requests.length / 25) + 1 + Math.ceil(stale.length / 25);
  }

  private async readPartition(): Promise<Item[]> {
    return queryItems(
      this.table,
      { KeyConditionExpression: '#pk = :pk', ExpressionAttributeValues: { ':pk': DISCOVERY_PARTITION_KEY }, ConsistentRead: true },
      Number.POSITIVE_INFINITY,
      'reading the stored discovery',
    );
  }

  private async readHead(): Promise<Head> {
    const items = await queryItems(
      this.table,
      { KeyConditionExpression: '#pk = :pk AND #sk = :sk', ExpressionAttributeValues: { ':pk': DISCOVERY_PARTITION_KEY, ':sk': HEAD_SORT_KEY }, ConsistentRead: true },
      1,
      'reading the stored discovery head',
    );
    const head = items[0] === undefined ? { revision: 0 } : readHead(items[0], []);
    this.head = head;
    return head;
  }

  /** Only over the head this container knows: another container's write since makes it read the head again next time. */
  private async writeHead(known: Head, next: Omit<Head, 'revision'>): Promise<void> {
    const revision = known.revision + 1;
    try {
      await withStoreError('writing the stored discovery head', () =>
        this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { [PARTITION_KEY]: DISCOVERY_PARTITION_KEY, [SORT_KEY]: HEAD_SORT_KEY, format: FORMAT, revision, ...(next.catalog ? { catalog: next.catalog } : {}), ...(next.progress ? { progress: next.progress } : {}) },
            ...(known.revision === 0
              ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } }
              : { ConditionExpression: '#revision = :revision', ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':revision': known.revision } }),
          }),
        ),
      );
    } catch (error) {
      this.head = undefined;
      if (isConditionalCheckFailed(error instanceof StoreError ? error.cause : error)) {
        throw new StoreError('another poll container wrote the stored discovery meanwhile; this one reads it again at its next write', true, { cause: error });
      }
      throw error;
    }
    this.head = { revision, ...next };
  }
}

function withoutProgress(head: Head): Omit<Head, 'revision'> {
  return head.catalog === undefined ? {} : { catalog: head.catalog };
}

function catalogPrefix(id: string): string {
  return `CATALOG#${id}#`;
}

function progressPrefix(id: string, stretch: number): string {
  return `PROGRESS#${id}#${String(stretch).padStart(4, '0')}#`;
}

function catalogKeys(catalog: NonNullable<Head['catalog']>): string[] {
  return Array.from({ length: catalog.chunks }, (_, n) => `${catalogPrefix(catalog.id)}${n}`);
}

function progressKeys(progress: NonNullable<Head['progress']>): string[] {
  return progress.chunks.flatMap((count, stretch) => Array.from({ length: count }, (_, n) => `${progressPrefix(progress.id, stretch)}${n}`));
}

function put(sortKey: string, data: Uint8Array): WriteRequest {
  return { PutRequest: { Item: { [PARTITION_KEY]: DISCOVERY_PARTITION_KEY, [SORT_KEY]: sortKey, data } } };
}

function remove(sortKey: string): WriteRequest {
  return { DeleteRequest: { Key: { [PARTITION_KEY]: DISCOVERY_PARTITION_KEY, [SORT_KEY]: sortKey } } };
}

export function encodeChunks(value: unknown): Uint8Array[] {
  const zipped = gzipSync(JSON.stringify(value));
  const parts: Uint8Array[] = [];
  for (let start = 0; start < zipped.length; start += CHUNK_BYTES) parts.push(zipped.subarray(start, start + CHUNK_BYTES));
  return parts.length === 0 ? [zipped] : parts;
}

/** The value chunks `<prefix>0..count-1` hold; undefined when one is missing or they do not decode. */
function decodeChunks(chunks: ReadonlyMap<string, unknown>, prefix: string, count: number): unknown {
  const parts: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const data = chunks.get(`${prefix}${n}`);
    if (!(data instanceof Uint8Array)) return undefined;
    parts.push(data);
  }
  try {
    return JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readHead(item: Item, problems: string[]): Head {
  const revision = typeof item['revision'] === 'number' ? item['revision'] : 0;
  if (item['format'] !== FORMAT) {
    problems.push(`the stored discovery head is of format ${String(item['format'])}, not ${FORMAT}; it is replaced`);
    return { revision };
  }
  const catalog = item['catalog'] as Head['catalog'] | undefined;
  const progress = item['progress'] as Head['progress'] | undefined;
  return { revision, ...(isCatalog(catalog) ? { catalog } : {}), ...(isProgress(progress) ? { progress } : {}) };
}

function isCatalog(value: unknown): value is NonNullable<Head['catalog']> {
  const catalog = value as Head['catalog'];
  return typeof catalog?.id === 'string' && typeof catalog.hash === 'string' && Number.isInteger(catalog.chunks);
}

function isProgress(value: unknown): value is NonNullable<Head['progress']> {
  const progress = value as Head['progress'];
  return typeof progress?.id === 'string' && typeof progress.startedAt === 'string' && Array.isArray(progress.chunks) && progress.chunks.every(Number.isInteger);
}

const PHASES: ReadonlySet<unknown> = new Set(Object.values(ListingPhase));

/** The shape a stored stretch must have to be resumed from; its content came from this code, its hash-free damage shows here. */
function isStretch(value: unknown): value is Stretch {
  const stretch = value as Stretch | undefined;
  const cursor = stretch?.cursor;
  const piece = stretch?.piece;
  return (
    cursor !== undefined &&
    PHASES.has(cursor.phase) &&
    Array.isArray(cursor.zones) &&
    Number.isInteger(cursor.zoneIndex) &&
    Array.isArray(cursor.zoneRecords) &&
    piece !== undefined &&
    Array.isArray(piece.pairs) &&
    Array.isArray(piece.recordSetsByZone) &&
    Array.isArray(piece.healthChecks) &&
    Array.isArray(piece.skipped)
  );
}
