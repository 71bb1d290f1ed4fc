import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import type { PairId } from '../../lib/domain/model';
import { StoreError } from '../../lib/errors';
import { PublishStatus } from '../../lib/ports';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import { firstState, freshPairId, minutesAfter, readRawItem, transitionsAfter, T0 } from './dynamo-state-store-fixtures';

let db: LocalDynamo;
let tableName: string;
let client: DynamoDBDocumentClient;
let store: DynamoStateStore;

beforeAll(async () => {
  db = await startDynalite();
  tableName = await createTestTable(db.endpoint);
  client = createTestDocumentClient(db.endpoint);
  store = new DynamoStateStore({ client, tableName, historyDays: 30 });
});

afterAll(async () => {
  client.destroy();
  await db.stop();
});

/** A pair with `count` freshly recorded, unpublished transitions. */
async function pairWithPending(count: number): Promise<PairId> {
  const start = firstState(freshPairId());
  const { transitions, next } = transitionsAfter(start, count);
  await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
  await store.record({ expected: start, next, transitions, expectedRevision: 1 });
  return start.pairId;
}

const at = (minutes: number): Date => minutesAfter(T0, minutes);

describe('DynamoStateStore outbox', () => {
  test('recorded transitions are pending in the pair outbox, added to what was already pending', async () => {
    const pairId = await pairWithPending(2);
    const state = await store.loadStateConsistent(pairId);
    if (!state) throw new Error('state expected');
    const { transitions, next } = transitionsAfter(state, 1);

    await store.record({ expected: state, next, transitions, expectedRevision: state.revision });

    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([1, 2, 3]);
    expect((await store.getTransition(pairId, 3))?.publishStatus).toBe(PublishStatus.PENDING);
  });

  test('a pending transition is claimed once while the lease lasts, and again once it has run out', async () => {
    const pairId = await pairWithPending(1);

    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toBe(true);
    expect(await store.claimForPublish(pairId, 1, at(10.5), at(11.5))).toBe(false);
    expect(await store.claimForPublish(pairId, 1, at(11.01), at(12))).toBe(true);
    expect(await store.claimForPublish(pairId, 1, at(11.5), at(12.5))).toBe(false);
  });

  test('only one of many simultaneous claimers gets a pending transition', async () => {
    const pairId = await pairWithPending(1);

    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimForPublish(pairId, 1, at(10), at(11))));

    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  test('releaseClaim lets the next run claim at once, before the lease would have run out', async () => {
    const pairId = await pairWithPending(1);
    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toBe(true);

    await store.releaseClaim(pairId, 1);

    expect(await readRawItem(client, tableName, pairId, 1)).not.toHaveProperty('claimUntil');
    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toBe(true);
  });

  test('markPublished stores the message id, leaves the outbox and cannot be claimed again', async () => {
    const pairId = await pairWithPending(2);
    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toBe(true);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10.1));

    expect(await store.getTransition(pairId, 1)).toMatchObject({
      publishStatus: PublishStatus.PUBLISHED,
      snsMessageId: 'sns-message-1',
      publishedAt: at(10.1).toISOString(),
    });
    expect(await readRawItem(client, tableName, pairId, 1)).not.toHaveProperty('claimUntil');
    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([2]);
    expect(await store.claimForPublish(pairId, 1, at(20), at(21))).toBe(false);
    expect((await store.getTransition(pairId, 2))?.publishStatus).toBe(PublishStatus.PENDING);
  });

  test('publishing the last pending transition empties the outbox without touching the revision', async () => {
    const pairId = await pairWithPending(1);
    const before = await store.loadStateConsistent(pairId);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10));

    expect(await readRawItem(client, tableName, pairId)).not.toHaveProperty('pending');
    expect(await store.loadStateConsistent(pairId)).toEqual({ ...before, pendingSequences: [] });
  });

  test('an unknown transition cannot be claimed, released or marked, and nothing is created for it', async () => {
    const pairId = await pairWithPending(1);

    expect(await store.claimForPublish(pairId, 7, at(10), at(11))).toBe(false);
    await store.releaseClaim(pairId, 7);
    await expect(store.markPublished(pairId, 7, 'sns-message-7', at(10))).rejects.toThrow(StoreError);

    expect(await readRawItem(client, tableName, pairId, 7)).toBeUndefined();
    expect((await store.listTransitions(pairId)).map((t) => t.sequence)).toEqual([1]);
  });
});
