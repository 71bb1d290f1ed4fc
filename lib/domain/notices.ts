/**
 * Notices: what Failwatch says about a pair that is not itself a transition (a reminder, flap damping,
 * the end of a maintenance window, a watch that cannot read the pair). Like transitions they are
 * recorded in the pair's history before they are sent; the key is derived from what the notice is
 * about, so two runs deciding the same notice record it once.
 */
import { ServingState, Severity, pairKey, type KnownServingState, type PairId, type SilenceNote, type Trigger } from './model';

export const NoticeKind = {
  REMINDER: 'REMINDER',
  FLAPPING: 'FLAPPING',
  FLAPPING_ENDED: 'FLAPPING_ENDED',
  SILENCE_SUMMARY: 'SILENCE_SUMMARY',
  WATCH_DEGRADED: 'WATCH_DEGRADED',
  WATCH_RESTORED: 'WATCH_RESTORED',
} as const;
export type NoticeKind = (typeof NoticeKind)[keyof typeof NoticeKind];

/** Transitions a summary notice stands for: the sequences in the range recorded with this status. */
export interface CoveredTransitions {
  readonly fromSequence: number;
  readonly toSequence: number;
  readonly status: 'HELD' | 'SILENCED';
}

export interface Notice {
  /** `<pairKey>#<key>`: unique and stable, used to deduplicate notifications. */
  readonly id: string;
  /** Unique within the pair: `<kind>#<what it is about>`. */
  readonly key: string;
  readonly pairId: PairId;
  readonly kind: NoticeKind;
  readonly severity: Severity;
  readonly observedAt: string;
  readonly trigger: Trigger;
  /** The side DNS serves as last recorded, and since when. */
  readonly serving: KnownServingState;
  readonly servingSince: string;
  readonly servingValues: readonly string[];
  /** How long the condition the notice is about has lasted, in seconds. */
  readonly lastedSeconds: number;
  readonly covers?: CoveredTransitions;
  readonly silence?: SilenceNote;
  /** FLAPPING: side changes counted within the window. */
  readonly sideChanges?: number;
  /** FLAPPING, FLAPPING_ENDED: the flap window; REMINDER: the reminder interval. */
  readonly windowSeconds?: number;
  /** WATCH_DEGRADED: why the pair could not be read. */
  readonly detail?: string;
}

export type NoticeFields = Omit<Notice, 'id' | 'key' | 'pairId' | 'severity' | 'observedAt' | 'trigger'>;

export function buildNotice(pairId: PairId, about: string, fields: NoticeFields, observedAt: string, trigger: Trigger): Notice {
  const { id, key } = noticeIdentity(pairId, fields.kind, about);
  return { id, key, pairId, severity: noticeSeverity(fields.kind, fields.serving), observedAt, trigger, ...fields };
}

/**
 * Every notice's identity: `key` = `<kind>#<what it is about>`, unique within the pair, and `id` =
 * `<pairKey>#<key>`. `about` comes from stored state, never from a run's own clock, so two runs deciding
 * the same notice give it the same key and it is recorded (and sent) once.
 */
export function noticeIdentity(pairId: PairId, kind: string, about: string): { readonly id: string; readonly key: string } {
  const key = `${kind}#${about}`;
  return { id: `${pairKey(pairId)}#${key}`, key };
}

/**
 * A reminder while failed over is a warning (traffic is served, by the standby); both sides down is
 * critical (users are affected). A flapping spell that settles is as serious as where it settled.
 */
export function noticeSeverity(kind: NoticeKind, serving: KnownServingState): Severity {
  switch (kind) {
    case NoticeKind.FLAPPING:
    case NoticeKind.WATCH_DEGRADED:
      return Severity.WARNING;
    case NoticeKind.SILENCE_SUMMARY:
    case NoticeKind.WATCH_RESTORED:
      return Severity.INFO;
    case NoticeKind.REMINDER:
    case NoticeKind.FLAPPING_ENDED:
      if (serving === ServingState.ALL_UNHEALTHY) return Severity.CRITICAL;
      return serving === ServingState.SECONDARY ? Severity.WARNING : Severity.INFO;
  }
}
