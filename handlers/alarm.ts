/** EventBridge `CloudWatch Alarm State Change` for alarms on AWS/Route53 HealthCheckStatus: re-evaluate the affected pairs at once. */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { parseAlarmEvent } from '../lib/runtime/events';
import { withinInvocation } from '../lib/runtime/invocation';
import { deadlineFrom, failIfDiscoveryFailed, logFailures, logRunResult, once } from '../lib/runtime/lambda';
import { logger } from '../lib/runtime/logger';
import { MetricsFunction } from '../lib/metric-names';
import { alarmFigures, metrics, withInvocationMetrics } from '../lib/runtime/metrics';
import { toRunResult, type RunResult } from '../lib/usecases/run-result';
import { runWatch, type WatchDeps } from '../lib/usecases/watch';
import { buildWatchDepsFromEnvironment } from '../lib/runtime/wiring';

export type AlarmResult = RunResult | { readonly skipped: string };

/**
 * `getDeps` gets the invocation's context (the wiring reads the function's ARN from it); tests may ignore
 * it. `sink` receives the invocation's metrics (lib/runtime/metrics.ts), published once whatever happens.
 */
export function createHandler(getDeps: (context?: Context) => WatchDeps, sink: Metrics = metrics) {
  return (event: unknown, context?: Context): Promise<AlarmResult> =>
    logFailures(logger, () => withinInvocation(context, () => withInvocationMetrics(sink, MetricsFunction.ALARM, async (): Promise<AlarmResult> => {
      const plan = parseAlarmEvent(event);
      if (plan.kind === 'SKIP') {
        logger.info('alarm skipped', { alarmName: plan.alarmName, reason: plan.reason });
        return { skipped: plan.reason };
      }
      if (plan.pairHint?.kind === 'MALFORMED') {
        logger.warn('alarm description has an unreadable pair hint; its pairs are looked up instead', { alarmName: plan.alarmName, reason: plan.pairHint.reason });
      }
      const deps = getDeps(context);
      const summary = await runWatch(deps, {
        trigger: plan.trigger,
        // A Failwatch alarm names the pairs of its check: they are judged from their stored definitions.
        scope: { kind: 'HEALTH_CHECKS', healthCheckIds: plan.healthCheckIds, alarmName: plan.alarmName, ...(plan.pairHint === undefined ? {} : { pairHint: plan.pairHint }) },
        deadline: deadlineFrom(context, deps.clock.now()),
      });
      const result = toRunResult(summary);
      if (result.pairsInScope === 0) {
        logger.warn('alarm names health checks no watched pair uses', { alarmName: plan.alarmName, healthCheckIds: plan.healthCheckIds });
      }
      logRunResult(logger, 'alarm evaluated', result, { alarmName: plan.alarmName, state: plan.state, discovery: summary.discovery });
      failIfDiscoveryFailed(result);
      return result;
    }, alarmFigures)));
}

export const handler = createHandler(once(buildWatchDepsFromEnvironment));
