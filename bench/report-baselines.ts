/** Part `baseline`'s tables (Failwatch beside the competent poller and, where it can run, the naive sweep; the AWS-native model) and part `storm`'s. */
import { NATIVE_CANNOT_TELL, PRICE_SOURCES, nativeModelRow } from './aws-native-model';
import { NAIVE_MAX_CHECKS, type BaselineSize } from './baseline-bench';
import { mb, NOT_RUN, ratio, renderGrid, route53Cell, usd, wallCell } from './report-format';
import type { StepFigures } from './stand';
import { STORM_CONCURRENCY, type StormFigures } from './storm-bench';
import type { SweepSize } from './sweep-bench';

function cells(step: StepFigures | undefined): string[] {
  if (step === undefined) return [NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN, NOT_RUN];
  return [wallCell(step), route53Cell(step), String(step.cloudWatchCalls), String(step.dynamoCalls), String(step.dynamoWrites), String(step.snsCalls)];
}

/** (b) ÷ Failwatch: wall, Route 53 + CloudWatch calls, DynamoDB calls. */
function ratioCells(failwatch: StepFigures | undefined, baseline: StepFigures | undefined): string[] {
  if (failwatch === undefined || baseline === undefined || failwatch.error !== undefined || baseline.error !== undefined) return [NOT_RUN, NOT_RUN, NOT_RUN];
  return [
    ratio(baseline.wallMs, failwatch.wallMs),
    ratio(baseline.route53Calls + baseline.cloudWatchCalls, failwatch.route53Calls + failwatch.cloudWatchCalls),
    ratio(baseline.dynamoCalls, failwatch.dynamoCalls),
  ];
}

export function renderBaselineTable(sweeps: readonly SweepSize[], baselines: readonly BaselineSize[]): string {
  const header = ['checks', 'run', 'who', 'wall s', 'R53', 'CW', 'DDB', 'DDB wr', 'SNS', '(b)÷FW wall', '(b)÷FW R53+CW', '(b)÷FW DDB'];
  const rows: string[][] = [];
  for (const b of baselines) {
    const s = sweeps.find((size) => size.checks === b.checks);
    const add = (run: string, who: string, step: StepFigures | undefined, ratios: string[] = ['', '', '']) => rows.push([String(b.checks), run, who, ...cells(step), ...ratios]);
    add('first run, empty table', 'Failwatch', s?.listingSweep);
    add('', '(b) competent poller', b.competent.firstRun, ratioCells(s?.listingSweep, b.competent.firstRun));
    add('steady', 'Failwatch', s?.steady);
    add('', '(b) competent poller', b.competent.steady, ratioCells(s?.steady, b.competent.steady));
    if (b.naive !== undefined) add('', 'naive sweep', b.naive.steady, ratioCells(s?.steady, b.naive.steady));
    add(`change ${b.changedChecks} (1%)`, 'Failwatch', s?.change);
    add('', '(b) competent poller', b.competent.change, ratioCells(s?.change, b.competent.change));
    if (b.naive !== undefined) add('', 'naive sweep', b.naive.change, ratioCells(s?.change, b.naive.change));
  }
  return renderGrid(header, rows, new Set([1, 2]));
}

export const BASELINE_NOTES = [
  '(b) competent poller = bench/competent-poller.ts: lists Route 53 every run (no cache), GetMetricData 500 checks a call, states read 100 a BatchGetItem, writes only on change; no evidence, DNS answer, notices or outbox. Same clients, bundling, flags and timeout as poll.',
  `naive sweep = bench/naive-sweep.ts (GetHealthCheckStatus for every check at 1 a second, GetItem + PutItem per pair): measured only up to ${NAIVE_MAX_CHECKS} checks, where it fits poll's 60 s; never extrapolated.`,
  'Failwatch\'s "first run" is its cold sweep that completed the listing on an empty table (row "cold, no stored listing"); (b)÷FW > 1× means the baseline needs more.',
];

export function renderNativeModel(checks: readonly number[]): string {
  const header = ['checks', '(a) alarms / month', '(a) per notification', '(a) setup calls', 'Failwatch default / month (alarms + sweep every 5 min)', 'sweep every minute / month (Failwatch alarms off, or (b))'];
  const rows = checks.map((n) => {
    const m = nativeModelRow(n);
    return [String(n), usd(m.alarmsMonthlyUsd), `$${m.perNotificationUsd.toFixed(5)}`, `${m.setupCalls} PutMetricAlarm`, usd(m.failwatchDefaultMonthlyUsd), usd(m.pollEveryMinuteMonthlyUsd)];
  });
  return [
    renderGrid(header, rows, new Set()),
    '',
    '  A MODEL from list prices, not a measurement: (a) = one standard-resolution CloudWatch alarm per health check on AWS/Route53 HealthCheckStatus → SNS topic → email.',
    '  It makes no API call per minute (CloudWatch evaluates the alarms), so it has no sweep to time. Sweep costs count GetMetricData only (one metric per check a sweep); Lambda and DynamoDB are not modelled.',
    ...PRICE_SOURCES.map((source) => `  Prices: ${source}`),
    '  What (a) cannot tell → what Failwatch does:',
    ...NATIVE_CANNOT_TELL.map(([missing, instead]) => `    - ${missing} → ${instead}`),
  ].join('\n');
}

export function renderStorm(storm: StormFigures): string {
  const lines = [`  ${storm.failing} of ${storm.checks} checks' primaries fail at once (a second, disjoint ${storm.failing} for the sweep).`];
  const a = storm.alarms;
  if (a !== undefined) {
    const ops = Object.entries(a.route53ByOperation).map(([op, c]) => `${op} ${c.answered}${c.throttled > 0 ? ` (+${c.throttled} thr)` : ''}`).join(', ') || 'none';
    lines.push(
      `  (a) through alarms: ${a.invocations} invocations, at most ${STORM_CONCURRENCY} at once, ${a.containers} containers started (cold); real clock.`,
      `      last notification ${a.lastNotificationSeconds?.toFixed(1) ?? 'n/a'} s after the first event; all invocations done after ${a.wallSeconds.toFixed(1)} s; one invocation: median ${a.invocationSeconds.median.toFixed(2)} s, max ${a.invocationSeconds.max.toFixed(2)} s.`,
      `      ${a.transitionsRecorded} transitions recorded; pairs notified once ${a.pairsNotifiedOnce}, twice or more ${a.pairsNotifiedTwiceOrMore}, not at all ${a.pairsNotNotified}; ${a.notificationsPending} left pending; ${a.errors} errors (${a.timedOut} timeouts), ${a.unfinishedPairs} pairs unfinished${a.firstError ? `; first error: ${a.firstError}` : ''}${a.firstUnfinished ? `; first unfinished pair: ${a.firstUnfinished}` : ''}.`,
      `      Route 53: ${ops}; ${a.route53ThrottledUnretried} calls left throttled after the SDK's retries. CloudWatch: ${a.cloudWatchCalls} GetMetricData (+${a.cloudWatchThrottled} throttled). DynamoDB ${a.dynamoCalls}, SNS ${a.snsCalls}.`,
      `      Evidence: ${a.messagesWithEvidence} FAILOVER messages carry checker evidence, ${a.messagesWithEvidenceNote} say why it is missing${a.sampleEvidenceNote ? ` (e.g. "${a.sampleEvidenceNote}")` : ''}. Peak RSS of an alarm container ${mb(a.peakRssMb)} MB.`,
      `      The sweep after the storm recorded ${storm.sweepAfterAlarms?.result['transitionsRecorded'] ?? 'n/a'} transitions and made ${storm.sweepAfterAlarms?.snsCalls ?? 'n/a'} SNS calls: what the alarms left unrecorded or unsent (0 and 0 when they left nothing).`,
      `      On this 2-core machine, ${STORM_CONCURRENCY} Node processes starting and running at once measure the machine as much as Failwatch: on Lambda each container has its own CPU.`,
    );
  }
  if (storm.sweep !== undefined) {
    const { first, second } = storm.sweep;
    lines.push(
      `  (b) through the sweep: the first sweep recorded ${storm.sweep.recordedByFirst} in ${first === undefined ? 'n/a' : wallCell(first)} s (${first?.snsCalls ?? 'n/a'} SNS calls), the second took ${second === undefined ? 'n/a' : wallCell(second)} s (${second?.snsCalls ?? 'n/a'} SNS calls); ${storm.sweep.sentWithinTwo} of ${storm.failing} sent within two sweeps.`,
    );
  }
  return lines.join('\n');
}
