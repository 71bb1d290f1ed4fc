/**
 * The stand every part of the bench runs on: a simulated account of N health checks (N/2 failover pairs)
 * served by HTTP stand-ins on 127.0.0.1 in this process, and the functions in child processes, each one a
 * fresh container. Every figure of a step is the difference of the stand-ins' counters around it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alarmDescriptionFor, alarmNameFor } from '../lib/domain/alarm-plan';
import { pairKey } from '../lib/domain/model';
import type { DiscoveryReport } from '../lib/ports';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../local/simulated-aws';
import { startCloudWatchStandIn } from '../local/stand-ins/cloudwatch-server';
import { isDefinitionOperation, isDynamoWrite, startDynamoStandIn } from '../local/stand-ins/dynamo';
import type { RunningServer } from '../local/stand-ins/http';
import { startRoute53StandIn } from '../local/stand-ins/route53-server';
import { startSnsStandIn } from '../local/stand-ins/sns-server';
import { Traffic, totalRequests, totalThrottled, trafficBetween, type ServiceTraffic, type TrafficSnapshot } from '../local/stand-ins/traffic';
import type { DoneMessage } from './child/runtime';
import { Container, type ChildScripts } from './containers';

export const ACCOUNT_SETTINGS = {
  /** Route 53's documented account-wide rate (older pages), and Failwatch's FAILWATCH_ROUTE53_RPS default. */
  route53RequestsPerSecond: 5,
  statusBurst: 4,
  statusPerSecond: 1,
  /** CloudWatch's default GetMetricData quota (50 transactions a second), enforced by the stand-in. */
  cloudWatchRequestsPerSecond: 50,
  route53Latency: { minMs: 30, maxMs: 80 },
  cloudWatchLatency: { minMs: 40, maxMs: 120 },
  snsLatency: { minMs: 20, maxMs: 60 },
  /** The simulated account's page sizes when a request asks for none (the adapters follow markers and assume none). */
  pageSizes: { hostedZones: 100, recordSets: 300, healthChecks: 1000 },
  pairsPerZone: 250,
  /** Share of health checks that change in the "1% change" scenario (at least one). */
  changeShare: 0.01,
} as const;

export const MB = 1024 * 1024;

export interface StepFigures {
  readonly wallMs: number;
  readonly route53Calls: number;
  readonly route53Throttled: number;
  /** SDK calls whose last attempt was answered Throttling: nobody retried them. */
  readonly route53ThrottledUnretried: number;
  readonly route53ByOperation: Readonly<Record<string, number>>;
  readonly cloudWatchCalls: number;
  readonly cloudWatchThrottled: number;
  readonly dynamoCalls: number;
  readonly dynamoWrites: number;
  /** Of the DynamoDB requests, those naming pair definition items (`<command> (definitions)` in dynamoByOperation). */
  readonly dynamoDefinitionCalls: number;
  readonly dynamoDefinitionWrites: number;
  readonly dynamoByOperation: Readonly<Record<string, number>>;
  readonly snsCalls: number;
  /** Heap in use, sampled every 100 ms: a lower bound of the invocation's peak. */
  readonly heapPeakMb: number;
  /** Peak RSS of the container so far (it includes earlier steps in the same container): the kernel's maxRSS. */
  readonly peakRssMb: number;
  readonly result: Readonly<Record<string, number>>;
  /** The result's `status` strings by field (`definitions`: SYNCED, UNFINISHED, WAITING_FOR_LISTING...). */
  readonly statuses?: Readonly<Record<string, string>>;
  /** poll's `discovery` as returned (absent: judged from a complete listing, none under way, or no result at all). */
  readonly discovery?: DiscoveryReport;
  readonly error?: string;
  /** Past the function's timeout: Lambda would have stopped it, and the container is gone. */
  readonly timedOut?: boolean;
}

export interface Stand {
  readonly checks: number;
  readonly world: SimulatedAws;
  readonly pairs: readonly GeneratedPair[];
  readonly traffic: Traffic;
  readonly servers: { readonly route53: RunningServer; readonly cloudWatch: RunningServer; readonly sns: RunningServer; readonly dynamo: RunningServer };
}

export interface BenchContext {
  readonly root: string;
  readonly children: ChildScripts;
  readonly stepTimeoutMs: number;
  readonly log: (line: string) => void;
}

export async function startStand(checks: number): Promise<Stand> {
  const s = ACCOUNT_SETTINGS;
  const { account: world, pairs } = generatedAccount({ healthChecks: checks, pairsPerZone: s.pairsPerZone, pageSizes: s.pageSizes });
  const traffic = new Traffic();
  const servers = {
    route53: await startRoute53StandIn(world, traffic, {
      requestsPerSecond: s.route53RequestsPerSecond,
      statusBurst: s.statusBurst,
      statusPerSecond: s.statusPerSecond,
      latency: s.route53Latency,
      seed: checks,
    }),
    cloudWatch: await startCloudWatchStandIn(world, traffic, { latency: s.cloudWatchLatency, seed: checks + 1, requestsPerSecond: s.cloudWatchRequestsPerSecond }),
    sns: await startSnsStandIn(world, traffic, { latency: s.snsLatency, seed: checks + 2 }),
    dynamo: await startDynamoStandIn(traffic),
  };
  return { checks, world, pairs, traffic, servers };
}

export async function stopStand(stand: Stand): Promise<void> {
  await Promise.all(Object.values(stand.servers).map((server) => server.stop()));
}

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:failwatch-bench-alerts';
/** FAILWATCH_ALARM_PREFIX's default: the alarm events are those of Failwatch's own alarms. */
const ALARM_PREFIX = 'failwatch';

export function containerEnvironment(stand: Stand, tableName: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDFAILWATCHBENCH',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    // The SDK's own standard variables, as a deployed function would find AWS.
    AWS_ENDPOINT_URL_ROUTE_53: stand.servers.route53.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: stand.servers.cloudWatch.endpoint,
    AWS_ENDPOINT_URL_SNS: stand.servers.sns.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stand.servers.dynamo.endpoint,
    FAILWATCH_TABLE: tableName,
    FAILWATCH_TOPIC_ARN: TOPIC_ARN,
    FAILWATCH_ROUTE53_RPS: String(ACCOUNT_SETTINGS.route53RequestsPerSecond),
    // The bench measures the sweep itself; alarm upkeep runs only when due and is tested elsewhere.
    FAILWATCH_MANAGE_ALARMS: 'false',
    POWERTOOLS_SERVICE_NAME: 'failwatch',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...extra,
  };
}

function requestsByOperation(traffic: ServiceTraffic, answeredOnly: boolean): Record<string, number> {
  return Object.fromEntries(
    Object.entries(traffic)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, counts]) => [operation, answeredOnly ? counts.requests - counts.throttled : counts.requests]),
  );
}

function countWhere(traffic: ServiceTraffic, accept: (operation: string) => boolean): number {
  return totalRequests(traffic, Object.keys(traffic).filter(accept));
}

export function figuresOf(done: DoneMessage, traffic: TrafficSnapshot): StepFigures {
  const { route53, cloudwatch, dynamodb, sns } = traffic.services;
  const throttled = totalThrottled(route53);
  const cloudWatchThrottled = totalThrottled(cloudwatch);
  return {
    wallMs: done.wallMs,
    route53Calls: totalRequests(route53) - throttled,
    route53Throttled: throttled,
    route53ThrottledUnretried: traffic.throttledInvocations,
    route53ByOperation: requestsByOperation(route53, true),
    cloudWatchCalls: totalRequests(cloudwatch) - cloudWatchThrottled,
    cloudWatchThrottled,
    dynamoCalls: totalRequests(dynamodb),
    dynamoWrites: countWhere(dynamodb, isDynamoWrite),
    dynamoDefinitionCalls: countWhere(dynamodb, isDefinitionOperation),
    dynamoDefinitionWrites: countWhere(dynamodb, (operation) => isDefinitionOperation(operation) && isDynamoWrite(operation)),
    dynamoByOperation: requestsByOperation(dynamodb, false),
    snsCalls: totalRequests(sns),
    heapPeakMb: done.heapPeakBytes / MB,
    peakRssMb: done.maxRssBytes / MB,
    result: done.result,
    ...(done.statuses !== undefined ? { statuses: done.statuses } : {}),
    ...(done.discovery !== undefined ? { discovery: done.discovery } : {}),
    ...(done.error !== undefined ? { error: done.error } : {}),
    ...(done.timedOut === true ? { timedOut: true } : {}),
  };
}

export async function runStep(stand: Stand, container: Container, event: unknown, timeoutMs: number): Promise<StepFigures> {
  stand.traffic.forgetInvocations();
  const before = stand.traffic.snapshot();
  const done = await container.invoke(event, timeoutMs);
  return figuresOf(done, trafficBetween(before, stand.traffic.snapshot()));
}

export function loadEvent(root: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;
}

/**
 * events/alarm-alarm.json, re-aimed at the primary check of one pair (a minimal event of the same shape
 * if the file is absent), with the description the reconciler gives that check's alarm: in a generated
 * account each check has exactly one pair.
 */
export function alarmEventFor(root: string, pair: GeneratedPair): unknown {
  const healthCheckId = pair.primaryCheckId;
  const alarmName = alarmNameFor(ALARM_PREFIX, healthCheckId);
  const description = alarmDescriptionFor(ALARM_PREFIX, healthCheckId, [pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type })]);
  const metric = { namespace: 'AWS/Route53', name: 'HealthCheckStatus', dimensions: { HealthCheckId: healthCheckId } };
  const base = existsSync(join(root, 'events', 'alarm-alarm.json'))
    ? loadEvent(root, 'alarm-alarm.json')
    : { version: '0', id: 'bench', 'detail-type': 'CloudWatch Alarm State Change', source: 'aws.cloudwatch', account: '123456789012', region: 'us-east-1', detail: { state: { value: 'ALARM' } } };
  const detail = (base['detail'] ?? {}) as Record<string, unknown>;
  return {
    ...base,
    time: new Date().toISOString(),
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: { ...detail, alarmName, configuration: { description, metrics: [{ id: 'm1', metricStat: { metric, period: 60, stat: 'Minimum' }, returnData: true }] } },
  };
}

/** Primaries of `count` evenly spread pairs: their failure moves DNS to the secondary (FAILOVER). */
export function spreadPrimaries(pairs: readonly GeneratedPair[], count: number): string[] {
  return Array.from({ length: count }, (_, i) => pairs[Math.floor((i * pairs.length) / count)]!.primaryCheckId);
}

export function changedCheckCount(checks: number): number {
  return Math.max(1, Math.round(checks * ACCOUNT_SETTINGS.changeShare));
}

/**
 * Runs `work` with a fresh container of `script` (a cold Lambda container) and stops it after; a failure to
 * start or a crash is a problem of the size, not of the bench. Returns the RSS once loaded and what `work` returns.
 */
export async function withContainer<T>(
  stand: Stand,
  context: BenchContext,
  what: string,
  script: string,
  env: Readonly<Record<string, string>>,
  problems: string[],
  work: (container: Container) => Promise<T>,
  extraFlags: readonly string[] = [],
): Promise<{ readonly loadedRssMb?: number; readonly value?: T }> {
  let container: Container | undefined;
  try {
    const started = await Container.start(script, env, extraFlags);
    container = started.container;
    return { loadedRssMb: started.ready.maxRssBytes / MB, value: await work(container) };
  } catch (error) {
    problems.push(`${stand.checks} checks, ${what}: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  } finally {
    await container?.stop();
  }
}

/** Notes a step's failure (an error, a timeout, pairs left unfinished) and logs its time. */
export function noteStep(stand: Stand, context: BenchContext, problems: string[], what: string, figures: StepFigures | undefined): void {
  if (figures === undefined) return;
  if (figures.error !== undefined) problems.push(`${stand.checks} checks, ${what}: ${figures.error}`);
  if ((figures.result['unfinishedPairs'] ?? 0) > 0) problems.push(`${stand.checks} checks, ${what}: ${figures.result['unfinishedPairs']} pairs unfinished`);
  context.log(`  ${stand.checks} checks, ${what}: ${(figures.wallMs / 1000).toFixed(2)} s${figures.timedOut === true ? ' (timed out)' : ''}`);
}
