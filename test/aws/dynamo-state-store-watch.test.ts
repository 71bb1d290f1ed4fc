/**
 * The store's side of configuration notices and the pair's watch, on dynalite: a pair never judged gets
 * a state item without a serving state (its watch and its outbox), which a later first observation
 * turns into a judged one with the same conditional write; configuration notices round-trip through the
 * outbox and history; the watch is kept as it is when a change does not give one.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decideConfigNotices, type ConfigNotice } from '../../lib/domain/config-notices';
import { detectConfigRisks } from '../../lib/domain/config-risks';
import type { PairWatch } from '../../lib/domain/pair-watch';
import { StaleStateError, StoreError } from '../../lib/errors';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { SCHEDULE, T0, firstState, freshPairId, minutesAfter, publishAndMove, readRawItem, startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

/** A DR hole on `pairId` (the primary's check disabled) as a first look decides it: the notice and the watch that records it. */
function drHole(pairId = freshPairId(), at = T0): { notice: ConfigNotice; watch: PairWatch } {
  const pair = { ...aPair(), id: pairId };
  const decision = decideConfigNotices(undefined, pairId, { risks: detectConfigRisks(pair, [], definitionsOf(aDefinition({ disabled: true }))), readAt: at, observedAt: at, trigger: SCHEDULE });
  return { notice: decision.notices[0]!, watch: { config: decision.next!, checksWithData: ['hc-primary'] } };
}

describe('DynamoStateStore: a pair never judged, and its watch', () => {
  test('a notice and a watch without a state make an item with no serving state, read back as such', async () => {
    const { notice, watch } = drHole();
    const written = await store.record({ pairId: notice.pairId, expected: undefined, next: undefined, transitions: [], notices: [notice], watch, expectedRevision: undefined });

    const stored = { ...JSON.parse(JSON.stringify(notice)), publishStatus: 'PENDING' };
    expect(written).toMatchObject({ pairId: notice.pairId, revision: 1, pendingSequences: [], pendingNotices: [notice.key], watch });
    expect(written.serving).toBeUndefined();
    expect(await store.loadStateConsistent(notice.pairId)).toEqual({ pairId: notice.pairId, revision: 1, pendingSequences: [], pendingNotices: [notice.key], outbox: [{ kind: 'NOTICE', notice: stored }], watch });
    expect((await store.loadStates([notice.pairId])).get(`${notice.pairId.zoneId}|${notice.pairId.name}|${notice.pairId.type}`)).toMatchObject({ revision: 1, watch });
    expect(await readRawItem(client, tableName, notice.pairId)).not.toHaveProperty('serving');
  });

  test('its first observation becomes its state under the item\'s revision, the watch and the outbox kept', async () => {
    const { notice, watch } = drHole();
    await store.record({ pairId: notice.pairId, expected: undefined, next: undefined, transitions: [], notices: [notice], watch, expectedRevision: undefined });
    const state = firstState(notice.pairId);

    // Judged as if no item existed: the item is there, so the write is refused and nothing changes.
    await expect(store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined })).rejects.toBeInstanceOf(StaleStateError);
    const written = await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: 1 });
    expect(written).toMatchObject({ ...state, revision: 2, watch, pendingNotices: [notice.key] });
  });

  test('configuration notices are published and moved to history like any notice, read back whole', async () => {
    const { notice, watch } = drHole();
    await store.record({ pairId: notice.pairId, expected: undefined, next: undefined, transitions: [], notices: [notice], watch, expectedRevision: undefined });
    await publishAndMove(store, notice.pairId, minutesAfter(T0, 1));

    expect(await store.getNotice(notice.pairId, notice.key)).toEqual({ ...JSON.parse(JSON.stringify(notice)), publishStatus: 'PUBLISHED', snsMessageId: `sns-N#${notice.key}`, publishedAt: minutesAfter(T0, 1).toISOString() });
    expect((await store.loadStateConsistent(notice.pairId))?.outbox).toBeUndefined();
    expect(await store.dropRepeatedNotice(notice.pairId, notice.key)).toBe(true);
  });

  test('a change that gives no watch keeps the stored one; one that gives a watch replaces it', async () => {
    const pairId = freshPairId();
    const { watch } = drHole(pairId);
    const state = firstState(pairId);
    await store.record({ expected: undefined, next: state, transitions: [], watch, expectedRevision: undefined });
    const later = { ...state, lastObservedAt: minutesAfter(T0, 5).toISOString() };
    expect(await store.record({ expected: state, next: later, transitions: [], expectedRevision: 1 })).toMatchObject({ revision: 2, watch });
    const narrower: PairWatch = { checksWithData: [] };
    expect((await store.record({ expected: later, next: later, transitions: [], watch: narrower, expectedRevision: 2 })).watch).toEqual(narrower);
  });

  test('refuses a change without a state that would record transitions, or that names no pair, writing nothing', async () => {
    const pairId = freshPairId();
    await expect(store.record({ expected: undefined, next: undefined, transitions: [], expectedRevision: undefined })).rejects.toThrow(/names no pair/);
    const state = firstState(pairId);
    await store.record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
    await expect(store.record({ pairId, expected: state, next: undefined, transitions: [], expectedRevision: 1 })).rejects.toBeInstanceOf(StoreError);
    expect(await store.loadStateConsistent(pairId)).toMatchObject({ revision: 1, serving: 'PRIMARY' });
  });

  test('a damaged watch is one StoreError naming the field', async () => {
    const { notice } = drHole();
    await store.record({ pairId: notice.pairId, expected: undefined, next: undefined, transitions: [], watch: { checksWithData: ['hc-primary'] }, expectedRevision: undefined });
    await client.send(new UpdateCommand({ TableName: tableName, Key: { pk: `PAIR#${notice.pairId.zoneId}|${notice.pairId.name}|${notice.pairId.type}`, sk: 'STATE' }, UpdateExpression: 'SET #w.#c = :bad', ExpressionAttributeNames: { '#w': 'watch', '#c': 'checksWithData' }, ExpressionAttributeValues: { ':bad': 'hc-primary' } }));
    await expect(store.loadStateConsistent(notice.pairId)).rejects.toThrow(/watch has checksWithData = "hc-primary", expected a list of strings/);
  });
});
