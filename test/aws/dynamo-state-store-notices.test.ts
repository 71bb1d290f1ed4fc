/**
 * The store's side of the notice policy, on dynalite: notices committed once and kept in the outbox until
 * a sweep moves them to history (after they are published), a notice decided again never sent twice, held
 * and silenced transitions moved by the sweep, and the policy's optional state fields written, read back
 * and removed.
 */
import type { PairState } from '../../lib/domain/model';
import { buildNotice, type Notice } from '../../lib/domain/notices';
import { SCHEDULE, T0, firstState, freshPairId, minutesAfter, publishAndMove, readOutboxEntry, readOutboxKeys, readPartition, readRawItem, transitionsAfter, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

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
  test('a notice is recorded with the state, waits in the outbox, and leaves it once published and moved to history', async () => {
    const start = await recorded(firstState(freshPairId()));
    const next = { ...start, lastRemindedAt: T0 };
    const notice = reminder(start);
    await store.record({ expected: start, next, transitions: [], notices: [notice], expectedRevision: 1 });

    const stored: unknown = { ...JSON.parse(JSON.stringify(notice)), publishStatus: 'PENDING' };
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [], pendingNotices: [notice.key], outbox: [{ kind: 'NOTICE', notice: stored }] });
    expect(await store.getNotice(start.pairId, notice.key)).toEqual(stored);
    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 2))).toEqual(expect.any(String));
    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 2))).toBeUndefined();
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 1));

    const published = await store.loadStateConsistent(start.pairId);
    expect(published).toMatchObject({ revision: 2, pendingSequences: [], outbox: [{ kind: 'NOTICE', notice: { key: notice.key, publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' } }] });
    expect(published?.pendingNotices).toBeUndefined();
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' });

    await store.materialize(start.pairId, published?.outbox ?? []);

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [] });
    expect(await readPartition(client, tableName, start.pairId)).toMatchObject({ [`N#${notice.key}`]: { publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' } });
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' });
    expect((await store.listNotices(start.pairId)).map((n) => n.key)).toEqual([notice.key]);
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

  test('a notice decided again after its first copy was moved to history: committed anew, but dropped unsent before publishing, and the first copy stands', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    const first = { ...start, lastRemindedAt: T0 };
    await store.record({ expected: start, next: first, transitions: [], notices: [notice], expectedRevision: 1 });
    await publishAndMove(store, start.pairId, minutesAfter(T0, 1));
    expect(await readOutboxKeys(client, tableName, start.pairId)).toEqual([]);

    const again = await store.record(
      { expected: first, next: { ...first, lastObservedAt: minutesAfter(T0, 2).toISOString() }, transitions: [], notices: [{ ...notice, lastedSeconds: 1 }], expectedRevision: 2 },
      { claimUntil: minutesAfter(T0, 3) },
    );
    // The commit cannot see history: the repeat enters the outbox, born claimed by the run that decided it...
    expect(again).toMatchObject({ pendingNotices: [notice.key], claimed: { sequences: [], notices: [notice.key] } });

    // ...which asks before sending, and drops it.
    expect(await store.dropRepeatedNotice(start.pairId, notice.key)).toBe(true);

    expect(await readOutboxKeys(client, tableName, start.pairId)).toEqual([]);
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toBeUndefined();
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ lastedSeconds: 14_400, publishStatus: 'PUBLISHED', snsMessageId: `sns-N#${notice.key}` });
    expect((await store.listNotices(start.pairId)).map((n) => [n.key, n.lastedSeconds])).toEqual([[notice.key, 14_400]]);
  });

  test('a sweep moving a stale view of the outbox (the key PENDING again since) never takes a PENDING entry out', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    const first = { ...start, lastRemindedAt: T0 };
    await store.record({ expected: start, next: first, transitions: [], notices: [notice], expectedRevision: 1 });
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 1));
    const stale = (await store.loadStateConsistent(start.pairId))?.outbox ?? [];
    await store.materialize(start.pairId, stale);
    await store.record({ expected: first, next: { ...first, lastObservedAt: minutesAfter(T0, 2).toISOString() }, transitions: [], notices: [notice], expectedRevision: 2 });

    // Another sweep, with the view it loaded before the repeat was committed.
    await store.materialize(start.pairId, stale);

    expect(await readOutboxEntry(client, tableName, start.pairId, `N#${notice.key}`)).toMatchObject({ publishStatus: 'PENDING' });
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toEqual([notice.key]);
  });

  test('a notice never recorded before is no repeat: dropRepeatedNotice leaves it waiting, and writes nothing', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    await store.record({ expected: start, next: { ...start, lastRemindedAt: T0 }, transitions: [], notices: [notice], expectedRevision: 1 });
    const before = await readRawItem(client, tableName, start.pairId);

    expect(await store.dropRepeatedNotice(start.pairId, notice.key)).toBe(false);

    expect(await readRawItem(client, tableName, start.pairId)).toEqual(before);
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toEqual([notice.key]);
  });

  test('a notice committed again while the first is still waiting keeps what it was first committed with, in the outbox and in history', async () => {
    const start = await recorded(firstState(freshPairId()));
    const notice = reminder(start);
    const first = { ...start, lastRemindedAt: T0 };
    await store.record({ expected: start, next: first, transitions: [], notices: [notice], expectedRevision: 1 });

    const written = await store.record(
      { expected: first, next: { ...first, lastObservedAt: minutesAfter(T0, 1).toISOString() }, transitions: [], notices: [{ ...notice, lastedSeconds: 1 }], expectedRevision: 2 },
      { claimUntil: minutesAfter(T0, 2) },
    );

    expect(written.outbox).toEqual([{ kind: 'NOTICE', notice: expect.objectContaining({ key: notice.key, lastedSeconds: 14_400, publishStatus: 'PENDING' }) }]);
    // The entry is the first run's, unclaimed: this run did not claim it, and any run may.
    expect(written.claimed).toMatchObject({ sequences: [], notices: [] });
    expect(await readOutboxEntry(client, tableName, start.pairId, `N#${notice.key}`)).not.toHaveProperty('claimUntil');
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ lastedSeconds: 14_400, publishStatus: 'PENDING' });
  });

  test('a notice committed by a run that died before sending it: it waits in the state\'s outbox claimed until the lease runs out, reads show it, then any run claims and sends it', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 1);
    const notice = reminder(start);
    await store.record({ expected: start, next, transitions, notices: [notice], expectedRevision: 1 }, { claimUntil: minutesAfter(T0, 2) });

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE']);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ ...next, revision: 2, pendingSequences: [1], pendingNotices: [notice.key] });
    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ id: notice.id, publishStatus: 'PENDING' });
    expect((await store.listNotices(start.pairId)).map((n) => n.key)).toEqual([notice.key]);

    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 1), minutesAfter(T0, 3))).toBeUndefined();
    expect(await store.claimNoticeForPublish(start.pairId, notice.key, minutesAfter(T0, 2.01), minutesAfter(T0, 3))).toEqual(expect.any(String));
    expect(await store.dropRepeatedNotice(start.pairId, notice.key)).toBe(false);
    await store.markNoticePublished(start.pairId, notice.key, 'sns-1', minutesAfter(T0, 2.01));

    expect(await store.getNotice(start.pairId, notice.key)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-1' });
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ pendingSequences: [1] });
    expect((await store.loadStateConsistent(start.pairId))?.pendingNotices).toBeUndefined();
  });
});

describe('DynamoStateStore: held and silenced transitions, and the policy fields of the state', () => {
  test('HELD and SILENCED transitions are recorded with their status (and the silence) in the outbox, and leave it once a sweep moved them to history', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 3);
    const silence = { id: 's-1', reason: 'DR drill', until: '2026-11-25T11:00:00.000Z' };
    const delivered = [transitions[0]!, { ...transitions[1]!, delivery: { status: 'HELD', reason: 'flapping' } as const }, { ...transitions[2]!, delivery: { status: 'SILENCED', silence } as const }];

    const written = await store.record({ expected: start, next, transitions: delivered, expectedRevision: 1 });

    // Only the state item is written; only the one sent on its own is pending.
    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE']);
    expect(written.outbox?.map((item) => (item.kind === 'TRANSITION' ? [item.transition.sequence, item.transition.publishStatus] : []))).toEqual([[1, 'PENDING'], [2, 'HELD'], [3, 'SILENCED']]);
    expect(written.pendingSequences).toEqual([1]);
    const history = [
      [1, 'PENDING', undefined],
      [2, 'HELD', { status: 'HELD', reason: 'flapping' }],
      [3, 'SILENCED', { status: 'SILENCED', silence }],
    ];
    expect((await store.listTransitionsBetween(start.pairId, 1, 3)).map((t) => [t.sequence, t.publishStatus, t.delivery])).toEqual(history);
    expect(await store.claimForPublish(start.pairId, 2, minutesAfter(T0, 5), minutesAfter(T0, 6))).toBeUndefined();

    await store.materialize(start.pairId, written.outbox ?? []);

    // The final ones are moved; the pending one stays, only in the outbox.
    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000002', 'T#0000000003']);
    expect(await readOutboxKeys(client, tableName, start.pairId)).toEqual(['T#0000000001']);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ pendingSequences: [1], outbox: [{ kind: 'TRANSITION', transition: { sequence: 1 } }] });
    expect((await store.listTransitionsBetween(start.pairId, 1, 3)).map((t) => [t.sequence, t.publishStatus, t.delivery])).toEqual(history);
    expect(await store.claimForPublish(start.pairId, 2, minutesAfter(T0, 5), minutesAfter(T0, 6))).toBeUndefined();
  });

  test('HELD and SILENCED transitions in the outbox: reads show them, `materialize` writes them and takes them out, and moving them again changes nothing', async () => {
    const start = await recorded(firstState(freshPairId()));
    const { transitions, next } = transitionsAfter(start, 2);
    const silence = { id: 's-2', reason: 'DR drill', until: '2026-11-25T11:00:00.000Z' };
    const delivered = [{ ...transitions[0]!, delivery: { status: 'HELD', reason: 'flapping' } as const }, { ...transitions[1]!, delivery: { status: 'SILENCED', silence } as const }];
    const written = await store.record({ expected: start, next, transitions: delivered, expectedRevision: 1 });

    expect(written).toMatchObject({ pendingSequences: [], outbox: [{ transition: { sequence: 1, publishStatus: 'HELD' } }, { transition: { sequence: 2, publishStatus: 'SILENCED' } }] });
    expect((await store.listTransitionsBetween(start.pairId, 1, 2)).map((t) => t.publishStatus)).toEqual(['HELD', 'SILENCED']);

    await store.materialize(start.pairId, written.outbox ?? []);
    const after = await readPartition(client, tableName, start.pairId);
    await store.materialize(start.pairId, written.outbox ?? []);

    expect(Object.keys(after)).toEqual(['STATE', 'T#0000000001', 'T#0000000002']);
    expect(await readPartition(client, tableName, start.pairId)).toEqual(after);
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
