/**
 * The store's side of the notice policy, on dynalite: notices committed once and kept in the outbox until
 * published, held and silenced transitions out of it as soon as they are in history, and the policy's
 * optional state fields written, read back and removed.
 */
import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import type { PairState } from '../../lib/domain/model';
import { buildNotice, type Notice } from '../../lib/domain/notices';
import { createTestDocumentClient } from '../support/dynalite';
import { SCHEDULE, T0, failRequests, firstState, freshPairId, isHistoryPut, minutesAfter, readPartition, readRawItem, transitionsAfter, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

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

    const stored: unknown = { ...JSON.parse(JSON.stringify(notice)), publishStatus: 'PENDING' };
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [], pendingNotices: [notice.key], outbox: [{ kind: 'NOTICE', notice: stored }] });
    expect(await store.getNotice(start.pairId, notice.key)).toEqual(stored);
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

  test('a notice committed again while the first is still waiting keeps what it was first committed with, in the outbox and in history', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    const first = { ...start, lastRemindedAt: T0 };
    await store.record({ expected: start, next: first, transitions: [], notices: [notice], expectedRevision: 1 });

    const written = await store.record({ expected: first, next: { ...first, lastObservedAt: minutesAfter(T0, 1).toISOString() }, transitions: [], notices: [{ ...notice, lastedSeconds: 1 }], expectedRevision: 2 });

    expect(written.outbox).toEqual([{ kind: 'NOTICE', notice: expect.objectContaining({ key: notice.key, lastedSeconds: 14_400, publishStatus: 'PENDING' }) }]);
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ lastedSeconds: 14_400, publishStatus: 'PENDING' });
  });

  test('a crash after the commit, before the notice item: it waits in the state\'s outbox, reads show it, and the claim writes it before sending', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 1);
    const notice = reminder(start);
    const crashClient = createTestDocumentClient(db.endpoint);
    failRequests(crashClient, (r) => isHistoryPut(r), () => new Error('Lambda timed out'));
    const crashing = new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 });
    await crashing.record({ expected: start, next, transitions, notices: [notice], expectedRevision: 1 });
    crashClient.destroy();

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE']);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ ...next, revision: 2, pendingSequences: [1], pendingNotices: [notice.key] });
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ id: notice.id, publishStatus: 'PENDING' });
    expect((await store.listNotices(start.pairId)).map((n) => n.key)).toEqual([notice.key]);

    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 2))).toBe(true);
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 1));

    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' });
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ pendingSequences: [1] });
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toBeUndefined();
  });
});

describe('DynamoStateStore: held and silenced transitions, and the policy fields of the state', () => {
  test('HELD and SILENCED transitions are recorded with their status (and the silence), and leave the outbox once in history', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 3);
    const silence = { id: 's-1', reason: 'DR drill', until: '2026-11-25T11:00:00.000Z' };
    const delivered = [transitions[0]!, { ...transitions[1]!, delivery: { status: 'HELD', reason: 'flapping' } as const }, { ...transitions[2]!, delivery: { status: 'SILENCED', silence } as const }];

    const written = await store.record({ expected: start, next, transitions: delivered, expectedRevision: 1 });

    // In history at once; only the one sent on its own stays in the outbox.
    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001', 'T#0000000002', 'T#0000000003']);
    expect(Object.keys((await readRawItem(client, tableName, start.pairId))?.['outbox'] as object)).toEqual(['T#0000000001']);
    expect(written.outbox?.map((item) => (item.kind === 'TRANSITION' ? item.transition.sequence : -1))).toEqual([1]);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ pendingSequences: [1], outbox: [{ kind: 'TRANSITION', transition: { sequence: 1 } }] });
    expect((await store.listTransitionsBetween(start.pairId, 1, 3)).map((t) => [t.sequence, t.publishStatus, t.delivery])).toEqual([
      [1, 'PENDING', undefined],
      [2, 'HELD', { status: 'HELD', reason: 'flapping' }],
      [3, 'SILENCED', { status: 'SILENCED', silence }],
    ]);
    expect(await store.claimForPublish(start.pairId, 2, minutesAfter(T0, 5), minutesAfter(T0, 6))).toBe(false);
  });

  test('HELD and SILENCED transitions a crash left only in the outbox: reads show them, `materialize` writes them and takes them out', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 2);
    const silence = { id: 's-2', reason: 'DR drill', until: '2026-11-25T11:00:00.000Z' };
    const delivered = [{ ...transitions[0]!, delivery: { status: 'HELD', reason: 'flapping' } as const }, { ...transitions[1]!, delivery: { status: 'SILENCED', silence } as const }];
    const crashClient = createTestDocumentClient(db.endpoint);
    failRequests(crashClient, (r) => isHistoryPut(r), () => new Error('Lambda timed out'));
    const written = await new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 }).record({ expected: start, next, transitions: delivered, expectedRevision: 1 });
    crashClient.destroy();

    expect(written).toMatchObject({ pendingSequences: [], outbox: [{ transition: { sequence: 1, publishStatus: 'HELD' } }, { transition: { sequence: 2, publishStatus: 'SILENCED' } }] });
    expect((await store.listTransitionsBetween(start.pairId, 1, 2)).map((t) => t.publishStatus)).toEqual(['HELD', 'SILENCED']);

    await store.materialize(start.pairId, written.outbox ?? []);

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001', 'T#0000000002']);
    expect((await readRawItem(client, tableName, start.pairId))?.['outbox']).toEqual({});
    expect((await store.loadStateConsistent(start.pairId))?.outbox).toBeUndefined();
    expect((await store.listTransitions(start.pairId)).map((t) => [t.sequence, t.publishStatus])).toEqual([[2, 'SILENCED'], [1, 'HELD']]);
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
