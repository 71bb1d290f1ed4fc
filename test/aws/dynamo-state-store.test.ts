import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { pairKey } from '../../lib/domain/model';
import { ConfigurationError, StoreError } from '../../lib/errors';
import { PublishStatus } from '../../lib/ports';
import { createTestClient, createTestDocumentClient } from '../../local/dynalite';
import { failRequests, firstState, freshPairId, isStateUpdate, minutesAfter, publishAndMove, readOutboxEntry, readRawItem, recordRequests, seenAgain, transitionsAfter, type WireRequest, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

const HISTORY_DAYS = 30;
let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore(HISTORY_DAYS)));
afterAll(() => stopLocalStore({ db, client }));

describe('DynamoStateStore: state and history round trip', () => {
  test('a first record without transitions stores the state at revision 1 with an empty outbox', async () => {
    const state = firstState(freshPairId());
    await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });

    expect(await store.loadStateConsistent(state.pairId)).toEqual({ ...state, revision: 1, pendingSequences: [] });
  });

  test('recorded transitions and the state they lead to read back exactly as written', async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    const { transitions, next } = transitionsAfter(start, 2);
    await store.record({ expected: start, next, transitions, expectedRevision: 1 });

    // Strict, through JSON: undefined optional fields come back absent, and no table bookkeeping leaks out.
    const stored = transitions.map((transition): unknown => JSON.parse(JSON.stringify({ ...transition, publishStatus: PublishStatus.PENDING })));
    // Unpublished, both stay in the state's outbox, with their whole bodies.
    const outbox = stored.map((transition) => ({ kind: 'TRANSITION', transition }));
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [1, 2], outbox });
    expect((await store.loadStates([start.pairId])).get(pairKey(start.pairId))).toEqual({ ...next, revision: 2, pendingSequences: [1, 2], outbox });
    for (const [index, transition] of transitions.entries()) {
      expect(await store.getTransition(start.pairId, transition.sequence)).toStrictEqual(stored[index]);
      // Only in the outbox: record writes no history item.
      expect(await readRawItem(client, tableName, start.pairId, transition.sequence)).toBeUndefined();
    }

    // Published, then moved to history by a sweep: the history items read back the same, with their publishing.
    const at = minutesAfter(next.lastObservedAt, 1);
    await publishAndMove(store, start.pairId, at);
    for (const [index, transition] of transitions.entries()) {
      const published = { ...(stored[index] as object), publishStatus: PublishStatus.PUBLISHED, snsMessageId: `sns-T#${String(transition.sequence).padStart(10, '0')}`, publishedAt: at.toISOString() };
      expect(await store.getTransition(start.pairId, transition.sequence)).toStrictEqual(published);
      expect(await readRawItem(client, tableName, start.pairId, transition.sequence)).toMatchObject({ publishStatus: PublishStatus.PUBLISHED, id: transition.id });
    }
    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...next, revision: 2, pendingSequences: [] });
  });

  test("Route 53's DNS answer is committed with its transition, in the same write, and read back from the outbox and from history", async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    const { transitions, next } = transitionsAfter(start, 2);
    const dnsAnswer = { status: 'DISAGREES', decided: 'SECONDARY', values: ['10.0.0.1'], responseCode: 'NOERROR', askedAt: '2026-11-25T09:01:00.500Z', sentence: 'Route 53 answers 10.0.0.1, the primary\'s address, not the secondary Failwatch decided.' } as const;
    const skipped = { status: 'SKIPPED', decided: 'SECONDARY', reason: 'the hosted zone is private', sentence: "Route 53's answer was not asked for: the hosted zone is private." } as const;
    const answered = [{ ...transitions[0]!, dnsAnswer }, { ...transitions[1]!, dnsAnswer: skipped }];
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);
    await new DynamoStateStore({ client: counted, tableName, historyDays: HISTORY_DAYS }).record({ expected: start, next, transitions: answered, expectedRevision: 1 });
    counted.destroy();

    // One write: the state's commit carries both transitions and their answers in its outbox.
    expect(requests.map((request) => [request.commandName, isStateUpdate(request), JSON.stringify(request.input).includes('not the secondary Failwatch decided')])).toEqual([['UpdateItemCommand', true, true]]);
    expect((await store.getTransition(start.pairId, 1))?.dnsAnswer).toStrictEqual(dnsAnswer);
    expect((await store.getTransition(start.pairId, 2))?.dnsAnswer).toStrictEqual(skipped);
    await publishAndMove(store, start.pairId, minutesAfter(next.lastObservedAt, 1));
    expect((await store.getTransition(start.pairId, 1))?.dnsAnswer).toStrictEqual(dnsAnswer);
  });

  test('a state refresh without transitions bumps the revision and keeps the sequence', async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    const later = seenAgain(start, '2026-11-25T09:05:00.000Z');
    await store.record({ expected: start, next: later, transitions: [], expectedRevision: 1 });

    expect(await store.loadStateConsistent(start.pairId)).toEqual({ ...later, revision: 2, pendingSequences: [] });
  });

  test('listTransitions returns the newest first, only this pair, at most `limit`', async () => {
    const start = firstState(freshPairId());
    const { transitions, next } = transitionsAfter(start, 5);
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    await store.record({ expected: start, next, transitions, expectedRevision: 1 });
    const other = firstState(freshPairId());
    const otherChange = transitionsAfter(other, 1);
    await store.record({ expected: other, next: otherChange.next, transitions: otherChange.transitions, expectedRevision: undefined });

    expect((await store.listTransitions(start.pairId)).map((t) => t.sequence)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.listTransitions(start.pairId, 2)).map((t) => t.sequence)).toEqual([5, 4]);
    expect((await store.listTransitions(start.pairId))[0]).toMatchObject({ id: transitions[4]?.id, kind: transitions[4]?.kind });
  });

  test('an unknown pair has no state, no transition and an empty history', async () => {
    const pairId = freshPairId();

    expect(await store.loadStateConsistent(pairId)).toBeUndefined();
    expect(await store.getTransition(pairId, 1)).toBeUndefined();
    expect(await store.listTransitions(pairId)).toEqual([]);
    expect((await store.loadStates([pairId])).size).toBe(0);
  });
});

describe('DynamoStateStore: history expiry (TTL attribute)', () => {
  test('a transition item expires historyDays after it was observed, and the domain value does not show it', async () => {
    const start = firstState(freshPairId());
    const { transitions, next } = transitionsAfter(start, 1);
    await store.record({ expected: undefined, next, transitions, expectedRevision: undefined });
    const expiresAt = Date.parse(transitions[0]?.observedAt ?? '') / 1000 + HISTORY_DAYS * 86_400;
    // Committed with its expiry, which only a top-level attribute of an item of its own can enforce.
    expect(await readOutboxEntry(client, tableName, start.pairId, 'T#0000000001')).toMatchObject({ expiresAt });

    await publishAndMove(store, start.pairId, minutesAfter(next.lastObservedAt, 1));

    const raw = await readRawItem(client, tableName, start.pairId, 1);
    expect(raw?.expiresAt).toBe(expiresAt);
    expect(await readRawItem(client, tableName, start.pairId)).not.toHaveProperty('expiresAt');
    expect(await store.getTransition(start.pairId, 1)).not.toHaveProperty('expiresAt');
  });

  test('with historyDays 0 a transition item never expires', async () => {
    const keepForever = new DynamoStateStore({ client, tableName, historyDays: 0 });
    const start = firstState(freshPairId());
    const { transitions, next } = transitionsAfter(start, 1);
    await keepForever.record({ expected: undefined, next, transitions, expectedRevision: undefined });
    await publishAndMove(keepForever, start.pairId, minutesAfter(next.lastObservedAt, 1));

    const raw = await readRawItem(client, tableName, start.pairId, 1);
    expect(raw).toBeDefined();
    expect(raw).not.toHaveProperty('expiresAt');
  });
});

describe('DynamoStateStore: loadStates', () => {
  test('250 pairs are read in at most 3 BatchGetItem calls, unknown and repeated pairs included', async () => {
    const states = Array.from({ length: 250 }, () => firstState(freshPairId()));
    await Promise.all(states.map((state) => store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined })));
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);
    const reader = new DynamoStateStore({ client: counted, tableName, historyDays: HISTORY_DAYS });
    const asked = [...states.map((s) => s.pairId), states[0]?.pairId ?? freshPairId(), freshPairId()];

    const loaded = await reader.loadStates(asked);

    const batches = requests.filter((r) => r.commandName === 'BatchGetItemCommand');
    expect(batches.length).toBeLessThanOrEqual(3);
    // Real DynamoDB rejects a batch naming a key twice (dynalite does not check).
    const keys = batches.flatMap(requestedKeys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(251);
    expect(loaded.size).toBe(250);
    for (const state of states) expect(loaded.get(pairKey(state.pairId))).toEqual({ ...state, revision: 1, pendingSequences: [] });
    counted.destroy();
  });

  test('keys DynamoDB leaves unprocessed are asked for again until every state is read', async () => {
    const states = Array.from({ length: 10 }, () => firstState(freshPairId()));
    await Promise.all(states.map((state) => store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined })));
    const throttled = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(throttled);
    leaveHalfUnprocessedOnce(throttled);
    const reader = new DynamoStateStore({ client: throttled, tableName, historyDays: HISTORY_DAYS });

    const loaded = await reader.loadStates(states.map((s) => s.pairId));

    expect(loaded.size).toBe(10);
    expect(requests.filter((r) => r.commandName === 'BatchGetItemCommand').map((r) => requestedKeys(r).length)).toEqual([10, 5]);
    throttled.destroy();
  });
});

describe('DynamoStateStore: configuration and failures', () => {
  test('a document client that keeps undefined values is refused at construction', () => {
    const plain = DynamoDBDocumentClient.from(createTestClient(db.endpoint));
    expect(() => new DynamoStateStore({ client: plain, tableName, historyDays: 1 })).toThrow(ConfigurationError);
    expect(() => new DynamoStateStore({ client, tableName, historyDays: -1 })).toThrow(ConfigurationError);
    plain.destroy();
  });

  test('a change whose sequences do not follow the expected state is refused before anything is written', async () => {
    const start = firstState(freshPairId());
    const { transitions, next } = transitionsAfter(start, 2);

    const skipping = store.record({ expected: start, next, transitions: transitions.slice(1), expectedRevision: undefined });

    await expect(skipping).rejects.toThrow(StoreError);
    await expect(skipping).rejects.toMatchObject({ retryable: false });
    expect(await store.listTransitions(start.pairId)).toEqual([]);
    expect(await store.loadStateConsistent(start.pairId)).toBeUndefined();
  });

  test('a missing table is a StoreError that retrying will not fix', async () => {
    const lost = new DynamoStateStore({ client, tableName: 'no-such-table', historyDays: 1 });
    const failure = lost.loadStateConsistent(freshPairId());

    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('ResourceNotFoundException') });
  });

  test('throttling that outlasts the SDK retries is a retryable StoreError', async () => {
    const throttled = createTestDocumentClient(db.endpoint);
    failRequests(throttled, () => true, () => Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }));
    const failure = new DynamoStateStore({ client: throttled, tableName, historyDays: 1 }).listTransitions(freshPairId());

    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toMatchObject({ retryable: true });
    throttled.destroy();
  });
});

function requestedKeys(request: WireRequest): string[] {
  const items = request.input.RequestItems as Record<string, { Keys: unknown[] }>;
  return Object.values(items).flatMap((entry) => entry.Keys.map((key) => JSON.stringify(key)));
}

/** The first BatchGetItem answer moves half of what it found to UnprocessedKeys, as DynamoDB does under load. */
function leaveHalfUnprocessedOnce(target: DynamoDBDocumentClient): void {
  let done = false;
  target.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (done || context.commandName !== 'BatchGetItemCommand') return result;
      done = true;
      const output = result.output as { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys: unknown[] }> };
      const found = output.Responses?.[tableName] ?? [];
      const kept = found.slice(0, Math.floor(found.length / 2));
      const left = found.slice(kept.length).map((item) => ({ pk: item.pk, sk: item.sk }));
      output.Responses = { [tableName]: kept };
      output.UnprocessedKeys = { [tableName]: { Keys: left } };
      return result;
    },
    { step: 'serialize', name: 'failwatchTestUnprocessedKeys' },
  );
}
