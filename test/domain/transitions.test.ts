import { observePair } from '../../lib/domain/failover';
import { assessHealthChecks } from '../../lib/domain/health';
import {
  ServingState,
  Severity,
  type HealthCheckDefinition,
  type HealthSignals,
  TransitionKind,
  Verdict,
  type KnownServingState,
  type PairState,
  type TransitionKind as Kind,
} from '../../lib/domain/model';
import { decideTransitions, severityOf } from '../../lib/domain/transitions';
import {
  PRIMARY_CHECK_ID,
  SCHEDULE_TRIGGER,
  aDefinition,
  aPair,
  aPairState,
  aSide,
  anAlias,
  anObservation,
  definitionsOf,
  metricValue,
  someSignals,
} from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;
const PAIR_KEY = 'Z0FAILWATCH|app.example.com.|A';
const T0 = '2026-11-25T09:00:00.000Z';
const T1 = '2026-11-25T10:00:00.000Z';

describe("decideTransitions: the SPEC's reference scenario (primary 10.0.0.1 with a check, secondary 10.0.1.1 without)", () => {
  const pair = aPair();
  const definitions = definitionsOf(aDefinition());

  /** The whole pure pipeline: Route 53's metric → health → serving side → decision. */
  function step(previous: PairState | undefined, primaryMetric: 0 | 1, observedAt: string) {
    const checks = assessHealthChecks([PRIMARY_CHECK_ID], definitions, new Map([[PRIMARY_CHECK_ID, someSignals({ metric: metricValue(primaryMetric) })]]));
    const observation = observePair(pair, [pair.primary, pair.secondary], checks, observedAt, SCHEDULE_TRIGGER);
    return { observation, decision: decideTransitions(previous, observation) };
  }

  const step1 = step(undefined, 1, '2026-11-25T10:00:00.000Z');
  const state1 = step1.decision.next;
  const step2 = step(state1, 1, '2026-11-25T10:01:00.000Z');
  const step3 = step(state1, 0, '2026-11-25T10:02:00.000Z');
  const state3 = step3.decision.next;
  const step4 = step(state3, 0, '2026-11-25T10:03:00.000Z');
  const step5 = step(state3, 1, '2026-11-25T10:07:30.000Z');

  it('step 1, primary healthy: first observation → state stored (sequence 0), no transition', () => {
    expect(step1.observation.serving).toBe(ServingState.PRIMARY);
    expect(step1.decision.transitions).toEqual([]);
    expect(state1).toEqual({
      pairId: pair.id,
      serving: ServingState.PRIMARY,
      secondaryVerdict: HEALTHY,
      servingSince: '2026-11-25T10:00:00.000Z',
      secondarySince: '2026-11-25T10:00:00.000Z',
      sequence: 0,
      lastObservedAt: '2026-11-25T10:00:00.000Z',
    });
  });

  it('step 2, primary still healthy: nothing written, nothing sent', () => {
    expect(step2.decision).toMatchObject({ next: undefined, transitions: [] });
  });

  it('step 3, primary unhealthy: DNS serves the secondary → one FAILOVER transition', () => {
    expect(step3.observation.serving).toBe(ServingState.SECONDARY);
    expect(step3.decision.transitions).toHaveLength(1);
    const [failover] = step3.decision.transitions;
    expect(failover).toMatchObject({
      id: `${PAIR_KEY}#1`,
      sequence: 1,
      kind: TransitionKind.FAILOVER,
      severity: Severity.CRITICAL,
      from: ServingState.PRIMARY,
      to: ServingState.SECONDARY,
      fromValues: ['10.0.0.1'],
      toValues: ['10.0.1.1'],
      primary: { verdict: UNHEALTHY, healthCheckId: PRIMARY_CHECK_ID, basis: 'Route 53 HealthCheckStatus metric = 0' },
      secondary: { verdict: HEALTHY, basis: 'no health check: Route 53 counts this record healthy' },
      observedAt: '2026-11-25T10:02:00.000Z',
      trigger: SCHEDULE_TRIGGER,
      previousStateSeconds: 120,
    });
    expect(state3).toEqual(failover?.stateAfter);
    expect(state3).toMatchObject({ serving: ServingState.SECONDARY, servingSince: '2026-11-25T10:02:00.000Z', sequence: 1 });
  });

  it('step 4, primary still unhealthy: nothing (no duplicate)', () => {
    expect(step4.decision).toMatchObject({ next: undefined, transitions: [] });
  });

  it('step 5, primary healthy again: one FAILBACK transition carrying the time spent on the secondary', () => {
    expect(step5.decision.transitions).toHaveLength(1);
    expect(step5.decision.transitions[0]).toMatchObject({
      id: `${PAIR_KEY}#2`,
      sequence: 2,
      kind: TransitionKind.FAILBACK,
      severity: Severity.INFO,
      from: ServingState.SECONDARY,
      to: ServingState.PRIMARY,
      fromValues: ['10.0.1.1'],
      toValues: ['10.0.0.1'],
      previousStateSeconds: 330,
    });
    expect(step5.decision.next).toMatchObject({ serving: ServingState.PRIMARY, servingSince: '2026-11-25T10:07:30.000Z', sequence: 2 });
  });
});

describe('decideTransitions: every transition kind', () => {
  it.each([
    ['primary → secondary: FAILOVER (critical)', 'PRIMARY', HEALTHY, 'SECONDARY', UNHEALTHY, HEALTHY, ['FAILOVER'], Severity.CRITICAL],
    ['secondary → primary: FAILBACK (info)', 'SECONDARY', HEALTHY, 'PRIMARY', HEALTHY, HEALTHY, ['FAILBACK'], Severity.INFO],
    ['primary → both unhealthy: ALL_UNHEALTHY (critical)', 'PRIMARY', HEALTHY, 'ALL_UNHEALTHY', UNHEALTHY, UNHEALTHY, ['ALL_UNHEALTHY'], Severity.CRITICAL],
    ['secondary → both unhealthy: ALL_UNHEALTHY (critical)', 'SECONDARY', HEALTHY, 'ALL_UNHEALTHY', UNHEALTHY, UNHEALTHY, ['ALL_UNHEALTHY'], Severity.CRITICAL],
    ['both unhealthy → primary: ALL_UNHEALTHY_CLEARED (info)', 'ALL_UNHEALTHY', UNHEALTHY, 'PRIMARY', HEALTHY, UNHEALTHY, ['ALL_UNHEALTHY_CLEARED'], Severity.INFO],
    ['both unhealthy → secondary: ALL_UNHEALTHY_CLEARED (warning: still failed over)', 'ALL_UNHEALTHY', UNHEALTHY, 'SECONDARY', UNHEALTHY, HEALTHY, ['ALL_UNHEALTHY_CLEARED'], Severity.WARNING],
    ['primary serving, secondary goes unhealthy: STANDBY_LOST (warning)', 'PRIMARY', HEALTHY, 'PRIMARY', HEALTHY, UNHEALTHY, ['STANDBY_LOST'], Severity.WARNING],
    ['primary serving, secondary healthy again: STANDBY_RESTORED (info)', 'PRIMARY', UNHEALTHY, 'PRIMARY', HEALTHY, HEALTHY, ['STANDBY_RESTORED'], Severity.INFO],
    ['failback onto a dead standby: FAILBACK then STANDBY_LOST', 'SECONDARY', HEALTHY, 'PRIMARY', HEALTHY, UNHEALTHY, ['FAILBACK', 'STANDBY_LOST'], Severity.INFO],
    ['both unhealthy → primary with the standby back: ALL_UNHEALTHY_CLEARED then STANDBY_RESTORED', 'ALL_UNHEALTHY', UNHEALTHY, 'PRIMARY', HEALTHY, HEALTHY, ['ALL_UNHEALTHY_CLEARED', 'STANDBY_RESTORED'], Severity.INFO],
  ] as const)('%s', (_behaviour, fromServing, fromSecondary, serving, primary, secondary, kinds, firstSeverity) => {
    const previous = aPairState({ serving: fromServing, secondaryVerdict: fromSecondary, sequence: 4 });
    const decision = decideTransitions(previous, anObservation(serving, T1, { primary: aSide(primary), secondary: aSide(secondary) }));
    expect(decision.transitions.map((t) => t.kind)).toEqual(kinds);
    expect(decision.transitions[0]?.severity).toBe(firstSeverity);
    expect(decision.transitions.map((t) => t.sequence)).toEqual(kinds.map((_, index) => 5 + index));
    expect(decision.next).toEqual(decision.transitions.at(-1)?.stateAfter);
    expect(decision.next).toMatchObject({ serving, secondaryVerdict: secondary, lastObservedAt: T1 });
  });

  it.each([
    [TransitionKind.FAILOVER, ServingState.SECONDARY, Severity.CRITICAL],
    [TransitionKind.FAILBACK, ServingState.PRIMARY, Severity.INFO],
    [TransitionKind.ALL_UNHEALTHY, ServingState.ALL_UNHEALTHY, Severity.CRITICAL],
    [TransitionKind.ALL_UNHEALTHY_CLEARED, ServingState.PRIMARY, Severity.INFO],
    [TransitionKind.ALL_UNHEALTHY_CLEARED, ServingState.SECONDARY, Severity.WARNING],
    [TransitionKind.STANDBY_LOST, ServingState.PRIMARY, Severity.WARNING],
    [TransitionKind.STANDBY_RESTORED, ServingState.PRIMARY, Severity.INFO],
  ] as const)('severityOf(%s, to %s) → %s', (kind: Kind, to: KnownServingState, severity) => {
    expect(severityOf(kind, to)).toBe(severity);
  });
});

describe('decideTransitions: sequences, ids, stateAfter and durations', () => {
  it('two transitions in one decision are numbered previous.sequence + 1, + 2, and each stateAfter is the state once it is applied', () => {
    const previous = aPairState({ serving: 'SECONDARY', sequence: 41, servingSince: T0, secondarySince: '2026-11-25T08:00:00.000Z' });
    const { transitions, next } = decideTransitions(previous, anObservation('PRIMARY', T1, { secondary: aSide(UNHEALTHY) }));
    const [failback, standbyLost] = transitions;
    expect(failback).toMatchObject({ id: `${PAIR_KEY}#42`, sequence: 42, previousStateSeconds: 3600 });
    expect(failback?.stateAfter).toEqual({ ...previous, serving: 'PRIMARY', servingSince: T1, sequence: 42, lastObservedAt: T1 });
    expect(standbyLost).toMatchObject({ id: `${PAIR_KEY}#43`, sequence: 43, from: 'PRIMARY', to: 'PRIMARY', previousStateSeconds: 7200 });
    expect(standbyLost?.stateAfter).toEqual({ ...previous, serving: 'PRIMARY', servingSince: T1, secondaryVerdict: UNHEALTHY, secondarySince: T1, sequence: 43, lastObservedAt: T1 });
    expect(next).toEqual(standbyLost?.stateAfter);
  });

  it('a serving change that is the only transition also records a changed secondary verdict', () => {
    const previous = aPairState({ serving: 'PRIMARY', secondaryVerdict: HEALTHY });
    const { transitions } = decideTransitions(previous, anObservation('ALL_UNHEALTHY', T1, { primary: aSide(UNHEALTHY), secondary: aSide(UNHEALTHY) }));
    expect(transitions[0]?.stateAfter).toMatchObject({ serving: 'ALL_UNHEALTHY', secondaryVerdict: UNHEALTHY, secondarySince: T1, sequence: 1 });
  });

  it('previousStateSeconds is in whole seconds and never negative', () => {
    const at = (servingSince: string) =>
      decideTransitions(aPairState({ servingSince }), anObservation('SECONDARY', T1, { primary: aSide(UNHEALTHY) })).transitions[0]?.previousStateSeconds;
    expect(at('2026-11-25T09:58:29.100Z')).toBe(90);
    expect(at('2026-11-25T10:00:05.000Z')).toBe(0);
  });

  it('an alias side is described by its alias target name, without the trailing dot (it ends sentences in messages)', () => {
    const pair = aPair({ secondary: { values: [], alias: anAlias('dr.example.net.', 'Z2FDTNDATAQYW2', false) } });
    const [failover] = decideTransitions(aPairState(), anObservation('SECONDARY', T1, { pair, primary: aSide(UNHEALTHY) })).transitions;
    expect(failover).toMatchObject({ fromValues: ['10.0.0.1'], toValues: ['dr.example.net'] });
  });

  it('the reason names what happened', () => {
    expect(decideTransitions(aPairState(), anObservation('SECONDARY', T1, { primary: aSide(UNHEALTHY) })).reason).toBe(
      'FAILOVER: DNS serves the secondary (was the primary)',
    );
  });
});

describe('decideTransitions: unknown data and stale observations change nothing', () => {
  it.each([
    ['primary unknown while on the secondary → no FAILBACK, nothing written', 'SECONDARY', aSide(UNKNOWN, 'metric unavailable (throttled)'), aSide(HEALTHY), /^primary health unknown \(metric unavailable \(throttled\)\); nothing recorded$/],
    ['primary unhealthy and secondary unknown → never reported as failed over', 'PRIMARY', aSide(UNHEALTHY), aSide(UNKNOWN, 'alias target x evaluates target health'), /^primary unhealthy and secondary health unknown \(alias target x/],
  ] as const)('%s', (_behaviour, previousServing, primary, secondary, reason) => {
    const decision = decideTransitions(aPairState({ serving: previousServing }), anObservation('UNKNOWN', T1, { primary, secondary }));
    expect(decision).toEqual({ next: undefined, transitions: [], reason: expect.stringMatching(reason) });
  });

  it('an UNKNOWN first observation stores nothing', () => {
    expect(decideTransitions(undefined, anObservation('UNKNOWN', T1, { primary: aSide(UNKNOWN) })).next).toBeUndefined();
  });

  it('a first observation stores the serving state as it is, even ALL_UNHEALTHY, without alerting', () => {
    const decision = decideTransitions(undefined, anObservation('ALL_UNHEALTHY', T1, { primary: aSide(UNHEALTHY), secondary: aSide(UNHEALTHY) }));
    expect(decision.transitions).toEqual([]);
    expect(decision.next).toMatchObject({ serving: 'ALL_UNHEALTHY', secondaryVerdict: UNHEALTHY, sequence: 0 });
  });

  it('a secondary verdict of UNKNOWN keeps the stored verdict: no STANDBY_LOST, nothing written', () => {
    const decision = decideTransitions(aPairState(), anObservation('PRIMARY', T1, { secondary: aSide(UNKNOWN) }));
    expect(decision).toMatchObject({ next: undefined, transitions: [] });
  });

  it('after an unknown spell, STANDBY_LOST counts from when the secondary was last known to change', () => {
    const previous = aPairState({ secondarySince: T0 });
    expect(decideTransitions(previous, anObservation('PRIMARY', '2026-11-25T09:30:00.000Z', { secondary: aSide(UNKNOWN) })).next).toBeUndefined();
    const [lost] = decideTransitions(previous, anObservation('PRIMARY', T1, { secondary: aSide(UNHEALTHY) })).transitions;
    expect(lost).toMatchObject({ kind: 'STANDBY_LOST', previousStateSeconds: 3600 });
  });

  it('a stored UNKNOWN secondary that becomes known is stored without a transition', () => {
    const decision = decideTransitions(aPairState({ secondaryVerdict: UNKNOWN }), anObservation('PRIMARY', T1, { secondary: aSide(UNHEALTHY) }));
    expect(decision.transitions).toEqual([]);
    expect(decision.next).toEqual(aPairState({ secondaryVerdict: UNHEALTHY, secondarySince: T1, lastObservedAt: T1 }));
  });

  it('an observation older than the stored state (a slower run that lost a race) is ignored', () => {
    const previous = aPairState({ serving: 'SECONDARY', lastObservedAt: T1 });
    const decision = decideTransitions(previous, anObservation('PRIMARY', '2026-11-25T09:59:00.000Z'));
    expect(decision).toMatchObject({ next: undefined, transitions: [], reason: expect.stringMatching(/older than the stored state/) });
  });

  it('a state of another pair is a programming error', () => {
    const previous = aPairState({ pairId: { zoneId: 'ZOTHER', name: 'app.example.com.', type: 'A' } });
    expect(() => decideTransitions(previous, anObservation('PRIMARY', T1))).toThrow(/ZOTHER\|app\.example\.com\.\|A/);
  });
});

describe(`decideTransitions: unknown primary, unhealthy secondary — ${quoting(GUIDE.primaryHealthy)} / ${quoting(GUIDE.bothUnhealthy)}: DNS serves the primary either way`, () => {
  const unknownPrimary = aSide(UNKNOWN, 'no Route 53 HealthCheckStatus datapoint, though the check has had data before (a gap, not a new check)');
  const deadSecondary = aSide(UNHEALTHY, 'Route 53 HealthCheckStatus metric = 0');
  const observation = anObservation('UNKNOWN', T1, { primary: unknownPrimary, secondary: deadSecondary });

  it('a pair stored on the SECONDARY records its FAILBACK, the primary noted as unknown', () => {
    const previous = aPairState({ serving: 'SECONDARY', servingSince: T0, sequence: 4 });
    const decision = decideTransitions(previous, observation);
    expect(decision.transitions).toHaveLength(1);
    expect(decision.transitions[0]).toMatchObject({
      id: `${PAIR_KEY}#5`,
      kind: TransitionKind.FAILBACK,
      severity: Severity.INFO,
      from: 'SECONDARY',
      to: 'PRIMARY',
      fromValues: ['10.0.1.1'],
      toValues: ['10.0.0.1'],
      primary: unknownPrimary,
      secondary: deadSecondary,
      previousStateSeconds: 3600,
    });
    expect(decision.next).toEqual({ ...previous, serving: 'PRIMARY', servingSince: T1, sequence: 5, lastObservedAt: T1 });
    expect(decision.reason).toMatch(/^FAILBACK: DNS serves the primary \(was the secondary\); primary health unknown .* so DNS serves the primary either way$/);
  });

  it('the stored secondary verdict stays, so the next known observation says whether the standby was lost or both are down', () => {
    const { next } = decideTransitions(aPairState({ serving: 'SECONDARY', secondaryVerdict: HEALTHY }), observation);
    if (!next) throw new Error('expected a FAILBACK');
    const later = '2026-11-25T10:05:00.000Z';
    expect(decideTransitions(next, anObservation('PRIMARY', later, { secondary: deadSecondary })).transitions.map((t) => t.kind)).toEqual(['STANDBY_LOST']);
    expect(decideTransitions(next, anObservation('ALL_UNHEALTHY', later, { primary: aSide(UNHEALTHY), secondary: deadSecondary })).transitions.map((t) => t.kind)).toEqual(['ALL_UNHEALTHY']);
  });

  it.each(['PRIMARY', 'ALL_UNHEALTHY'] as const)('a pair stored as %s records nothing: which of PRIMARY and ALL_UNHEALTHY it is now is not known', (serving) => {
    const decision = decideTransitions(aPairState({ serving, secondaryVerdict: HEALTHY }), observation);
    expect(decision).toEqual({ next: undefined, transitions: [], reason: expect.stringMatching(new RegExp(`DNS serves the primary either way: stored ${serving} kept, nothing recorded$`)) });
  });

  it('with confirmations, the FAILBACK counts from when it was first seen', () => {
    const previous = aPairState({ serving: 'SECONDARY', servingSince: T0 });
    const [failback] = decideTransitions(previous, observation, { firstSeenAt: '2026-11-25T09:58:00.000Z', observations: 3 }).transitions;
    expect(failback).toMatchObject({ kind: 'FAILBACK', previousStateSeconds: 3480, confirmation: { firstSeenAt: '2026-11-25T09:58:00.000Z', observations: 3 } });
  });

  it.each([
    ['primary unknown, secondary healthy', aSide(HEALTHY)],
    ['primary unknown, secondary unknown', aSide(UNKNOWN)],
  ] as const)('%s: the side itself is unknown, nothing recorded from SECONDARY', (_behaviour, secondary) => {
    const decision = decideTransitions(aPairState({ serving: 'SECONDARY' }), anObservation('UNKNOWN', T1, { primary: unknownPrimary, secondary }));
    expect(decision).toMatchObject({ next: undefined, transitions: [] });
  });

  it('an UNKNOWN first observation stores nothing, even when DNS certainly serves the primary', () => {
    expect(decideTransitions(undefined, observation)).toMatchObject({ next: undefined, transitions: [] });
  });

  it('a stale observation records no FAILBACK', () => {
    const decision = decideTransitions(aPairState({ serving: 'SECONDARY', lastObservedAt: '2026-11-25T10:30:00.000Z' }), observation);
    expect(decision).toMatchObject({ next: undefined, transitions: [], reason: expect.stringMatching(/older than the stored state/) });
  });
});

describe(`maintenance through the whole pure pipeline — ${quoting(GUIDE.disabledInvertToStopTraffic)}`, () => {
  const pair = aPair({ secondary: { healthCheckId: 'hc-secondary' } });
  const secondaryCheck = aDefinition({ id: 'hc-secondary', target: 'https://dr.example.com:443/health' });
  const healthySignals = new Map<string, HealthSignals>([[PRIMARY_CHECK_ID, someSignals({ metric: metricValue(1) })], ['hc-secondary', someSignals({ metric: metricValue(1) })]]);

  function look(previous: PairState | undefined, primaryCheck: HealthCheckDefinition, at: string, signals: ReadonlyMap<string, HealthSignals> = healthySignals) {
    const checks = assessHealthChecks([PRIMARY_CHECK_ID, 'hc-secondary'], definitionsOf(primaryCheck, secondaryCheck), signals);
    return decideTransitions(previous, observePair(pair, [pair.primary, pair.secondary], checks, at, SCHEDULE_TRIGGER));
  }

  it('disable + invert the primary check → FAILOVER (its metric still says 1); re-enable → FAILBACK', () => {
    const start = look(undefined, aDefinition(), T0).next;
    const maintenance = look(start, aDefinition({ disabled: true, inverted: true }), T1);
    expect(maintenance.transitions.map((t) => [t.kind, t.primary.verdict, t.primary.basis])).toEqual([
      ['FAILOVER', UNHEALTHY, 'inverted: disabled check healthy, so the check is unhealthy (disabled: Route 53 counts a disabled health check healthy)'],
    ]);
    const back = look(maintenance.next, aDefinition(), '2026-11-25T11:00:00.000Z');
    expect(back.transitions.map((t) => t.kind)).toEqual(['FAILBACK']);
  });

  it('disabled + inverted primary while the secondary fails → ALL_UNHEALTHY (critical), not STANDBY_LOST', () => {
    const start = look(undefined, aDefinition({ disabled: true, inverted: true }), T0).next;
    expect(start?.serving).toBe('SECONDARY');
    const signals = new Map([...healthySignals, ['hc-secondary', someSignals({ metric: metricValue(0) })]]);
    const [transition] = look(start, aDefinition({ disabled: true, inverted: true }), T1, signals).transitions;
    expect(transition).toMatchObject({ kind: 'ALL_UNHEALTHY', severity: Severity.CRITICAL });
  });

  it('disabled (not inverted) keeps DNS on the primary, whatever the metric says: no FAILOVER', () => {
    const start = look(undefined, aDefinition(), T0).next;
    const signals = new Map([...healthySignals, [PRIMARY_CHECK_ID, someSignals({ metric: metricValue(0) })]]);
    expect(look(start, aDefinition({ disabled: true }), T1, signals)).toMatchObject({ next: undefined, transitions: [] });
  });

  it('a CLOUDWATCH_METRIC primary with a metric gap, on the primary → UNKNOWN, nothing recorded (no FAILBACK/FAILOVER pair)', () => {
    const alarmPrimary = aDefinition({ type: 'CLOUDWATCH_METRIC', target: 'alarm us-east-1/db' });
    const onSecondary = look(undefined, alarmPrimary, T0, new Map([...healthySignals, [PRIMARY_CHECK_ID, someSignals({ metric: metricValue(0) })]])).next;
    expect(onSecondary?.serving).toBe('SECONDARY');
    const gap = look(onSecondary, alarmPrimary, T1, new Map([...healthySignals, [PRIMARY_CHECK_ID, someSignals()]]));
    expect(gap).toMatchObject({ next: undefined, transitions: [], reason: expect.stringMatching(/^primary health unknown \(no Route 53 HealthCheckStatus datapoint/) });
  });
});
