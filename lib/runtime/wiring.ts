/**
 * The composition root: configuration + SDK clients → the ports the use case runs on.
 * SDK clients are built once per container; endpoints come only from the SDK's standard variables.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudWatchHealthMetricSource } from '../aws/cloudwatch/metrics';
import { DynamoBatchReader } from '../aws/dynamodb/reads';
import { DynamoPairDefinitionStore } from '../aws/dynamodb/pair-definitions';
import { DynamoSilenceStore } from '../aws/dynamodb/silences';
import { DynamoStateStore } from '../aws/dynamodb/state-store';
import { createDynamoDocumentClient } from '../aws/dynamodb/table';
import { Route53CheckerStatusSource } from '../aws/route53/checkers';
import { Route53InventorySource } from '../aws/route53/inventory';
import { createCloudWatchClient, createRoute53Client } from '../aws/sdk-clients';
import { createSnsClient, SnsNotifier } from '../aws/sns-notifier';
import { CachedInventorySource } from '../usecases/cached-inventory';
import { loadWatchConfig, type FunctionIdentity, type WatchConfig } from './config';
import type { Clock } from '../ports';
import { DEFAULT_WATCH_SETTINGS, type WatchDeps } from '../usecases/watch';

export interface AwsClients {
  readonly route53: Route53Client;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

export const systemClock: Clock = { now: () => new Date() };

export function createAwsClients(config: WatchConfig): AwsClients {
  return {
    route53: createRoute53Client({ requestsPerSecond: config.route53RequestsPerSecond, statusRequestsPerSecond: config.statusRequestsPerSecond }),
    cloudWatch: createCloudWatchClient(),
    dynamo: createDynamoDocumentClient(),
    sns: createSnsClient(),
  };
}

/**
 * Handlers build this once per container (`once`), so the discovery cache in `inventory` lives as long
 * as the container: a warm container lists Route 53 only when its listing is older than the setting.
 */
export function buildWatchDeps(config: WatchConfig, clients: AwsClients, clock: Clock = systemClock): WatchDeps {
  // Shared, so a sweep's state and silence reads go out together in one BatchGetItem (an alarm's, with its pairs' definitions).
  const reader = new DynamoBatchReader({ client: clients.dynamo, tableName: config.tableName });
  return {
    inventory: new CachedInventorySource(new Route53InventorySource(clients.route53, { zoneIds: config.zoneIds }), clock, {
      maxAgeSeconds: config.discoveryMaxAgeMinutes * 60,
    }),
    metrics: new CloudWatchHealthMetricSource(clients.cloudWatch),
    checkers: new Route53CheckerStatusSource(clients.route53),
    store: new DynamoStateStore({ client: clients.dynamo, tableName: config.tableName, historyDays: config.historyDays, reader }),
    notifier: new SnsNotifier(clients.sns, config.topicArn),
    silences: new DynamoSilenceStore({ client: clients.dynamo, tableName: config.tableName, reader }),
    definitions: new DynamoPairDefinitionStore({ client: clients.dynamo, tableName: config.tableName, reader }),
    clock,
    settings: { ...DEFAULT_WATCH_SETTINGS, ...config.notices, configuredSilences: config.silences, alarmPrefix: config.alarms.prefix, watchedZoneIds: config.zoneIds },
  };
}

/**
 * What a deployed handler uses: the validated environment and the real clients. `fn` is the first
 * invocation's context, whose function ARN gives the topic ARN when only FAILWATCH_TOPIC_NAME is set. The poll function adds
 * managed-alarm reconciliation to these deps in lib/runtime/poll-wiring.ts.
 */
export function buildWatchDepsFromEnvironment(fn?: FunctionIdentity): WatchDeps {
  const config = loadWatchConfig(undefined, fn);
  return buildWatchDeps(config, createAwsClients(config));
}
