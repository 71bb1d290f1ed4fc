import { ServingState, Verdict, type PairObservation, type PairState } from '../../lib/domain/model';
import { DEFAULT_NOTICE_SETTINGS, decideStep, type NoticeSettings, type StepDecision } from '../../lib/domain/notice-policy';
import { aPairState, aSide, anObservation } from '../support/domain-fixtures';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;
const T0 = '2026-11-25T09:00:00.000Z';

function minutes(m: number): string {
  return new Date(Date.parse(T0) + m * 60_000).toISOString();
}

function settings(overrides: Partial<NoticeSettings> = {}): NoticeSettings {
  return { ...DEFAULT_NOTICE_SETTINGS, ...overrides };
}

const onPrimary = (at: string) => anObservation(ServingState.PRIMARY, at);
const onSecondary = (at: string) => anObservation(ServingState.SECONDARY, at, { primary: aSide(UNHEALTHY) });
const unknown = (at: string) => anObservation(ServingState.UNKNOWN, at, { primary: aSide(UNKNOWN, 'metric unavailable') });

/** Feeds observations one after the other, carrying the stored state the way the use case does. */
function run(start: PairState, observations: readonly PairObservation[], with_: NoticeSettings): { state: PairState; steps: StepDecision[] } {
  let state = start;
  const steps: StepDecision[] = [];
  for (const observation of observations) {
    const step = decideStep(state, observation, with_, []);
    steps.push(step);
    state = step.next ?? state;
  }
  return { state, steps };
}

describe('decideStep: hysteresis (a change must be seen on N consecutive observations)', () => {
  const start = aPairState({ servingSince: T0, secondarySince: T0, lastObservedAt: T0 });

  it('N = 1 (the default): one observation on the secondary records FAILOVER at once', () => {
    const { steps } = run(start, [onSecondary(minutes(2))], settings());
    expect(steps[0]?.transitions.map((t) => t.kind)).toEqual(['FAILOVER']);
    expect(steps[0]?.transitions[0]).toMatchObject({ observedAt: minutes(2), previousStateSeconds: 120 });
    expect(steps[0]?.transitions[0]?.confirmation).toBeUndefined();
  });

  it('N = 3: one or two bad observations record nothing but the candidate; the third records FAILOVER', () => {
    const { steps, state } = run(start, [onSecondary(minutes(2)), onSecondary(minutes(3)), onSecondary(minutes(4))], settings({ confirmations: 3 }));
    expect(steps.map((s) => s.transitions.length)).toEqual([0, 0, 1]);
    expect(steps[0]?.next?.candidate).toEqual({ serving: 'SECONDARY', secondaryVerdict: HEALTHY, count: 1, firstSeenAt: minutes(2), lastSeenAt: minutes(2) });
    expect(steps[1]?.next?.candidate).toMatchObject({ count: 2, firstSeenAt: minutes(2), lastSeenAt: minutes(3) });
    const failover = steps[2]?.transitions[0];
    // Observed when confirmed; the primary's time ends when the change was first seen.
    expect(failover).toMatchObject({ kind: 'FAILOVER', observedAt: minutes(4), previousStateSeconds: 120, confirmation: { firstSeenAt: minutes(2), observations: 3 } });
    expect(state).toMatchObject({ serving: 'SECONDARY', servingSince: minutes(2), sequence: 1, lastObservedAt: minutes(4) });
    expect(state.candidate).toBeUndefined();
    expect(failover?.stateAfter).toEqual(state);
  });

  it.each([
    ['a good observation in between restarts the count', [onSecondary(minutes(1)), onPrimary(minutes(2)), onSecondary(minutes(3)), onSecondary(minutes(4))]],
    ['two runs at the same instant (sweep and alarm) count once', [onSecondary(minutes(1)), onSecondary(minutes(1)), onSecondary(minutes(1))]],
  ])('N = 3: %s', (_behaviour, observations) => {
    const { steps, state } = run(start, observations, settings({ confirmations: 3 }));
    expect(steps.flatMap((s) => s.transitions)).toEqual([]);
    expect(state.serving).toBe('PRIMARY');
  });

  it('N = 3: an UNKNOWN observation neither counts nor resets the candidate', () => {
    const { steps } = run(start, [onSecondary(minutes(1)), onSecondary(minutes(2)), unknown(minutes(3)), onSecondary(minutes(4))], settings({ confirmations: 3 }));
    expect(steps.map((s) => s.transitions.map((t) => t.kind))).toEqual([[], [], [], ['FAILOVER']]);
  });

  it('N = 3: a FAILBACK decided from an unknown primary and an unhealthy secondary waits for its 3 confirmations too', () => {
    const certainPrimary = (at: string) => anObservation(ServingState.UNKNOWN, at, { primary: aSide(UNKNOWN, 'metric gap'), secondary: aSide(UNHEALTHY) });
    const failedOver = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: T0 });
    const { steps, state } = run(failedOver, [certainPrimary(minutes(1)), certainPrimary(minutes(2)), certainPrimary(minutes(3))], settings({ confirmations: 3 }));
    expect(steps.map((s) => s.transitions.map((t) => t.kind))).toEqual([[], [], ['FAILBACK']]);
    expect(steps[2]?.transitions[0]?.confirmation).toEqual({ firstSeenAt: minutes(1), observations: 3 });
    expect(state).toMatchObject({ serving: 'PRIMARY', servingSince: minutes(1), unknownSince: minutes(1) });
  });

  it('N = 3: the candidate is dropped (one write) when the recorded side is seen again', () => {
    const { steps, state } = run(start, [onSecondary(minutes(1)), onPrimary(minutes(2)), onPrimary(minutes(3))], settings({ confirmations: 3 }));
    expect(steps.map((s) => s.next !== undefined)).toEqual([true, true, false]);
    expect(state.candidate).toBeUndefined();
  });
});

describe('decideStep: a steady pair writes nothing', () => {
  it.each([
    ['primary serving, as recorded', aPairState(), onPrimary(minutes(5))],
    ['secondary serving, before the first reminder is due', aPairState({ serving: 'SECONDARY' }), onSecondary(minutes(30))],
    ['an unknown spell already noted, before the warning is due', aPairState({ unknownSince: minutes(1) }), unknown(minutes(5))],
    ['a side change still in the flap window, kept as it was', aPairState({ sideChanges: [minutes(1)] }), onPrimary(minutes(5))],
    ['optional fields read back as undefined (absent, as stored)', { ...aPairState(), candidate: undefined, flapping: undefined }, onPrimary(minutes(5))],
  ] as const)('%s', (_behaviour, state, observation) => {
    expect(decideStep(state, observation, settings(), [])).toMatchObject({ next: undefined, transitions: [], notices: [] });
  });

  it('an observation older than the stored state changes nothing', () => {
    expect(decideStep(aPairState({ lastObservedAt: minutes(10) }), onSecondary(minutes(9)), settings(), []).next).toBeUndefined();
  });
});

describe('decideStep: flap damping (more than K side changes within the window)', () => {
  const K2 = settings({ flapChanges: 2, flapWindowSeconds: 3_600 });
  const flaps = (from: number, count: number) => Array.from({ length: count }, (_, i) => (i % 2 === 0 ? onSecondary : onPrimary)(minutes(from + i * 5)));

  it('changes 1..K are sent; change K+1 is held and sends one FLAPPING; later changes are held without another', () => {
    const { steps, state } = run(aPairState(), flaps(1, 5), K2);
    expect(steps.map((s) => s.transitions.map((t) => `${t.kind}:${t.delivery?.status ?? 'SEND'}`))).toEqual([
      ['FAILOVER:SEND'],
      ['FAILBACK:SEND'],
      ['FAILOVER:HELD'],
      ['FAILBACK:HELD'],
      ['FAILOVER:HELD'],
    ]);
    expect(steps.flatMap((s) => s.notices.map((n) => n.kind))).toEqual(['FLAPPING']);
    expect(steps[2]?.notices[0]).toMatchObject({ kind: 'FLAPPING', severity: 'warning', sideChanges: 3, windowSeconds: 3_600, serving: 'SECONDARY' });
    expect(state.flapping).toEqual({ since: minutes(11), fromSequence: 3 });
    expect(state.sequence).toBe(5);
  });

  it('after a whole window without a side change, one FLAPPING_ENDED covers the held transitions, and sending resumes', () => {
    const flapping = run(aPairState(), flaps(1, 5), K2).state;
    const early = decideStep(flapping, onSecondary(minutes(21 + 59)), K2, []);
    expect(early.notices).toEqual([]);
    const ended = decideStep(flapping, onSecondary(minutes(21 + 60)), K2, []);
    expect(ended.notices).toHaveLength(1);
    expect(ended.notices[0]).toMatchObject({ kind: 'FLAPPING_ENDED', severity: 'warning', serving: 'SECONDARY', lastedSeconds: 3_600, covers: { fromSequence: 3, toSequence: 5, status: 'HELD' } });
    expect(ended.next?.flapping).toBeUndefined();
    const next = decideStep(ended.next!, onPrimary(minutes(90)), K2, []);
    expect(next.transitions.map((t) => t.delivery)).toEqual([undefined]);
  });

  it.each([
    ['changes spread wider than the window never flap', settings({ flapChanges: 2, flapWindowSeconds: 600 }), 6],
    ['K = 0 turns flap damping off', settings({ flapChanges: 0 }), 6],
  ])('%s', (_behaviour, with_, count) => {
    const { steps } = run(aPairState(), flaps(1, count), with_);
    expect(steps.flatMap((s) => s.transitions).every((t) => t.delivery === undefined)).toBe(true);
    expect(steps.flatMap((s) => s.notices)).toEqual([]);
  });

  it('a standby change while flapping is not a side change: it is sent', () => {
    const flapping = run(aPairState(), flaps(1, 4), K2).state;
    expect(flapping.serving).toBe('PRIMARY');
    const lost = decideStep(flapping, anObservation('PRIMARY', minutes(30), { secondary: aSide(UNHEALTHY) }), K2, []);
    expect(lost.transitions.map((t) => [t.kind, t.delivery])).toEqual([['STANDBY_LOST', undefined]]);
  });
});
