/**
 * The structured notification every channel renders from. It travels inside the SNS message
 * (the `lambda` part of a MessageStructure=json publish), so the Slack function never re-reads AWS.
 */
import type { Evidence, PairId, Severity } from '../domain/model';

export const NOTIFICATION_SCHEMA = 'failwatch.notification/v1';

/** Transition kinds, plus notices that are not transitions (REMINDER, ..., DR_HOLE, BLIND_SPOT, ...). */
export type NotificationKind = string;

export interface NotificationFact {
  readonly label: string;
  readonly value: string;
}

/**
 * A configuration risk as a configuration notice reports it: what it is (`kind` DR_HOLE or BLIND_SPOT,
 * `reason` one of lib/domain/config-risks.ts's, `id` stable for the same configuration), what is wrong and
 * what to change, whether this notice opens it or says it is gone, since when and (once gone) for how long.
 */
export interface NotificationRisk {
  readonly kind: string;
  readonly reason: string;
  readonly id: string;
  readonly side?: 'PRIMARY' | 'SECONDARY';
  readonly healthCheckId?: string;
  readonly problem: string;
  readonly fix: string;
  readonly status: 'OPEN' | 'CLOSED';
  readonly openSince: string;
  /** 0 when it opens; once closed, how long it lasted. */
  readonly lastedSeconds: number;
}

export interface NotificationLink {
  readonly label: string;
  readonly url: string;
}

export interface NotificationPayload {
  readonly schema: typeof NOTIFICATION_SCHEMA;
  /** Stable per notification (a transition id, or a derived id for reminders): receivers deduplicate on it. */
  readonly id: string;
  /**
   * The short reference the message text ends with, for people (lib/notify/reference.ts). Absent from
   * messages published before it existed, which the Slack function may still receive.
   */
  readonly reference?: string;
  readonly kind: NotificationKind;
  readonly severity: Severity;
  /** SNS-safe subject: ASCII, no line breaks, under 100 characters. */
  readonly subject: string;
  /** One or two sentences: what happened and what it means. */
  readonly summary: string;
  /** The full plain-text body, as an email subscriber receives it. */
  readonly text: string;
  readonly pair?: PairId & { readonly zoneName: string };
  readonly facts: readonly NotificationFact[];
  readonly evidence: readonly { readonly side: 'primary' | 'secondary'; readonly healthCheckId?: string; readonly evidence: Evidence }[];
  readonly links: readonly NotificationLink[];
  /** A summary's transitions (FLAPPING_ENDED, SILENCE_SUMMARY), one line each as the email lists them; absent otherwise. */
  readonly covered?: readonly string[];
  /** A configuration notice's risk (DR_HOLE, DR_HOLE_CLOSED, BLIND_SPOT, BLIND_SPOT_CLEARED); absent otherwise. */
  readonly risk?: NotificationRisk;
  readonly observedAt: string;
  /** A test sent with `failwatch test-alert`: nothing happened to the pair. Absent for real notifications. */
  readonly test?: boolean;
}
