/** Scheduled sweep of every watched failover pair (EventBridge schedule or EventBridge Scheduler), then the pairs' stored definitions and managed alarms when due. */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { parseScheduleEvent } from '../lib/runtime/events';
import { withinInvocation } from '../lib/runtime/invocation';
import { deadlineFrom, failIfDiscoveryFailed, logFailures, logPublishFailures, logRunResult, once } from '../lib/runtime/lambda';
import { logger } from '../lib/runtime/logger';
import { MetricsFunction } from '../lib/metric-names';
import { metrics, sweepFigures, withInvocationMetrics } from '../lib/runtime/metrics';
import { buildPollDepsFromEnvironment, type PollDeps } from '../lib/runtime/poll-wiring';
import { ALARMS_OFF, AlarmReconcileStatus, type AlarmReconcileResult } from '../lib/usecases/reconcile-alarms';
import { toRunResult, type RunResult } from '../lib/usecases/run-result';
import { DefinitionSyncStatus, type DefinitionSyncResult } from '../lib/usecases/sync-pair-definitions';
import { runWatch } from '../lib/usecases/watch';

export type PollResult = RunResult & { readonly alarms: AlarmReconcileResult; readonly definitions?: DefinitionSyncResult };

/**
 * `getDeps` gets the invocation's context (the wiring reads the function's ARN from it); tests may ignore
 * it. `sink` receives the invocation's metrics (lib/runtime/metrics.ts), published once whatever happens.
 */
export function createHandler(getDeps: (context?: Context) => PollDeps, sink: Metrics = metrics) {
  return (event: unknown, context?: Context): Promise<PollResult> =>
    logFailures(logger, () => withinInvocation(context, () => withInvocationMetrics(sink, MetricsFunction.POLL, async () => {
      const trigger = parseScheduleEvent(event);
      const deps = getDeps(context);
      const deadline = deadlineFrom(context, deps.clock.now());
      const summary = await runWatch(deps, { trigger, scope: { kind: 'ALL' }, deadline });
      // After the sweep, so upkeep never delays what the sweep records and sends; definitions before the
      // alarms whose descriptions name the pairs (an alarm that comes first looks its pairs up instead).
      const definitions = deps.definitionSync ? await deps.definitionSync.syncIfListed(deadline) : undefined;
      if (definitions?.status === DefinitionSyncStatus.FAILED) logger.error('pair definitions were not stored; the next sweep tries again', { definitions });
      if (definitions?.vanishedOutboxes?.error !== undefined) {
        logger.error('the outboxes of pairs gone from Route 53 could not be read; the next sweep tries again', { vanishedOutboxes: definitions.vanishedOutboxes });
      }
      logPublishFailures(logger, definitions?.vanishedOutboxes?.failures ?? []);
      const alarms = deps.alarmReconciler ? await deps.alarmReconciler.reconcileIfDue(deadline) : ALARMS_OFF;
      if (alarms.status === AlarmReconcileStatus.FAILED) logger.error('managed alarms were not reconciled; the next sweep tries again', { alarms });
      // Mostly the deadline: expected for a few sweeps after a large change (thousands of alarms to write or tags to read).
      if (alarms.status === AlarmReconcileStatus.UNFINISHED) logger.warn('managed alarms were not all reconciled in this run; the next sweep continues', { alarms });
      const result = { ...toRunResult(summary), ...(definitions === undefined ? {} : { definitions }), alarms };
      logRunResult(logger, 'sweep finished', result);
      failIfDiscoveryFailed(result);
      return result;
    }, (result) => sweepFigures(result, { vanished: result.definitions?.vanishedOutboxes }))));
}

export const handler = createHandler(once(buildPollDepsFromEnvironment));
