import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { transitionItem } from '../../lib/aws/dynamo-items';
import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import { TriggerKind, type PairState } from '../../lib/domain/model';
import { StaleStateError, StoreError } from '../../lib/errors';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../support/dynalite';
import {
  failRequests,
  firstState,
  freshPairId,
  isStateUpdate,
  minutesAfter,
  nextTransition,
  readRawItem,
  seenAgain,
  transitionsAfter,
} from './dynamo-state-store-fixtures';

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

async function recordFirst(state: PairState): Promise<void> {
  await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
}

/** A store whose `record` dies after writing the transitions, before the state: a crashed Lambda. */
function crashingStore(): { crashing: DynamoStateStore; done: () => void } {
  const crashClient = createTestDocumentClient(db.endpoint);
  failRequests(crashClient, isStateUpdate, () => new Error('Lambda timed out'));
  return { crashing: new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 }), done: () => crashClient.destroy() };
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

  test('a transition whose sequence is taken is a StaleStateError and changes neither history nor state', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const winner = nextTransition(start, '2026-11-25T09:05:00.000Z', { kind: TriggerKind.ALARM, source: 'winner' });
    await store.record({ expected: start, next: winner.next, transitions: [winner.transition], expectedRevision: 1 });
    const stateBefore = await readRawItem(client, tableName, start.pairId);
    const historyBefore = await readRawItem(client, tableName, start.pairId, 1);
    const loser = nextTransition(start, '2026-11-25T09:05:01.000Z', { kind: TriggerKind.SCHEDULE, source: 'loser' });

    await expect(store.record({ expected: start, next: loser.next, transitions: [loser.transition], expectedRevision: 1 })).rejects.toThrow(StaleStateError);
    expect(await readRawItem(client, tableName, start.pairId)).toEqual(stateBefore);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toEqual(historyBefore);
  });

  test('20 concurrent records of the same next sequence: one succeeds, 19 are stale, history holds exactly its transition', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const contenders = Array.from({ length: 20 }, (_, index) =>
      nextTransition(start, `2026-11-25T09:10:${String(index).padStart(2, '0')}.000Z`, { kind: TriggerKind.ALARM, source: `run-${index}` }),
    );

    const outcomes = await Promise.allSettled(
      contenders.map((c) => store.record({ expected: start, next: c.next, transitions: [c.transition], expectedRevision: 1 })),
    );

    const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(winners).toHaveLength(1);
    expect(failures).toHaveLength(19);
    for (const failure of failures) expect(failure).toBeInstanceOf(StaleStateError);
    const winner = contenders[winners[0] ?? -1];
    const history = await store.listTransitions(start.pairId);
    expect(history.map((t) => t.sequence)).toEqual([1]);
    expect(history[0]?.trigger).toEqual(winner?.transition.trigger);
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...winner?.next, revision: 2, pendingSequences: [1] });
  });
});

describe('DynamoStateStore.loadStateConsistent: finishing an interrupted record', () => {
  test('a crash after the transition write is rolled forward once: sequence applied and in the outbox, then nothing more', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const { crashing, done } = crashingStore();

    await expect(crashing.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    done();
    expect(await readRawItem(client, tableName, start.pairId)).toMatchObject({ sequence: 0, revision: 1 });
    expect((await store.loadStates([start.pairId])).values().next().value).toMatchObject({ sequence: 0, revision: 1 });

    const repaired = await store.loadStateConsistent(start.pairId);
    expect(repaired).toEqual({ ...next, revision: 2, pendingSequences: [1] });
    expect(await store.loadStateConsistent(start.pairId)).toEqual(repaired);
    expect(await readRawItem(client, tableName, start.pairId)).toMatchObject({ sequence: 1, revision: 2 });
  });

  test('a crash on the very first record creates the state from its transitions', async () => {
    const start = firstState(freshPairId());
    const { transitions, next } = transitionsAfter(start, 2);
    const { crashing, done } = crashingStore();

    await expect(crashing.record({ expected: undefined, next, transitions, expectedRevision: undefined })).rejects.toThrow(StoreError);
    done();

    expect(await readRawItem(client, tableName, start.pairId)).toBeUndefined();
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 1, pendingSequences: [1, 2] });
  });

  test('a crash between two transition writes rolls forward to the first one only', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const crashClient = createTestDocumentClient(db.endpoint);
    failRequests(crashClient, (r) => r.commandName === 'PutItemCommand' && JSON.stringify(r.input).includes('T#0000000002'), () => new Error('Lambda timed out'));
    const crashing = new DynamoStateStore({ client: crashClient, tableName, historyDays: 30 });

    await expect(crashing.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    crashClient.destroy();

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...transitions[0]?.stateAfter, revision: 2, pendingSequences: [1] });
  });

  test('a transition published before the repair does not return to the outbox', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 2);
    const { crashing, done } = crashingStore();
    await expect(crashing.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    done();
    const now = minutesAfter(next.lastObservedAt, 1);
    expect(await store.claimForPublish(start.pairId, 1, now, minutesAfter(next.lastObservedAt, 2))).toBe(true);
    await store.markPublished(start.pairId, 1, 'msg-1', now);

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [2] });
  });

  test('concurrent repairs of one interrupted record agree and apply it once', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions, next } = transitionsAfter(start, 1);
    const { crashing, done } = crashingStore();
    await expect(crashing.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StoreError);
    done();

    const results = await Promise.all(Array.from({ length: 10 }, () => store.loadStateConsistent(start.pairId)));

    for (const result of results) expect(result).toEqual({ ...next, revision: 2, pendingSequences: [1] });
  });

  test('a transition item beyond a gap in the sequence is never applied', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const { transitions } = transitionsAfter(start, 2);
    const second = transitions[1];
    if (!second) throw new Error('two transitions expected');
    await client.send(new PutCommand({ TableName: tableName, Item: transitionItem(second, 30) }));

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...start, revision: 1, pendingSequences: [] });
  });

  test('a transition written from a stale revision is adopted by the next consistent read, like an interrupted one', async () => {
    const start = firstState(freshPairId());
    await recordFirst(start);
    const refreshed = seenAgain(start, '2026-11-25T09:00:30.000Z');
    await store.record({ expected: start, next: refreshed, transitions: [], expectedRevision: 1 });
    const { transitions, next } = transitionsAfter(start, 1);

    await expect(store.record({ expected: start, next, transitions, expectedRevision: 1 })).rejects.toThrow(StaleStateError);

    expect(await readRawItem(client, tableName, start.pairId)).toMatchObject({ sequence: 0, revision: 2, lastObservedAt: refreshed.lastObservedAt });
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 3, pendingSequences: [1] });
  });
});
