/**
 * Property-based tests (fast-check) of the handlers, end to end on dynalite:
 *   - any event, to either handler: success, or one InvalidEventError logged once, with nothing read,
 *     written or sent;
 *   - any configuration: success, or one ConfigurationError before anything is read or written;
 *   - any zone contents and any sequence of health (metric values, no data yet, CloudWatch down, SNS
 *     down) with overlapping polls and alarms: no throw, and a history with no duplicate and no gap,
 *     each transition starting where the last one ended, moves that match Route 53's choices, a final
 *     state equal to the last transition's, everything sent exactly once.
 * Runs are bounded to stay fast; the seed is fixed (FC_SEED overrides it) and printed on failure with
 * the counterexample (FC_SHRINK=1 shrinks it, FC_RUNS_SCALE=10 searches longer).
 */
import fc from 'fast-check';
import { ThrottledException } from '@aws-sdk/client-sns';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { ServingState, pairKey, type KnownServingState } from '../../lib/domain/model';
import { ConfigurationError, HealthSourceError, InvalidEventError } from '../../lib/errors';
import { buildWatchDepsFromEnvironment } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, generatedCheckId, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { deliveryProblems, historyOf, historyProblems, stateOf, tableItems } from './invariants';
import { invokeAt, runResult, type Invocation } from './invocations';
import { errorMessages, logsOf } from './logs';
import { applyHealth, buildAccount, checkCount, expectedMoves, expectedServing, recordShape, stepArbitrary, type BuiltAccount, type RecordShape, type Step } from './random-account';

const SEED = Number(process.env['FC_SEED'] ?? 20261125);
/** FC_RUNS_SCALE=10 searches ten times longer (not in CI). */
const RUNS_SCALE = Number(process.env['FC_RUNS_SCALE'] ?? 1);
const START = Date.UTC(2026, 10, 25, 8, 0);
const SAMPLE_EVENTS = ['scheduled.json', 'scheduler.json', 'alarm-alarm.json', 'alarm-ok.json', 'alarm-other-metric.json', 'malformed.json'] as const;

function parameters<T>(numRuns: number): fc.Parameters<T> {
  // Shrinking a counterexample can take minutes, past jest's timeout: replay seed and path with FC_SHRINK=1 to get it.
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * RUNS_SCALE)), endOnFailure: process.env['FC_SHRINK'] !== '1', verbose: 1 };
}

/** Every path into a JSON value, objects and arrays alike. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

type Mutation = { readonly at: number; readonly op: 'DELETE' } | { readonly at: number; readonly op: 'REPLACE'; readonly value: fc.JsonValue };

function mutate(event: unknown, mutations: readonly Mutation[]): unknown {
  for (const mutation of mutations) {
    const paths = pathsOf(event);
    const path = paths[mutation.at % Math.max(1, paths.length)];
    if (path === undefined) return mutation.op === 'REPLACE' ? mutation.value : event;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], event) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    if (mutation.op === 'DELETE') delete parent[key];
    else parent[key] = mutation.value;
  }
  return event;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), op: fc.constant('DELETE' as const) }),
  fc.record({ at: fc.nat(), op: fc.constant('REPLACE' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('Scheduled Event', 'CloudWatch Alarm State Change', 'AWS/Route53', 'HealthCheckStatus', 'ALARM', '')) }),
);

const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ sample: fc.constantFrom(...SAMPLE_EVENTS), mutations: fc.array(mutation, { maxLength: 3 }) }).map(({ sample, mutations }) => mutate(loadEvent(sample), mutations)),
);

describe('any event, to either handler', () => {
  let account: SimulatedAws;
  let harness: Harness;
  let minute = 0;

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { start: new Date(START) });
  });
  afterAll(() => harness.stop());

  it('succeeds, or fails with one logged InvalidEventError having read, written and sent nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('poll', 'alarm'), anyEvent, async (handler, event) => {
        const calls = { ...account.calls };
        const items = JSON.stringify(await tableItems(harness));
        harness.clock.set(new Date(START + ++minute * 60_000));
        const { result, lines } = await logsOf(() => (handler === 'poll' ? harness.poll(event) : harness.alarm(event)));
        if (result.status === 'fulfilled') {
          if ('skipped' in result.value) expect(account.calls).toEqual(calls);
          return;
        }
        const error: unknown = result.reason;
        expect(error).toBeInstanceOf(InvalidEventError);
        expect(errorMessages(lines)).toEqual([(error as Error).message]);
        expect(account.calls).toEqual(calls);
        expect(JSON.stringify(await tableItems(harness))).toBe(items);
      }),
      parameters(150),
    );
  });
});

describe('any configuration', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { start: new Date(START) });
  });
  afterAll(() => harness.stop());

  /** Mostly the valid value, sometimes missing, empty or junk: runs with one or two bad settings among good ones. */
  const setting = (valid: string) =>
    fc.oneof(
      { weight: 12, arbitrary: fc.constant(valid) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.oneof(fc.constant(''), fc.string({ maxLength: 6 }), fc.constantFrom('-1', '0', '1.5', 'NaN', '1e3', '[]', '{"record":1}')) },
    );

  it('runs, or fails with one ConfigurationError naming the setting before anything is read or written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          FAILWATCH_TABLE: setting(harness.config.tableName).filter((value) => value === undefined || value === '' || value === harness.config.tableName),
          FAILWATCH_TOPIC_ARN: setting(harness.config.topicArn),
          FAILWATCH_ZONE_IDS: fc.oneof(setting(REFERENCE.zoneId), fc.constant(`/hostedzone/${REFERENCE.zoneId}, `)),
          FAILWATCH_ROUTE53_RPS: setting('5'),
          FAILWATCH_HISTORY_DAYS: setting('400'),
          FAILWATCH_CONFIRMATIONS: setting('1'),
          FAILWATCH_REMINDER_HOURS: setting('4'),
          FAILWATCH_SILENCES: setting('[{"record":"app.example.com","until":"2026-12-01T06:00:00Z","reason":"DR drill"}]'),
        }),
        async (environment) => {
          const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
          for (const [name, value] of Object.entries(environment)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
          }
          const calls = { ...account.calls };
          try {
            const { result, lines } = await logsOf(() => createPollHandler(buildWatchDepsFromEnvironment)(loadEvent('scheduled.json')));
            if (result.status === 'fulfilled') return;
            const error = result.reason as Error;
            expect(errorMessages(lines)).toEqual([error.message]);
            if (error instanceof HealthSourceError) {
              // A well-formed zone id that does not exist can only be found out by asking Route 53.
              expect(error.message).toMatch(/FAILWATCH_ZONE_IDS names zone .* which does not exist/);
              expect({ ...account.calls, route53: calls.route53 }).toEqual(calls);
              return;
            }
            expect(error).toBeInstanceOf(ConfigurationError);
            expect(error.message).toMatch(/FAILWATCH_[A-Z_0-9]+/);
            expect(account.calls).toEqual(calls);
          } finally {
            for (const [name, value] of Object.entries(saved)) {
              if (value === undefined) delete process.env[name];
              else process.env[name] = value;
            }
          }
        },
      ),
      parameters(60),
    );
  });
});

interface Scenario {
  readonly shapes: readonly RecordShape[];
  readonly steps: readonly Step[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .array(recordShape, { minLength: 1, maxLength: 4 })
  .chain((shapes) => fc.record({ shapes: fc.constant(shapes), steps: fc.array(stepArbitrary(checkCount(shapes)), { minLength: 1, maxLength: 8 }) }));

const POLICY = { confirmations: 1, flapChanges: 2, flapWindowSeconds: 300, reminderIntervalSeconds: 240, degradedAfterSeconds: 120 } as const;
const SNS_FAILURE = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
const METRIC_FAILURE = () => Object.assign(new Error('Internal service error'), { name: 'InternalServiceError', $fault: 'server', $metadata: { httpStatusCode: 500 } });

function invocationOf(built: BuiltAccount, step: Step, index: number): Invocation {
  const invocation = step.invocations[index]!;
  if (invocation.kind === 'POLL') return { kind: 'POLL' };
  const checkId = built.checks[invocation.check] ?? generatedCheckId(1000 + invocation.check);
  const health = step.health[invocation.check] ?? 'UP';
  return { kind: 'ALARM', healthCheckId: checkId, state: health.endsWith('DOWN') ? 'ALARM' : 'OK' };
}

async function runScenario({ shapes, steps }: Scenario): Promise<void> {
  const built = buildAccount(shapes);
  // Short policy windows so that flap damping (held transitions, FLAPPING and FLAPPING_ENDED notices),
  // reminders and the blind-watch warning all happen within a few minutes, and go through the outbox too.
  const harness = await startHarness(built.account, { start: new Date(START), settings: POLICY });
  try {
    const known = new Map<string, KnownServingState[]>(built.pairs.map((pair) => [pairKey(pair.id), []]));
    // Last sweeps with everything answering, the second once any flapping spell is over, so that
    // whatever was left pending or due goes out.
    const settle: Step = { health: steps.at(-1)!.health, metricsDown: false, snsDown: false, invocations: [{ kind: 'POLL' }] };
    for (const [index, step] of [...steps, settle, settle].entries()) {
      applyHealth(built, step.health);
      built.account.metricDataFailure = step.metricsDown ? METRIC_FAILURE : undefined;
      built.account.publishFailure = step.snsDown ? SNS_FAILURE : undefined;
      const stepStart = START + (index <= steps.length ? index : index + POLICY.flapWindowSeconds / 60) * 60_000;
      const invocations = step.invocations.map((_, i) => invocationOf(built, step, i));
      const results = await Promise.all(invocations.map((invocation, i) => invokeAt(harness, new Date(stepStart + i * 2_000), invocation)));
      for (const result of results.map(runResult)) {
        if (result === undefined) continue;
        expect(result.unfinishedPairs).toEqual([]);
        expect(result.skippedRecords).toHaveLength(built.unpairable);
      }
      const scoped = new Set(invocations.flatMap((inv) => (inv.kind === 'ALARM' ? [inv.healthCheckId] : [])));
      const polled = invocations.some((inv) => inv.kind === 'POLL');
      for (const pair of built.pairs) {
        if (!polled && !scoped.has(pair.primaryCheck ?? '-') && !scoped.has(pair.secondaryCheck ?? '-')) continue;
        const serving = expectedServing(built, pair, step);
        if (serving !== ServingState.UNKNOWN) known.get(pairKey(pair.id))!.push(serving);
      }
    }

    const problems: string[] = [];
    for (const pair of built.pairs) {
      const history = await historyOf(harness, pair.id);
      const state = await stateOf(harness, pair.id);
      const seen = known.get(pairKey(pair.id))!;
      problems.push(...historyProblems(pair.id, history, state));
      problems.push(...deliveryProblems(pair.id, history, built.account.published, { allSent: true }, await harness.store.listNotices(pair.id, 1000)));
      expect({ pair: pairKey(pair.id), moves: history.filter((t) => t.from !== t.to).map((t) => [t.from, t.to]), serving: state?.serving }).toEqual({
        pair: pairKey(pair.id),
        moves: expectedMoves(seen),
        serving: seen.at(-1),
      });
    }
    expect(problems).toEqual([]);
    const items = await tableItems(harness);
    for (const name of built.ignoredNames) expect(items.filter((item) => String(item['pk']).includes(`|${name}|`))).toEqual([]);
  } finally {
    await harness.stop();
  }
}

describe('any zone, any health over time, overlapping polls and alarms', () => {
  it('never throws; each pair\'s history is a gapless chain matching Route 53\'s choices, ending where the state is, each sent once', async () => {
    await fc.assert(fc.asyncProperty(scenario, runScenario), parameters(30));
  });
});
