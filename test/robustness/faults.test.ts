/**
 * Faults from AWS. CloudWatch failing leaves every pair UNKNOWN and changes nothing; Route 53 failing to
 * list ends the run with a HealthSourceError that says what to fix; DynamoDB failing for one pair leaves
 * that pair's stored state untouched and named in the summary while the others are recorded; a run
 * short of time leaves the pairs it did not reach untouched; DynamoDB throttling and network errors are
 * retried by the SDK (proven over real HTTP through a proxy in front of dynalite).
 */
import { ThrottlingException } from '@aws-sdk/client-route-53';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { pairKey, type PairId } from '../../lib/domain/model';
import { HealthSourceError } from '../../lib/errors';
import type { RunResult } from '../../lib/usecases/run-result';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, generatedAccount, referenceAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { dynamoError, injectDynamoFault, isForPair, isHistoryPut, isRecordingWrite, isStateUpdate } from './dynamo-faults';
import { startDynamoProxy, type DynamoProxy } from './dynamo-proxy';
import { errorMessages, logsOf } from './logs';
import { deliveryProblems, historyOf, historyProblems, pairIdOf, stateOf, tableItems } from './invariants';
import { depsAt, invokeAt } from './invocations';

const START = Date.UTC(2026, 10, 25, 8, 0);
const SETTINGS = { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 0 } as const;
const minutesIn = (minutes: number): Date => new Date(START + minutes * 60_000);

interface World {
  readonly account: SimulatedAws;
  readonly pairs: readonly GeneratedPair[];
  readonly ids: readonly PairId[];
  readonly harness: Harness;
}

/** Three pairs, seen healthy once (their first state stored). */
async function healthyWorld(environment?: Record<string, string>, beforeFirstSweep?: (harness: Harness) => void): Promise<World> {
  const { account, pairs } = generatedAccount({ healthChecks: 6 });
  const harness = await startHarness(account, { start: minutesIn(0), settings: SETTINGS, ...(environment ? { environment } : {}) });
  beforeFirstSweep?.(harness);
  await harness.poll(loadEvent('scheduled.json'));
  return { account, pairs, ids: pairs.map(pairIdOf), harness };
}

async function sweepAt(world: World, minutes: number): Promise<RunResult> {
  world.harness.clock.set(minutesIn(minutes));
  return world.harness.poll(loadEvent('scheduled.json'));
}

function itemsOfPair(items: readonly Record<string, unknown>[], pairId: PairId): Record<string, unknown>[] {
  return items.filter((item) => item['pk'] === `PAIR#${pairKey(pairId)}`);
}

async function stateItemOf(world: World, pairId: PairId): Promise<Record<string, unknown>> {
  const state = itemsOfPair(await tableItems(world.harness), pairId).find((item) => item['sk'] === 'STATE');
  if (state === undefined) throw new Error(`no state item for ${pairKey(pairId)}`);
  return state;
}

async function invariantProblems(world: World): Promise<string[]> {
  const problems: string[] = [];
  for (const pairId of world.ids) {
    const history = await historyOf(world.harness, pairId);
    problems.push(...historyProblems(pairId, history, await stateOf(world.harness, pairId)), ...deliveryProblems(pairId, history, world.account.published, { allSent: true }));
  }
  return problems;
}

describe('CloudWatch GetMetricData failing', () => {
  let world: World;
  beforeAll(async () => {
    world = await healthyWorld();
    // What a readable run would report as a failover: the primary of the first pair is down.
    world.account.setHealthy(world.pairs[0]!.primaryCheckId, false);
  });
  afterAll(() => world.harness.stop());

  it.each([
    ['a server error (HTTP 500)', () => Object.assign(new Error('Internal service error'), { name: 'InternalServiceError', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 5 } })],
    ['throttling, after the SDK gave up retrying', () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 5 } })],
    ['access denied', () => Object.assign(new Error('not authorized to perform cloudwatch:GetMetricData'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } })],
    ['a network error', () => Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED' })],
  ])('%s → every pair UNKNOWN, no transition, nothing sent, the serving side stays', async (_label, failure) => {
    world.account.metricDataFailure = failure;
    const statusReadsBefore = world.account.calls.getHealthCheckStatus;
    const minute = world.account.calls.cloudwatch;
    const sweep = await sweepAt(world, minute);
    const alarm = await invokeAt(world.harness, minutesIn(minute + 0.5), { kind: 'ALARM', healthCheckId: world.pairs[0]!.primaryCheckId, state: 'ALARM' });

    expect(sweep).toMatchObject({ transitionsRecorded: 0, notificationsSent: 0, unfinishedPairs: [] });
    expect([...sweep.unknownPairs].sort()).toEqual(world.ids.map(pairKey).sort());
    expect(alarm).toMatchObject({ transitionsRecorded: 0, unknownPairs: [pairKey(world.ids[0]!)] });
    expect(world.account.calls.sns).toBe(0);
    expect(world.account.calls.getHealthCheckStatus).toBe(statusReadsBefore);
    for (const pairId of world.ids) {
      expect(await historyOf(world.harness, pairId)).toEqual([]);
      expect(await stateOf(world.harness, pairId)).toMatchObject({ serving: 'PRIMARY', sequence: 0, servingSince: minutesIn(0).toISOString() });
    }
  });

  it('once CloudWatch answers again, the failover is recorded and sent, once', async () => {
    world.account.metricDataFailure = undefined;
    const run = await sweepAt(world, 30);
    expect(run).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, unknownPairs: [] });
    expect((await historyOf(world.harness, world.ids[0]!)).map((t) => t.kind)).toEqual(['FAILOVER']);
    expect(await invariantProblems(world)).toEqual([]);
  });
});

describe('CloudWatch GetMetricData failing, for a pair whose secondary has no health check', () => {
  it('the pair (its secondary always counted healthy) is not reported as failed over either', async () => {
    const account = referenceAccount();
    const harness = await startHarness(account, { start: minutesIn(0), settings: SETTINGS });
    try {
      await harness.poll(loadEvent('scheduled.json'));
      account.metricDataFailure = () => Object.assign(new Error('Internal service error'), { name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } });
      harness.clock.set(minutesIn(1));
      const run = await harness.poll(loadEvent('scheduled.json'));
      expect(run).toMatchObject({ transitionsRecorded: 0, unknownPairs: [`${REFERENCE.zoneId}|${REFERENCE.recordName}|A`] });
      expect(account.calls.sns).toBe(0);
      expect(await stateOf(harness, { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' })).toMatchObject({ serving: 'PRIMARY', sequence: 0 });
    } finally {
      await harness.stop();
    }
  });

});

describe('Route 53 listing failing', () => {
  let world: World;
  beforeAll(async () => {
    world = await healthyWorld();
    for (const pair of world.pairs) world.account.setHealthy(pair.primaryCheckId, false);
  });
  afterAll(() => world.harness.stop());

  it.each([
    [
      'access denied',
      () => Object.assign(new Error('User is not authorized to perform route53:ListHealthChecks'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
      /grant route53:ListHealthChecks on \* to the function's role/,
    ],
    ['throttling, after the SDK gave up retrying', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 5 } }), /lower FAILWATCH_ROUTE53_RPS or poll less often/],
  ])('%s → the run judges from the last complete listing, then the invocation fails with one HealthSourceError saying what to fix', async (_label, failure, advice) => {
    world.account.listingFailure = failure;
    // The listing is cached for a while: a run after it expired has to list again.
    const minute = 20 * (1 + world.account.calls.cloudwatch);
    const sweep = await logsOf(() => sweepAt(world, minute));
    const alarm = await logsOf(() => invokeAt(world.harness, minutesIn(minute), { kind: 'ALARM', healthCheckId: world.pairs[0]!.primaryCheckId, state: 'ALARM' }));
    for (const { result, lines } of [sweep, alarm]) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(HealthSourceError);
      expect(error.message).toMatch(advice);
      // One line, naming what to fix: the invocation fails and is logged once.
      expect(errorMessages(lines)).toEqual([error.message]);
    }
    // The failovers were recorded and sent from the last complete listing, once.
    expect(world.account.calls.sns).toBe(3);
    expect(await invariantProblems(world)).toEqual([]);
  });

  it('once Route 53 answers again, the run succeeds, and nothing is recorded twice', async () => {
    world.account.listingFailure = undefined;
    const run = await sweepAt(world, 200);
    expect(run).toMatchObject({ transitionsRecorded: 0, unfinishedPairs: [], unknownPairs: [] });
    expect(run).not.toHaveProperty('discovery');
    expect(world.account.calls.sns).toBe(3);
    expect(await invariantProblems(world)).toEqual([]);
  });
});
