/**
 * Baseline (a): the setup a user would otherwise build, one CloudWatch alarm per Route 53 health check
 * (AWS/Route53 HealthCheckStatus < 1) whose actions publish to an SNS topic. It has no sweep to time, so
 * it is a MODEL, not a measurement: monthly cost from public list prices, API calls, and what it cannot tell.
 * The same prices give Failwatch's and the competent poller's own CloudWatch bill beside it.
 */

/** US East (N. Virginia) list prices, as read on 2026-12-06 (see PRICE_SOURCES); no free tier counted, as in docs/cost-and-detection-delay.md. */
export const PRICES = {
  /** A standard-resolution alarm on one metric, per month (the free tier's 10 alarm metrics are not counted). */
  standardAlarmMonth: 0.1,
  /** GetMetricData, per metric requested (every sweep reads one per health check). */
  getMetricDataPerMetric: 0.01 / 1000,
  /** SNS standard topic: per publish; per email delivery. */
  snsPublish: 0.5 / 1_000_000,
  snsEmailDelivery: 2 / 100_000,
} as const;

export const PRICE_SOURCES = [
  'CloudWatch: https://aws.amazon.com/cloudwatch/pricing/ (standard-resolution alarm $0.10 per alarm metric-month; GetMetricData $0.01 per 1,000 metrics requested); read 2026-12-06; free tiers not counted',
  'SNS: $0.50 per million publishes, email $2.00 per 100,000 deliveries: https://aws.amazon.com/sns/pricing/, as summarised 2026-06-13 by https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/; read 2026-12-06',
] as const;

const MINUTES_A_MONTH = 30 * 24 * 60;

export interface NativeModelRow {
  readonly checks: number;
  /** One alarm per health check. */
  readonly alarmsMonthlyUsd: number;
  /** What a notification costs (publish + one email delivery); the alarm setup sends one per alarm state change, ALARM and OK. */
  readonly perNotificationUsd: number;
  /** API calls to keep it running: none per minute (CloudWatch evaluates alarms itself); one PutMetricAlarm per check to set up. */
  readonly setupCalls: number;
  /** A sweep's GetMetricData bill a month, for Failwatch (and the competent poller) at a sweep a minute (alarms off) and every 5 minutes (alarms on). */
  readonly pollEveryMinuteMonthlyUsd: number;
  /** Failwatch's default: its own alarm per check plus a sweep every 5 minutes. */
  readonly failwatchDefaultMonthlyUsd: number;
}

export function nativeModelRow(checks: number): NativeModelRow {
  const alarms = checks * PRICES.standardAlarmMonth;
  const sweepMetrics = (sweepsAMonth: number) => checks * sweepsAMonth * PRICES.getMetricDataPerMetric;
  return {
    checks,
    alarmsMonthlyUsd: alarms,
    perNotificationUsd: PRICES.snsPublish + PRICES.snsEmailDelivery,
    setupCalls: checks,
    pollEveryMinuteMonthlyUsd: sweepMetrics(MINUTES_A_MONTH),
    failwatchDefaultMonthlyUsd: alarms + sweepMetrics(MINUTES_A_MONTH / 5),
  };
}

/** What the alarm-per-check setup cannot tell, each beside what Failwatch does instead. */
export const NATIVE_CANNOT_TELL: readonly (readonly [string, string])[] = [
  ['which side DNS serves: an alarm is about one health check, not a failover pair', 'decides the pair\'s side with Route 53\'s rules, and asks TestDNSAnswer for the transitions it records'],
  ['failback and how long traffic stayed on the secondary', 'FAILBACK with the time spent on the secondary'],
  ['standby lost: the secondary failing while the primary serves is one more alarm, not "your safety net is gone"', 'STANDBY_LOST / STANDBY_RESTORED'],
  ['both sides down (Route 53 then answers with the primary)', 'ALL_UNHEALTHY'],
  ['disabled / inverted checks: a maintenance failover (disable + invert) is an alarm on a metric that may still read healthy, or none', 'judges disabled and inverted checks by Route 53\'s order of rules'],
  ['silent DR holes: a primary without a check, a disabled check, an alias whose health is not published', 'DR_HOLE / BLIND_SPOT notices'],
  ['evidence: which regions fail and why', 'GetHealthCheckStatus evidence in the message (while its rate allows)'],
  ['history: a queryable record per pair', 'transitions in DynamoDB with evidence and SNS message id'],
];
