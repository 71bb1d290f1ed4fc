/**
 * The store's exactly-once guarantees on dynalite: the state's conditional write is the commit point, so a
 * lost race writes nothing, and a crash anywhere leaves either nothing or a committed state whose outbox
 * lets any later reader finish the job.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { transitionItem } from '../../lib/aws/dynamo-items';
import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import { TriggerKind, type PairState } from '../../lib/domain/model';
import { StaleStateError, StoreError } from '../../lib/errors';
import { createTestDocumentClient } from '../support/dynalite';
import {
  failRequests,
  firstState,
  freshPairId,
  isHistoryPut,
  isStateUpdate,
  minutesAfter,
  nextTransition,
  readPartition,
  readRawItem,
  recordRequests,
  seenAgain,
  transitionsAfter,
  type WireRequest,
  startLocalStore,
  stopLocalStore,
  type LocalStore,
} from './dynamo-state-store-fixtures';

let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

async function recordFirst(state: PairState): Promise<void> {
  await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
}

/** A store whose requests `dies` picks never reach DynamoDB, as if the Lambda had died just before them. */
function crashingStore(dies: (request: WireRequest) => boolean): { crashing: DynamoStateStore; done: () => void } {
  const crashClient = createTestDocumentClient(db.endpoint);
  failRequests(crashClient, dies, () => new Error('Lambda timed out'));
  return { crashing: new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 }), done: () => crashClient.destroy() };
}

/** The sort keys in the state item's outbox map, as stored. */
async function outboxKeys(pairId: PairState['pairId']): Promise<string[]> {
  return Object.keys(((await readRawItem(client, tableName, pairId))?.['outbox'] ?? {}) as object).sort();
}

describe('DynamoStateStore.record: lost races', () => {
  test('a stale expectedRevision is a StaleStateError and leaves the state item untouched', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    await store.record({ expected: start, next: seenAgain(start, '2026-11-25T09:01:00.000Z'), transitions: [], expectedRevision: 1 });
    const before = await readRawItem(client, tableName, start.pairId);

    const stale = store.record({ expected: start, next: seenAgain(start, '2026-11-25T09:02:00.000Z'), transitions: [], expectedRevision: 1 });

    await expect(stale).rejects.toThrow(StaleStateError);
    expect(await readRawItem(client, tableName, start.pairId)).toEqual(before);
  });

  test('a first record for a pair that already has a state is a StaleStateError', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);

    await expect(recordFirst(seenAgain(start, '2026-11-25T09:03:00.000Z'))).rejects.toThrow(StaleStateError);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ revision: 1, lastObservedAt: start.lastObservedAt });
  });

  test('a second record of a sequence already committed is a StaleStateError from the state, and writes no history item', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const winner = nextTransition(start, '2026-11-25T09:05:00.000Z', { kind: TriggerKind.ALARM, source: 'winner' });
    await store.record({ expected: start, next: winner.next, transitions: [winner.transition], expectedRevision: 1 });
    const before = await readPartition(client, tableName, start.pairId);
    const loser = nextTransition(start, '2026-11-25T09:05:01.000Z', { kind: TriggerKind.SCHEDULE, source: 'loser' });
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);

    const losing = new DynamoStateStore({ client: counted, tableName, historyDays: 30 }).record({ expected: start, next: loser.next, transitions: [loser.transition], expectedRevision: 1 });

    await expect(losing).rejects.toThrow(StaleStateError);
    counted.destroy();
    expect(requests.map((r) => r.commandName)).toEqual(['UpdateItemCommand']);
    expect(await readPartition(client, tableName, start.pairId)).toEqual(before);
  });

  test('20 concurrent records of the same next sequence: one commits, 19 are stale and write nothing, history holds exactly its transition', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const contenders = Array.from({ length: 20 }, (_, index) =>
      nextTransition(start, `2026-11-25T09:10:${String(index).padStart(2, '0')}.000Z`, { kind: TriggerKind.ALARM, source: `run-${index}` }),
    );
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);
    const racing = new DynamoStateStore({ client: counted, tableName, historyDays: 30 });

    const outcomes = await Promise.allSettled(
      contenders.map((c) => racing.record({ expected: start, next: c.next, transitions: [c.transition], expectedRevision: 1 })),
    );
    counted.destroy();

    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(winners).toHaveLength(1);
    expect(failures).toHaveLength(19);
    for (const failure of failures) expect(failure).toBeInstanceOf(StaleStateError);
    const winner = contenders[winners[0] ?? -1];
    // Only the winner ever writes a history item: no duplicate to clean up, no gap.
    expect(requests.filter((r) => isHistoryPut(r))).toHaveLength(1);
    const history = await store.listTransitions(start.pairId);
    expect(history.map((t) => t.sequence)).toEqual([1]);
    expect(history[0]?.trigger).toEqual(winner?.transition.trigger);
    const state = await store.loadStateConsistent(start.pairId);
    expect(state).toMatchObject({ ...winner?.next, revision: 2, pendingSequences: [1] });
    expect(state?.outbox?.map((item) => (item.kind === 'TRANSITION' ? item.transition.trigger : undefined))).toEqual([winner?.transition.trigger]);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ trigger: winner?.transition.trigger, publishStatus: 'PENDING' });
  });
});

describe('DynamoStateStore.record: what a crash leaves behind, and who finishes it', () => {
  test('a crash before the commit leaves nothing: no history item, the state as it was', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const before = await readPartition(client, tableName, start.pairId);
    const { transitions, next } = transitionsAfter(start, 1);
    const { crashing, done } = crashingStore(isStateUpdate);

    await expect(crashing.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    done();

    expect(await readPartition(client, tableName, start.pairId)).toEqual(before);
    expect(await store.listTransitions(start.pairId)).toEqual([]);
  });

  test('a crash after the commit, before the history item: the state counts it and carries it in its outbox; every read shows it; the claim materializes it, once', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const { crashing, done } = crashingStore((r) => isHistoryPut(r));

    // The commit is done, so the record is: what is missing is finished by whoever comes next.
    await crashing.record({ expected: start, next, transitions, expectedRevision: 1 });
    done();

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE']);
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000001']);
    const loaded = (await store.loadStates([start.pairId])).values().next().value;
    expect(loaded).toMatchObject({ sequence: 1, revision: 2, pendingSequences: [1], outbox: [{ kind: 'TRANSITION', transition: { id: transitions[0]?.id, publishStatus: 'PENDING' } }] });
    expect((await store.listTransitions(start.pairId)).map((t) => [t.sequence, t.publishStatus])).toEqual([[1, 'PENDING']]);
    expect(await store.getTransition(start.pairId, 1)).toMatchObject({ id: transitions[0]?.id, kind: 'FAILOVER' });

    const now = minutesAfter(next.lastObservedAt, 1);
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimForPublish(start.pairId, 1, now, minutesAfter(next.lastObservedAt, 2))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ id: transitions[0]?.id, publishStatus: 'PENDING', claimUntil: expect.any(String) });
    await store.markPublished(start.pairId, 1, 'msg-1', now);

    expect(await outboxKeys(start.pairId)).toEqual([]);
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [] });
    expect(await store.listTransitions(start.pairId)).toEqual([expect.objectContaining({ sequence: 1, publishStatus: 'PUBLISHED', snsMessageId: 'msg-1' })]);
  });

  test('a crash between two history items: the second stays in the outbox, history shows both, and `materialize` writes it', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const { crashing, done } = crashingStore((r) => isHistoryPut(r, 'T#0000000002'));

    const written = await crashing.record({ expected: start, next, transitions, expectedRevision: 1 });
    done();

    expect(written.outbox?.map((item) => (item.kind === 'TRANSITION' ? item.transition.sequence : item.notice.key))).toEqual([1, 2]);
    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001']);
    expect((await store.listTransitions(start.pairId)).map((t) => t.sequence)).toEqual([2, 1]);
    expect((await store.listTransitionsBetween(start.pairId, 1, 2)).map((t) => t.sequence)).toEqual([1, 2]);

    await store.materialize(start.pairId, written.outbox ?? []);

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001', 'T#0000000002']);
    expect(await readRawItem(client, tableName, start.pairId, 2)).toMatchObject({ id: transitions[1]?.id, publishStatus: 'PENDING' });
    // PENDING items stay in the outbox until they are published.
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000001', 'T#0000000002']);
  });

  test('ten runs finishing one outbox at once write each history item once, and agree', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const { crashing, done } = crashingStore((r) => isHistoryPut(r));
    const written = await crashing.record({ expected: start, next, transitions, expectedRevision: 1 });
    done();

    await Promise.all(Array.from({ length: 10 }, () => store.materialize(start.pairId, written.outbox ?? [])));

    const history = await store.listTransitions(start.pairId);
    expect(history.map((t) => [t.sequence, t.id, t.publishStatus])).toEqual([
      [2, transitions[1]?.id, 'PENDING'],
      [1, transitions[0]?.id, 'PENDING'],
    ]);
  });

  test('the commit applied but its answer lost: record fails, and the committed state carries its transition for the run that reloads it', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const lossy = createTestDocumentClient(db.endpoint);
    lossy.middlewareStack.add(
      (handler, context) => async (args) => {
        const result = await handler(args);
        if (isStateUpdate({ commandName: String(context.commandName), input: args.input as Record<string, unknown> })) throw new Error('socket hang up');
        return result;
      },
      { step: 'serialize', name: 'failwatchTestLoseAnswer' },
    );

    await expect(new DynamoStateStore({ client: lossy, tableName, historyDays: 30 }).record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    lossy.destroy();

    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ ...next, revision: 2, pendingSequences: [1], outbox: [{ kind: 'TRANSITION' }] });
    expect((await store.listTransitions(start.pairId)).map((t) => t.id)).toEqual([transitions[0]?.id]);
  });

  test('a record from a stale revision writes nothing, and the next consistent read shows only what was committed', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const refreshed = seenAgain(start, '2026-11-25T09:00:30.000Z');
    await store.record({ expected: start, next: refreshed, transitions: [], expectedRevision: 1 });
    const before = await readPartition(client, tableName, start.pairId);
    const { transitions, next } = transitionsAfter(start, 1);

    await expect(store.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StaleStateError);

    expect(await readPartition(client, tableName, start.pairId)).toEqual(before);
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...refreshed, revision: 2, pendingSequences: [] });
  });

  test('a history item no state committed (beyond a gap, or never committed) never changes the state', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions } = transitionsAfter(start, 2);
    const second = transitions[1];
    if (!second) throw new Error('two transitions expected');
    await client.send(new PutCommand({ TableName: tableName, Item: transitionItem(second, 30) }));

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...start, revision: 1, pendingSequences: [] });
  });

  test('a different transition already under a committed sequence is a StoreError naming the bug, never silently taken as the same', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const stranger = nextTransition(start, '2026-11-25T09:30:00.000Z', { kind: TriggerKind.ALARM, source: 'stranger' }).transition;
    await client.send(new PutCommand({ TableName: tableName, Item: transitionItem(stranger, 30) }));

    const written = await store.record({ expected: start, next, transitions, expectedRevision: 1 });

    expect(written.outbox).toHaveLength(1);
    await expect(store.materialize(start.pairId, written.outbox ?? [])).rejects.toThrow(/different T#0000000001 .*bug/);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ trigger: stranger.trigger });
  });
});
