// @ts-check
/**
 * The body of the stage's CloudWatch dashboard (serverless.yml, resource Dashboard; docs/self-monitoring.md):
 * what Failwatch does (sweeps, transitions, pending notifications, unknown pairs, publish failures), how
 * each function runs (errors, throttles, duration), the dead letters waiting, and Route 53's own verdict
 * for every health check (HealthCheckStatus, through a search expression: at most 500 checks).
 *
 * Returned as the JSON text CloudFormation wants, for Fn::Sub: ${AWS::Region} and
 * ${DeadLetterQueue.QueueName} are filled in by CloudFormation.
 *
 * Plain CommonJS: osls `require`s this file and calls the function it exports while it reads serverless.yml.
 */
'use strict';

/** The metrics of Failwatch's own namespace (lib/runtime/metrics.ts) carry these two dimensions. */
const NAMESPACE = 'Failwatch';
/** Route 53 publishes HealthCheckStatus in us-east-1 only. */
const ROUTE53_METRICS_REGION = 'us-east-1';
/** What one search expression returns at most (CloudWatch's limit). */
const SEARCH_SERIES_MAX = 500;

/**
 * @param {{ resolveVariable: (variable: string) => Promise<unknown>, resolveConfigurationProperty: (path: readonly string[]) => Promise<unknown> }} resolver
 * @returns {Promise<string>}
 */
module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const stage = String(await resolveVariable('sls:stage'));
  const interval = Number(await resolveConfigurationProperty(['custom', 'pollIntervalSeconds']));
  const slack = String(await resolveVariable('param:slackEnabled')) === 'true';
  const service = `failwatch-${stage}`;
  const functions = ['poll', 'alarm', ...(slack ? ['slack'] : [])];
  /** @param {string} name @param {string} fn @param {Record<string, unknown>} options */
  const own = (name, fn, options) => [NAMESPACE, name, 'service', service, 'function', fn, { label: fn, ...options }];
  /** @param {string} name @param {string} fn @param {Record<string, unknown>} options */
  const lambda = (name, fn, options) => ['AWS/Lambda', name, 'FunctionName', `failwatch-${stage}-${fn}`, { label: `${fn} ${name}`, ...options }];
  /** @param {string} title @param {number} x @param {number} y @param {number} width @param {unknown[]} metrics @param {Record<string, unknown>} [extra] */
  const graph = (title, x, y, width, metrics, extra = {}) => ({
    type: 'metric',
    x,
    y,
    width,
    height: 6,
    properties: { title, view: 'timeSeries', region: '${AWS::Region}', period: 300, metrics, ...extra },
  });

  const widgets = [
    graph(`Sweeps completed per sweep interval (${interval / 60} min): fewer than 1 in 3 intervals running alarms`, 0, 0, 8, [own('SweepsCompleted', 'poll', { stat: 'Sum', period: interval })]),
    graph('Transitions recorded', 8, 0, 8, ['poll', 'alarm'].map((fn) => own('TransitionsRecorded', fn, { stat: 'Sum' }))),
    graph('Notifications pending, and how long the oldest has waited (s)', 16, 0, 8, [
      own('NotificationsPending', 'poll', { stat: 'Maximum', label: 'pending' }),
      own('OldestPendingNotificationAgeSeconds', 'poll', { stat: 'Maximum', label: 'oldest waiting (s)', yAxis: 'right' }),
    ], { annotations: { horizontal: [{ label: 'alarm: 10 minutes', value: 600, yAxis: 'right' }] } }),
    graph('Pairs watched, and pairs Failwatch cannot judge', 0, 6, 8, [
      own('PairsWatched', 'poll', { stat: 'Maximum', label: 'watched' }),
      own('PairsUnknown', 'poll', { stat: 'Maximum', label: 'unknown' }),
    ]),
    graph('Publish failures and Route 53 throttles', 8, 6, 8, [
      ...functions.map((fn) => own('PublishFailures', fn, { stat: 'Sum', label: `${fn} publish failures` })),
      ...['poll', 'alarm'].map((fn) => own('Route53Throttles', fn, { stat: 'Sum', label: `${fn} Route 53 throttles` })),
    ]),
    graph('Dead letters waiting', 16, 6, 8, [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', '${DeadLetterQueue.QueueName}', { stat: 'Maximum', label: 'waiting' }]]),
    graph('Errors and throttles per function', 0, 12, 12, functions.flatMap((fn) => [lambda('Errors', fn, { stat: 'Sum' }), lambda('Throttles', fn, { stat: 'Sum' })])),
    graph('Duration per function (ms)', 12, 12, 12, functions.flatMap((fn) => [lambda('Duration', fn, { stat: 'Average', label: `${fn} average` }), lambda('Duration', fn, { stat: 'Maximum', label: `${fn} maximum` })])),
    {
      type: 'metric',
      x: 0,
      y: 18,
      width: 24,
      height: 8,
      properties: {
        title: `Route 53's verdict per health check: HealthCheckStatus, 1 healthy, 0 unhealthy (the first ${SEARCH_SERIES_MAX} checks that reported in the last 2 weeks)`,
        view: 'timeSeries',
        region: ROUTE53_METRICS_REGION,
        period: 60,
        stat: 'Minimum',
        metrics: [[{ id: 'checks', expression: "SEARCH('{AWS/Route53,HealthCheckId} MetricName=\"HealthCheckStatus\"', 'Minimum', 60)", label: '' }]],
        yAxis: { left: { min: 0, max: 1 } },
      },
    },
  ];
  return JSON.stringify({ widgets });
};
