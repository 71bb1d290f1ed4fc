/**
 * The pair's recorded state + a new observation → what to record: the transitions (in order) and the
 * state to store, or nothing at all. A decision is plain data; the use case carries it out.
 */
import { certainServedRole } from './failover';
import {
  FailoverRole,
  ServingState,
  Severity,
  TransitionKind,
  Verdict,
  pairKey,
  servedValues,
  type KnownServingState,
  type PairObservation,
  type PairState,
  type Transition,
} from './model';

export interface Decision {
  /** The state to store; undefined means write nothing. */
  readonly next: PairState | undefined;
  /** In sequence order; each one's `stateAfter` is the state once it is applied. */
  readonly transitions: readonly Transition[];
  /** Why, in a sentence for the run's log. */
  readonly reason: string;
}

type StandbyKind = typeof TransitionKind.STANDBY_LOST | typeof TransitionKind.STANDBY_RESTORED;

export function severityOf(kind: TransitionKind, to: KnownServingState): Severity {
  switch (kind) {
    case TransitionKind.FAILOVER:
    case TransitionKind.ALL_UNHEALTHY:
      return Severity.CRITICAL;
    case TransitionKind.STANDBY_LOST:
      return Severity.WARNING;
    case TransitionKind.ALL_UNHEALTHY_CLEARED:
      // Cleared onto the secondary: traffic still runs on the standby site.
      return to === ServingState.SECONDARY ? Severity.WARNING : Severity.INFO;
    case TransitionKind.FAILBACK:
    case TransitionKind.STANDBY_RESTORED:
      return Severity.INFO;
  }
}

/** With hysteresis: the change was first seen at `firstSeenAt` and confirmed by `observations` consecutive observations. */
export interface Confirmation {
  readonly firstSeenAt: string;
  readonly observations: number;
}

export function decideTransitions(previous: PairState | undefined, observation: PairObservation, confirmation?: Confirmation): Decision {
  const { serving } = observation;
  if (previous === undefined) {
    // An unknown pair is never reported as failed over, and its first state is never a guess.
    return serving === ServingState.UNKNOWN ? nothingToWrite(`${describeUnknown(observation)}; nothing recorded`) : firstObservation(observation, serving);
  }
  assertSamePair(previous, observation);
  if (Date.parse(observation.observedAt) < Date.parse(previous.lastObservedAt)) {
    // A slower run that lost a race must not rewind what a later observation recorded.
    return nothingToWrite(`observation at ${observation.observedAt} is older than the stored state (${previous.lastObservedAt}); ignored`);
  }
  if (serving === ServingState.UNKNOWN) return decideFromServedSide(previous, observation, confirmation);
  return decideChanges(previous, observation, serving, confirmation);
}

/**
 * The serving state is unknown, but DNS may still certainly answer with the primary (the secondary is
 * unhealthy: Route 53 answers with the primary whether it is healthy or not). Only what is certain is
 * recorded: a pair stored on the secondary has failed back (its primary's health noted as unknown); a
 * pair stored as PRIMARY or ALL_UNHEALTHY may be either now, so nothing is.
 */
function decideFromServedSide(previous: PairState, observation: PairObservation, confirmation: Confirmation | undefined): Decision {
  const unknown = describeUnknown(observation);
  if (certainServedRole(observation.primary.verdict, observation.secondary.verdict) !== FailoverRole.PRIMARY) {
    return nothingToWrite(`${unknown}; nothing recorded`);
  }
  const eitherWay = 'the secondary is unhealthy, so DNS serves the primary either way';
  if (previous.serving !== ServingState.SECONDARY) return nothingToWrite(`${unknown}, but ${eitherWay}: stored ${previous.serving} kept, nothing recorded`);
  const at = changedAt(observation, confirmation);
  // The stored secondary verdict stays: whether losing it is a STANDBY_LOST or part of ALL_UNHEALTHY is
  // known only once the primary's health is, and the next known observation records it as such.
  const next: PairState = { ...previous, serving: ServingState.PRIMARY, servingSince: at, sequence: previous.sequence + 1, lastObservedAt: observation.observedAt };
  const failback = buildTransition(observation, TransitionKind.FAILBACK, ServingState.SECONDARY, ServingState.PRIMARY, previous.servingSince, next, at, confirmation);
  return { next, transitions: [failback], reason: `${describeTransition(failback)}; ${unknown}, but ${eitherWay}` };
}

function firstObservation(observation: PairObservation, serving: KnownServingState): Decision {
  const at = observation.observedAt;
  const next: PairState = {
    pairId: observation.pair.id,
    serving,
    secondaryVerdict: observation.secondary.verdict,
    servingSince: at,
    secondarySince: at,
    sequence: 0,
    lastObservedAt: at,
  };
  return { next, transitions: [], reason: `first observation: DNS serves ${servingLabel(serving)}; state stored without alert` };
}

function decideChanges(previous: PairState, observation: PairObservation, serving: KnownServingState, confirmation: Confirmation | undefined): Decision {
  const at = changedAt(observation, confirmation);
  const seenAt = observation.observedAt;
  const secondaryVerdict = observation.secondary.verdict === Verdict.UNKNOWN ? previous.secondaryVerdict : observation.secondary.verdict;
  const standbyKind = serving === ServingState.PRIMARY ? standbyChangeKind(previous.secondaryVerdict, secondaryVerdict) : undefined;
  const transitions: Transition[] = [];
  let state = previous;

  if (serving !== previous.serving) {
    const moved: PairState = { ...state, serving, servingSince: at, sequence: state.sequence + 1, lastObservedAt: seenAt };
    // When a standby transition follows, it records the secondary's change itself.
    state = standbyKind ? moved : withSecondaryVerdict(moved, secondaryVerdict, at);
    const kind = servingChangeKind(previous.serving, serving);
    transitions.push(buildTransition(observation, kind, previous.serving, serving, previous.servingSince, state, at, confirmation));
  }
  if (standbyKind) {
    state = { ...withSecondaryVerdict(state, secondaryVerdict, at), sequence: state.sequence + 1, lastObservedAt: seenAt };
    transitions.push(buildTransition(observation, standbyKind, ServingState.PRIMARY, ServingState.PRIMARY, previous.secondarySince, state, at, confirmation));
  }

  if (transitions.length > 0) return { next: state, transitions, reason: transitions.map(describeTransition).join('; ') };
  if (secondaryVerdict !== previous.secondaryVerdict) {
    // First known verdict after an unknown one: worth storing, but there is no known change to report.
    const next = { ...withSecondaryVerdict(previous, secondaryVerdict, at), lastObservedAt: seenAt };
    return { next, transitions: [], reason: `secondary health now known (${secondaryVerdict.toLowerCase()}); stored without alert` };
  }
  return nothingToWrite(`no change: DNS still serves ${servingLabel(serving)}`);
}

/** DNS moved when the change was first seen; confirming it later does not make the old side last longer. */
function changedAt(observation: PairObservation, confirmation: Confirmation | undefined): string {
  return confirmation && confirmation.observations > 1 ? confirmation.firstSeenAt : observation.observedAt;
}

function servingChangeKind(from: KnownServingState, to: KnownServingState): TransitionKind {
  if (to === ServingState.ALL_UNHEALTHY) return TransitionKind.ALL_UNHEALTHY;
  if (from === ServingState.ALL_UNHEALTHY) return TransitionKind.ALL_UNHEALTHY_CLEARED;
  return to === ServingState.SECONDARY ? TransitionKind.FAILOVER : TransitionKind.FAILBACK;
}

function standbyChangeKind(before: Verdict, after: Verdict): StandbyKind | undefined {
  if (before === Verdict.HEALTHY && after === Verdict.UNHEALTHY) return TransitionKind.STANDBY_LOST;
  if (before === Verdict.UNHEALTHY && after === Verdict.HEALTHY) return TransitionKind.STANDBY_RESTORED;
  return undefined;
}

function withSecondaryVerdict(state: PairState, verdict: Verdict, at: string): PairState {
  return verdict === state.secondaryVerdict ? state : { ...state, secondaryVerdict: verdict, secondarySince: at };
}

function buildTransition(
  observation: PairObservation,
  kind: TransitionKind,
  from: KnownServingState,
  to: KnownServingState,
  previousStateSince: string,
  stateAfter: PairState,
  changedAt: string,
  confirmation: Confirmation | undefined,
): Transition {
  const pairId = observation.pair.id;
  const confirmed = confirmation && confirmation.observations > 1 ? { confirmation: { ...confirmation } } : {};
  return {
    id: `${pairKey(pairId)}#${stateAfter.sequence}`,
    pairId,
    sequence: stateAfter.sequence,
    kind,
    severity: severityOf(kind, to),
    from,
    to,
    fromValues: servedValues(observation.pair, from),
    toValues: servedValues(observation.pair, to),
    primary: observation.primary,
    secondary: observation.secondary,
    observedAt: observation.observedAt,
    trigger: observation.trigger,
    previousStateSeconds: elapsedSeconds(previousStateSince, changedAt),
    stateAfter,
    ...confirmed,
  };
}

/** Whole seconds, never negative: clocks of different runs may disagree slightly. */
export function elapsedSeconds(since: string, until: string): number {
  const milliseconds = Date.parse(until) - Date.parse(since);
  return Number.isFinite(milliseconds) && milliseconds > 0 ? Math.floor(milliseconds / 1000) : 0;
}

function nothingToWrite(reason: string): Decision {
  return { next: undefined, transitions: [], reason };
}

/** Why an observation could not say which side DNS serves. */
export function describeUnknown(observation: PairObservation): string {
  return observation.primary.verdict === Verdict.UNKNOWN
    ? `primary health unknown (${observation.primary.basis})`
    : `primary unhealthy and secondary health unknown (${observation.secondary.basis})`;
}

function describeTransition(transition: Transition): string {
  if (transition.from === transition.to) {
    return `${transition.kind}: secondary ${transition.stateAfter.secondaryVerdict.toLowerCase()} while DNS serves the primary`;
  }
  return `${transition.kind}: DNS serves ${servingLabel(transition.to)} (was ${servingLabel(transition.from)})`;
}

function servingLabel(state: KnownServingState): string {
  switch (state) {
    case ServingState.PRIMARY:
      return 'the primary';
    case ServingState.SECONDARY:
      return 'the secondary';
    case ServingState.ALL_UNHEALTHY:
      return 'the primary with both sides unhealthy';
  }
}

function assertSamePair(previous: PairState, observation: PairObservation): void {
  if (pairKey(previous.pairId) !== pairKey(observation.pair.id)) {
    throw new Error(`state of ${pairKey(previous.pairId)} cannot decide an observation of ${pairKey(observation.pair.id)}`);
  }
}
