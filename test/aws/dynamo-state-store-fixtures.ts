/**
 * Builders and raw-table helpers shared by the DynamoStateStore tests. Each test works on pairs of its
 * own (`freshPairId`), so the tests of one file can share a table.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { pairPartitionKey, STATE_SORT_KEY, transitionSortKey } from '../../lib/aws/dynamodb/table';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import {
  ServingState,
  Severity,
  TransitionKind,
  TriggerKind,
  Verdict,
  pairKey,
  type PairId,
  type PairState,
  type Transition,
  type Trigger,
} from '../../lib/domain/model';

let pairCounter = 0;

export function freshPairId(): PairId {
  pairCounter += 1;
  return { zoneId: `Z${String(pairCounter).padStart(6, '0')}TEST`, name: `app${pairCounter}.example.com.`, type: 'A' };
}

export const T0 = '2026-11-25T09:00:00.000Z';
export const SCHEDULE: Trigger = { kind: TriggerKind.SCHEDULE, source: 'failwatch-sweep' };

/** A pair's first state: serving the primary, nothing recorded yet. */
export function firstState(pairId: PairId, at = T0): PairState {
  return { pairId, serving: ServingState.PRIMARY, secondaryVerdict: Verdict.HEALTHY, servingSince: at, secondarySince: at, sequence: 0, lastObservedAt: at };
}

/** The same state seen again later: no transition, only `lastObservedAt` moves. */
export function seenAgain(state: PairState, at: string): PairState {
  return { ...state, lastObservedAt: at };
}

/** The next FAILOVER or FAILBACK after `state` (they alternate), observed at `at`. */
export function nextTransition(state: PairState, at: string, trigger: Trigger = SCHEDULE): { transition: Transition; next: PairState } {
  const failover = state.serving === ServingState.PRIMARY;
  const to = failover ? ServingState.SECONDARY : ServingState.PRIMARY;
  const sequence = state.sequence + 1;
  const next: PairState = { ...state, serving: to, servingSince: at, sequence, lastObservedAt: at };
  const primary = {
    verdict: failover ? Verdict.UNHEALTHY : Verdict.HEALTHY,
    healthCheckId: 'hc-primary',
    basis: failover ? 'HealthCheckStatus 0' : 'HealthCheckStatus 1',
    evidence: {
      checkersHealthy: failover ? 1 : 8,
      checkersTotal: 8,
      // Optional fields left undefined must simply be absent from the item.
      percentageHealthy: undefined,
      failingRegions: failover ? [{ region: 'eu-west-1', statusReport: 'Failure: Connection timed out.' }] : [],
    },
  };
  const transition: Transition = {
    id: `${pairKey(state.pairId)}#${sequence}`,
    pairId: state.pairId,
    sequence,
    kind: failover ? TransitionKind.FAILOVER : TransitionKind.FAILBACK,
    severity: failover ? Severity.CRITICAL : Severity.INFO,
    from: state.serving,
    to,
    fromValues: failover ? ['10.0.0.1'] : ['10.0.1.1'],
    toValues: failover ? ['10.0.1.1'] : ['10.0.0.1'],
    primary,
    secondary: { verdict: Verdict.HEALTHY, basis: 'no health check: counts as healthy', evidence: { failingRegions: [] } },
    observedAt: at,
    trigger,
    previousStateSeconds: (Date.parse(at) - Date.parse(state.servingSince)) / 1000,
    stateAfter: next,
  };
  return { transition, next };
}

/** `count` transitions after `state`, a minute apart. */
export function transitionsAfter(state: PairState, count: number): { transitions: Transition[]; next: PairState } {
  const transitions: Transition[] = [];
  let next = state;
  for (let index = 0; index < count; index++) {
    const step = nextTransition(next, new Date(Date.parse(state.lastObservedAt) + (index + 1) * 60_000).toISOString());
    transitions.push(step.transition);
    next = step.next;
  }
  return { transitions, next };
}

export function minutesAfter(iso: string, minutes: number): Date {
  return new Date(Date.parse(iso) + minutes * 60_000);
}

/** The outbox entry of the state item under `sortKey` (`T#...`, `N#...`), exactly as stored, claim included. */
export async function readOutboxEntry(client: DynamoDBDocumentClient, tableName: string, pairId: PairId, sortKey: string): Promise<Record<string, unknown> | undefined> {
  const outbox = (await readRawItem(client, tableName, pairId))?.['outbox'] as Record<string, Record<string, unknown>> | undefined;
  return outbox?.[sortKey];
}

/** The sort keys in the state item's outbox map, as stored. */
export async function readOutboxKeys(client: DynamoDBDocumentClient, tableName: string, pairId: PairId): Promise<string[]> {
  return Object.keys(((await readRawItem(client, tableName, pairId))?.['outbox'] ?? {}) as object).sort();
}

/**
 * What the runs and the next sweep do with a pair's outbox when all goes well: every PENDING entry is
 * marked published (message id `sns-<sort key>`), then the final ones are moved to history.
 */
export async function publishAndMove(store: DynamoStateStore, pairId: PairId, at: Date): Promise<void> {
  const state = await store.loadStateConsistent(pairId);
  for (const sequence of state?.pendingSequences ?? []) await store.markPublished(pairId, sequence, `sns-${transitionSortKey(sequence)}`, at);
  for (const key of state?.pendingNotices ?? []) await store.markNoticePublished(pairId, key, `sns-N#${key}`, at);
  await store.materialize(pairId, (await store.loadStateConsistent(pairId))?.outbox ?? []);
}

/** The item exactly as stored, keys and bookkeeping included. */
export async function readRawItem(client: DynamoDBDocumentClient, tableName: string, pairId: PairId, sequence?: number): Promise<Record<string, unknown> | undefined> {
  const sk = sequence === undefined ? STATE_SORT_KEY : transitionSortKey(sequence);
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { pk: pairPartitionKey(pairId), sk }, ConsistentRead: true }));
  return Item;
}

export interface WireRequest {
  readonly commandName: string;
  /** The request in DynamoDB's wire form (`{ S: '...' }` attribute values). */
  readonly input: Record<string, unknown>;
}

/**
 * Makes every request `shouldFail` picks throw `makeError()` before it leaves the client, as a crash
 * or an AWS failure at that point would. Install it on a client of the test's own.
 */
export function failRequests(client: DynamoDBDocumentClient, shouldFail: (request: WireRequest) => boolean, makeError: () => Error): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = { commandName: String(context.commandName), input: args.input as Record<string, unknown> };
      if (shouldFail(request)) throw makeError();
      return next(args);
    },
    { step: 'serialize', name: 'failwatchTestFailRequests' },
  );
}

/** Every request the client sends from now on, in wire form. */
export function recordRequests(client: DynamoDBDocumentClient): WireRequest[] {
  const requests: WireRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push({ commandName: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'serialize', name: 'failwatchTestRecordRequests' },
  );
  return requests;
}

/** True for an UpdateItem of a pair's state item: the commit of `record`, or the outbox's bookkeeping (claim, mark, release, move). */
export function isStateUpdate(request: WireRequest): boolean {
  const key = request.input.Key as { sk?: { S?: string } } | undefined;
  return request.commandName === 'UpdateItemCommand' && key?.sk?.S === STATE_SORT_KEY;
}

/** True for the PutItem that moves an outbox entry to a history item whose sort key starts with `sortKeyPrefix` (`T#`, `N#`, `T#0000000002`...). */
export function isHistoryPut(request: WireRequest, sortKeyPrefix = ''): boolean {
  const item = request.input.Item as { sk?: { S?: string } } | undefined;
  return request.commandName === 'PutItemCommand' && (item?.sk?.S ?? '').startsWith(sortKeyPrefix) && (item?.sk?.S ?? '') !== STATE_SORT_KEY;
}

/** Every item of the pair's partition, as stored, by sort key. */
export async function readPartition(client: DynamoDBDocumentClient, tableName: string, pairId: PairId): Promise<Record<string, Record<string, unknown>>> {
  const { Items } = await client.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId) }, ConsistentRead: true }),
  );
  return Object.fromEntries((Items ?? []).map((item) => [String(item['sk']), item]));
}

/** A fresh table on its own dynalite, and the store on it: one per test file. */
export interface LocalStore {
  readonly db: LocalDynamo;
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  readonly store: DynamoStateStore;
}

export async function startLocalStore(historyDays = 30): Promise<LocalStore> {
  const db = await startDynalite();
  const tableName = await createTestTable(db.endpoint);
  const client = createTestDocumentClient(db.endpoint);
  return { db, tableName, client, store: new DynamoStateStore({ client, tableName, historyDays }) };
}

export async function stopLocalStore(local: Pick<LocalStore, 'db' | 'client'>): Promise<void> {
  local.client.destroy();
  await local.db.stop();
}
