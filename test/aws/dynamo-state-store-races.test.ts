/**
 * The store's exactly-once guarantees on dynalite: the state's conditional write is the commit point, so a
 * lost race writes nothing, and a crash anywhere leaves either nothing or a committed state whose outbox
 * lets any later run finish the job: claim and send what is pending once its lease has run out, and (the
 * sweep) move what is final to history.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { transitionItem } from '../../lib/aws/dynamodb/state-items';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { TriggerKind, type PairState, type Transition } from '../../lib/domain/model';
import { StaleStateError, StoreError } from '../../lib/errors';
import { createTestDocumentClient } from '../../local/dynalite';
import { startDynamoProxy } from '../robustness/dynamo-proxy';
import {
  failRequests,
  firstState,
  freshPairId,
  isHistoryPut,
  isStateUpdate,
  minutesAfter,
  nextTransition,
  readOutboxEntry,
  readOutboxKeys,
  readPartition,
  readRawItem,
  recordRequests,
  seenAgain,
  transitionsAfter,
  T0,
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

function outboxKeys(pairId: PairState['pairId']): Promise<string[]> {
  return readOutboxKeys(client, tableName, pairId);
}

/** `transitions` recorded HELD (flap damping): final at once, never sent on their own. */
function held(transitions: readonly Transition[]): Transition[] {
  return transitions.map((transition) => ({ ...transition, delivery: { status: 'HELD', reason: 'flapping' } }));
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

  test('20 concurrent records of the same next sequence: one commits, 19 are stale and write nothing (and read nothing), history holds exactly its transition', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const contenders = Array.from({ length: 20 }, (_, index) =>
      nextTransition(start, `2026-11-25T09:10:${String(index).padStart(2, '0')}.000Z`, { kind: TriggerKind.ALARM, source: `run-${index}` }),
    );
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);
    const racing = new DynamoStateStore({ client: counted, tableName, historyDays: 30 });

    const outcomes = await Promise.allSettled(
      contenders.map((c) => racing.record({ expected: start, next: c.next, transitions: [c.transition], expectedRevision: 1 }, { claimUntil: minutesAfter(c.transition.observedAt, 1) })),
    );
    counted.destroy();

    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(winners).toHaveLength(1);
    expect(failures).toHaveLength(19);
    for (const failure of failures) expect(failure).toBeInstanceOf(StaleStateError);
    const winner = contenders[winners[0] ?? -1];
    // One write each, the commit: nothing to clean up, no gap. A refusal on the SDK's first attempt is
    // plainly another run's commit, so the losers do not even read the state to look for their own.
    expect(requests.map((r) => r.commandName)).toEqual(Array.from({ length: 20 }, () => 'UpdateItemCommand'));
    const history = await store.listTransitions(start.pairId);
    expect(history.map((t) => t.sequence)).toEqual([1]);
    expect(history[0]?.trigger).toEqual(winner?.transition.trigger);
    const state = await store.loadStateConsistent(start.pairId);
    expect(state).toMatchObject({ ...winner?.next, revision: 2, pendingSequences: [1] });
    expect(state?.outbox?.map((item) => (item.kind === 'TRANSITION' ? item.transition.trigger : undefined))).toEqual([winner?.transition.trigger]);
    expect(await readOutboxEntry(client, tableName, start.pairId, 'T#0000000001')).toMatchObject({
      trigger: winner?.transition.trigger,
      publishStatus: 'PENDING',
      claimUntil: minutesAfter(winner?.transition.observedAt ?? '', 1).toISOString(),
    });
    expect(await readRawItem(client, tableName, start.pairId, 1)).toBeUndefined();
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

  test('a crash after the commit, before SNS: the entry waits in the outbox claimed by the dead run; every read shows it; once the lease has run out exactly one of many claimers gets it', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const leaseUntil = minutesAfter(next.lastObservedAt, 1);

    // The run commits (its one write) and dies before anything else.
    await store.record({ expected: start, next, transitions, expectedRevision: 1 }, { claimUntil: leaseUntil });

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE']);
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000001']);
    const loaded = (await store.loadStates([start.pairId])).values().next().value;
    expect(loaded).toMatchObject({ sequence: 1, revision: 2, pendingSequences: [1], outbox: [{ kind: 'TRANSITION', transition: { id: transitions[0]?.id, publishStatus: 'PENDING' } }] });
    expect((await store.listTransitions(start.pairId)).map((t) => [t.sequence, t.publishStatus])).toEqual([[1, 'PENDING']]);
    expect(await store.getTransition(start.pairId, 1)).toMatchObject({ id: transitions[0]?.id, kind: 'FAILOVER' });

    const within = minutesAfter(next.lastObservedAt, 0.5);
    expect(await Promise.all(Array.from({ length: 5 }, () => store.claimForPublish(start.pairId, 1, within, minutesAfter(next.lastObservedAt, 1.5))))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const after = minutesAfter(next.lastObservedAt, 1.01);
    const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimForPublish(start.pairId, 1, after, minutesAfter(next.lastObservedAt, 2))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.markPublished(start.pairId, 1, 'msg-1', after);
    expect(await store.listTransitions(start.pairId)).toEqual([expect.objectContaining({ sequence: 1, publishStatus: 'PUBLISHED', snsMessageId: 'msg-1' })]);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toBeUndefined();

    // The next sweep moves it to history.
    await store.materialize(start.pairId, (await store.loadStateConsistent(start.pairId))?.outbox ?? []);

    expect(await outboxKeys(start.pairId)).toEqual([]);
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [] });
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ id: transitions[0]?.id, publishStatus: 'PUBLISHED', snsMessageId: 'msg-1' });
    expect(await store.listTransitions(start.pairId)).toEqual([expect.objectContaining({ sequence: 1, publishStatus: 'PUBLISHED', snsMessageId: 'msg-1' })]);
  });

  test('a sweep that dies between two history items: the second stays in the outbox with the first, history shows both once, and the next sweep finishes the move', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const written = await store.record({ expected: start, next, transitions: held(transitions), expectedRevision: 1 });
    const { crashing, done } = crashingStore((r) => isHistoryPut(r, 'T#0000000002'));

    await expect(crashing.materialize(start.pairId, written.outbox ?? [])).rejects.toThrow(StoreError);
    done();

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001']);
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000001', 'T#0000000002']);
    expect((await store.listTransitions(start.pairId)).map((t) => [t.sequence, t.publishStatus])).toEqual([[2, 'HELD'], [1, 'HELD']]);
    expect((await store.listTransitionsBetween(start.pairId, 1, 2)).map((t) => t.sequence)).toEqual([1, 2]);

    await store.materialize(start.pairId, (await store.loadStateConsistent(start.pairId))?.outbox ?? []);

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001', 'T#0000000002']);
    expect(await readRawItem(client, tableName, start.pairId, 2)).toMatchObject({ id: transitions[1]?.id, publishStatus: 'HELD' });
    expect(await outboxKeys(start.pairId)).toEqual([]);
  });

  test('`materialize` leaves PENDING entries alone: a history item is always final', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const written = await store.record({ expected: start, next, transitions: [held(transitions)[0]!, transitions[1]!], expectedRevision: 1 });

    await store.materialize(start.pairId, written.outbox ?? []);

    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001']);
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000002']);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ pendingSequences: [2] });
  });

  test('ten sweeps moving one outbox at once write each history item once, agree, and empty the outbox', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const written = await store.record({ expected: start, next, transitions: held(transitions), expectedRevision: 1 });

    await Promise.all(Array.from({ length: 10 }, () => store.materialize(start.pairId, written.outbox ?? [])));

    const history = await store.listTransitions(start.pairId);
    expect(history.map((t) => [t.sequence, t.id, t.publishStatus])).toEqual([
      [2, transitions[1]?.id, 'HELD'],
      [1, transitions[0]?.id, 'HELD'],
    ]);
    expect(Object.keys(await readPartition(client, tableName, start.pairId))).toEqual(['STATE', 'T#0000000001', 'T#0000000002']);
    expect(await outboxKeys(start.pairId)).toEqual([]);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ revision: 2 });
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

  test('the commit applied, its answer lost and the SDK\'s retry refused (over real HTTP): record knows its own commit by its born claims, and returns it claimed', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const proxy = await startDynamoProxy();
    proxy.target = db.endpoint;
    let resets = 0;
    // The first state update reaches DynamoDB, which applies it; the connection drops before the answer.
    proxy.plan = (operation, body) => (operation === 'UpdateItem' && JSON.stringify(body['Key']).includes('STATE') && resets++ === 0 ? 'RESET_AFTER' : 'FORWARD');
    const viaProxy = createTestDocumentClient(proxy.endpoint);
    try {
      const written = await new DynamoStateStore({ client: viaProxy, tableName, historyDays: 30 }).record({ expected: start, next, transitions, expectedRevision: 1 }, { claimUntil: minutesAfter(next.lastObservedAt, 1) });

      // The retry (attempt 2) was refused by the revision check, then one read found this commit's token.
      expect(proxy.requests.map((r) => [r.operation, r.action, r.attempt?.split(';')[0]])).toEqual([
        ['UpdateItem', 'RESET_AFTER', 'attempt=1'],
        ['UpdateItem', 'FORWARD', 'attempt=2'],
        ['GetItem', 'FORWARD', 'attempt=1'],
      ]);
      expect(written).toMatchObject({ ...next, revision: 2, pendingSequences: [1], claimed: { sequences: [1], notices: [] } });
    } finally {
      viaProxy.destroy();
      await proxy.stop();
    }
  });

  test('a refused commit whose outbox holds another run\'s entries only (not this one\'s token) is a StaleStateError, even after a retry', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const other = transitionsAfter(start, 1);
    await store.record({ expected: start, next: other.next, transitions: other.transitions, expectedRevision: 1 }, { claimUntil: minutesAfter(T0, 1) });
    const retried = createTestDocumentClient(db.endpoint);
    // The refusal as the SDK reports it after a retry: attempts 2.
    retried.middlewareStack.add(
      (handler) => async (args) => {
        try {
          return await handler(args);
        } catch (error) {
          throw Object.assign(error as Error, { $metadata: { ...(error as { $metadata?: object }).$metadata, attempts: 2 } });
        }
      },
      { step: 'initialize', name: 'failwatchTestRetried' },
    );
    const requests = recordRequests(retried);
    const mine = transitionsAfter(start, 1);

    await expect(new DynamoStateStore({ client: retried, tableName, historyDays: 30 }).record({ expected: start, next: mine.next, transitions: mine.transitions, expectedRevision: 1 }, { claimUntil: minutesAfter(T0, 1) })).rejects.toThrow(StaleStateError);
    retried.destroy();

    // It looked, and found only the other run's claim.
    expect(requests.map((r) => r.commandName)).toEqual(['UpdateItemCommand', 'GetItemCommand']);
    expect(await store.loadStateConsistent(start.pairId)).toMatchObject({ revision: 2, pendingSequences: [1], outbox: [{ transition: { trigger: other.transitions[0]?.trigger } }] });
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
    await client.send(new PutCommand({ TableName: tableName, Item: { ...transitionItem(stranger, 30), publishStatus: 'PUBLISHED' } }));

    const written = await store.record({ expected: start, next, transitions: held(transitions), expectedRevision: 1 });

    expect(written.outbox).toHaveLength(1);
    await expect(store.materialize(start.pairId, written.outbox ?? [])).rejects.toThrow(/different T#0000000001 .*bug/);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ trigger: stranger.trigger });
    // Kept in the outbox for diagnosis, never dropped as if it had been moved.
    expect(await outboxKeys(start.pairId)).toEqual(['T#0000000001']);
  });
});
