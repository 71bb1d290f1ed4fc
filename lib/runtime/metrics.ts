/**
 * Failwatch's own metrics (docs/self-monitoring.md): Powertools Metrics, written once per invocation as
 * one line in CloudWatch's embedded metric format (EMF) on stdout, which CloudWatch Logs turns into
 * metrics. No PutMetricData call, so no permission and no request cost.
 *
 * Namespace `Failwatch`; dimensions `service` (POWERTOOLS_SERVICE_NAME, `failwatch-<stage>` as deployed)
 * and `function` (poll, alarm, slack); never a pair. Names and units are the ones agreed for the
 * operator console and `failwatch doctor`.
 *
 * A custom metric is billed for each hour it receives data, so only what must always have a value is
 * always sent: the sweep's heartbeat and gauges (SweepsCompleted, PairsWatched, PairsUnknown,
 * NotificationsPending, OldestPendingNotificationAgeSeconds), from poll alone, which sees every pair.
 * The counts of things that happened (TransitionsRecorded, NotificationsSent, PublishFailures,
 * Route53Throttles) are sent only when not 0: a Sum over no data is 0, and the alarms treat it so.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FailwatchMetric, METRICS_NAMESPACE, MetricsDimension, type MetricsFunction } from '../metric-names';
import { route53ThrottlesSoFar } from './invocation';
import type { RunResult } from '../usecases/run-result';

const UNITS: Readonly<Record<FailwatchMetric, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  SweepsCompleted: MetricUnit.Count,
  PairsWatched: MetricUnit.Count,
  PairsUnknown: MetricUnit.Count,
  TransitionsRecorded: MetricUnit.Count,
  NotificationsSent: MetricUnit.Count,
  NotificationsPending: MetricUnit.Count,
  OldestPendingNotificationAgeSeconds: MetricUnit.Seconds,
  PublishFailures: MetricUnit.Count,
  Route53Throttles: MetricUnit.Count,
};

/** One invocation's values; a count left out (or 0, for the counts below) is not sent. */
export type MetricFigures = Partial<Record<FailwatchMetric, number>>;

/** Reads POWERTOOLS_SERVICE_NAME (the `service` dimension) and POWERTOOLS_METRICS_DISABLED when built. */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE });
}

/** One per container, like the logger (lib/runtime/logger.ts). */
export const metrics = createMetrics();

/** Counts of things that happened: sent only when not 0. */
const COUNTS_OF_EVENTS: ReadonlySet<FailwatchMetric> = new Set([
  FailwatchMetric.TRANSITIONS_RECORDED,
  FailwatchMetric.NOTIFICATIONS_SENT,
  FailwatchMetric.PUBLISH_FAILURES,
  FailwatchMetric.ROUTE53_THROTTLES,
]);

/**
 * Writes one invocation's figures as one EMF line and clears them. Synchronous from the first metric to
 * the flush, so invocations running at once in one process (tests, the bench) never mix their figures.
 */
export function publishInvocationMetrics(sink: Metrics, fn: MetricsFunction, figures: MetricFigures): void {
  const sent = Object.entries(figures).filter(([name, value]) => value !== undefined && !(value === 0 && COUNTS_OF_EVENTS.has(name as FailwatchMetric)));
  if (sent.length === 0) return;
  sink.addDimension(MetricsDimension.FUNCTION, fn);
  for (const [name, value] of sent) sink.addMetric(name, UNITS[name as FailwatchMetric], value as number);
  sink.publishStoredMetrics();
}

/**
 * Runs a poll or alarm invocation's work and publishes its metrics once, whether it succeeds or fails:
 * what `figuresOf` reads in its result, and the Route 53 throttles it met (counted by the Route 53
 * client, lib/aws/sdk-clients.ts). Call it inside `withinInvocation`, where those are counted.
 */
export async function withInvocationMetrics<T>(sink: Metrics, fn: MetricsFunction, work: () => Promise<T>, figuresOf: (result: T) => MetricFigures): Promise<T> {
  let figures: MetricFigures = {};
  try {
    const result = await work();
    figures = figuresOf(result);
    return result;
  } finally {
    publishInvocationMetrics(sink, fn, { ...figures, [FailwatchMetric.ROUTE53_THROTTLES]: route53ThrottlesSoFar() });
  }
}

/** What the sweep adds on top of its run: the outboxes of pairs gone from Route 53, which it also finished. */
export interface SweepExtras {
  readonly vanished?: { readonly sent: number; readonly pending: number; readonly failures?: readonly unknown[] } | undefined;
}

/** A finished sweep: its heartbeat, the gauges (always), and what happened (when anything did). */
export function sweepFigures(result: RunResult, extras: SweepExtras = {}): MetricFigures {
  const vanished = extras.vanished;
  return {
    [FailwatchMetric.SWEEPS_COMPLETED]: 1,
    [FailwatchMetric.PAIRS_WATCHED]: result.pairsWatched,
    [FailwatchMetric.PAIRS_UNKNOWN]: result.unknownPairs.length,
    [FailwatchMetric.NOTIFICATIONS_PENDING]: result.notificationsPending + (vanished?.pending ?? 0),
    [FailwatchMetric.OLDEST_PENDING_NOTIFICATION_AGE_SECONDS]: result.oldestPendingSeconds ?? 0,
    ...eventCounts(result, vanished),
  };
}

/** An alarm run: only what happened (the gauges are the sweep's, which sees every pair). */
export function alarmFigures(result: RunResult | { readonly skipped: string }): MetricFigures {
  return 'skipped' in result ? {} : eventCounts(result, undefined);
}

function eventCounts(result: RunResult, vanished: SweepExtras['vanished']): MetricFigures {
  return {
    [FailwatchMetric.TRANSITIONS_RECORDED]: result.transitionsRecorded,
    [FailwatchMetric.NOTIFICATIONS_SENT]: result.notificationsSent + (vanished?.sent ?? 0),
    [FailwatchMetric.PUBLISH_FAILURES]: (result.publishFailures?.length ?? 0) + (vanished?.failures?.length ?? 0),
  };
}
