/**
 * Invocations as AWS makes them: the real handlers, each run with a clock of its own (separate
 * containers, each reading the time when it starts), fed the sample events from events/.
 */
import type { Context } from 'aws-lambda';
import { createHandler as createAlarmHandler, type AlarmResult } from '../../handlers/alarm';
import { createHandler as createPollHandler } from '../../handlers/poll';
import type { RunResult } from '../../lib/usecases/run-result';
import type { WatchDeps } from '../../lib/usecases/watch';
import { FixedClock, loadEvent, type Harness } from '../../local/harness';

export type Invocation = { readonly kind: 'POLL' } | { readonly kind: 'ALARM'; readonly healthCheckId: string; readonly state: 'ALARM' | 'OK' };

interface AlarmEvent {
  resources: string[];
  detail: {
    alarmName: string;
    state: { value: string };
    configuration: { metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] };
  };
}

/** events/alarm-alarm.json, about `healthCheckId` and in `state`. */
export function alarmEventFor(healthCheckId: string, state: 'ALARM' | 'OK'): AlarmEvent {
  const event = loadEvent<AlarmEvent>('alarm-alarm.json');
  const alarmName = `failwatch-${healthCheckId}`;
  event.detail.alarmName = alarmName;
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`];
  event.detail.state.value = state;
  const metric = event.detail.configuration.metrics[0];
  if (metric === undefined) throw new Error('events/alarm-alarm.json has no metric query');
  metric.metricStat.metric.dimensions['HealthCheckId'] = healthCheckId;
  return event;
}

/** The harness's dependencies as one container sees them at `at`. */
export function depsAt(harness: Harness, at: Date): WatchDeps {
  return { ...harness.deps, clock: new FixedClock(at) };
}

/** Runs one invocation through the real handler, as a container whose clock reads `at` would. */
export function invokeAt(harness: Harness, at: Date, invocation: Invocation, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<AlarmResult> {
  const deps = depsAt(harness, at);
  if (invocation.kind === 'POLL') return createPollHandler(() => deps)(loadEvent('scheduled.json'), context as Context | undefined);
  return createAlarmHandler(() => deps)(alarmEventFor(invocation.healthCheckId, invocation.state), context as Context | undefined);
}

/** The run summary of a result, or undefined for a skipped alarm. */
export function runResult(result: AlarmResult): RunResult | undefined {
  return 'skipped' in result ? undefined : result;
}
