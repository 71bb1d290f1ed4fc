/**
 * The store's side of the notice policy, on dynalite: notices recorded once and kept in the outbox until
 * published, held and silenced transitions kept out of it, and the policy's optional state fields
 * written, read back and removed.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import type { PairState } from '../../lib/domain/model';
import { buildNotice, type Notice } from '../../lib/domain/notices';
import { StoreError } from '../../lib/errors';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import { SCHEDULE, T0, failRequests, firstState, freshPairId, isStateUpdate, minutesAfter, readRawItem, transitionsAfter } from './dynamo-state-store-fixtures';

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

function reminder(state: PairState, slot = 1): Notice {
  return buildNotice(state.pairId, `${state.servingSince}#${slot}`, { kind: 'REMINDER', serving: 'SECONDARY', servingSince: state.servingSince, servingValues: ['10.0.1.1'], lastedSeconds: 14_400 }, T0, SCHEDULE);
}

async function recorded(state: PairState): Promise<PairState> {
  await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
  return state;
}

describe('DynamoStateStore: notices', () => {
  test('a notice is recorded with the state, waits in the outbox, and leaves it once published', async () => {
    const start = await recorded(firstState(freshPairId()));
    const next = { ...start, lastRemindedAt: T0 };
    const notice = reminder(start);
    await store.record({ expected: start, next, transitions: [], notices: [notice], expectedRevision: 1 });

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [], pendingNotices: [notice.key] });
    expect(await store.getNotice(start.pairId, notice.key)).toEqual({ ...JSON.parse(JSON.stringify(notice)), publishStatus: 'PENDING' });
    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 2))).toBe(true);
    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 2))).toBe(false);
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 1));

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [] });
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' });
    expect((await store.listTransitions(start.pairId)).length).toBe(0);
  });

  test('a notice decided again (a run that died, or lost the race) is recorded once; once published it does not re-enter the outbox', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    await store.record({ expected: start, next: { ...start, lastRemindedAt: T0 }, transitions: [], notices: [notice], expectedRevision: 1 });
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 1));
    await store.record({ expected: start, next: { ...start, lastRemindedAt: T0, lastObservedAt: T0 }, transitions: [], notices: [{ ...notice, lastedSeconds: 1 }], expectedRevision: 2 });

    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ lastedSeconds: 14_400, publishStatus: 'PUBLISHED' });
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toBeUndefined();
  });

  test('a crash before the state write: the notices recorded with the transitions are put back in the outbox by the roll-forward', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 1);
    const notice = reminder(start);
    const crashClient = createTestDocumentClient(db.endpoint);
    failRequests(crashClient, isStateUpdate, () => new Error('Lambda timed out'));
    const crashing = new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 });
    await expect(crashing.record({ expected: start, next, transitions, notices: [notice], expectedRevision: 1 })).rejects.toThrow(StoreError);
    crashClient.destroy();

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [1], pendingNotices: [notice.key] });
  });
});

describe('DynamoStateStore: held and silenced transitions, and the policy fields of the state', () => {
  test('HELD and SILENCED transitions are recorded with their status (and the silence) but never enter the outbox', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 3);
    const silence = { id: 's-1', reason: 'DR drill', until: '2026-11-25T11:00:00.000Z' };
    const delivered = [transitions[0]!, { ...transitions[1]!, delivery: { status: 'HELD', reason: 'flapping' } as const }, { ...transitions[2]!, delivery: { status: 'SILENCED', silence } as const }];
    await store.record({ expected: start, next, transitions: delivered, expectedRevision: 1 });

    expect((await store.loadStateConsistent(start.pairId))?.pendingSequences).toEqual([1]);
    expect((await store.listTransitionsBetween(start.pairId, 1, 3)).map((t) => [t.sequence, t.publishStatus, t.delivery])).toEqual([
      [1, 'PENDING', undefined],
      [2, 'HELD', { status: 'HELD', reason: 'flapping' }],
      [3, 'SILENCED', { status: 'SILENCED', silence }],
    ]);
    expect(await store.claimForPublish(start.pairId, 2, minutesAfter(T0, 5), minutesAfter(T0, 6))).toBe(false);
  });

  test('the optional fields round-trip, and a field the next state drops is removed from the item', async () => {
    const start = await recorded(firstState(freshPairId()));
    const busy: PairState = {
      ...start,
      candidate: { serving: 'SECONDARY', secondaryVerdict: 'HEALTHY', count: 2, firstSeenAt: T0, lastSeenAt: T0 },
      sideChanges: [T0],
      flapping: { since: T0, fromSequence: 1 },
      silenced: { id: 's-1', reason: 'DR drill', until: T0, fromSequence: 1 },
      lastRemindedAt: T0,
      unknownSince: T0,
      degradedNotifiedAt: T0,
    };
    await store.record({ expected: start, next: busy, transitions: [], expectedRevision: 1 });
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...busy, revision: 2, pendingSequences: [] });

    await store.record({ expected: busy, next: start, transitions: [], expectedRevision: 2 });
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...start, revision: 3, pendingSequences: [] });
    const raw = await readRawItem(client, tableName, start.pairId);
    for (const field of ['candidate', 'sideChanges', 'flapping', 'silenced', 'lastRemindedAt', 'unknownSince', 'degradedNotifiedAt']) expect(raw).not.toHaveProperty(field);
  });

  test('a state item written before these fields existed still loads', async () => {
    const old = await recorded(firstState(freshPairId()));
    expect(await store.loadStates([old.pairId])).toEqual(new Map([[expect.any(String), { ...old, revision: 1, pendingSequences: [] }]]));
  });
});
