/**
 * The names of Failwatch's own metrics (notes/METRICS.md, docs/self-monitoring.md), in one place for the
 * functions that emit them (lib/runtime/metrics.ts, through Powertools) and the operator console that
 * reads them (lib/aws/cloudwatch/sweep-metrics.ts). Imports nothing, so an adapter can use the names
 * without pulling in Powertools.
 */
export const METRICS_NAMESPACE = 'Failwatch';

export const FailwatchMetric = {
  SWEEPS_COMPLETED: 'SweepsCompleted',
  PAIRS_WATCHED: 'PairsWatched',
  PAIRS_UNKNOWN: 'PairsUnknown',
  TRANSITIONS_RECORDED: 'TransitionsRecorded',
  NOTIFICATIONS_SENT: 'NotificationsSent',
  NOTIFICATIONS_PENDING: 'NotificationsPending',
  OLDEST_PENDING_NOTIFICATION_AGE_SECONDS: 'OldestPendingNotificationAgeSeconds',
  PUBLISH_FAILURES: 'PublishFailures',
  ROUTE53_THROTTLES: 'Route53Throttles',
} as const;
export type FailwatchMetric = (typeof FailwatchMetric)[keyof typeof FailwatchMetric];

/** The dimensions on every metric: `service` (POWERTOOLS_SERVICE_NAME, which Powertools adds itself) and `function`. */
export const MetricsDimension = { SERVICE: 'service', FUNCTION: 'function' } as const;
export type MetricsDimension = (typeof MetricsDimension)[keyof typeof MetricsDimension];

/** The `function` dimension's values. */
export const MetricsFunction = { POLL: 'poll', ALARM: 'alarm', SLACK: 'slack' } as const;
export type MetricsFunction = (typeof MetricsFunction)[keyof typeof MetricsFunction];
