/**
 * Hysteresis: a change of the serving side (or of the standby's health) is recorded only once it has
 * been seen on N consecutive observations. N = 1 (the default) records at once, as Route 53's own
 * failure threshold already smooths the health checks.
 */
import type { Candidate, PairObservation, PairState } from './model';
import type { Confirmation, Decision } from './transitions';

export type HysteresisOutcome =
  /** The observation shows what is recorded (or a change that needs no transition). */
  | { readonly kind: 'STEADY' }
  /** Seen often enough: record the change as first seen at `confirmation.firstSeenAt`. */
  | { readonly kind: 'CONFIRMED'; readonly confirmation: Confirmation }
  /** Seen, but not yet on enough consecutive observations. */
  | { readonly kind: 'WAITING'; readonly candidate: Candidate };

/**
 * `proposed` is what the observation would record with no hysteresis. Observations at the same
 * instant (the sweep and an alarm run in the same tick) count once.
 */
export function confirmChange(previous: PairState, observation: PairObservation, proposed: Decision, confirmations: number): HysteresisOutcome {
  const after = proposed.next;
  if (proposed.transitions.length === 0 || after === undefined) return { kind: 'STEADY' };
  const at = observation.observedAt;
  const seen = previous.candidate;
  const same = seen !== undefined && seen.serving === after.serving && seen.secondaryVerdict === after.secondaryVerdict;
  let candidate: Candidate;
  if (!same) {
    candidate = { serving: after.serving, secondaryVerdict: after.secondaryVerdict, count: 1, firstSeenAt: at, lastSeenAt: at };
  } else if (Date.parse(at) > Date.parse(seen.lastSeenAt)) {
    candidate = { ...seen, count: seen.count + 1, lastSeenAt: at };
  } else {
    candidate = seen;
  }
  if (candidate.count >= confirmations) {
    return { kind: 'CONFIRMED', confirmation: { firstSeenAt: candidate.firstSeenAt, observations: candidate.count } };
  }
  return { kind: 'WAITING', candidate };
}
