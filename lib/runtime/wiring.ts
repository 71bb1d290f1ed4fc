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
import { CloudWatchTargetCountSource } from '../aws/cloudwatch/target-counts';
import { ElbLoadBalancerDirectory, type LoadBalancerClients } from '../aws/elb/directory';
import { RequestBudget } from '../aws/request-budget';
import { DynamoRateGate } from '../aws/dynamodb/rate-gate';
import { Route53CheckerEvidenceSource, Route53CheckerStatusSource } from '../aws/route53/checkers';
import { dnsAnswersPerSecond, Route53DnsAnswerSource } from '../aws/route53/dns-answer';
import { Route53InventorySource } from '../aws/route53/inventory';
import { createCloudWatchClient, createLoadBalancerClients, createRegionalCloudWatchClients, createRoute53Client, ROUTE53_BUDGET_DEFAULTS, STATUS_BUDGET_DEFAULTS, type RegionalClients } from '../aws/sdk-clients';
import { createSnsClient, SnsNotifier } from '../aws/sns/notifier';
import { CachedInventorySource } from '../usecases/cached-inventory';
import { CachedLoadBalancerDirectory } from '../usecases/cached-load-balancers';
import { loadWatchConfig, type FunctionIdentity, type WatchConfig } from './config';
import type { Clock, ListingStore } from '../ports';
import { DEFAULT_WATCH_SETTINGS, type WatchDeps } from '../usecases/watch';

export interface AwsClients {
  readonly route53: Route53Client;
  /** The Route 53 client's share of the account-wide rate: TestDNSAnswer looks at it before asking. */
  readonly route53Budget: RequestBudget;
  /** The same budgets, one attempt a call: the optional evidence reads (GetHealthCheckStatus for alerts, TestDNSAnswer), never retried into the rate other alarms share. */
  readonly route53Evidence: Route53Client;
  /** GetHealthCheckStatus's budget in this container, shared by both Route 53 clients. */
  readonly statusBudget: RequestBudget;
  /** us-east-1: Route 53's HealthCheckStatus metrics and the managed alarms. */
  readonly cloudWatch: CloudWatchClient;
  /** In load balancers' regions, made on first use: their target counts. */
  readonly regionalCloudWatch: RegionalClients<CloudWatchClient>;
  readonly loadBalancers: RegionalClients<LoadBalancerClients>;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

export const systemClock: Clock = { now: () => new Date() };

export function createAwsClients(config: WatchConfig): AwsClients {
  const route53Budget = new RequestBudget({ requestsPerSecond: config.route53RequestsPerSecond, burst: ROUTE53_BUDGET_DEFAULTS.burst });
  const statusBudget = new RequestBudget({ requestsPerSecond: config.statusRequestsPerSecond, burst: STATUS_BUDGET_DEFAULTS.burst });
  return {
    route53: createRoute53Client({ budget: route53Budget, statusBudget }),
    route53Budget,
    route53Evidence: createRoute53Client({ budget: route53Budget, statusBudget, maxAttempts: 1 }),
    statusBudget,
    cloudWatch: createCloudWatchClient(),
    regionalCloudWatch: createRegionalCloudWatchClients(),
    loadBalancers: createLoadBalancerClients(),
    dynamo: createDynamoDocumentClient(),
    sns: createSnsClient(),
  };
}

/** Closes every client's connections (tests and tools; a Lambda container never needs to). */
export function destroyAwsClients(clients: AwsClients): void {
  clients.route53.destroy();
  clients.route53Evidence.destroy();
  clients.cloudWatch.destroy();
  clients.regionalCloudWatch.destroy();
  clients.loadBalancers.destroy();
  clients.dynamo.destroy();
  clients.sns.destroy();
}

/**
 * Handlers build this once per container (`once`), so the discovery cache in `inventory` lives as long
 * as the container: a warm container lists Route 53 only when its listing is older than the setting.
 * `listings` (the poll function's, lib/runtime/poll-wiring.ts): where the discovery keeps a listing's
 * progress and the last complete listing, so a new container starts from them; without it (the alarm
 * function) a listing cut by the deadline resumes in the same container only.
 */
export function buildWatchDeps(config: WatchConfig, clients: AwsClients, clock: Clock = systemClock, listings?: ListingStore): WatchDeps {
  // Shared, so a sweep's state and silence reads go out together in one BatchGetItem (an alarm's, with its pairs' definitions).
  const reader = new DynamoBatchReader({ client: clients.dynamo, tableName: config.tableName });
  const definitions = new DynamoPairDefinitionStore({ client: clients.dynamo, tableName: config.tableName, reader });
  return {
    inventory: new CachedInventorySource(
      new Route53InventorySource(clients.route53, { zoneIds: config.zoneIds }),
      clock,
      { maxAgeSeconds: config.discoveryMaxAgeMinutes * 60 },
      listings === undefined ? undefined : { store: listings, definitions },
    ),
    metrics: new CloudWatchHealthMetricSource(clients.cloudWatch),
    checkers: new Route53CheckerStatusSource(clients.route53),
    checkerEvidence: new Route53CheckerEvidenceSource({
      client: clients.route53Evidence,
      gate: new DynamoRateGate({ client: clients.dynamo, tableName: config.tableName, operation: 'GetHealthCheckStatus', callsPerSecond: config.statusRequestsPerSecond, clock }),
      budgets: [clients.statusBudget, clients.route53Budget],
    }),
    store: new DynamoStateStore({ client: clients.dynamo, tableName: config.tableName, historyDays: config.historyDays, reader }),
    notifier: new SnsNotifier(clients.sns, config.topicArn),
    silences: new DynamoSilenceStore({ client: clients.dynamo, tableName: config.tableName, reader }),
    definitions,
    loadBalancers: {
      directory: new CachedLoadBalancerDirectory(new ElbLoadBalancerDirectory((region) => clients.loadBalancers.in(region)), clock, { maxAgeSeconds: config.discoveryMaxAgeMinutes * 60 }),
      targetCounts: new CloudWatchTargetCountSource((region) => clients.regionalCloudWatch.in(region)),
    },
    dnsAnswers: new Route53DnsAnswerSource({
      client: clients.route53Evidence,
      budget: clients.route53Budget,
      gate: new DynamoRateGate({ client: clients.dynamo, tableName: config.tableName, operation: 'TestDNSAnswer', callsPerSecond: dnsAnswersPerSecond(config.route53RequestsPerSecond), clock }),
    }),
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
