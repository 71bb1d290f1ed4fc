/** Separate poll and alarm containers over one harness (each with its own discovery cache and memory), and alarm events as CloudWatch sends them. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler, type PollResult } from '../../handlers/poll';
import { alarmNameFor } from '../../lib/domain/alarm-plan';
import { pairKey } from '../../lib/domain/model';
import type { PairDefinition } from '../../lib/domain/pair-definition';
import type { WatchConfig } from '../../lib/runtime/config';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { buildWatchDeps } from '../../lib/runtime/wiring';
import { loadEvent, type Harness } from '../../local/harness';
import type { GeneratedPair, SimulatedAws } from '../../local/simulated-aws';

export const keyOf = (pair: GeneratedPair): string => pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type });

/** A poll container: its own deps (discovery cache, memory of stored definitions, reconcile memory). */
export function pollContainer(harness: Harness, config: WatchConfig = harness.config): (event: unknown) => Promise<PollResult> {
  const deps = buildPollDeps(config, harness.clients, harness.clock);
  return createPollHandler(() => deps);
}

/** A cold alarm container. */
export function alarmContainer(harness: Harness, config: WatchConfig = harness.config): ReturnType<typeof createAlarmHandler> {
  const deps = buildWatchDeps(config, harness.clients, harness.clock);
  return createAlarmHandler(() => deps);
}

/** events/alarm-alarm.json for an alarm named `alarmName` on `checkId`, with the given description. */
export function alarmEvent(alarmName: string, checkId: string, description: string | undefined): unknown {
  const event = loadEvent<{ resources: string[]; detail: { alarmName: string; configuration: { description?: string; metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] } } }>('alarm-alarm.json');
  event.detail.alarmName = alarmName;
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`];
  event.detail.configuration.metrics[0]!.metricStat.metric.dimensions['HealthCheckId'] = checkId;
  if (description === undefined) delete event.detail.configuration.description;
  else event.detail.configuration.description = description;
  return event;
}

/** The event CloudWatch sends for Failwatch's own alarm on `checkId`, with the description the reconciler wrote. */
export function ownAlarmEvent(account: SimulatedAws, prefix: string, checkId: string): unknown {
  const name = alarmNameFor(prefix, checkId);
  const alarm = account.alarms.get(name);
  if (alarm === undefined) throw new Error(`no alarm ${name}`);
  return alarmEvent(name, checkId, alarm.alarm.AlarmDescription);
}

export async function storedDefinition(harness: Harness, pair: GeneratedPair): Promise<PairDefinition | undefined> {
  const out = await harness.clients.dynamo.send(new GetCommand({ TableName: harness.config.tableName, Key: { pk: `PAIR#${keyOf(pair)}`, sk: 'DEFINITION' }, ConsistentRead: true }));
  const encoded = out.Item?.['definition'];
  return typeof encoded === 'string' ? (JSON.parse(encoded) as PairDefinition) : undefined;
}

export function recordOf(account: SimulatedAws, pair: GeneratedPair, role: 'PRIMARY' | 'SECONDARY') {
  const zone = account.zones.find((candidate) => candidate.id === pair.zoneId)!;
  return zone.records.find((candidate) => candidate.Name === pair.name && candidate.Failover === role)!;
}
