/**
 * The poll function's part of the composition root (lib/wiring.ts): the watch deps plus managed-alarm
 * reconciliation. Kept out of lib/wiring.ts so the alarm function's bundle never includes the alarm
 * management calls, and its role (test/infra derives it from the code) is never granted them.
 */
import { CloudWatchAlarmManager } from './aws/cloudwatch-alarms';
import { loadWatchConfig, type FunctionIdentity, type WatchConfig } from './config';
import type { Clock } from './ports';
import { AlarmReconciler } from './reconcile-alarms';
import type { WatchDeps } from './watch';
import { buildWatchDeps, createAwsClients, systemClock, type AwsClients } from './wiring';

export interface PollDeps extends WatchDeps {
  /** Absent when managed alarms are off (FAILWATCH_MANAGE_ALARMS=false): no alarm calls at all. */
  readonly alarmReconciler?: AlarmReconciler;
}

export function buildPollDeps(config: WatchConfig, clients: AwsClients, clock: Clock = systemClock): PollDeps {
  const watch = buildWatchDeps(config, clients, clock);
  if (!config.alarms.manage) return watch;
  // The sweep's own discovery cache: reconciling lists nothing that the sweep has not already listed.
  const alarmReconciler = new AlarmReconciler(new CloudWatchAlarmManager(clients.cloudWatch, { prefix: config.alarms.prefix }), watch.inventory, clock, {
    prefix: config.alarms.prefix,
    intervalSeconds: config.alarms.reconcileMinutes * 60,
  });
  return { ...watch, alarmReconciler };
}

export function buildPollDepsFromEnvironment(fn?: FunctionIdentity): PollDeps {
  const config = loadWatchConfig(undefined, fn);
  return buildPollDeps(config, createAwsClients(config));
}
