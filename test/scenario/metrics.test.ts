/**
 * Failwatch's own metrics, as CloudWatch receives them: the embedded-metric-format (EMF) lines the real
 * handlers write to stdout, read back and checked for namespace, dimensions, names, units and values.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { NotFoundException } from '@aws-sdk/client-sns';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { createHandler as createSlackHandler } from '../../handlers/slack';
import { NotifierError } from '../../lib/errors';
import { createMetrics } from '../../lib/runtime/metrics';
import { buildWatchDeps } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { captureOutput } from '../support/output-capture';
import { loadSnsNotificationEvent } from '../support/slack-fixtures';

const SERVICE = 'failwatch-test';

interface EmfLine {
  readonly _aws: { readonly Timestamp: number; readonly CloudWatchMetrics: readonly { readonly Namespace: string; readonly Dimensions: readonly (readonly string[])[]; readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

/** Metrics on, as deployed (the test setup turns the shared instance off), with this stage's service name. */
function metricsOn(): Metrics {
  const saved = { disabled: process.env['POWERTOOLS_METRICS_DISABLED'], service: process.env['POWERTOOLS_SERVICE_NAME'] };
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
  process.env['POWERTOOLS_SERVICE_NAME'] = SERVICE;
  try {
    return createMetrics();
  } finally {
    for (const [key, value] of [['POWERTOOLS_METRICS_DISABLED', saved.disabled], ['POWERTOOLS_SERVICE_NAME', saved.service]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The EMF lines written while `work` ran (and whether it succeeded). */
async function emfOf(work: () => Promise<unknown>): Promise<{ readonly ok: boolean; readonly lines: EmfLine[] }> {
  const output = captureOutput();
  try {
    const [settled] = await Promise.allSettled([work()]);
    return { ok: settled.status === 'fulfilled', lines: output.jsonLines().filter((line): line is EmfLine => '_aws' in line) };
  } finally {
    output.restore();
  }
}

/** name → [unit, value] of one EMF line, after checking what every line must be. */
function figuresOf(line: EmfLine | undefined, fn: string): Record<string, [string, unknown]> {
  expect(line).toBeDefined();
  const [directive, ...others] = line!._aws.CloudWatchMetrics;
  expect(others).toEqual([]);
  expect(directive?.Namespace).toBe('Failwatch');
  // service and function, nothing per pair.
  expect(directive?.Dimensions).toEqual([['service', 'function']]);
  expect({ service: line!['service'], function: line!['function'] }).toEqual({ service: SERVICE, function: fn });
  return Object.fromEntries((directive?.Metrics ?? []).map(({ Name, Unit }) => [Name, [Unit, line![Name]]]));
}

describe('the handlers write their metrics as one EMF line per invocation', () => {
  let account: SimulatedAws;
  let harness: Harness;
  let sink: Metrics;
  let poll: ReturnType<typeof createPollHandler>;
  let alarm: ReturnType<typeof createAlarmHandler>;

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    sink = metricsOn();
    poll = createPollHandler(() => harness.deps, sink);
    alarm = createAlarmHandler(() => harness.deps, sink);
  });
  afterAll(() => harness.stop());

  it('a first sweep: the heartbeat and the gauges, nothing that did not happen', async () => {
    const { ok, lines } = await emfOf(() => poll(loadEvent('scheduled.json')));
    expect(ok).toBe(true);
    expect(lines).toHaveLength(1);
    expect(figuresOf(lines[0], 'poll')).toEqual({
      SweepsCompleted: ['Count', 1],
      PairsWatched: ['Count', 1],
      PairsUnknown: ['Count', 0],
      NotificationsPending: ['Count', 0],
      OldestPendingNotificationAgeSeconds: ['Seconds', 0],
    });
  });

  it('a FAILOVER SNS refuses, then a sweep 5 minutes later: transitions, publish failures, what waits and for how long', async () => {
    account.setHealthy(REFERENCE.primaryCheckId, false);
    account.publishFailure = () => new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    harness.clock.advanceSeconds(60);
    const failover = await emfOf(() => poll(loadEvent('scheduled.json')));
    expect(failover.lines).toHaveLength(1);
    expect(figuresOf(failover.lines[0], 'poll')).toEqual({
      SweepsCompleted: ['Count', 1],
      PairsWatched: ['Count', 1],
      PairsUnknown: ['Count', 0],
      NotificationsPending: ['Count', 1],
      OldestPendingNotificationAgeSeconds: ['Seconds', 0],
      TransitionsRecorded: ['Count', 1],
      PublishFailures: ['Count', 1],
    });

    harness.clock.advanceSeconds(300);
    const later = await emfOf(() => poll(loadEvent('scheduled.json')));
    expect(figuresOf(later.lines[0], 'poll')).toMatchObject({ NotificationsPending: ['Count', 1], OldestPendingNotificationAgeSeconds: ['Seconds', 300], PublishFailures: ['Count', 1] });
    expect(figuresOf(later.lines[0], 'poll')).not.toHaveProperty('TransitionsRecorded');
  });

  it('an alarm run once SNS is back: only what happened (it sent the waiting FAILOVER), no sweep gauges', async () => {
    account.publishFailure = undefined;
    const { ok, lines } = await emfOf(() => alarm(loadEvent('alarm-alarm.json')));
    expect(ok).toBe(true);
    expect(lines).toHaveLength(1);
    expect(figuresOf(lines[0], 'alarm')).toEqual({ NotificationsSent: ['Count', 1] });
  });

  it('an alarm run where nothing happened writes no line at all', async () => {
    const { ok, lines } = await emfOf(() => alarm(loadEvent('alarm-alarm.json')));
    expect(ok).toBe(true);
    expect(lines).toEqual([]);
  });

  it('a sweep that fails (Route 53 listing refused) completes no sweep: no SweepsCompleted', async () => {
    const cold = createPollHandler(() => buildWatchDeps(harness.config, harness.clients, harness.clock), sink);
    account.listingFailure = () => Object.assign(new Error('User is not authorized to perform route53:ListHostedZones'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    try {
      const { ok, lines } = await emfOf(() => cold(loadEvent('scheduled.json')));
      expect(ok).toBe(false);
      expect(lines.filter((line) => 'SweepsCompleted' in line)).toEqual([]);
    } finally {
      account.listingFailure = undefined;
    }
  });
});

describe('the slack function counts its posts', () => {
  it.each([
    ['posted', async (): Promise<void> => undefined, true, { NotificationsSent: ['Count', 1] }],
    ['refused by Slack', async (): Promise<void> => Promise.reject(new NotifierError('Slack webhook answered HTTP 500', true)), false, { PublishFailures: ['Count', 1] }],
  ] as const)('%s', async (_label, post, succeeds, expected) => {
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const slack = createSlackHandler({ poster: { post }, logger, metrics: metricsOn() });
    const { ok, lines } = await emfOf(() => slack(loadSnsNotificationEvent()));
    expect(ok).toBe(succeeds);
    expect(lines).toHaveLength(1);
    expect(figuresOf(lines[0], 'slack')).toEqual(expected);
  });
});
