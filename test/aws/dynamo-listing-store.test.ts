/**
 * DynamoListingStore against dynalite: the stretches of a listing under way and the last complete
 * listing's pair keys, as a new container reads them back; damaged or foreign progress left out (the
 * listing starts again, and says why); a head another container wrote meanwhile never overwritten.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CHUNK_BYTES, DISCOVERY_PARTITION_KEY, DynamoListingStore } from '../../lib/aws/dynamodb/listing-store';
import { StoreError } from '../../lib/errors';
import { listingStart, ListingPhase, ListingScope, type ListingCursor, type ListingPiece } from '../../lib/ports';
import { EMPTY_PIECE } from '../../lib/usecases/listing-progress';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { recordRequests, type WireRequest } from './dynamo-state-store-fixtures';

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let tableName: string;
let requests: WireRequest[];

beforeAll(async () => {
  dynamo = await startDynalite();
  client = createTestDocumentClient(dynamo.endpoint);
  requests = recordRequests(client);
});
afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});
beforeEach(async () => {
  tableName = await createTestTable(dynamo.endpoint);
  requests.length = 0;
});

const store = () => new DynamoListingStore({ client, tableName });
const STARTED = '2026-11-25T08:00:00.000Z';
const cursorAt = (zoneIndex: number): ListingCursor => ({ ...listingStart(ListingScope.ALL), phase: ListingPhase.RECORDS, zones: [{ id: 'Z1', name: 'a.', private: false }, { id: 'Z2', name: 'b.', private: false }], zoneIndex });
const pieceWith = (reason: string): ListingPiece => ({ ...EMPTY_PIECE, skipped: [{ where: 'health check x', reason }] });
const writes = () => requests.filter((request) => /Put|Update|Delete|BatchWrite/.test(request.commandName)).length;

it('a new container reads back every stretch in order, then, once the listing is complete, its pair keys and no progress', async () => {
  const first = store();
  await first.loadListingState();
  await first.saveProgress('L1', STARTED, 0, { cursor: cursorAt(0), piece: pieceWith('one') });
  await first.saveProgress('L1', STARTED, 1, { cursor: cursorAt(1), piece: pieceWith('two') });
  expect(await store().loadListingState()).toEqual({
    problems: [],
    progress: { listingId: 'L1', startedAt: STARTED, stretches: [{ cursor: cursorAt(0), piece: pieceWith('one') }, { cursor: cursorAt(1), piece: pieceWith('two') }] },
  });
  expect(await first.saveComplete(['Z1|b.a.|A', 'Z1|a.a.|A'])).toBeGreaterThan(0);
  expect(await store().loadListingState()).toEqual({ problems: [], complete: { pairKeys: ['Z1|a.a.|A', 'Z1|b.a.|A'] } });
  // The same pairs again: nothing written.
  requests.length = 0;
  expect(await first.saveComplete(['Z1|a.a.|A', 'Z1|b.a.|A'])).toBe(0);
  expect(writes()).toBe(0);
});

it('a stretch larger than an item is cut into chunks and read back whole', async () => {
  const big = pieceWith(randomBytes(CHUNK_BYTES).toString('base64'));
  const writer = store();
  await writer.loadListingState();
  await writer.saveProgress('L1', STARTED, 0, { cursor: cursorAt(0), piece: big });
  expect((await store().loadListingState()).progress?.stretches[0]?.piece).toEqual(big);
});

it('damaged progress is left out with the reason, so the listing starts again instead of resuming from a hole', async () => {
  const writer = store();
  await writer.loadListingState();
  await writer.saveProgress('L1', STARTED, 0, { cursor: cursorAt(0), piece: pieceWith('one') });
  await client.send(new PutCommand({ TableName: tableName, Item: { pk: DISCOVERY_PARTITION_KEY, sk: 'PROGRESS#L1#0000#0', data: new Uint8Array([1, 2, 3]) } }));
  const state = await store().loadListingState();
  expect(state.progress).toBeUndefined();
  expect(state.problems).toEqual([expect.stringMatching(/progress of listing L1 is damaged/)]);
});

it("a head another container wrote meanwhile is not overwritten: the write fails, and the next one reads the head again", async () => {
  const a = store();
  const b = store();
  await a.loadListingState();
  await b.loadListingState();
  await b.saveProgress('LB', STARTED, 0, { cursor: cursorAt(0), piece: pieceWith('b') });
  await expect(a.saveProgress('LA', STARTED, 0, { cursor: cursorAt(0), piece: pieceWith('a') })).rejects.toThrow(StoreError);
  expect((await store().loadListingState()).progress?.listingId).toBe('LB');
  // Having read the head again, A's listing replaces B's (one listing under way at a time).
  await a.saveProgress('LA', STARTED, 0, { cursor: cursorAt(0), piece: pieceWith('a') });
  expect((await store().loadListingState()).progress?.listingId).toBe('LA');
});
