/**
 * The obvious sweep, for comparison only (never deployed): list Route 53 on every run, read every
 * health check's status with GetHealthCheckStatus, then for every pair read its state (GetItem),
 * and write it back (PutItem), with a transition item and an SNS publish when the serving side moved.
 * It runs on the same SDK clients as the real functions (same request budgets, same retry), so the
 * difference measured is the algorithm's.
 *
 * GetHealthCheckStatus is limited to 1 call a second, so reading 5,000 checks takes over 80 minutes:
 * the bench runs it only at sizes where it finishes within poll's timeout, and never extrapolates it.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Route53CheckerStatusSource } from '../lib/aws/route53/checkers';
import { mapBounded } from '../lib/batches';
import { Route53InventorySource } from '../lib/aws/route53/inventory';
import { loadWatchConfig } from '../lib/runtime/config';
import { healthCheckIdsOfPair, observePair } from '../lib/domain/failover';
import { assessHealthChecks, healthCheckClosure } from '../lib/domain/health';
import { pairKey, TriggerKind, type CheckerReadings, type FailoverPair, type HealthSignals, type ServingState } from '../lib/domain/model';
import { createAwsClients } from '../lib/runtime/wiring';

export interface NaiveSweepResult {
  readonly pairs: number;
  readonly healthChecks: number;
  readonly statusReads: number;
  readonly transitionsRecorded: number;
  readonly notificationsSent: number;
}

interface NaiveState {
  readonly serving: ServingState;
  readonly sequence: number;
}

const PAIR_CONCURRENCY = 8;

export function createNaiveSweep(): (event: unknown) => Promise<NaiveSweepResult> {
  const config = loadWatchConfig();
  const clients = createAwsClients(config);
  const inventorySource = new Route53InventorySource(clients.route53, { zoneIds: config.zoneIds });
  const checkers = new Route53CheckerStatusSource(clients.route53);
  const table = config.tableName;

  return async () => {
    const observedAt = new Date().toISOString();
    const inventory = await inventorySource.loadInventory();
    const zoneRecordsOf = (pair: FailoverPair) => inventory.recordSetsByZone.get(pair.id.zoneId) ?? [pair.primary, pair.secondary];
    const ids = [...new Set(inventory.pairs.flatMap((pair) => healthCheckClosure(healthCheckIdsOfPair(pair, zoneRecordsOf(pair)), inventory.healthChecks)))];

    const readings = new Map<string, CheckerReadings>();
    for (const id of ids) readings.set(id, await checkers.readCheckerReports(id));
    const signals = new Map<string, HealthSignals>(ids.map((id) => [id, { metric: { kind: 'NO_DATA' }, checkers: readings.get(id) ?? { kind: 'NOT_READ' } }]));
    const assessments = assessHealthChecks(ids, inventory.healthChecks, signals);

    let transitionsRecorded = 0;
    let notificationsSent = 0;
    await mapBounded(inventory.pairs, PAIR_CONCURRENCY, async (pair) => {
      const key = { pk: `NAIVE#${pairKey(pair.id)}`, sk: 'STATE' };
      const { Item } = await clients.dynamo.send(new GetCommand({ TableName: table, Key: key }));
      const previous = Item as NaiveState | undefined;
      const { serving } = observePair(pair, zoneRecordsOf(pair), assessments, observedAt, { kind: TriggerKind.SCHEDULE, source: 'naive' });
      let sequence = previous?.sequence ?? 0;
      if (previous !== undefined && serving !== 'UNKNOWN' && serving !== previous.serving) {
        sequence += 1;
        const transition = { pair: pairKey(pair.id), from: previous.serving, to: serving, observedAt };
        await clients.dynamo.send(new PutCommand({ TableName: table, Item: { pk: key.pk, sk: `T#${String(sequence).padStart(10, '0')}`, ...transition } }));
        await clients.sns.send(new PublishCommand({ TopicArn: config.topicArn, Subject: `${previous.serving} -> ${serving} ${pair.id.name}`, Message: JSON.stringify(transition) }));
        transitionsRecorded += 1;
        notificationsSent += 1;
      }
      const stored = serving === 'UNKNOWN' && previous !== undefined ? previous.serving : serving;
      await clients.dynamo.send(new PutCommand({ TableName: table, Item: { ...key, serving: stored, sequence, observedAt } }));
    });

    return {
      pairs: inventory.pairs.length,
      healthChecks: ids.length,
      statusReads: ids.length,
      transitionsRecorded,
      notificationsSent,
    };
  };
}
