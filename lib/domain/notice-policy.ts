/**
 * No noise, no silence: the pair's recorded state + an observation + the settings and the silences in
 * force → what to record (transitions, each with how it is delivered), which notices to send, and the
 * state to store. Pure: time is the observation's, and the decision is plain data.
 */
import { confirmChange } from './hysteresis';
import { ServingState, servedValues, type Delivery, type PairObservation, type PairState, type Transition } from './model';
import { NoticeKind, buildNotice, type Notice, type NoticeFields } from './notices';
import { activeSilence, silenceNote, type Silence } from './silences';
import { decideTransitions, describeUnknown, elapsedSeconds } from './transitions';

export interface NoticeSettings {
  /** Consecutive observations a change must be seen on before it is recorded (1: at once). */
  readonly confirmations: number;
  /** More side changes than this within the window is flapping; 0 turns flap damping off. */
  readonly flapChanges: number;
  readonly flapWindowSeconds: number;
  /** Re-notify this often while failed over or all-unhealthy; 0 turns reminders off. */
  readonly reminderIntervalSeconds: number;
  /** Warn once when a pair has been unreadable this long; 0 turns the warning off. */
  readonly degradedAfterSeconds: number;
}

export const DEFAULT_NOTICE_SETTINGS: NoticeSettings = {
  confirmations: 1,
  flapChanges: 4,
  flapWindowSeconds: 3_600,
  reminderIntervalSeconds: 4 * 3_600,
  degradedAfterSeconds: 15 * 60,
};

export interface StepDecision {
  /** The state to store; undefined means write nothing. */
  readonly next: PairState | undefined;
  /** In sequence order; each says how it is delivered (absent delivery: sent on its own). */
  readonly transitions: readonly Transition[];
  readonly notices: readonly Notice[];
  readonly reason: string;
}

/** Working copy of one step: the state being built, what it records and sends, and why. */
interface Step {
  readonly observation: PairObservation;
  readonly settings: NoticeSettings;
  readonly silence: Silence | undefined;
  state: PairState;
  transitions: Transition[];
  notices: Notice[];
  reasons: string[];
}

export function decideStep(previous: PairState | undefined, observation: PairObservation, settings: NoticeSettings, silences: readonly Silence[]): StepDecision {
  const at = observation.observedAt;
  if (previous === undefined || Date.parse(at) < Date.parse(previous.lastObservedAt)) {
    // A first observation is stored without alert; a stale one changes nothing.
    const decision = decideTransitions(previous, observation);
    return { ...decision, notices: [] };
  }
  const step: Step = { observation, settings, silence: activeSilence(silences, previous.pairId, at), state: previous, transitions: [], notices: [], reasons: [] };
  if (observation.serving === ServingState.UNKNOWN) {
    recordCertainChanges(step);
    watchUnknown(step);
  } else {
    watchReadableAgain(step);
    recordConfirmedChanges(step);
    deliverTransitions(step);
    sendDueNotices(step);
  }
  return finish(previous, step);
}

/**
 * An UNKNOWN observation moves the pair only where DNS's side is certain (a failback from the secondary,
 * see decideTransitions), then like any change: confirmed, delivered. Otherwise it changes nothing.
 */
function recordCertainChanges(step: Step): void {
  const decision = decideTransitions(step.state, step.observation);
  if (decision.transitions.length === 0) {
    step.reasons.push(decision.reason);
    return;
  }
  recordConfirmedChanges(step);
  deliverTransitions(step);
}

/** While the pair is UNKNOWN, after a while it warns, once, that the watch is blind. */
function watchUnknown(step: Step): void {
  const at = step.observation.observedAt;
  const unknownSince = step.state.unknownSince ?? at;
  step.state = { ...step.state, unknownSince };
  const lasted = elapsedSeconds(unknownSince, at);
  const due = step.settings.degradedAfterSeconds > 0 && lasted >= step.settings.degradedAfterSeconds;
  if (due && step.state.degradedNotifiedAt === undefined && step.silence === undefined) {
    step.notices.push(notice(step, unknownSince, { kind: NoticeKind.WATCH_DEGRADED, lastedSeconds: lasted, detail: describeUnknown(step.observation) }));
    step.state = { ...step.state, degradedNotifiedAt: at };
  }
}

/**
 * Readable again: a short info notice closes a WATCH_DEGRADED that was sent, even inside a maintenance
 * window that began since (the warning went out, so its end must too); otherwise nothing is said.
 */
function watchReadableAgain(step: Step): void {
  const { unknownSince, degradedNotifiedAt, ...rest } = step.state;
  if (unknownSince === undefined) return;
  step.state = rest;
  if (degradedNotifiedAt !== undefined) {
    step.notices.push(notice(step, unknownSince, { kind: NoticeKind.WATCH_RESTORED, lastedSeconds: elapsedSeconds(unknownSince, step.observation.observedAt) }));
  }
}

function recordConfirmedChanges(step: Step): void {
  const { candidate, ...base } = step.state;
  const proposed = decideTransitions(base, step.observation);
  const outcome = confirmChange(step.state, step.observation, proposed, step.settings.confirmations);
  if (outcome.kind === 'STEADY') {
    step.state = proposed.next ?? base;
    step.reasons.push(candidate ? `${proposed.reason}; unconfirmed change to ${candidate.serving} dropped` : proposed.reason);
  } else if (outcome.kind === 'WAITING') {
    step.state = { ...base, candidate: outcome.candidate };
    step.reasons.push(`change to ${outcome.candidate.serving} seen ${outcome.candidate.count} of ${step.settings.confirmations} times; not recorded yet`);
  } else {
    const decision = decideTransitions(base, step.observation, outcome.confirmation);
    step.state = decision.next ?? base;
    step.transitions = [...decision.transitions];
    step.reasons.push(decision.reason);
  }
}

/** Silenced transitions wait for the window's summary; during a flapping spell side changes are held. */
function deliverTransitions(step: Step): void {
  const { settings, silence } = step;
  const at = step.observation.observedAt;
  const windowStart = Date.parse(at) - settings.flapWindowSeconds * 1000;
  let { sideChanges = [], flapping, silenced } = step.state;
  sideChanges = sideChanges.filter((when) => Date.parse(when) > windowStart);
  step.transitions = step.transitions.map((transition) => {
    const sideChange = transition.from !== transition.to;
    if (sideChange && settings.flapChanges > 0) sideChanges = [...sideChanges, transition.stateAfter.servingSince].slice(-(settings.flapChanges + 1));
    let delivery: Delivery | undefined;
    if (silence !== undefined) {
      delivery = { status: 'SILENCED', silence: silenceNote(silence) };
      silenced = { ...silenceNote(silence), fromSequence: silenced?.fromSequence ?? transition.sequence };
    } else if (sideChange && flapping !== undefined) {
      delivery = { status: 'HELD', reason: 'flapping' };
    } else if (sideChange && settings.flapChanges > 0 && sideChanges.length > settings.flapChanges) {
      flapping = { since: at, fromSequence: transition.sequence };
      delivery = { status: 'HELD', reason: 'flapping' };
      step.reasons.push(`flapping: ${sideChanges.length} side changes within ${settings.flapWindowSeconds}s`);
    }
    return delivery ? { ...transition, delivery } : transition;
  });
  if (step.transitions.length === 0) return;
  const started = flapping !== undefined && step.state.flapping === undefined;
  step.state = withOptional({ ...step.state }, { sideChanges: sideChanges.length > 0 ? sideChanges : undefined, flapping, silenced });
  if (started && flapping) {
    const oldest = sideChanges[0] ?? at;
    step.notices.push(
      // Keyed by the sequence the spell starts at, not by this run's clock: racing runs that saw the
      // same spell start at different instants must decide the same notice, or losers leave strays.
      notice(step, `from#${flapping.fromSequence}`, {
        kind: NoticeKind.FLAPPING,
        lastedSeconds: elapsedSeconds(oldest, at),
        sideChanges: sideChanges.length,
        windowSeconds: settings.flapWindowSeconds,
      }),
    );
  }
}

function sendDueNotices(step: Step): void {
  endFlapping(step);
  summarizeSilence(step);
  remind(step);
}

/** Stable for a whole window after flapping: one summary of what was held. */
function endFlapping(step: Step): void {
  const { flapping, sideChanges } = step.state;
  if (flapping === undefined || step.silence !== undefined) return;
  const at = step.observation.observedAt;
  const lastChange = sideChanges?.at(-1) ?? flapping.since;
  const stableSeconds = elapsedSeconds(lastChange, at);
  if (stableSeconds < step.settings.flapWindowSeconds) return;
  step.notices.push(
    notice(step, flapping.since, {
      kind: NoticeKind.FLAPPING_ENDED,
      lastedSeconds: stableSeconds,
      windowSeconds: step.settings.flapWindowSeconds,
      covers: { fromSequence: flapping.fromSequence, toSequence: step.state.sequence, status: 'HELD' },
    }),
  );
  // The summary says where the pair settled, so it counts as this interval's reminder.
  step.state = withOptional({ ...step.state, lastRemindedAt: at }, { flapping: undefined });
}

/** No silence covers the pair any more: one low-severity summary of what happened during it. */
function summarizeSilence(step: Step): void {
  const { silenced } = step.state;
  if (silenced === undefined || step.silence !== undefined) return;
  const { fromSequence, ...note } = silenced;
  step.notices.push(
    notice(step, `${silenced.id}#${fromSequence}`, {
      kind: NoticeKind.SILENCE_SUMMARY,
      lastedSeconds: elapsedSeconds(step.state.servingSince, step.observation.observedAt),
      silence: note,
      covers: { fromSequence, toSequence: step.state.sequence, status: 'SILENCED' },
    }),
  );
  step.state = withOptional({ ...step.state }, { silenced: undefined });
}

/** Reminders fall due every interval after the pair left the primary: 4h, 8h, ... (not drifting with sweep times). */
function remind(step: Step): void {
  const { state, settings, observation } = step;
  const interval = settings.reminderIntervalSeconds;
  if (interval <= 0 || state.serving === ServingState.PRIMARY) return;
  if (state.flapping !== undefined || step.silence !== undefined || step.transitions.length > 0) return;
  // A change being confirmed: the pair may have left this side already (its time here ends when the change
  // was first seen). The slot stays due, and goes out at the next observation if the change is dropped.
  if (state.candidate !== undefined && state.candidate.serving !== state.serving) return;
  const lasted = elapsedSeconds(state.servingSince, observation.observedAt);
  const slot = Math.floor(lasted / interval);
  if (slot < 1) return;
  const slotStart = Date.parse(state.servingSince) + slot * interval * 1000;
  if (state.lastRemindedAt !== undefined && Date.parse(state.lastRemindedAt) >= slotStart) return;
  step.notices.push(notice(step, `${state.servingSince}#${slot}`, { kind: NoticeKind.REMINDER, lastedSeconds: lasted, windowSeconds: interval }));
  step.state = { ...state, lastRemindedAt: observation.observedAt };
}

function finish(previous: PairState, step: Step): StepDecision {
  const reason = [...step.reasons, ...step.notices.map((n) => `${n.kind} notice`)].join('; ');
  if (sameState(previous, step.state) && step.notices.length === 0) return { next: undefined, transitions: [], notices: [], reason };
  const next: PairState = { ...step.state, lastObservedAt: step.observation.observedAt };
  // The last transition's stateAfter is where it leaves the pair: make it the whole state stored with it.
  const transitions = step.transitions.map((t, index) => (index === step.transitions.length - 1 ? { ...t, stateAfter: next } : t));
  return { next, transitions, notices: step.notices, reason };
}

function notice(step: Step, about: string, fields: Omit<NoticeFields, 'serving' | 'servingSince' | 'servingValues'>): Notice {
  const { state, observation } = step;
  const serving = state.serving;
  return buildNotice(
    state.pairId,
    about,
    { ...fields, serving, servingSince: state.servingSince, servingValues: servedValues(observation.pair, serving) },
    observation.observedAt,
    observation.trigger,
  );
}

/** Sets the given optional fields, dropping those that are undefined (absent, not `undefined`, in stored state). */
function withOptional(state: PairState, fields: Partial<PairState>): PairState {
  const merged: Record<string, unknown> = { ...state, ...fields };
  for (const key of Object.keys(fields)) if (merged[key] === undefined) delete merged[key];
  return merged as unknown as PairState;
}

/** Equal apart from `lastObservedAt`, which alone is not worth a write. */
function sameState(a: PairState, b: PairState): boolean {
  return sameValue({ ...a, lastObservedAt: '' }, { ...b, lastObservedAt: '' });
}

/**
 * Equal as stored: the same fields with the same values, in any order, a field set to undefined counting as
 * absent. Compared in place rather than as canonical text: every pair is compared on every sweep, and at
 * 5,000 checks the text of both sides was a quarter of what a steady sweep allocated.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const definedKeys = (record: Record<string, unknown>) => Object.keys(record).filter((key) => record[key] !== undefined);
  const keys = definedKeys(left);
  return keys.length === definedKeys(right).length && keys.every((key) => sameValue(left[key], right[key]));
}
