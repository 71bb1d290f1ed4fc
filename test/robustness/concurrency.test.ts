/**
 * Exactly-once recording under concurrency: EventBridge delivers at least once, schedules overlap and
 * alarms fire beside the sweep, so many runs decide the same change at the same time. Each round below
 * fires 20 real handler invocations at once (polls with events/scheduled.json, alarms with
 * events/alarm-alarm.json about the checks), each with its own clock, against one dynalite table.
 * Some rounds change a check's health half-way through the round, so runs that saw the old health race
 * runs that saw the new one. After every round each pair's history must be a gapless chain recorded
 * once, the state must be where the last transition left it, and SNS must have one message per transition.
 */
import { ServingState, TransitionKind as K, pairKey, type KnownServingState } from '../../lib/domain/model';
import type { RunResult } from '../../lib/usecases/run-result';
import { startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { deliveryProblems, historyOf, historyProblems, pairIdOf, stateOf } from './invariants';
import { invokeAt, runResult, type Invocation } from './invocations';

const INVOCATIONS_PER_ROUND = 20;
const SECONDS_BETWEEN_STARTS = 3;
const MID_ROUND_SECONDS = 30;
const START = Date.UTC(2026, 10, 25, 8, 0);

type Side = 'primary' | 'secondary';
/** A health change of one pair's check: at the round's start, or half-way through it. */
interface Change {
  readonly pair: number;
  readonly side: Side;
  readonly healthy: boolean;
  readonly midRound?: boolean;
}

interface Round {
  readonly changes: readonly Change[];
  /** Per pair, the transitions this round records, in order. */
  readonly records: readonly (readonly K[])[];
  /** Per pair, where DNS points once the round is over. */
  readonly serving: readonly KnownServingState[];
  /** CloudWatch fails every other GetMetricData call: runs that see nothing race runs that see the change. */
  readonly metricsFailEveryOtherCall?: boolean;
}

const { PRIMARY, SECONDARY, ALL_UNHEALTHY } = ServingState;
const down = (pair: number, side: Side, midRound = false): Change => ({ pair, side, healthy: false, midRound });
const up = (pair: number, side: Side, midRound = false): Change => ({ pair, side, healthy: true, midRound });

const ROUNDS: readonly Round[] = [
  { changes: [], records: [[], [], [], []], serving: [PRIMARY, PRIMARY, PRIMARY, PRIMARY] },
  {
    changes: [down(0, 'primary'), down(1, 'secondary'), down(2, 'primary'), down(2, 'secondary')],
    records: [[K.FAILOVER], [K.STANDBY_LOST], [K.ALL_UNHEALTHY], []],
    serving: [SECONDARY, PRIMARY, ALL_UNHEALTHY, PRIMARY],
  },
  {
    changes: [up(0, 'primary'), down(1, 'primary'), up(2, 'secondary'), down(3, 'primary', true)],
    records: [[K.FAILBACK], [K.ALL_UNHEALTHY], [K.ALL_UNHEALTHY_CLEARED], [K.FAILOVER]],
    serving: [PRIMARY, ALL_UNHEALTHY, SECONDARY, SECONDARY],
  },
  {
    changes: [down(0, 'primary', true), up(1, 'primary'), up(1, 'secondary'), up(2, 'primary'), up(3, 'primary', true)],
    records: [[K.FAILOVER], [K.ALL_UNHEALTHY_CLEARED, K.STANDBY_RESTORED], [K.FAILBACK], [K.FAILBACK]],
    serving: [SECONDARY, PRIMARY, PRIMARY, PRIMARY],
  },
  {
    changes: [up(0, 'primary', true), down(1, 'primary', true), down(2, 'secondary'), down(3, 'secondary', true)],
    records: [[K.FAILBACK], [K.FAILOVER], [K.STANDBY_LOST], [K.STANDBY_LOST]],
    serving: [PRIMARY, SECONDARY, PRIMARY, PRIMARY],
  },
  {
    changes: [up(1, 'primary'), up(2, 'secondary', true), up(3, 'secondary')],
    records: [[], [K.FAILBACK], [K.STANDBY_RESTORED], [K.STANDBY_RESTORED]],
    serving: [PRIMARY, PRIMARY, PRIMARY, PRIMARY],
  },
  {
    changes: [down(0, 'primary'), down(1, 'secondary'), down(2, 'primary', true)],
    records: [[K.FAILOVER], [K.STANDBY_LOST], [K.FAILOVER], []],
    serving: [SECONDARY, PRIMARY, SECONDARY, PRIMARY],
    metricsFailEveryOtherCall: true,
  },
];

function checkOf(pair: GeneratedPair, side: Side): string {
  return side === 'primary' ? pair.primaryCheckId : pair.secondaryCheckId;
}

/** A third of the invocations are sweeps; the others are alarms, cycling over every check, in the state the check's metric shows then. */
function invocationsOfRound(account: SimulatedAws, pairs: readonly GeneratedPair[], roundStart: number): { at: Date; invocation: Invocation }[] {
  const checks = pairs.flatMap((pair) => [pair.primaryCheckId, pair.secondaryCheckId]);
  return Array.from({ length: INVOCATIONS_PER_ROUND }, (_, index) => {
    const at = new Date(roundStart + index * SECONDS_BETWEEN_STARTS * 1000);
    const healthCheckId = checks[index % checks.length] as string;
    const invocation: Invocation =
      index % 3 === 0 ? { kind: 'POLL' } : { kind: 'ALARM', healthCheckId, state: account.metricHealthyAt(healthCheckId, at) ? 'OK' : 'ALARM' };
    return { at, invocation };
  });
}

describe('20 concurrent poll and alarm invocations per round over 4 pairs whose health changes', () => {
  let account: SimulatedAws;
  let pairs: readonly GeneratedPair[];
  let harness: Harness;
  const expectedKinds: K[][] = [[], [], [], []];
  afterEach(() => {
    account.metricDataFailure = undefined;
  });
  let lostConditionalWrites = 0;

  beforeAll(async () => {
    ({ account, pairs } = generatedAccount({ healthChecks: 8 }));
    // Every transition is sent on its own here: flap damping and reminders are other tests' business.
    harness = await startHarness(account, { start: new Date(START), settings: { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 0, degradedAfterSeconds: 0 } });
    // Counts the races DynamoDB settled, to show the runs really competed for the same writes.
    harness.clients.dynamo.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (error instanceof Error && error.name === 'ConditionalCheckFailedException') lostConditionalWrites++;
          throw error;
        }
      },
      { step: 'initialize', name: 'robustnessCountLostRaces' },
    );
  });

  afterAll(() => harness.stop());

  it.each(ROUNDS.map((round, index) => [index, round] as const))('round %i: each transition recorded once, gapless, state consistent, one SNS message each', async (index, round) => {
    const roundStart = START + index * 10 * 60_000;
    for (const change of round.changes) {
      const pair = pairs[change.pair] as GeneratedPair;
      account.setHealthyFrom(checkOf(pair, change.side), new Date(roundStart + (change.midRound ? MID_ROUND_SECONDS * 1000 : 0)), change.healthy);
    }

    let metricCalls = 0;
    account.metricDataFailure = round.metricsFailEveryOtherCall
      ? () => (++metricCalls % 2 === 0 ? Object.assign(new Error('Internal service error'), { name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } }) : undefined)
      : undefined;
    const lostBefore = lostConditionalWrites;
    const results = await Promise.all(invocationsOfRound(account, pairs, roundStart).map(({ at, invocation }) => invokeAt(harness, at, invocation)));

    const summaries = results.map(runResult).filter((r): r is RunResult => r !== undefined);
    expect(summaries).toHaveLength(INVOCATIONS_PER_ROUND);
    // A run that loses every race for a pair gives up on it and says so; it never throws.
    expect(summaries.flatMap((s) => s.unfinishedPairs)).toEqual([]);
    const problems: string[] = [];
    for (const [p, pair] of pairs.entries()) {
      const pairId = pairIdOf(pair);
      const history = await historyOf(harness, pairId);
      const state = await stateOf(harness, pairId);
      expectedKinds[p]!.push(...(round.records[p] ?? []));
      problems.push(...historyProblems(pairId, history, state), ...deliveryProblems(pairId, history, account.published, { allSent: true }));
      expect({ pair: pairKey(pairId), kinds: history.map((t) => t.kind), serving: state?.serving }).toEqual({
        pair: pairKey(pairId),
        kinds: expectedKinds[p],
        serving: round.serving[p],
      });
    }
    expect(problems).toEqual([]);
    const recorded = summaries.reduce((sum, s) => sum + s.transitionsRecorded, 0);
    const sent = summaries.reduce((sum, s) => sum + s.notificationsSent, 0);
    const thisRound = round.records.reduce((sum, kinds) => sum + kinds.length, 0);
    expect({ sent, messages: account.published.length }).toEqual({ sent: thisRound, messages: expectedKinds.flat().length });
    expect(recorded).toBeLessThanOrEqual(thisRound);
    if (thisRound > 0) expect(lostConditionalWrites - lostBefore).toBeGreaterThan(0);
  });
});

describe('a flapping spell that starts while runs at different instants race', () => {
  let harness: Harness;
  afterEach(() => harness.stop());

  it('records one FLAPPING notice, sends it once, and leaves no stray pending notice behind', async () => {
    const { account, pairs } = generatedAccount({ healthChecks: 2 });
    const pair = pairs[0] as GeneratedPair;
    const pairId = pairIdOf(pair);
    // Flapping from the third side change within five minutes.
    harness = await startHarness(account, { start: new Date(START), settings: { confirmations: 1, flapChanges: 2, flapWindowSeconds: 300, reminderIntervalSeconds: 0 } });
    const sweep = (minute: number, primaryHealthy: boolean) => {
      account.setHealthy(pair.primaryCheckId, primaryHealthy);
      return invokeAt(harness, new Date(START + minute * 60_000), { kind: 'POLL' });
    };
    await sweep(0, true);
    await sweep(1, false);
    await sweep(2, true);
    account.setHealthy(pair.primaryCheckId, false);
    // The third change, seen by ten runs that started a second apart.
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        invokeAt(harness, new Date(START + 3 * 60_000 + index * 1000), index % 2 === 0 ? { kind: 'POLL' } : { kind: 'ALARM', healthCheckId: pair.primaryCheckId, state: 'ALARM' }),
      ),
    );

    const history = await historyOf(harness, pairId);
    const notices = await harness.store.listNotices(pairId, 100);
    expect(history.map((t) => [t.kind, t.publishStatus])).toEqual([
      ['FAILOVER', 'PUBLISHED'],
      ['FAILBACK', 'PUBLISHED'],
      ['FAILOVER', 'HELD'],
    ]);
    expect(notices.map((n) => [n.kind, n.publishStatus])).toEqual([['FLAPPING', 'PUBLISHED']]);
    expect(account.published.map((m) => m.attributes['kind'])).toEqual(['FAILOVER', 'FAILBACK', 'FLAPPING']);
    expect([...historyProblems(pairId, history, await stateOf(harness, pairId)), ...deliveryProblems(pairId, history, account.published, { allSent: true }, notices)]).toEqual([]);
  });
});

/** Holds the first request `pick` matches until `release()`; `held` resolves once it is waiting. */
function holdFirst(harness: Harness, name: string, pick: (commandName: string, input: Record<string, unknown>) => boolean): { held: Promise<void>; release: () => void; remove: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markHeld!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  let armed = true;
  harness.clients.dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && pick(String(context.commandName), args.input as Record<string, unknown>)) {
        armed = false;
        markHeld();
        await released;
      }
      return next(args);
    },
    { step: 'serialize', name },
  );
  return { held, release, remove: () => harness.clients.dynamo.middlewareStack.remove(name) };
}

describe('a slow run racing a fast one', () => {
  let harness: Harness;
  afterEach(() => harness.stop());

  it('an older observation that reaches the store after a newer one was recorded changes nothing', async () => {
    const { account, pairs } = generatedAccount({ healthChecks: 2 });
    const pair = pairs[0] as GeneratedPair;
    const pairId = pairIdOf(pair);
    harness = await startHarness(account, { start: new Date(START), settings: { confirmations: 1 } });
    await invokeAt(harness, new Date(START), { kind: 'POLL' });
    account.setHealthyFrom(pair.primaryCheckId, new Date(START + 90_000), false);

    // The slow run observes at minute 1 (primary still up), but reads the stored state only after...
    const gate = holdFirst(harness, 'robustnessHoldStateRead', (command) => command === 'BatchGetItemCommand');
    const slow = invokeAt(harness, new Date(START + 60_000), { kind: 'POLL' });
    await gate.held;
    // ...a run at minute 2 has seen the primary down and recorded the failover.
    const fast = runResult(await invokeAt(harness, new Date(START + 120_000), { kind: 'ALARM', healthCheckId: pair.primaryCheckId, state: 'ALARM' }));
    expect(fast).toMatchObject({ transitionsRecorded: 1 });
    gate.release();
    const late = runResult(await slow);
    gate.remove();

    expect(late).toMatchObject({ transitionsRecorded: 0, unfinishedPairs: [] });
    const history = await historyOf(harness, pairId);
    expect(history.map((t) => t.kind)).toEqual(['FAILOVER']);
    expect(await stateOf(harness, pairId)).toMatchObject({ serving: 'SECONDARY', sequence: 1, lastObservedAt: new Date(START + 120_000).toISOString() });
    expect(account.published.map((m) => m.attributes['kind'])).toEqual(['FAILOVER']);
  });

  it('a run that saw nothing (CloudWatch failed) and was slow to write does not rewind the failover a faster run recorded meanwhile', async () => {
    const { account, pairs } = generatedAccount({ healthChecks: 2 });
    const pair = pairs[0] as GeneratedPair;
    const pairId = pairIdOf(pair);
    harness = await startHarness(account, { start: new Date(START), settings: { confirmations: 1, degradedAfterSeconds: 0 } });
    await invokeAt(harness, new Date(START), { kind: 'POLL' });
    account.setHealthy(pair.primaryCheckId, false);

    // The slow run: its metric read fails (UNKNOWN: it only notes since when), and its state write is held up.
    let failNextMetricRead = true;
    account.metricDataFailure = () => {
      if (!failNextMetricRead) return undefined;
      failNextMetricRead = false;
      return Object.assign(new Error('Internal service error'), { name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } });
    };
    const gate = holdFirst(harness, 'robustnessHoldSlowWrite', (_command, input) => JSON.stringify(input['ExpressionAttributeValues'] ?? {}).includes(':unknownSince'));
    const slow = invokeAt(harness, new Date(START + 60_000), { kind: 'POLL' });
    await gate.held;

    // The fast run sees the failover and records and sends it while the slow one waits.
    const fast = runResult(await invokeAt(harness, new Date(START + 65_000), { kind: 'ALARM', healthCheckId: pair.primaryCheckId, state: 'ALARM' }));
    expect(fast).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1 });
    gate.release();
    const late = runResult(await slow);
    gate.remove();

    expect(late).toMatchObject({ transitionsRecorded: 0, unfinishedPairs: [] });
    const history = await historyOf(harness, pairId);
    const state = await stateOf(harness, pairId);
    expect(history.map((t) => t.kind)).toEqual(['FAILOVER']);
    expect(state).toMatchObject({ serving: 'SECONDARY', sequence: 1 });
    expect([...historyProblems(pairId, history, state), ...deliveryProblems(pairId, history, account.published, { allSent: true })]).toEqual([]);
  });
});
