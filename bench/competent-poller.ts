/**
 * Baseline (b): the poller a competent engineer would write in an afternoon, for comparison only (never
 * deployed). Every run it lists Route 53 afresh (no listing cache), reads Route 53's verdicts with
 * GetMetricData 500 checks a call (the same adapter as Failwatch, so the same concurrency), reads the
 * stored states 100 a BatchGetItem, and writes only what changed: a state and a transition item in one
 * BatchWriteItem and an SNS publish per change (on its first run, every state, 25 a BatchWriteItem).
 * It has none of Failwatch's rules beyond Route 53's choice of side: no evidence, no DNS answer, no
 * notices, no outbox (a publish that fails is lost), no reminders.
 * It runs on the same SDK clients as the real functions (same request budgets, same retry).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { chunksOf, mapBounded } from '../lib/batches';
import { CloudWatchHealthMetricSource } from '../lib/aws/cloudwatch/metrics';
import { Route53InventorySource } from '../lib/aws/route53/inventory';
import { healthCheckIdsOfPair, observePair } from '../lib/domain/failover';
import { assessHealthChecks, healthCheckClosure } from '../lib/domain/health';
import { pairKey, TriggerKind, type FailoverPair, type HealthSignals, type ServingState } from '../lib/domain/model';
import { loadWatchConfig } from '../lib/runtime/config';
import { createAwsClients } from '../lib/runtime/wiring';

export interface PollerResult {
  readonly pairs: number;
  readonly healthChecks: number;
  readonly statesWritten: number;
  readonly transitionsRecorded: number;
  readonly notificationsSent: number;
}

interface StoredState {
  readonly pk: string;
  readonly serving: ServingState;
  readonly sequence: number;
}

const READS_PER_CALL = 100;
const WRITES_PER_CALL = 25;
const CALLS_AT_ONCE = 4;
export const POLLER_KEY_PREFIX = 'POLLER#';

export function createCompetentPoller(): (event: unknown) => Promise<PollerResult> {
  const config = loadWatchConfig();
  const clients = createAwsClients(config);
  const inventorySource = new Route53InventorySource(clients.route53, { zoneIds: config.zoneIds });
  const metrics = new CloudWatchHealthMetricSource(clients.cloudWatch);
  const table = config.tableName;

  const readStates = async (keys: readonly string[]): Promise<Map<string, StoredState>> => {
    const states = new Map<string, StoredState>();
    await mapBounded(chunksOf(keys, READS_PER_CALL), CALLS_AT_ONCE, async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((pk) => ({ pk, sk: 'STATE' }));
      while (pending.length > 0) {
        const output = await clients.dynamo.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
        for (const item of (output.Responses?.[table] ?? []) as StoredState[]) states.set(item.pk, item);
        pending = (output.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return states;
  };

  const writeItems = async (items: readonly Record<string, unknown>[]): Promise<void> => {
    await mapBounded(chunksOf(items, WRITES_PER_CALL), CALLS_AT_ONCE, async (chunk) => {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const output = await clients.dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (output.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    });
  };

  return async () => {
    const now = new Date();
    const observedAt = now.toISOString();
    const inventory = await inventorySource.loadInventory();
    const zoneRecordsOf = (pair: FailoverPair) => inventory.recordSetsByZone.get(pair.id.zoneId) ?? [pair.primary, pair.secondary];
    const ids = [...new Set(inventory.pairs.flatMap((pair) => healthCheckClosure(healthCheckIdsOfPair(pair, zoneRecordsOf(pair)), inventory.healthChecks)))];
    const readings = await metrics.readHealthMetrics(ids, now);
    const signals = new Map<string, HealthSignals>(ids.map((id) => [id, { metric: readings.get(id) ?? { kind: 'NO_DATA' }, checkers: { kind: 'NOT_READ' } }]));
    const assessments = assessHealthChecks(ids, inventory.healthChecks, signals);
    const keyOf = (pair: FailoverPair) => `${POLLER_KEY_PREFIX}${pairKey(pair.id)}`;
    const stored = await readStates(inventory.pairs.map(keyOf));

    const writes: Record<string, unknown>[] = [];
    const changes: { readonly pair: FailoverPair; readonly from: ServingState; readonly to: ServingState }[] = [];
    for (const pair of inventory.pairs) {
      const { serving } = observePair(pair, zoneRecordsOf(pair), assessments, observedAt, { kind: TriggerKind.SCHEDULE, source: 'competent-poller' });
      const previous = stored.get(keyOf(pair));
      if (serving === 'UNKNOWN' || serving === previous?.serving) continue;
      const sequence = (previous?.sequence ?? 0) + (previous === undefined ? 0 : 1);
      writes.push({ pk: keyOf(pair), sk: 'STATE', serving, sequence, observedAt });
      if (previous !== undefined) {
        writes.push({ pk: keyOf(pair), sk: `T#${String(sequence).padStart(10, '0')}`, from: previous.serving, to: serving, observedAt });
        changes.push({ pair, from: previous.serving, to: serving });
      }
    }
    await writeItems(writes);
    await mapBounded(changes, CALLS_AT_ONCE, (change) =>
      clients.sns.send(
        new PublishCommand({
          TopicArn: config.topicArn,
          Subject: `${change.from} -> ${change.to} ${change.pair.id.name}`.slice(0, 99),
          Message: JSON.stringify({ pair: pairKey(change.pair.id), from: change.from, to: change.to, observedAt }),
        }),
      ),
    );
    return {
      pairs: inventory.pairs.length,
      healthChecks: ids.length,
      statesWritten: writes.length - changes.length,
      transitionsRecorded: changes.length,
      notificationsSent: changes.length,
    };
  };
}
