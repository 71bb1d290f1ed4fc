/**
 * What a test alert (`failwatch test-alert`) says: the message a real notification of the chosen kind would
 * be for the pair, rendered by the same functions, then marked TEST in its subject, first line and payload,
 * with the same message attributes plus `test=true` (so a subscription's filter policy is exercised as by
 * the real one, and can still tell a test apart). Its id and reference are its own: quoting the reference
 * finds the test in the history, never a real entry. Pure.
 */
import { ServingState, TransitionKind, TriggerKind, Verdict, describePair, pairKey, servedRole, type KnownServingState, type PairId, type Severity, type SideHealth, type Transition } from '../domain/model';
import { NoticeKind, buildNotice, noticeSeverity } from '../domain/notices';
import { severityOf } from '../domain/transitions';
import type { OutgoingNotification } from '../ports';
import { referenceLine, renderTransition, toSnsSubject, type PairValues } from './render';
import { renderNotice } from './render-notice';
import { historyReference } from './reference';

export type TestAlertKind = TransitionKind | NoticeKind;

export const TEST_ALERT_KINDS: readonly TestAlertKind[] = [...Object.values(TransitionKind), ...Object.values(NoticeKind)];

/** The pair a test names: a watched one, or a sample (lib/usecases/test-alert.ts). */
export interface TestAlertPair extends PairValues {
  readonly id: PairId;
  readonly zoneName: string;
}

export interface TestAlertRequest {
  readonly id: string;
  readonly kind: TestAlertKind;
  /** The kind's own severity when absent. */
  readonly severity?: Severity;
  readonly pair: TestAlertPair;
  readonly at: string;
}

export interface RenderedTestAlert {
  readonly notification: OutgoingNotification;
  readonly reference: string;
  readonly severity: Severity;
}

/** The side each transition kind moves from and to. */
const TRANSITION_SIDES: Readonly<Record<TransitionKind, readonly [KnownServingState, KnownServingState]>> = {
  FAILOVER: [ServingState.PRIMARY, ServingState.SECONDARY],
  FAILBACK: [ServingState.SECONDARY, ServingState.PRIMARY],
  STANDBY_LOST: [ServingState.PRIMARY, ServingState.PRIMARY],
  STANDBY_RESTORED: [ServingState.PRIMARY, ServingState.PRIMARY],
  ALL_UNHEALTHY: [ServingState.PRIMARY, ServingState.ALL_UNHEALTHY],
  ALL_UNHEALTHY_CLEARED: [ServingState.ALL_UNHEALTHY, ServingState.PRIMARY],
};

/** Where DNS serves when a notice of the kind goes out; any kind not listed: the primary. */
const NOTICE_SERVING: Partial<Record<NoticeKind, KnownServingState>> = { REMINDER: ServingState.SECONDARY, FLAPPING: ServingState.SECONDARY };

const TEST_TRIGGER = { kind: TriggerKind.MANUAL, source: 'failwatch test-alert' } as const;

export function isTransitionKind(kind: TestAlertKind): kind is TransitionKind {
  return (Object.values(TransitionKind) as readonly string[]).includes(kind);
}

/** Sent with the payload and the text: a test of this kind for the pair, never confused with a real entry. */
export function testAlertPayloadId(pairId: PairId, id: string): string {
  return `${pairKey(pairId)}#TEST#${id}`;
}

export function testAlertReference(pairId: PairId, id: string): string {
  return historyReference(pairId, { noticeKey: `TEST#${id}` });
}

export function renderTestAlert(request: TestAlertRequest): RenderedTestAlert {
  const { pair } = request;
  const sample = isTransitionKind(request.kind) ? sampleTransitionMessage(request.kind, request) : sampleNoticeMessage(request.kind, request);
  const severity = request.severity ?? sample.severity;
  const reference = testAlertReference(pair.id, request.id);
  const payloadId = testAlertPayloadId(pair.id, request.id);
  const banner = `TEST NOTIFICATION, sent with \`failwatch test-alert\` to check that notifications arrive. Nothing happened to ${describePair(pair.id)}: this is what a ${request.kind} would look like.`;
  const text = [banner, '', sample.notification.text.replace(referenceLine(sample.reference, sample.severity), referenceLine(reference, severity))].join('\n');
  const subject = toSnsSubject(`TEST ${sample.notification.subject}`);
  const payload = sample.notification.payload as Record<string, unknown>;
  const idAttribute = isTransitionKind(request.kind) ? 'transitionId' : 'noticeId';
  return {
    reference,
    severity,
    notification: {
      transitionId: payloadId,
      subject,
      text,
      payload: { ...payload, id: payloadId, reference, severity, subject, summary: `TEST: ${String(payload['summary'])}`, text, test: true },
      attributes: { ...sample.notification.attributes, severity, [idAttribute]: payloadId, test: 'true' },
    },
  };
}

interface SampleMessage {
  readonly notification: OutgoingNotification;
  /** The reference and severity its text ends with, replaced by the test's own. */
  readonly reference: string;
  readonly severity: Severity;
}

function sampleTransitionMessage(kind: TransitionKind, request: TestAlertRequest): SampleMessage {
  const { pair, at } = request;
  const [from, to] = TRANSITION_SIDES[kind];
  const secondaryHealthy = kind !== TransitionKind.STANDBY_LOST && kind !== TransitionKind.ALL_UNHEALTHY;
  const primaryHealthy = to === ServingState.PRIMARY;
  const side = (healthy: boolean): SideHealth => ({ verdict: healthy ? Verdict.HEALTHY : Verdict.UNHEALTHY, basis: 'test alert: no health check was read', evidence: { failingRegions: [] } });
  // Sequence 0 is never a recorded transition (the first one is 1), so nothing here names a real entry.
  const sequence = 0;
  const transition: Transition = {
    id: `${pairKey(pair.id)}#${sequence}`,
    pairId: pair.id,
    sequence,
    kind,
    severity: severityOf(kind, to),
    from,
    to,
    fromValues: valuesServed(pair, from),
    toValues: valuesServed(pair, to),
    primary: side(primaryHealthy),
    secondary: side(secondaryHealthy),
    observedAt: at,
    trigger: TEST_TRIGGER,
    previousStateSeconds: 0,
    stateAfter: { pairId: pair.id, serving: to, secondaryVerdict: secondaryHealthy ? Verdict.HEALTHY : Verdict.UNHEALTHY, servingSince: at, secondarySince: at, sequence, lastObservedAt: at },
  };
  return { notification: renderTransition(transition, pair), reference: historyReference(pair.id, { sequence }), severity: transition.severity };
}

function sampleNoticeMessage(kind: NoticeKind, request: TestAlertRequest): SampleMessage {
  const { pair, at } = request;
  const serving = NOTICE_SERVING[kind] ?? ServingState.PRIMARY;
  const notice = buildNotice(pair.id, `TEST#${request.id}`, { kind, serving, servingSince: at, servingValues: valuesServed(pair, serving), lastedSeconds: 0, detail: 'test alert' }, at, TEST_TRIGGER);
  return { notification: renderNotice(notice, [], pair), reference: historyReference(pair.id, { noticeKey: notice.key }), severity: noticeSeverity(kind, serving) };
}

function valuesServed(pair: PairValues, serving: KnownServingState): readonly string[] {
  return servedRole(serving) === 'SECONDARY' ? pair.secondaryValues : pair.primaryValues;
}
