/**
 * The poll function's part of the composition root (lib/runtime/wiring.ts): the watch deps plus keeping the
 * pairs' definitions and managed-alarm reconciliation. Kept out of lib/runtime/wiring.ts so the alarm
 * function's bundle never includes those writes and alarm management calls, and its role (test/infra
 * derives it from the code) is never granted them.
 */
import { CloudWatchAlarmManager } from '../aws/cloudwatch/alarms';
import { DynamoListingStore } from '../aws/dynamodb/listing-store';
import { DynamoPairDefinitionWriter } from '../aws/dynamodb/pair-definition-writer';
import { DynamoPairDefinitionStore } from '../aws/dynamodb/pair-definitions';
import { loadWatchConfig, type FunctionIdentity, type WatchConfig } from './config';
import type { Clock } from '../ports';
import { AlarmReconciler } from '../usecases/reconcile-alarms';
import { PairDefinitionSync } from '../usecases/sync-pair-definitions';
import { VanishedPairOutboxes } from '../usecases/vanished-pairs';
import type { WatchDeps } from '../usecases/watch';
import { buildWatchDeps, createAwsClients, systemClock, type AwsClients } from './wiring';

export interface PollDeps extends WatchDeps {
  /** Stores each pair's definition for the alarm function, when discovery lists anew. */
  readonly definitionSync?: PairDefinitionSync;
  /** Absent when managed alarms are off (FAILWATCH_MANAGE_ALARMS=false): no alarm calls at all. */
  readonly alarmReconciler?: AlarmReconciler;
}

export function buildPollDeps(config: WatchConfig, clients: AwsClients, clock: Clock = systemClock): PollDeps {
  // One store for the discovery cache (progress, the last complete listing) and the sync (which completes it).
  const listings = new DynamoListingStore({ client: clients.dynamo, tableName: config.tableName });
  const base = buildWatchDeps(config, clients, clock, listings);
  // From the sweep's own discovery cache, like the reconciler: nothing is listed twice.
  const definitionSync = new PairDefinitionSync(
    base.definitions ?? new DynamoPairDefinitionStore({ client: clients.dynamo, tableName: config.tableName }),
    new DynamoPairDefinitionWriter({ client: clients.dynamo, tableName: config.tableName }),
    base.inventory,
    clock,
    new VanishedPairOutboxes({ store: base.store, notifier: base.notifier, clock, settings: base.settings }),
    listings,
  );
  const watch: PollDeps = { ...base, definitionSync };
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
