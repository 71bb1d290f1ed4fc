/** Scheduled sweep of every watched failover pair (EventBridge schedule or EventBridge Scheduler). */
import type { Context } from 'aws-lambda';
import { parseScheduleEvent } from '../lib/events';
import { deadlineFrom, once } from '../lib/lambda';
import { logger } from '../lib/logger';
import { toRunResult, type RunResult } from '../lib/summary';
import { runWatch, type WatchDeps } from '../lib/watch';
import { buildWatchDepsFromEnvironment } from '../lib/wiring';

export function createHandler(getDeps: () => WatchDeps) {
  return async (event: unknown, context?: Context): Promise<RunResult> => {
    try {
      const trigger = parseScheduleEvent(event);
      const deps = getDeps();
      const summary = await runWatch(deps, { trigger, scope: { kind: 'ALL' }, deadline: deadlineFrom(context, deps.clock.now()) });
      const result = toRunResult(summary);
      logger.info('sweep finished', { result });
      if (result.unfinishedPairs.length > 0) logger.error('some pairs were not recorded; their state is unchanged', { unfinished: result.unfinishedPairs });
      return result;
    } catch (error) {
      logger.error(error instanceof Error ? error.message : String(error), { errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  };
}

export const handler = createHandler(once(buildWatchDepsFromEnvironment));
