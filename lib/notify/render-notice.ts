/**
 * What to say for a notice (a reminder, flapping, the end of flapping or of a maintenance window, a
 * blind watch, a configuration risk that appeared or is gone): subject, email text and structured
 * payload. Pure; the same SNS Subject rules and the same message attributes as transitions, so one
 * filter policy covers both.
 */
import { ConfigNoticeKind, type ConfigNotice } from '../domain/config-notices';
import { ConfigRiskReason, type ConfigRisk } from '../domain/config-risks';
import { ServingState, describePair, type KnownServingState, type Transition } from '../domain/model';
import { NoticeKind, type Notice } from '../domain/notices';
import type { OutgoingNotification } from '../ports';
import { NOTIFICATION_SCHEMA, type NotificationFact, type NotificationLink, type NotificationPayload } from './payload';
import { formatDuration, healthCheckConsoleUrl, referenceLine, toSnsSubject, type PairValues, type RenderContext } from './render';
import { historyReference } from './reference';

const MAX_TRANSITIONS_LISTED = 50;

function servingPhrase(serving: KnownServingState, values: readonly string[]): string {
  const addresses = values.length > 0 ? values.join(', ') : '(no values)';
  switch (serving) {
    case ServingState.PRIMARY:
      return `primary ${addresses}`;
    case ServingState.SECONDARY:
      return `secondary ${addresses}`;
    case ServingState.ALL_UNHEALTHY:
      return `primary ${addresses} with both sides unhealthy`;
  }
}

function headline(n: Notice, covered: readonly Transition[]): string {
  const lasted = formatDuration(n.lastedSeconds);
  const where = servingPhrase(n.serving, n.servingValues);
  const window = formatDuration(n.windowSeconds ?? 0);
  switch (n.kind) {
    case NoticeKind.REMINDER:
      return n.serving === ServingState.ALL_UNHEALTHY ? `primary and secondary still unhealthy after ${lasted}` : `still on ${where} after ${lasted}`;
    case NoticeKind.FLAPPING:
      return `${n.sideChanges ?? 0} side changes within ${window}, now on ${where}; holding alerts`;
    case NoticeKind.FLAPPING_ENDED:
      return `stable on ${where} for ${lasted}, ${plural(covered.length, 'change')} held`;
    case NoticeKind.SILENCE_SUMMARY:
      return `${plural(covered.length, 'transition')} during "${n.silence?.reason ?? 'maintenance'}", now on ${where}`;
    case NoticeKind.WATCH_DEGRADED:
      return `health unreadable for ${lasted}, last known on ${where}`;
    case NoticeKind.WATCH_RESTORED:
      return `health readable again after ${lasted}, on ${where}`;
  }
}

function summarySentence(n: Notice, covered: readonly Transition[], zoneName: string): string {
  const pair = `${describePair(n.pairId)} (zone ${zoneName.replace(/\.$/, '')})`;
  const where = servingPhrase(n.serving, n.servingValues);
  const lasted = formatDuration(n.lastedSeconds);
  const window = formatDuration(n.windowSeconds ?? 0);
  switch (n.kind) {
    case NoticeKind.REMINDER:
      return n.serving === ServingState.ALL_UNHEALTHY
        ? `Both sides of ${pair} have been unhealthy for ${lasted}. Route 53 still answers with the primary; users are likely affected.`
        : `${pair} has been failed over for ${lasted}: DNS still answers with the ${where}, and the primary has not recovered.`;
    case NoticeKind.FLAPPING:
      return `${pair} changed side ${n.sideChanges ?? 0} times within ${window}. Every change is still recorded, but side-change notifications are held until the pair has been stable for ${window}; then one summary follows.`;
    case NoticeKind.FLAPPING_ENDED:
      return `${pair} has been stable for ${lasted} and settled on the ${where}. ${plural(covered.length, 'side change was', 'side changes were')} held while it flapped:`;
    case NoticeKind.SILENCE_SUMMARY:
      return `The maintenance window "${n.silence?.reason ?? ''}" for ${pair} is over. ${plural(covered.length, 'transition was', 'transitions were')} recorded during it and not sent; DNS now answers with the ${where}.`;
    case NoticeKind.WATCH_DEGRADED:
      return `Failwatch has not been able to read the health of ${pair} for ${lasted}. It reports no change it cannot see; the last known state is the ${where}. Reason: ${n.detail ?? 'unknown'}.`;
    case NoticeKind.WATCH_RESTORED:
      return `Failwatch can read the health of ${pair} again after ${lasted}; DNS answers with the ${where}.`;
  }
}

function factsFor(n: Notice, zoneName: string): NotificationFact[] {
  const facts: NotificationFact[] = [
    { label: 'Record', value: describePair(n.pairId) },
    { label: 'Zone', value: `${zoneName.replace(/\.$/, '')} (${n.pairId.zoneId})` },
    // A blind watch only knows what it last saw.
    { label: n.kind === NoticeKind.WATCH_DEGRADED ? 'Last known serving' : 'Serving now', value: servingPhrase(n.serving, n.servingValues) },
    { label: n.kind === NoticeKind.WATCH_DEGRADED ? 'Last known since' : 'Serving since', value: n.servingSince },
  ];
  if (n.silence) facts.push({ label: 'Maintenance window', value: `"${n.silence.reason}" (${n.silence.id}) until ${n.silence.until}` });
  facts.push({ label: 'Observed', value: `${n.observedAt} (${n.trigger.kind.toLowerCase()} ${n.trigger.source})` });
  return facts;
}

export function describeCoveredTransition(t: Transition): string {
  const change = t.from === t.to ? `secondary ${t.secondary.verdict.toLowerCase()}` : `${t.from} -> ${t.to} ${t.toValues.join(', ')}`;
  const reference = historyReference(t.pairId, { sequence: t.sequence });
  return `${t.kind} at ${t.observedAt}: ${change} (previous state lasted ${formatDuration(t.previousStateSeconds)}), reference ${reference}`;
}

function footer(n: Notice, reference: string): string {
  const why: Record<Notice['kind'], string> = {
    REMINDER: `Failwatch repeats this reminder every ${formatDuration(n.windowSeconds ?? 0)} while the pair stays failed over or all-unhealthy (setting reminderHours).`,
    FLAPPING: 'Held transitions are in the pair history with status HELD.',
    FLAPPING_ENDED: 'Side-change notifications are sent again from now on.',
    SILENCE_SUMMARY: 'Silenced transitions are in the pair history with status SILENCED and the window noted.',
    WATCH_DEGRADED: 'Sent once per spell; a WATCH_RESTORED notice follows when the pair can be read again.',
    WATCH_RESTORED: 'Failwatch watches this pair normally again.',
  };
  return `${why[n.kind]} ${referenceLine(reference, n.severity)}`;
}

export function noticeSubject(n: Notice, covered: readonly Transition[]): string {
  return toSnsSubject(`${n.kind} ${describePair(n.pairId)}: ${headline(n, covered)}`);
}

/** `covered`: the transitions a summary stands for (FLAPPING_ENDED, SILENCE_SUMMARY); empty otherwise. */
export function renderNotice(n: Notice, covered: readonly Transition[], context: RenderContext & PairValues): OutgoingNotification {
  const subject = noticeSubject(n, covered);
  const reference = historyReference(n.pairId, { noticeKey: n.key });
  const summary = summarySentence(n, covered, context.zoneName);
  const facts = factsFor(n, context.zoneName);
  const listed = covered.slice(0, MAX_TRANSITIONS_LISTED);
  const coveredLines = [
    ...listed.map(describeCoveredTransition),
    ...(covered.length > listed.length ? [`... and ${covered.length - listed.length} more in the pair's history`] : []),
  ];
  const text = [
    summary,
    ...(coveredLines.length > 0 ? ['', ...coveredLines.map((line) => `  ${line}`)] : []),
    '',
    ...facts.map((fact) => `${`${fact.label}:`.padEnd(30)} ${fact.value}`),
    '',
    footer(n, reference),
  ].join('\n');
  const payload: NotificationPayload = {
    schema: NOTIFICATION_SCHEMA,
    id: n.id,
    reference,
    kind: n.kind,
    severity: n.severity,
    subject,
    summary,
    text,
    pair: { ...n.pairId, zoneName: context.zoneName },
    facts,
    evidence: [],
    links: [],
    ...(coveredLines.length > 0 ? { covered: coveredLines } : {}),
    observedAt: n.observedAt,
  };
  return {
    transitionId: n.id,
    subject,
    text,
    payload,
    attributes: { kind: n.kind, severity: n.severity, zone: n.pairId.zoneId, record: n.pairId.name.replace(/\.$/, ''), noticeId: n.id },
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What a configuration risk is, in a few words for a subject line. */
function riskHeadline(risk: ConfigRisk): string {
  switch (risk.reason) {
    case ConfigRiskReason.PRIMARY_CHECK_DISABLED:
      return 'primary check disabled, not inverted';
    case ConfigRiskReason.PRIMARY_CHECK_ALWAYS_HEALTHY:
      return 'primary check always healthy';
    case ConfigRiskReason.PRIMARY_WITHOUT_HEALTH_CHECK:
      return 'primary has no health check';
    case ConfigRiskReason.SECONDARY_ALWAYS_UNHEALTHY:
      return 'secondary always unhealthy';
    case ConfigRiskReason.SAME_ANSWER:
      return 'both records answer the same';
    case ConfigRiskReason.TARGET_HEALTH_UNREADABLE:
      return `${risk.side === undefined ? 'alias' : risk.side.toLowerCase()} target health unreadable`;
  }
}

/** Why the risk matters, after its headline. */
function riskConsequence(risk: ConfigRisk): string {
  switch (risk.reason) {
    case ConfigRiskReason.SECONDARY_ALWAYS_UNHEALTHY:
      return 'standby can never take over';
    case ConfigRiskReason.SAME_ANSWER:
      return 'failover changes nothing';
    case ConfigRiskReason.TARGET_HEALTH_UNREADABLE:
      return 'Failwatch cannot judge it';
    default:
      return 'no failover possible';
  }
}

function configHeadline(n: ConfigNotice): string {
  const what = riskHeadline(n.risk);
  switch (n.kind) {
    case ConfigNoticeKind.DR_HOLE:
    case ConfigNoticeKind.BLIND_SPOT:
      return `${what}: ${riskConsequence(n.risk)}`;
    case ConfigNoticeKind.DR_HOLE_CLOSED:
      return `closed after ${formatDuration(n.lastedSeconds)} (${what})`;
    case ConfigNoticeKind.BLIND_SPOT_CLEARED:
      return `cleared after ${formatDuration(n.lastedSeconds)} (${what})`;
  }
}

function configSummary(n: ConfigNotice, zoneName: string): string {
  const pair = `${describePair(n.pairId)} (zone ${zoneName.replace(/\.$/, '')})`;
  const lasted = `it lasted ${formatDuration(n.lastedSeconds)}, since ${n.openSince}`;
  switch (n.kind) {
    case ConfigNoticeKind.DR_HOLE:
      return `${pair} has a DR hole: ${n.risk.problem}. Failwatch cannot report a failover Route 53 will never make.`;
    case ConfigNoticeKind.BLIND_SPOT:
      return `${pair} has a blind spot: ${n.risk.problem}.`;
    case ConfigNoticeKind.DR_HOLE_CLOSED:
      return `The DR hole of ${pair} is closed (${lasted}). It was: ${n.risk.problem}. Route 53 can fail the pair over again.`;
    case ConfigNoticeKind.BLIND_SPOT_CLEARED:
      return `The blind spot of ${pair} is cleared (${lasted}). It was: ${n.risk.problem}. Failwatch can read the pair's health again.`;
  }
}

function isOpening(n: ConfigNotice): boolean {
  return n.kind === ConfigNoticeKind.DR_HOLE || n.kind === ConfigNoticeKind.BLIND_SPOT;
}

function configFacts(n: ConfigNotice, zoneName: string): NotificationFact[] {
  const { risk } = n;
  return [
    { label: 'Record', value: describePair(n.pairId) },
    { label: 'Zone', value: `${zoneName.replace(/\.$/, '')} (${n.pairId.zoneId})` },
    { label: 'Risk', value: `${risk.kind} ${risk.reason}${risk.side === undefined ? '' : ` (${risk.side.toLowerCase()} side)`}` },
    ...(risk.healthCheckId === undefined ? [] : [{ label: 'Health check', value: risk.healthCheckId }]),
    { label: 'Open since', value: n.openSince },
    ...(isOpening(n) ? [] : [{ label: 'Lasted', value: formatDuration(n.lastedSeconds) }]),
    { label: 'Observed', value: `${n.observedAt} (${n.trigger.kind.toLowerCase()} ${n.trigger.source})` },
  ];
}

function configFooter(n: ConfigNotice): string {
  switch (n.kind) {
    case ConfigNoticeKind.DR_HOLE:
      return 'Sent once when the risk appears; a DR_HOLE_CLOSED notice follows when it is gone.';
    case ConfigNoticeKind.BLIND_SPOT:
      return 'Sent once when the blind spot appears; a BLIND_SPOT_CLEARED notice follows when it is gone.';
    case ConfigNoticeKind.DR_HOLE_CLOSED:
    case ConfigNoticeKind.BLIND_SPOT_CLEARED:
      return 'Nothing to change.';
  }
}

export function configNoticeSubject(n: ConfigNotice): string {
  return toSnsSubject(`${n.kind} ${describePair(n.pairId)}: ${configHeadline(n)}`);
}

/** A configuration notice (DR_HOLE, DR_HOLE_CLOSED, BLIND_SPOT, BLIND_SPOT_CLEARED): what is wrong or was, what to change, since when. */
export function renderConfigNotice(n: ConfigNotice, context: RenderContext): OutgoingNotification {
  const subject = configNoticeSubject(n);
  const reference = historyReference(n.pairId, { noticeKey: n.key });
  const summary = configSummary(n, context.zoneName);
  const facts = configFacts(n, context.zoneName);
  const links: NotificationLink[] = n.risk.healthCheckId === undefined ? [] : [{ label: 'Health check', url: healthCheckConsoleUrl(n.risk.healthCheckId) }];
  const text = [
    summary,
    ...(isOpening(n) ? ['', `What to change: ${n.risk.fix}.`] : []),
    '',
    ...facts.map((fact) => `${`${fact.label}:`.padEnd(30)} ${fact.value}`),
    ...(links.length > 0 ? ['', 'Links:', ...links.map((link) => `  ${link.label}: ${link.url}`)] : []),
    '',
    `${configFooter(n)} ${referenceLine(reference, n.severity)}`,
  ].join('\n');
  const { kind, reason, id, side, healthCheckId, problem, fix } = n.risk;
  const payload: NotificationPayload = {
    schema: NOTIFICATION_SCHEMA,
    id: n.id,
    reference,
    kind: n.kind,
    severity: n.severity,
    subject,
    summary,
    text,
    pair: { ...n.pairId, zoneName: context.zoneName },
    facts,
    evidence: [],
    links,
    risk: {
      kind,
      reason,
      id,
      ...(side === undefined ? {} : { side }),
      ...(healthCheckId === undefined ? {} : { healthCheckId }),
      problem,
      fix,
      status: isOpening(n) ? 'OPEN' : 'CLOSED',
      openSince: n.openSince,
      lastedSeconds: n.lastedSeconds,
    },
    observedAt: n.observedAt,
  };
  return {
    transitionId: n.id,
    subject,
    text,
    payload,
    attributes: { kind: n.kind, severity: n.severity, zone: n.pairId.zoneId, record: n.pairId.name.replace(/\.$/, ''), noticeId: n.id },
  };
}
