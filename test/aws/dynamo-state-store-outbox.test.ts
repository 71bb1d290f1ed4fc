import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import type { PairId, PairState, Transition } from '../../lib/domain/model';
import { StoreError } from '../../lib/errors';
import { PublishStatus, judgedState } from '../../lib/ports';
import { createTestDocumentClient } from '../../local/dynalite';
import { firstState, freshPairId, minutesAfter, readOutboxEntry, readOutboxKeys, readRawItem, recordRequests, transitionsAfter, T0, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

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
    const state = judgedState(await store.loadStateConsistent(pairId));
    if (!state) throw new Error('state expected');
    const { transitions, next } = transitionsAfter(state, 1);

    await store.record({ expected: state, next, transitions, expectedRevision: state.revision });

    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([1, 2, 3]);
    expect((await store.getTransition(pairId, 3))?.publishStatus).toBe(PublishStatus.PENDING);
  });

  test('a pending transition is claimed once while the lease lasts, and again once it has run out', async () => {
    const pairId = await pairWithPending(1);

    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toEqual(expect.any(String));
    expect(await store.claimForPublish(pairId, 1, at(10.5), at(11.5))).toBeUndefined();
    expect(await store.claimForPublish(pairId, 1, at(11.01), at(12))).toEqual(expect.any(String));
    expect(await store.claimForPublish(pairId, 1, at(11.5), at(12.5))).toBeUndefined();
  });

  test('record with claimUntil commits its pending transitions already claimed, in its one write: reported to the caller, held from every other claimer until the lease runs out', async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    const { transitions, next } = transitionsAfter(start, 2);
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);

    const written = await new DynamoStateStore({ client: counted, tableName, historyDays: 30 }).record({ expected: start, next, transitions, expectedRevision: 1 }, { claimUntil: at(11) });
    counted.destroy();

    expect(requests.map((r) => r.commandName)).toEqual(['UpdateItemCommand']);
    expect(written.claimed).toEqual({ token: expect.any(String), until: at(11), sequences: [1, 2], notices: [] });
    const entry = await readOutboxEntry(client, tableName, start.pairId, 'T#0000000001');
    expect(entry).toMatchObject({ publishStatus: PublishStatus.PENDING, claimUntil: at(11).toISOString(), claimToken: expect.any(String) });
    expect((await readOutboxEntry(client, tableName, start.pairId, 'T#0000000002'))?.['claimToken']).toBe(entry?.['claimToken']);
    expect(await readRawItem(client, tableName, start.pairId, 1)).toBeUndefined();
    expect(await store.claimForPublish(start.pairId, 1, at(10.5), at(11.5))).toBeUndefined();
    const later = await store.claimForPublish(start.pairId, 1, at(11.01), at(12));
    expect(later).toEqual(expect.any(String));
    // A later claim is the later run's own, under its own token: nobody's born claim any more.
    expect(later).not.toBe(written.claimed?.token);
    expect(await readOutboxEntry(client, tableName, start.pairId, 'T#0000000001')).toMatchObject({ claimToken: later, claimUntil: at(12).toISOString() });
  });

  test('claims, marks and releases are single conditional updates of the state item that never touch its revision', async () => {
    const pairId = await pairWithPending(1);
    const before = await readRawItem(client, tableName, pairId);
    const counted = createTestDocumentClient(db.endpoint);
    const requests = recordRequests(counted);
    const publisher = new DynamoStateStore({ client: counted, tableName, historyDays: 30 });

    const token = await publisher.claimForPublish(pairId, 1, at(10), at(11));
    expect(token).toEqual(expect.any(String));
    await publisher.releaseClaim(pairId, 1, token!);
    expect(await publisher.claimForPublish(pairId, 1, at(10), at(11))).toEqual(expect.any(String));
    await publisher.markPublished(pairId, 1, 'sns-message-1', at(10.1));
    counted.destroy();

    expect(requests.map((r) => [r.commandName, (r.input['Key'] as { sk?: { S?: string } }).sk?.S])).toEqual(Array.from({ length: 4 }, () => ['UpdateItemCommand', 'STATE']));
    expect((await readRawItem(client, tableName, pairId))?.['revision']).toBe(before?.['revision']);
  });

  test('only one of many simultaneous claimers gets a pending transition', async () => {
    const pairId = await pairWithPending(1);

    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimForPublish(pairId, 1, at(10), at(11))));

    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  test('releaseClaim lets the next run claim at once, before the lease would have run out', async () => {
    const pairId = await pairWithPending(1);
    const token = await store.claimForPublish(pairId, 1, at(10), at(11));
    expect(token).toEqual(expect.any(String));

    await store.releaseClaim(pairId, 1, token!);

    expect(await readOutboxEntry(client, tableName, pairId, 'T#0000000001')).not.toHaveProperty('claimUntil');
    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toEqual(expect.any(String));
  });

  test('releaseClaim frees only the claim it names: a run whose lease ran out cannot free the claim another run took since', async () => {
    const pairId = await pairWithPending(1);
    const late = await store.claimForPublish(pairId, 1, at(10), at(11));
    const current = await store.claimForPublish(pairId, 1, at(11.01), at(12));
    expect(current).toEqual(expect.any(String));
    expect(current).not.toBe(late);

    await store.releaseClaim(pairId, 1, late!);

    expect(await readOutboxEntry(client, tableName, pairId, 'T#0000000001')).toMatchObject({ claimUntil: at(12).toISOString(), claimToken: current });
    expect(await store.claimForPublish(pairId, 1, at(11.5), at(12.5))).toBeUndefined();
  });

  test('markPublished stores the message id in the outbox entry, which stays there (no history item yet) and cannot be claimed again', async () => {
    const pairId = await pairWithPending(2);
    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toEqual(expect.any(String));

    await store.markPublished(pairId, 1, 'sns-message-1', at(10.1));

    expect(await store.getTransition(pairId, 1)).toMatchObject({
      publishStatus: PublishStatus.PUBLISHED,
      snsMessageId: 'sns-message-1',
      publishedAt: at(10.1).toISOString(),
    });
    expect(await readOutboxEntry(client, tableName, pairId, 'T#0000000001')).toMatchObject({ publishStatus: PublishStatus.PUBLISHED, snsMessageId: 'sns-message-1' });
    expect(await readOutboxEntry(client, tableName, pairId, 'T#0000000001')).not.toHaveProperty('claimUntil');
    expect(await readRawItem(client, tableName, pairId, 1)).toBeUndefined();
    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([2]);
    expect(await store.claimForPublish(pairId, 1, at(20), at(21))).toBeUndefined();
    expect((await store.getTransition(pairId, 2))?.publishStatus).toBe(PublishStatus.PENDING);
  });

  test('the published entry stays in the outbox until `materialize` moves it to history; neither touches the revision', async () => {
    const pairId = await pairWithPending(1);
    const before = await store.loadStateConsistent(pairId);
    expect(before?.outbox).toHaveLength(1);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10));

    const published = await store.loadStateConsistent(pairId);
    expect(published).toMatchObject({ revision: before?.revision, pendingSequences: [], outbox: [{ kind: 'TRANSITION', transition: { sequence: 1, publishStatus: 'PUBLISHED', snsMessageId: 'sns-message-1' } }] });

    await store.materialize(pairId, published?.outbox ?? []);

    expect((await readRawItem(client, tableName, pairId))?.['outbox']).toEqual({});
    expect(await store.loadStateConsistent(pairId)).toEqual({ ...before, pendingSequences: [], outbox: undefined });
    expect(await readRawItem(client, tableName, pairId, 1)).toMatchObject({ publishStatus: 'PUBLISHED', snsMessageId: 'sns-message-1', publishedAt: at(10).toISOString() });
    expect(await readRawItem(client, tableName, pairId, 1)).not.toHaveProperty('claimUntil');
  });

  test('marking published and moving to history never make a record decided from the revision before them fail', async () => {
    const pairId = await pairWithPending(1);
    const state = judgedState(await store.loadStateConsistent(pairId));
    if (!state) throw new Error('state expected');
    const { transitions, next } = transitionsAfter(state, 1);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10));
    await store.materialize(pairId, (await store.loadStateConsistent(pairId))?.outbox ?? []);
    const written = await store.record({ expected: state, next, transitions, expectedRevision: state.revision });

    expect(written).toMatchObject({ revision: state.revision + 1, pendingSequences: [2] });
    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([2]);
  });

  test('a late mark, from a run that sent it again after another run published it and a sweep moved it to history, changes nothing and does not fail', async () => {
    const pairId = await pairWithPending(1);
    await store.markPublished(pairId, 1, 'sns-message-1', at(10));
    await store.materialize(pairId, (await store.loadStateConsistent(pairId))?.outbox ?? []);
    const before = await readRawItem(client, tableName, pairId);

    await store.markPublished(pairId, 1, 'sns-message-late', at(12));

    expect(await readRawItem(client, tableName, pairId)).toEqual(before);
    expect(await readOutboxKeys(client, tableName, pairId)).toEqual([]);
    expect(await store.getTransition(pairId, 1)).toMatchObject({ publishStatus: PublishStatus.PUBLISHED, snsMessageId: 'sns-message-1' });
  });

  test('a commit that would outgrow DynamoDB\'s 400 KB item (SNS refusing for very long) fails with a StoreError saying so, and changes nothing', async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    // Evidence of about 95 KB per transition: four fit in the state's outbox, a fifth does not.
    const bulky = (state: PairState) => {
      const { transitions, next } = transitionsAfter(state, 1);
      const [transition] = transitions as [Transition];
      const failingRegions = Array.from({ length: 95 }, (_, index) => ({ region: `region-${index}`, statusReport: `Failure: ${'x'.repeat(1_000)}` }));
      return { transitions: [{ ...transition, primary: { ...transition.primary, evidence: { ...transition.primary.evidence, failingRegions } } }], next };
    };
    let state: PairState = start;
    for (let revision = 1; revision <= 4; revision++) {
      const change = bulky(state);
      await store.record({ expected: state, ...change, expectedRevision: revision });
      state = change.next;
    }
    const before = await readRawItem(client, tableName, start.pairId);

    const outgrown = store.record({ expected: state, ...bulky(state), expectedRevision: 5 });

    await expect(outgrown).rejects.toThrow(StoreError);
    await expect(outgrown).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/400 KB item size: its outbox holds too many unpublished notifications \(or entries no sweep has moved to history\)/) });
    expect(await readRawItem(client, tableName, start.pairId)).toEqual(before);
  });

  test('an unknown transition cannot be claimed, released or marked, and nothing is created for it', async () => {
    const pairId = await pairWithPending(1);

    expect(await store.claimForPublish(pairId, 7, at(10), at(11))).toBeUndefined();
    await store.releaseClaim(pairId, 7, 'no-such-claim');
    await expect(store.markPublished(pairId, 7, 'sns-message-7', at(10))).rejects.toThrow(StoreError);

    expect(await readRawItem(client, tableName, pairId, 7)).toBeUndefined();
    expect(await readOutboxKeys(client, tableName, pairId)).toEqual(['T#0000000001']);
    expect((await store.listTransitions(pairId)).map((t) => t.sequence)).toEqual([1]);
  });

  test('a pair without a state: claims, releases and marks create no state item', async () => {
    const pairId = freshPairId();

    expect(await store.claimForPublish(pairId, 1, at(10), at(11))).toBeUndefined();
    expect(await store.claimNoticeForPublish(pairId, 'REMINDER#x', at(10), at(11))).toBeUndefined();
    await store.releaseClaim(pairId, 1, 'no-such-claim');
    await store.releaseNoticeClaim(pairId, 'REMINDER#x', 'no-such-claim');
    await expect(store.markPublished(pairId, 1, 'sns-message-1', at(10))).rejects.toThrow(StoreError);
    expect(await store.dropRepeatedNotice(pairId, 'REMINDER#x')).toBe(false);
    await store.materialize(pairId, []);

    expect(await readRawItem(client, tableName, pairId)).toBeUndefined();
    expect(await store.loadStateConsistent(pairId)).toBeUndefined();
  });
});
