/** Scheduled sweep of every watched failover pair (EventBridge schedule or EventBridge Scheduler). */
import type { Context } from 'aws-lambda';
import { parseScheduleEvent } from '../lib/events';
import { deadlineFrom, logFailures, logRunResult, once } from '../lib/lambda';
import { logger } from '../lib/logger';
import { toRunResult, type RunResult } from '../lib/summary';
import { runWatch, type WatchDeps } from '../lib/watch';
import { buildWatchDepsFromEnvironment } from '../lib/wiring';

export function createHandler(getDeps: () => WatchDeps) {
  return (event: unknown, context?: Context): Promise<RunResult> =>
    logFailures(logger, async () => {
      const trigger = parseScheduleEvent(event);
      const deps = getDeps();
      const summary = await runWatch(deps, { trigger, scope: { kind: 'ALL' }, deadline: deadlineFrom(context, deps.clock.now()) });
      const result = toRunResult(summary);
      logRunResult(logger, 'sweep finished', result);
      return result;
    });
}

export const handler = createHandler(once(buildWatchDepsFromEnvironment));
