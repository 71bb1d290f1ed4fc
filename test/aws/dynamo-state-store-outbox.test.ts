import { DynamoStateStore } from '../../lib/aws/dynamo-state-store';
import type { PairId, PairState, Transition } from '../../lib/domain/model';
import { StoreError } from '../../lib/errors';
import { PublishStatus } from '../../lib/ports';
import { createTestDocumentClient } from '../support/dynalite';
import { failRequests, firstState, freshPairId, isStateUpdate, minutesAfter, readRawItem, transitionsAfter, T0, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

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

  test('record with claimUntil writes its pending transitions already claimed: reported to the caller, held from every other claimer until the lease runs out', async () => {
    const start = firstState(freshPairId());
    await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
    const { transitions, next } = transitionsAfter(start, 2);

    const written = await store.record({ expected: start, next, transitions, expectedRevision: 1 }, { claimUntil: at(11) });

    expect(written.claimed).toEqual({ sequences: [1, 2], notices: [] });
    expect(await readRawItem(client, tableName, start.pairId, 1)).toMatchObject({ publishStatus: PublishStatus.PENDING, claimUntil: at(11).toISOString() });
    expect(await store.claimForPublish(start.pairId, 1, at(10.5), at(11.5))).toBe(false);
    expect(await store.claimForPublish(start.pairId, 1, at(11.01), at(12))).toBe(true);
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
    expect(before?.outbox).toHaveLength(1);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10));

    expect((await readRawItem(client, tableName, pairId))?.['outbox']).toEqual({});
    expect(await store.loadStateConsistent(pairId)).toEqual({ ...before, pendingSequences: [], outbox: undefined });
  });

  test('marking published never makes a record decided from the revision before it fail', async () => {
    const pairId = await pairWithPending(1);
    const state = await store.loadStateConsistent(pairId);
    if (!state) throw new Error('state expected');
    const { transitions, next } = transitionsAfter(state, 1);

    await store.markPublished(pairId, 1, 'sns-message-1', at(10));
    const written = await store.record({ expected: state, next, transitions, expectedRevision: state.revision });

    expect(written).toMatchObject({ revision: state.revision + 1, pendingSequences: [2] });
    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([2]);
  });

  test('a transition published whose outbox entry could not be removed: the next claim finds it published and takes it out', async () => {
    const pairId = await pairWithPending(1);
    const flaky = createTestDocumentClient(db.endpoint);
    failRequests(flaky, isStateUpdate, () => new Error('Lambda timed out'));
    await expect(new DynamoStateStore({ client: flaky, tableName, historyDays: 30 }).markPublished(pairId, 1, 'sns-message-1', at(10))).rejects.toThrow(StoreError);
    flaky.destroy();
    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([1]);

    expect(await store.claimForPublish(pairId, 1, at(20), at(21))).toBe(false);

    expect((await store.loadStateConsistent(pairId))?.pendingSequences).toEqual([]);
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
    await expect(outgrown).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/400 KB item size: its outbox holds too many unpublished notifications/) });
    expect(await readRawItem(client, tableName, start.pairId)).toEqual(before);
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
