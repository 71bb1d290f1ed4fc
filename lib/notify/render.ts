/**
 * What to say about a transition: subject, email text and the structured payload.
 * Pure functions of the transition; how it is delivered is the notifier's business.
 */
import {
  describePair,
  servedRole,
  TransitionKind,
  Verdict,
  type Evidence,
  type KnownServingState,
  type SideHealth,
  type Transition,
} from '../domain/model';
import type { OutgoingNotification } from '../ports';
import { NOTIFICATION_SCHEMA, type NotificationLink, type NotificationPayload } from './payload';
import { historyReference } from './reference';

/** SNS rejects a Subject of 100 characters or more. */
export const MAX_SUBJECT_LENGTH = 99;
const MAX_REPORTS_LISTED = 10;

export interface RenderContext {
  readonly zoneName: string;
}

export interface PairValues {
  readonly primaryValues: readonly string[];
  readonly secondaryValues: readonly string[];
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(Boolean);
  return parts.slice(0, 2).join(' ');
}

function sideName(state: KnownServingState): string {
  return servedRole(state) === 'PRIMARY' ? 'primary' : 'secondary';
}

function addresses(values: readonly string[]): string {
  return values.length > 0 ? values.join(', ') : '(no values)';
}

/** The headline after the record name, e.g. `now serving secondary 10.0.1.1`. */
function headline(t: Transition, pairValues: PairValues): string {
  const standby = addresses(pairValues.secondaryValues);
  const to = addresses(t.toValues);
  const lasted = formatDuration(t.previousStateSeconds);
  switch (t.kind) {
    case TransitionKind.FAILOVER:
      return `now serving secondary ${to}`;
    case TransitionKind.FAILBACK:
      return t.primary.verdict === Verdict.UNKNOWN
        ? `primary ${to} again, secondary down, primary health unknown`
        : `back on primary ${to} after ${lasted} on secondary`;
    case TransitionKind.STANDBY_LOST:
      return `secondary ${standby} unhealthy, no standby`;
    case TransitionKind.STANDBY_RESTORED:
      return `secondary ${standby} healthy again after ${lasted}`;
    case TransitionKind.ALL_UNHEALTHY:
      return `primary and secondary unhealthy, DNS fails open to primary ${to}`;
    case TransitionKind.ALL_UNHEALTHY_CLEARED:
      return t.to === 'SECONDARY' ? `secondary healthy again, now serving secondary ${to}` : `primary healthy again, serving primary ${to}`;
  }
}

/** SNS Subject rules: ASCII, no line breaks, under 100 characters. */
export function toSnsSubject(raw: string): string {
  const ascii = raw
    .normalize('NFKD')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3).trimEnd()}...`;
}

export function transitionSubject(t: Transition, pairValues: PairValues): string {
  return toSnsSubject(`${t.kind} ${describePair(t.pairId)}: ${headline(t, pairValues)}`);
}

function summarySentence(t: Transition, zoneName: string): string {
  const pair = `${describePair(t.pairId)} (zone ${zoneName.replace(/\.$/, '')})`;
  const from = `${sideName(t.from)} ${addresses(t.fromValues)}`;
  const to = `${sideName(t.to)} ${addresses(t.toValues)}`;
  switch (t.kind) {
    case TransitionKind.FAILOVER:
      return `Route 53 failed over ${pair}: the primary is unhealthy, DNS now answers with the ${to}.`;
    case TransitionKind.FAILBACK:
      // Recorded with the primary's health unknown only because the secondary is unhealthy: DNS answers with
      // the primary either way, so that much is certain, and the primary's recovery is not.
      return t.primary.verdict === Verdict.UNKNOWN
        ? `DNS answers with the ${to} of ${pair} again (it served the ${from} for ${formatDuration(t.previousStateSeconds)}): the secondary is unhealthy, and Route 53 then answers with the primary whether it is healthy or not. Failwatch cannot tell whether the primary has recovered; its health is unknown.`
        : `Route 53 failed back ${pair}: the primary is healthy again and DNS answers with the ${to} (it served the ${from} for ${formatDuration(t.previousStateSeconds)}).`;
    case TransitionKind.STANDBY_LOST:
      return `The standby of ${pair} is unhealthy. The primary still serves, but if it fails now there is nothing to fail over to.`;
    case TransitionKind.STANDBY_RESTORED:
      return `The standby of ${pair} is healthy again: failover is possible once more.`;
    case TransitionKind.ALL_UNHEALTHY:
      return `Both sides of ${pair} are unhealthy. Route 53 treats all records as healthy and answers with the ${to}; users are likely affected.`;
    case TransitionKind.ALL_UNHEALTHY_CLEARED:
      return `${pair} has a healthy side again: DNS answers with the ${to}.`;
  }
}

export function healthCheckConsoleUrl(healthCheckId: string): string {
  return `https://console.aws.amazon.com/route53/healthchecks/home#/details/${encodeURIComponent(healthCheckId)}`;
}

export function healthMetricConsoleUrl(healthCheckId: string): string {
  const graph = `(metrics~(~(~'AWS*2fRoute53~'HealthCheckStatus~'HealthCheckId~'${healthCheckId}))~region~'us-east-1~stat~'Minimum~period~60)`;
  return `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#metricsV2:graph=${encodeURIComponent(graph)}`;
}

function linksFor(t: Transition): NotificationLink[] {
  const links: NotificationLink[] = [];
  for (const [label, side] of [['Primary', t.primary], ['Secondary', t.secondary]] as const) {
    if (!side.healthCheckId) continue;
    links.push({ label: `${label} health check`, url: healthCheckConsoleUrl(side.healthCheckId) });
    links.push({ label: `${label} HealthCheckStatus metric`, url: healthMetricConsoleUrl(side.healthCheckId) });
  }
  return links;
}

/** The one line a message carries when the checkers' reports were asked for and not read: why, and where to look instead. */
export function checkerEvidenceNote(reason: string): string {
  return `Checker evidence not read: ${reason}; see the health check in the console.`;
}

/** Checkers failing for the same reason are one line: eight identical timeouts are one fact, not eight. */
function evidenceLines(evidence: Evidence): string[] {
  const lines: string[] = [];
  if (evidence.checkersTotal !== undefined) {
    lines.push(`Checkers reporting healthy: ${evidence.checkersHealthy ?? 0} of ${evidence.checkersTotal}`);
  }
  if (evidence.percentageHealthy !== undefined) lines.push(`HealthCheckPercentageHealthy: ${evidence.percentageHealthy}%`);
  if (evidence.checkersNotRead !== undefined) lines.push(checkerEvidenceNote(evidence.checkersNotRead));
  const regionsByReport = new Map<string, string[]>();
  for (const failing of evidence.failingRegions) {
    regionsByReport.set(failing.statusReport, [...(regionsByReport.get(failing.statusReport) ?? []), failing.region]);
  }
  const groups = [...regionsByReport].slice(0, MAX_REPORTS_LISTED);
  for (const [report, regions] of groups) lines.push(`Failing in ${regions.join(', ')}: ${report}`);
  if (regionsByReport.size > groups.length) lines.push(`... and ${regionsByReport.size - groups.length} more distinct failure reports`);
  return lines;
}

/** One line of a side's health for a terminal (`failwatch status`): the rule that decided (and its check), then the evidence lines joined. */
export function evidenceSummary(side: SideHealth): string {
  return [`${side.basis}${side.healthCheckId ? ` (health check ${side.healthCheckId})` : ''}`, ...evidenceLines(side.evidence)].join('; ');
}

function sideBlock(label: string, side: SideHealth, values: readonly string[]): string[] {
  const check = side.healthCheckId ? `health check ${side.healthCheckId}` : 'no health check';
  return [
    `${label} (${addresses(values)}): ${side.verdict}, ${check}`,
    `  ${side.basis}`,
    ...evidenceLines(side.evidence).map((line) => `  ${line}`),
  ];
}

function factsFor(t: Transition, zoneName: string): { label: string; value: string }[] {
  const lasted = t.kind === 'STANDBY_LOST' || t.kind === 'STANDBY_RESTORED' ? 'Standby was in its last state' : `Time on ${sideName(t.from)}`;
  return [
    { label: 'Record', value: describePair(t.pairId) },
    { label: 'Zone', value: `${zoneName.replace(/\.$/, '')} (${t.pairId.zoneId})` },
    { label: 'Serving now', value: `${sideName(t.to)} ${addresses(t.toValues)}` },
    { label: 'Served before', value: `${sideName(t.from)} ${addresses(t.fromValues)}` },
    { label: lasted, value: formatDuration(t.previousStateSeconds) },
    { label: 'Observed', value: `${t.observedAt} (${t.trigger.kind.toLowerCase()} ${t.trigger.source})` },
    ...(t.confirmation ? [{ label: 'Confirmed', value: `on ${t.confirmation.observations} consecutive observations, first seen ${t.confirmation.firstSeenAt}` }] : []),
  ];
}

/** The last words of every message: the reference a person quotes to find the entry in the history later. */
export function referenceLine(reference: string, severity: string): string {
  return `Reference: ${reference} (${severity}).`;
}

export function renderTransition(t: Transition, context: RenderContext & PairValues): OutgoingNotification {
  const subject = transitionSubject(t, context);
  const reference = historyReference(t.pairId, { sequence: t.sequence });
  const summary = summarySentence(t, context.zoneName);
  const facts = factsFor(t, context.zoneName);
  const links = linksFor(t);
  // What Route 53 answered when the change was recorded, right under what Failwatch decided.
  const dns = t.dnsAnswer;
  const text = [
    summary,
    ...(dns ? ['', dns.sentence] : []),
    '',
    ...facts.map((fact) => `${`${fact.label}:`.padEnd(30)} ${fact.value}`),
    '',
    ...sideBlock('Primary', t.primary, context.primaryValues),
    '',
    ...sideBlock('Secondary', t.secondary, context.secondaryValues),
    ...(links.length > 0 ? ['', 'Links:', ...links.map((link) => `  ${link.label}: ${link.url}`)] : []),
    '',
    `Failwatch keeps this change and its evidence in its history. ${referenceLine(reference, t.severity)}`,
  ].join('\n');
  const payload: NotificationPayload = {
    schema: NOTIFICATION_SCHEMA,
    id: t.id,
    reference,
    kind: t.kind,
    severity: t.severity,
    subject,
    summary,
    text,
    pair: { ...t.pairId, zoneName: context.zoneName },
    facts,
    evidence: [
      { side: 'primary', healthCheckId: t.primary.healthCheckId, evidence: t.primary.evidence },
      { side: 'secondary', healthCheckId: t.secondary.healthCheckId, evidence: t.secondary.evidence },
    ],
    links,
    ...(dns ? { dnsAnswer: { status: dns.status, ...(dns.values ? { values: dns.values } : {}), sentence: dns.sentence } } : {}),
    observedAt: t.observedAt,
  };
  return {
    transitionId: t.id,
    subject,
    text,
    payload,
    attributes: {
      kind: t.kind,
      severity: t.severity,
      zone: t.pairId.zoneId,
      record: t.pairId.name.replace(/\.$/, ''),
      transitionId: t.id,
    },
  };
}
