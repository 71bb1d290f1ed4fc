/** EventBridge `CloudWatch Alarm State Change` for alarms on AWS/Route53 HealthCheckStatus: re-evaluate the affected pairs at once. */
import type { Context } from 'aws-lambda';
import { parseAlarmEvent } from '../lib/events';
import { deadlineFrom, once } from '../lib/lambda';
import { logger } from '../lib/logger';
import { toRunResult, type RunResult } from '../lib/summary';
import { runWatch, type WatchDeps } from '../lib/watch';
import { buildWatchDepsFromEnvironment } from '../lib/wiring';

export type AlarmResult = RunResult | { readonly skipped: string };

export function createHandler(getDeps: () => WatchDeps) {
  return async (event: unknown, context?: Context): Promise<AlarmResult> => {
    try {
      const plan = parseAlarmEvent(event);
      if (plan.kind === 'SKIP') {
        logger.info('alarm skipped', { alarmName: plan.alarmName, reason: plan.reason });
        return { skipped: plan.reason };
      }
      const deps = getDeps();
      const summary = await runWatch(deps, {
        trigger: plan.trigger,
        scope: { kind: 'HEALTH_CHECKS', healthCheckIds: plan.healthCheckIds },
        deadline: deadlineFrom(context, deps.clock.now()),
      });
      const result = toRunResult(summary);
      if (result.pairsInScope === 0) {
        logger.warn('alarm names health checks no watched pair uses', { alarmName: plan.alarmName, healthCheckIds: plan.healthCheckIds });
      }
      logger.info('alarm evaluated', { alarmName: plan.alarmName, state: plan.state, result });
      if (result.unfinishedPairs.length > 0) logger.error('some pairs were not recorded; their state is unchanged', { unfinished: result.unfinishedPairs });
      return result;
    } catch (error) {
      logger.error(error instanceof Error ? error.message : String(error), { errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  };
}

export const handler = createHandler(once(buildWatchDepsFromEnvironment));
