import { ServingState, Verdict, type KnownServingState, type PairState } from '../../lib/domain/model';
import { DEFAULT_NOTICE_SETTINGS, decideStep, type NoticeSettings } from '../../lib/domain/notice-policy';
import type { Silence } from '../../lib/domain/silences';
import { ZONE_ID, aPairState, aSide, anObservation } from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const { UNHEALTHY, UNKNOWN } = Verdict;
const T0 = '2026-11-25T09:00:00.000Z';
const HOUR = 3_600;

function at(hours: number, minutes = 0): string {
  return new Date(Date.parse(T0) + (hours * 60 + minutes) * 60_000).toISOString();
}

function settings(overrides: Partial<NoticeSettings> = {}): NoticeSettings {
  return { ...DEFAULT_NOTICE_SETTINGS, ...overrides };
}

function observe(serving: KnownServingState, when: string) {
  if (serving === 'PRIMARY') return anObservation(serving, when);
  return anObservation(serving, when, { primary: aSide(UNHEALTHY), secondary: aSide(serving === 'ALL_UNHEALTHY' ? UNHEALTHY : Verdict.HEALTHY) });
}

const unknown = (when: string) => anObservation(ServingState.UNKNOWN, when, { primary: aSide(UNKNOWN, 'metric unavailable (throttled)') });

describe('decideStep: reminders while failed over or all-unhealthy', () => {
  const failedOver = (overrides: Partial<PairState> = {}) => aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: T0, sequence: 1, ...overrides });

  it.each([
    ['none before the interval', failedOver(), 'SECONDARY', at(3, 59), settings(), []],
    ['one at 4h, saying 4h, warning while on the secondary', failedOver(), 'SECONDARY', at(4), settings(), [['REMINDER', 'warning', 4 * HOUR]]],
    ['critical while both sides are unhealthy', failedOver({ serving: 'ALL_UNHEALTHY' }), 'ALL_UNHEALTHY', at(4), settings(), [['REMINDER', 'critical', 4 * HOUR]]],
    ['none again within the same interval', failedOver({ lastRemindedAt: at(4) }), 'SECONDARY', at(7, 59), settings(), []],
    ['the next at 8h', failedOver({ lastRemindedAt: at(4) }), 'SECONDARY', at(8), settings(), [['REMINDER', 'warning', 8 * HOUR]]],
    ['a late sweep still reminds once for the interval it missed', failedOver(), 'SECONDARY', at(5, 30), settings(), [['REMINDER', 'warning', 5.5 * HOUR]]],
    ['none on the primary (after failback)', aPairState({ servingSince: T0, lastObservedAt: T0 }), 'PRIMARY', at(12), settings(), []],
    ['0 disables reminders', failedOver(), 'SECONDARY', at(12), settings({ reminderIntervalSeconds: 0 }), []],
    ['none while flapping (the flapping summary will say where it settled)', failedOver({ flapping: { since: T0, fromSequence: 1 }, sideChanges: [at(3, 30)] }), 'SECONDARY', at(4), settings(), []],
  ] as const)('%s', (_behaviour, state, serving, when, with_, expected) => {
    const decision = decideStep(state, observe(serving, when), with_, []);
    expect(decision.notices.map((n) => [n.kind, n.severity, n.lastedSeconds])).toEqual(expected);
    if (expected.length > 0) expect(decision.next?.lastRemindedAt).toBe(when);
  });

  it('the reminder key names the spell and the interval, so two runs deciding it record one', () => {
    const [first] = decideStep(failedOver(), observe('SECONDARY', at(4)), settings(), []).notices;
    const [again] = decideStep(failedOver(), observe('SECONDARY', at(4, 1)), settings(), []).notices;
    expect(first?.key).toBe(`REMINDER#${T0}#1`);
    expect(again?.key).toBe(first?.key);
  });
});

describe('decideStep: maintenance windows (silences)', () => {
  const drill: Silence = { id: 's-drill', record: 'app.example.com', until: at(2), reason: 'DR drill' };

  it.each([
    ['the record, any zone', true, drill],
    ['every pair (*)', true, { ...drill, record: '*' }],
    ['the record in its zone', true, { ...drill, zoneId: ZONE_ID }],
    ['the record in another zone', false, { ...drill, zoneId: 'ZOTHER' }],
    ['another record', false, { ...drill, record: 'api.example.com' }],
    ['a window that has not started', false, { ...drill, from: at(1) }],
    ['a window that has ended', false, { ...drill, until: at(0, 30) }],
  ] as const)('a silence of %s silences a transition: %s', (_behaviour, applies, silence) => {
    const decision = decideStep(aPairState({ lastObservedAt: T0 }), observe('SECONDARY', at(0, 45)), settings(), [silence]);
    expect(decision.transitions.map((t) => t.delivery?.status ?? 'SEND')).toEqual([applies ? 'SILENCED' : 'SEND']);
  });

  it('transitions in the window are recorded with the silence noted and nothing is sent; one info summary follows its end', () => {
    const first = decideStep(aPairState({ lastObservedAt: T0 }), observe('SECONDARY', at(0, 10)), settings(), [drill]);
    expect(first.transitions[0]?.delivery).toEqual({ status: 'SILENCED', silence: { id: 's-drill', reason: 'DR drill', until: at(2) } });
    expect(first.notices).toEqual([]);
    const second = decideStep(first.next!, observe('PRIMARY', at(1)), settings(), [drill]);
    expect(second.transitions.map((t) => t.delivery?.status)).toEqual(['SILENCED']);
    expect(second.next?.silenced).toEqual({ id: 's-drill', reason: 'DR drill', until: at(2), fromSequence: 1 });
    expect(decideStep(second.next!, observe('PRIMARY', at(1, 59)), settings(), [drill]).next).toBeUndefined();

    const after = decideStep(second.next!, observe('PRIMARY', at(2)), settings(), [drill]);
    expect(after.notices).toHaveLength(1);
    expect(after.notices[0]).toMatchObject({ kind: 'SILENCE_SUMMARY', severity: 'info', silence: { id: 's-drill' }, covers: { fromSequence: 1, toSequence: 2, status: 'SILENCED' } });
    expect(after.next?.silenced).toBeUndefined();
    expect(decideStep(after.next!, observe('PRIMARY', at(2, 1)), settings(), [drill]).notices).toEqual([]);
  });

  it('a window with no transitions sends no summary', () => {
    const quiet = decideStep(aPairState({ lastObservedAt: T0 }), observe('PRIMARY', at(2, 5)), settings(), [drill]);
    expect(quiet).toMatchObject({ next: undefined, notices: [] });
  });

  it('no reminder while silenced', () => {
    const failedOver = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: T0 });
    expect(decideStep(failedOver, observe('SECONDARY', at(4)), settings(), [{ ...drill, until: at(5) }]).notices).toEqual([]);
  });
});

describe('decideStep: an unreadable pair (UNKNOWN) is never reported as failed over', () => {
  const start = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: T0 });

  it('the first UNKNOWN notes when the spell began and changes nothing else', () => {
    const decision = decideStep(start, unknown(at(0, 1)), settings(), []);
    expect(decision.transitions).toEqual([]);
    expect(decision.notices).toEqual([]);
    expect(decision.next).toEqual({ ...start, unknownSince: at(0, 1), lastObservedAt: at(0, 1) });
  });

  it.each([
    ['nothing before the configured time', at(0, 15), settings(), []],
    ['one WATCH_DEGRADED (warning) once the time has passed', at(0, 16), settings(), [['WATCH_DEGRADED', 'warning', 15 * 60]]],
    ['0 turns the warning off', at(5), settings({ degradedAfterSeconds: 0 }), []],
  ] as const)('%s', (_behaviour, when, with_, expected) => {
    const spell = { ...start, unknownSince: at(0, 1) };
    expect(decideStep(spell, unknown(when), with_, []).notices.map((n) => [n.kind, n.severity, n.lastedSeconds])).toEqual(expected);
  });

  it('WATCH_DEGRADED is sent once per spell, then a short info WATCH_RESTORED when readable again', () => {
    const spell = { ...start, unknownSince: at(0, 1) };
    const degraded = decideStep(spell, unknown(at(0, 16)), settings(), []);
    expect(degraded.notices[0]?.detail).toMatch(/metric unavailable \(throttled\)/);
    expect(decideStep(degraded.next!, unknown(at(1)), settings(), [])).toMatchObject({ next: undefined, notices: [] });
    const back = decideStep(degraded.next!, observe('SECONDARY', at(1, 1)), settings(), []);
    expect(back.notices.map((n) => [n.kind, n.severity])).toEqual([['WATCH_RESTORED', 'info']]);
    expect(back.next?.unknownSince).toBeUndefined();
    expect(back.next?.degradedNotifiedAt).toBeUndefined();
  });

  it('readable again inside a maintenance window that began after the warning: the WATCH_RESTORED still closes it', () => {
    const warned = { ...start, unknownSince: at(0, 1), degradedNotifiedAt: at(0, 16) };
    const drill: Silence = { id: 's-drill', record: 'app.example.com', from: at(0, 30), until: at(2), reason: 'DR drill' };
    const back = decideStep(warned, observe('SECONDARY', at(1)), settings(), [drill]);
    expect(back.notices.map((n) => [n.kind, n.severity])).toEqual([['WATCH_RESTORED', 'info']]);
  });

  it('readable again before the warning: the spell is forgotten without a notice', () => {
    const back = decideStep({ ...start, unknownSince: at(0, 1) }, observe('SECONDARY', at(0, 5)), settings(), []);
    expect(back.notices).toEqual([]);
    expect(back.next?.unknownSince).toBeUndefined();
  });
});

describe(`decideStep: unknown primary, unhealthy secondary — ${quoting(GUIDE.bothUnhealthy)}: DNS serves the primary either way`, () => {
  const start = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: T0, sequence: 2 });
  const certainPrimary = (when: string) => anObservation(ServingState.UNKNOWN, when, { primary: aSide(UNKNOWN, 'metric gap'), secondary: aSide(UNHEALTHY) });

  it('on the secondary: the FAILBACK is recorded and sent, and the unknown spell is noted', () => {
    const decision = decideStep(start, certainPrimary(at(0, 5)), settings(), []);
    expect(decision.transitions.map((t) => [t.kind, t.primary.verdict, t.delivery])).toEqual([['FAILBACK', UNKNOWN, undefined]]);
    expect(decision.next).toMatchObject({ serving: 'PRIMARY', servingSince: at(0, 5), sequence: 3, unknownSince: at(0, 5) });
    expect(decision.transitions[0]?.stateAfter).toEqual(decision.next);
  });

  it('the spell goes on after the FAILBACK: WATCH_DEGRADED once it has lasted, saying the primary is served', () => {
    const failedBack = decideStep(start, certainPrimary(at(0, 1)), settings(), []).next!;
    const later = decideStep(failedBack, certainPrimary(at(0, 16)), settings(), []);
    expect(later.transitions).toEqual([]);
    expect(later.notices.map((n) => [n.kind, n.serving])).toEqual([['WATCH_DEGRADED', 'PRIMARY']]);
  });

  it('inside a maintenance window the FAILBACK is recorded as SILENCED', () => {
    const drill: Silence = { id: 's-drill', record: 'app.example.com', until: at(2), reason: 'DR drill' };
    const decision = decideStep(start, certainPrimary(at(0, 5)), settings(), [drill]);
    expect(decision.transitions.map((t) => [t.kind, t.delivery?.status])).toEqual([['FAILBACK', 'SILENCED']]);
  });

  it.each(['PRIMARY', 'ALL_UNHEALTHY'] as const)('stored %s: nothing but the unknown spell is noted', (serving) => {
    const stored = aPairState({ serving, servingSince: T0, lastObservedAt: T0 });
    const decision = decideStep(stored, certainPrimary(at(0, 5)), settings(), []);
    expect(decision.transitions).toEqual([]);
    expect(decision.next).toEqual({ ...stored, unknownSince: at(0, 5), lastObservedAt: at(0, 5) });
  });
});
