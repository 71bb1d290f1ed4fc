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

describe('DynamoDB failing for one pair', () => {
  let world: World;
  beforeEach(async () => {
    world = await healthyWorld();
    for (const pair of world.pairs) world.account.setHealthy(pair.primaryCheckId, false);
  });
  afterEach(() => world.harness.stop());

  it('every write of the pair failing (throughput exceeded, retries exhausted) → the pair is unfinished and untouched, the others are recorded', async () => {
    const [failing, ...others] = world.ids as [PairId, ...PairId[]];
    const before = itemsOfPair(await tableItems(world.harness), failing);
    const heal = injectDynamoFault(world.harness.clients.dynamo, (request) =>
      isRecordingWrite(request) && isForPair(request, failing) ? dynamoError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.') : undefined,
    );
    const run = await sweepAt(world, 1);
    heal();

    expect(run.unfinishedPairs).toEqual([{ pair: pairKey(failing), error: expect.stringMatching(/ProvisionedThroughputExceededException/) }]);
    expect(run).toMatchObject({ transitionsRecorded: 2, notificationsSent: 2 });
    expect(itemsOfPair(await tableItems(world.harness), failing)).toEqual(before);
    for (const pairId of others) expect((await historyOf(world.harness, pairId)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);

    const next = await sweepAt(world, 2);
    expect(next).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, unfinishedPairs: [] });
    expect(await invariantProblems(world)).toEqual([]);
  });

  it('the state commit failing → the pair is unfinished, its state untouched; the next run records it and sends it once', async () => {
    const [failing] = world.ids as [PairId];
    const stateBefore = itemsOfPair(await tableItems(world.harness), failing).find((item) => item['sk'] === 'STATE');
    const heal = injectDynamoFault(world.harness.clients.dynamo, (request) =>
      isStateUpdate(request) && isForPair(request, failing) ? dynamoError('InternalServerError', 'Internal server error', 500) : undefined,
    );
    const run = await sweepAt(world, 1);
    heal();

    expect(run.unfinishedPairs).toEqual([{ pair: pairKey(failing), error: expect.stringMatching(/InternalServerError/) }]);
    expect(itemsOfPair(await tableItems(world.harness), failing).find((item) => item['sk'] === 'STATE')).toEqual(stateBefore);

    await sweepAt(world, 2);
    expect((await historyOf(world.harness, failing)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect(await invariantProblems(world)).toEqual([]);
  });

  it('the history writes failing (the sweep moving published entries) while the pair fails over and back → both sent once, kept in the outbox where reads show them, moved by a later sweep', async () => {
    const [failing] = world.ids as [PairId];
    const heal = injectDynamoFault(world.harness.clients.dynamo, (request) =>
      isHistoryPut(request) && isForPair(request, failing) ? dynamoError('InternalServerError', 'Internal server error', 500) : undefined,
    );
    await sweepAt(world, 1);
    world.account.setHealthy(world.pairs[0]!.primaryCheckId, true);
    const back = await sweepAt(world, 2);
    heal();

    // The FAILOVER's move was tried (and failed) at minute 2; the FAILBACK, sent then, waits for the next sweep.
    expect(back).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, unfinishedPairs: [] });
    const published = [['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'PUBLISHED']];
    expect((await historyOf(world.harness, failing)).map((t) => [t.kind, t.publishStatus])).toEqual(published);
    expect(itemsOfPair(await tableItems(world.harness), failing).map((item) => item['sk'])).not.toContain('T#0000000001');
    expect(Object.keys((await stateItemOf(world, failing))['outbox'] as object).sort()).toEqual(['T#0000000001', 'T#0000000002']);

    await sweepAt(world, 3);
    expect(itemsOfPair(await tableItems(world.harness), failing).map((item) => item['sk'])).toEqual(expect.arrayContaining(['STATE', 'T#0000000001', 'T#0000000002']));
    expect((await stateItemOf(world, failing))['outbox']).toEqual({});
    expect((await historyOf(world.harness, failing)).map((t) => [t.kind, t.publishStatus])).toEqual(published);
    expect(world.account.published.filter((m) => m.attributes['transitionId']?.startsWith(pairKey(failing)))).toHaveLength(2);
    expect(await invariantProblems(world)).toEqual([]);
  });
});

describe('the time budget', () => {
  let world: World;
  beforeEach(async () => {
    world = await healthyWorld();
    for (const pair of world.pairs) world.account.setHealthy(pair.primaryCheckId, false);
  });
  afterEach(() => world.harness.stop());

  it('too little time left to record anything → every pair unfinished, nothing written or sent', async () => {
    const before = await tableItems(world.harness);
    world.harness.clock.set(minutesIn(1));
    const run = await world.harness.poll(loadEvent('scheduled.json'), { getRemainingTimeInMillis: () => 4_000 } as never);

    expect(run.unfinishedPairs.map((u) => u.pair).sort()).toEqual(world.ids.map(pairKey).sort());
    expect(run.unfinishedPairs.every((u) => /deadline/.test(u.error))).toBe(true);
    expect(run).toMatchObject({ transitionsRecorded: 0, notificationsSent: 0 });
    expect(await tableItems(world.harness)).toEqual(before);
    expect(world.account.calls.sns).toBe(0);
  });

  it('time running out part-way → the pairs not started are unfinished and untouched; the next run records them', async () => {
    const items = await tableItems(world.harness);
    // One pair at a time; the first state write takes 20 s of the function's 25 s (the deadline keeps 10 s back).
    const deps = { ...depsAt(world.harness, minutesIn(1)), settings: { ...world.harness.deps.settings, pairConcurrency: 1 } };
    const clock = deps.clock as unknown as { advanceSeconds(seconds: number): void };
    world.harness.clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const request = { commandName: String(context.commandName), input: args.input as Record<string, unknown> };
        if (isStateUpdate(request)) clock.advanceSeconds(20);
        return result;
      },
      { step: 'serialize', name: 'robustnessSlowStateWrite' },
    );
    const run = await createPollHandler(() => deps)(loadEvent('scheduled.json'), { getRemainingTimeInMillis: () => 25_000 } as never);
    world.harness.clients.dynamo.middlewareStack.remove('robustnessSlowStateWrite');

    const [first, ...rest] = world.ids as [PairId, ...PairId[]];
    expect(run.transitionsRecorded).toBe(1);
    expect(run.unfinishedPairs).toEqual(rest.map((pairId) => ({ pair: pairKey(pairId), error: expect.stringMatching(/deadline/) })));
    expect((await historyOf(world.harness, first)).map((t) => t.kind)).toEqual(['FAILOVER']);
    const after = await tableItems(world.harness);
    for (const pairId of rest) expect(itemsOfPair(after, pairId)).toEqual(itemsOfPair(items, pairId));

    const next = await sweepAt(world, 2);
    expect(next).toMatchObject({ transitionsRecorded: 2, unfinishedPairs: [] });
    expect(await invariantProblems(world)).toEqual([]);
  });
});

describe('DynamoDB throttling and network errors, over real HTTP: the SDK retries with backoff and the write lands once', () => {
  let proxy: DynamoProxy;
  let world: World;

  beforeEach(async () => {
    proxy = await startDynamoProxy();
    world = await healthyWorld({ AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint }, (harness) => {
      proxy.target = harness.dynamo.endpoint;
    });
    world.account.setHealthy(world.pairs[0]!.primaryCheckId, false);
  });

  afterEach(async () => {
    await world.harness.stop();
    await proxy.stop();
  });

  /**
   * Misbehaves once, on the first request of `operation` for the first pair's item whose sort key starts
   * with `sortKeyPrefix` (and whose update expression matches `expression`, if given).
   */
  function onceOn(operation: string, sortKeyPrefix: string, action: 'THROTTLE' | 'RESET_BEFORE' | 'RESET_AFTER', expression?: RegExp): void {
    let done = false;
    const pk = `PAIR#${pairKey(world.ids[0]!)}`;
    proxy.plan = (op, body) => {
      const keyed = (body['Key'] ?? body['Item']) as Record<string, { S?: string }> | undefined;
      if (done || op !== operation || keyed?.['pk']?.S !== pk || !(keyed['sk']?.S ?? '').startsWith(sortKeyPrefix)) return 'FORWARD';
      if (expression && !expression.test(String(body['UpdateExpression']))) return 'FORWARD';
      done = true;
      return action;
    };
  }

  const COMMIT = /#revision/;
  const MARK = /#publishStatus = :published/;

  // The commit and the mark happen in the sweep that sees the failover (minute 1); the history item is
  // put by the next sweep (minute 2), which moves the published entry out of the outbox.
  it.each([
    ['the transition put throttled (HTTP 400 ProvisionedThroughputExceededException)', 'PutItem', 'T#', 'THROTTLE', undefined],
    ['the state commit throttled', 'UpdateItem', 'STATE', 'THROTTLE', COMMIT],
    ['the published mark throttled', 'UpdateItem', 'STATE', 'THROTTLE', MARK],
    ['the connection reset before the transition put arrived', 'PutItem', 'T#', 'RESET_BEFORE', undefined],
    ['the connection reset after DynamoDB applied the transition put (the answer lost)', 'PutItem', 'T#', 'RESET_AFTER', undefined],
    ['the connection reset after DynamoDB applied the state commit (the answer lost; the retry refused, the commit known as its own)', 'UpdateItem', 'STATE', 'RESET_AFTER', COMMIT],
    ['the connection reset after DynamoDB applied the published mark (the answer lost)', 'UpdateItem', 'STATE', 'RESET_AFTER', MARK],
  ] as const)('%s → retried; one FAILOVER recorded, sent once, and moved to history once', async (_label, operation, sortKeyPrefix, action, expression) => {
    onceOn(operation, sortKeyPrefix, action, expression);
    const run = await sweepAt(world, 1);
    expect(run).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, unfinishedPairs: [] });
    const moved = await sweepAt(world, 2);

    const misbehaved = proxy.requests.findIndex((r) => r.action !== 'FORWARD');
    expect(misbehaved).toBeGreaterThanOrEqual(0);
    const retry = proxy.requests.slice(misbehaved + 1).find((r) => r.operation === operation && JSON.stringify(r.body) === JSON.stringify(proxy.requests[misbehaved]!.body));
    expect(retry?.attempt).toMatch(/^attempt=2;/);
    expect(moved.unfinishedPairs).toEqual([]);
    expect((await historyOf(world.harness, world.ids[0]!)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect(itemsOfPair(await tableItems(world.harness), world.ids[0]!).find((item) => item['sk'] === 'T#0000000001')).toMatchObject({ publishStatus: 'PUBLISHED' });
    expect((await stateItemOf(world, world.ids[0]!))['outbox']).toEqual({});
    expect(world.account.published).toHaveLength(1);
    expect(await invariantProblems(world)).toEqual([]);
  });

  it('a sweep that cannot move a published entry to history says so, leaves it in the outbox, and the next sweep moves it', async () => {
    await sweepAt(world, 1);
    const pk = `PAIR#${pairKey(world.ids[0]!)}`;
    // Every attempt of the history put throttled: the SDK's retries run out.
    proxy.plan = (op, body) => {
      const item = body['Item'] as Record<string, { S?: string }> | undefined;
      return op === 'PutItem' && item?.['pk']?.S === pk && (item['sk']?.S ?? '').startsWith('T#') ? 'THROTTLE' : 'FORWARD';
    };
    const failed = await sweepAt(world, 2);
    expect(failed.unfinishedPairs).toEqual([]);
    expect(failed.historyNotMoved).toEqual([{ pair: pairKey(world.ids[0]!), error: expect.stringContaining('T#0000000001') as unknown }]);
    expect(Object.keys((await stateItemOf(world, world.ids[0]!))['outbox'] as object)).toEqual(['T#0000000001']);
    expect((await historyOf(world.harness, world.ids[0]!)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);

    proxy.plan = () => 'FORWARD';
    const moved = await sweepAt(world, 3);
    expect(moved.historyNotMoved).toBeUndefined();
    expect((await stateItemOf(world, world.ids[0]!))['outbox']).toEqual({});
    expect(itemsOfPair(await tableItems(world.harness), world.ids[0]!).find((item) => item['sk'] === 'T#0000000001')).toMatchObject({ publishStatus: 'PUBLISHED' });
    expect(world.account.published).toHaveLength(1);
    expect(await invariantProblems(world)).toEqual([]);
  });
});
