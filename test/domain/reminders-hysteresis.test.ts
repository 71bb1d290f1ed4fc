/** Reminders and hysteresis: no reminder says the pair is still failed over while its failback is being confirmed. */
import { Verdict, type KnownServingState, type PairObservation, type PairState } from '../../lib/domain/model';
import { DEFAULT_NOTICE_SETTINGS, decideStep, type NoticeSettings, type StepDecision } from '../../lib/domain/notice-policy';
import { aPairState, aSide, anObservation } from '../support/domain-fixtures';

const T0 = '2026-11-25T09:00:00.000Z';
const at = (hours: number, minutes = 0) => new Date(Date.parse(T0) + (hours * 60 + minutes) * 60_000).toISOString();
const settings = (overrides: Partial<NoticeSettings> = {}): NoticeSettings => ({ ...DEFAULT_NOTICE_SETTINGS, ...overrides });

function observe(serving: KnownServingState, when: string): PairObservation {
  if (serving === 'PRIMARY') return anObservation(serving, when);
  return anObservation(serving, when, { primary: aSide(Verdict.UNHEALTHY) });
}

/** Feeds observations one after the other, carrying the stored state the way lib/usecases/watch.ts does. */
function run(start: PairState | undefined, observations: readonly PairObservation[], with_: NoticeSettings): StepDecision[] {
  let state = start;
  return observations.map((observation) => {
    const step = decideStep(state, observation, with_, []);
    state = step.next ?? state;
    return step;
  });
}

describe('reminders while a failback is being confirmed (hysteresis)', () => {
  it('no REMINDER claims the pair was on the secondary longer than the FAILBACK it then records', () => {
    // Failed over at T0; the primary is back from 3h58 (seen at 3h58, 4h01, 4h04; N = 3).
    const failedOver = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: at(3, 50), sequence: 1 });
    const steps = run(failedOver, [observe('PRIMARY', at(3, 58)), observe('PRIMARY', at(4, 1)), observe('PRIMARY', at(4, 4))], settings({ confirmations: 3 }));

    const failback = steps.flatMap((s) => s.transitions).find((t) => t.kind === 'FAILBACK');
    expect(failback).toMatchObject({ previousStateSeconds: (3 * 60 + 58) * 60 }); // the secondary's time ends at 3h58
    // At 4h01 the primary has been back for 3 minutes, unconfirmed: no reminder says it has not recovered.
    const reminders = steps.flatMap((s) => s.notices).filter((n) => n.kind === 'REMINDER');
    expect(reminders.map((n) => n.lastedSeconds)).toEqual([]);
  });

  it('a failback dropped before it is confirmed: the reminder that was due goes out at the next observation', () => {
    const failedOver = aPairState({ serving: 'SECONDARY', servingSince: T0, lastObservedAt: at(3, 50), sequence: 1 });
    const steps = run(failedOver, [observe('PRIMARY', at(3, 58)), observe('SECONDARY', at(4, 1))], settings({ confirmations: 3 }));

    expect(steps.flatMap((s) => s.transitions)).toEqual([]);
    expect(steps.map((s) => s.notices.map((n) => n.kind))).toEqual([[], ['REMINDER']]);
  });
});
