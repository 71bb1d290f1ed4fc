/**
 * One account size: a simulated account of N health checks (N/2 failover pairs) served by HTTP
 * stand-ins on 127.0.0.1 in this process, and the functions in child processes, each one a fresh
 * container. Every figure of a step is the difference of the stand-ins' counters around it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { alarmDescriptionFor, alarmNameFor } from '../lib/domain/alarm-plan';
import { pairKey } from '../lib/domain/model';
import { createTestDocumentClient, createTestTable } from '../local/dynalite';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../local/simulated-aws';
import type { DoneMessage } from './child/runtime';
import { Container, type ChildScripts } from './containers';
import { startCloudWatchStandIn } from '../local/stand-ins/cloudwatch-server';
import { DYNAMO_WRITE_OPERATIONS, startDynamoStandIn } from '../local/stand-ins/dynamo';
import type { RunningServer } from '../local/stand-ins/http';
import { startRoute53StandIn } from '../local/stand-ins/route53-server';
import { startSnsStandIn } from '../local/stand-ins/sns-server';
import { Traffic, totalRequests, totalThrottled, trafficBetween, type ServiceTraffic, type TrafficSnapshot } from '../local/stand-ins/traffic';

export const ACCOUNT_SETTINGS = {
  /** Route 53's documented account-wide rate (older pages), and Failwatch's FAILWATCH_ROUTE53_RPS default. */
  route53RequestsPerSecond: 5,
  statusBurst: 4,
  statusPerSecond: 1,
  route53Latency: { minMs: 30, maxMs: 80 },
  cloudWatchLatency: { minMs: 40, maxMs: 120 },
  snsLatency: { minMs: 20, maxMs: 60 },
  /** Route 53's page sizes (for health checks the most a page holds: Failwatch asks for 1,000); the adapters follow markers and assume none. */
  pageSizes: { hostedZones: 100, recordSets: 300, healthChecks: 1000 },
  pairsPerZone: 250,
  /** Share of health checks that change in the "1% change" scenario (at least one). */
  changeShare: 0.01,
  /** The naive sweep reads at most this many statuses (plus every changed check); the rest are extrapolated. */
  naiveStatusSample: 12,
} as const;

export interface StepFigures {
  readonly wallMs: number;
  readonly route53Calls: number;
  readonly route53Throttled: number;
  /** SDK calls whose last attempt was answered Throttling: nobody retried them. */
  readonly route53ThrottledUnretried: number;
  readonly route53ByOperation: Readonly<Record<string, number>>;
  readonly cloudWatchCalls: number;
  readonly dynamoCalls: number;
  readonly dynamoWrites: number;
  readonly dynamoByOperation: Readonly<Record<string, number>>;
  readonly snsCalls: number;
  readonly heapPeakMb: number;
  /** Peak RSS of the container so far (it includes earlier steps in the same container). */
  readonly peakRssMb: number;
  readonly result: Readonly<Record<string, number>>;
  readonly error?: string;
  /** Naive sweep on a sample: what the skipped status reads add, at GetHealthCheckStatus's 1 call a second. */
  readonly extrapolated?: { readonly statusReadsSkipped: number; readonly wallMs: number; readonly route53Calls: number };
}

export interface SizeFigures {
  readonly checks: number;
  readonly pairs: number;
  readonly zones: number;
  readonly changedChecks: number;
  readonly optimized: {
    readonly firstSweep?: StepFigures;
    readonly steady?: StepFigures;
    readonly change?: StepFigures;
    readonly alarmCold?: StepFigures;
    readonly alarmWarm?: StepFigures;
    /** A second poll container with V8's heap capped (CAPPED_HEAP_FLAGS): its steady sweep, after its own cold one. */
    readonly steadyHeapCapped?: StepFigures;
    readonly pollPeakRssMb?: number;
    readonly alarmPeakRssMb?: number;
    readonly heapCappedPeakRssMb?: number;
    /** RSS once the function's bundle is loaded, before the first invocation. */
    readonly pollLoadedRssMb?: number;
    readonly alarmLoadedRssMb?: number;
  };
  readonly naive: { readonly steady?: StepFigures; readonly change?: StepFigures; readonly peakRssMb?: number; readonly loadedRssMb?: number };
  readonly problems: readonly string[];
}

export interface SweepBenchOptions {
  readonly root: string;
  readonly children: ChildScripts;
  readonly stepTimeoutMs: number;
  readonly log: (line: string) => void;
}

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:failwatch-bench-alerts';
/** FAILWATCH_ALARM_PREFIX's default: the alarm events are those of Failwatch's own alarms. */
const ALARM_PREFIX = 'failwatch';

/**
 * Whether the sweep still runs in a small V8 heap: Node sizes its heap from the machine (24 GB here,
 * a cgroup's limit on Lambda) and collects lazily when it may grow, so an uncapped peak RSS overstates
 * what a 128 MB function needs. These caps are the bench's choice, not Lambda's documented settings.
 */
export const CAPPED_HEAP_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=1'] as const;
const MB = 1024 * 1024;

interface Stand {
  readonly world: SimulatedAws;
  readonly pairs: readonly GeneratedPair[];
  readonly traffic: Traffic;
  readonly servers: { readonly route53: RunningServer; readonly cloudWatch: RunningServer; readonly sns: RunningServer; readonly dynamo: RunningServer };
}

async function startStand(checks: number): Promise<Stand> {
  const { account: world, pairs } = generatedAccount({ healthChecks: checks, pairsPerZone: ACCOUNT_SETTINGS.pairsPerZone, pageSizes: ACCOUNT_SETTINGS.pageSizes });
  const traffic = new Traffic();
  const s = ACCOUNT_SETTINGS;
  const servers = {
    route53: await startRoute53StandIn(world, traffic, {
      requestsPerSecond: s.route53RequestsPerSecond,
      statusBurst: s.statusBurst,
      statusPerSecond: s.statusPerSecond,
      latency: s.route53Latency,
      seed: checks,
    }),
    cloudWatch: await startCloudWatchStandIn(world, traffic, { latency: s.cloudWatchLatency, seed: checks + 1 }),
    sns: await startSnsStandIn(world, traffic, { latency: s.snsLatency, seed: checks + 2 }),
    dynamo: await startDynamoStandIn(traffic),
  };
  return { world, pairs, traffic, servers };
}

function containerEnvironment(stand: Stand, tableName: string): Record<string, string> {
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
  };
}

function requestsByOperation(traffic: ServiceTraffic, answeredOnly: boolean): Record<string, number> {
  return Object.fromEntries(
    Object.entries(traffic)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, counts]) => [operation, answeredOnly ? counts.requests - counts.throttled : counts.requests]),
  );
}

function figuresOf(done: DoneMessage, traffic: TrafficSnapshot): StepFigures {
  const { route53, cloudwatch, dynamodb, sns } = traffic.services;
  const throttled = totalThrottled(route53);
  return {
    wallMs: done.wallMs,
    route53Calls: totalRequests(route53) - throttled,
    route53Throttled: throttled,
    route53ThrottledUnretried: traffic.throttledInvocations,
    route53ByOperation: requestsByOperation(route53, true),
    cloudWatchCalls: totalRequests(cloudwatch),
    dynamoCalls: totalRequests(dynamodb),
    dynamoWrites: totalRequests(dynamodb, DYNAMO_WRITE_OPERATIONS),
    dynamoByOperation: requestsByOperation(dynamodb, false),
    snsCalls: totalRequests(sns),
    heapPeakMb: done.heapPeakBytes / MB,
    peakRssMb: done.maxRssBytes / MB,
    result: done.result,
    ...(done.error !== undefined ? { error: done.error } : {}),
  };
}

async function runStep(stand: Stand, container: Container, event: unknown, timeoutMs: number): Promise<StepFigures> {
  stand.traffic.forgetInvocations();
  const before = stand.traffic.snapshot();
  const done = await container.invoke(event, timeoutMs);
  return figuresOf(done, trafficBetween(before, stand.traffic.snapshot()));
}

function loadEvent(root: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;
}

/**
 * events/alarm-alarm.json, re-aimed at the primary check of one pair (a minimal event of the same shape
 * if the file is absent), with the description the reconciler gives that check's alarm: in a generated
 * account each check has exactly one pair.
 */
function alarmEventFor(root: string, pair: GeneratedPair): unknown {
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

/** The naive sweep starts from stored states, as it would after its own first run. */
async function seedNaiveStates(endpoint: string, tableName: string, pairs: readonly GeneratedPair[]): Promise<void> {
  const client = createTestDocumentClient(endpoint);
  try {
    for (let start = 0; start < pairs.length; start += 25) {
      const items = pairs.slice(start, start + 25).map((pair) => ({
        PutRequest: { Item: { pk: `NAIVE#${pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type })}`, sk: 'STATE', serving: 'PRIMARY', sequence: 0, observedAt: new Date().toISOString() } },
      }));
      await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    }
  } finally {
    client.destroy();
  }
}

/** Primaries of evenly spread pairs: their change moves DNS to the secondary (FAILOVER). */
function changingChecks(pairs: readonly GeneratedPair[], checks: number): string[] {
  const count = Math.max(1, Math.round(checks * ACCOUNT_SETTINGS.changeShare));
  return Array.from({ length: count }, (_, i) => pairs[Math.floor((i * pairs.length) / count)]!.primaryCheckId);
}

function withExtrapolation(figures: StepFigures): StepFigures {
  const skipped = figures.result['statusReadsSkipped'] ?? 0;
  if (skipped === 0) return figures;
  return {
    ...figures,
    extrapolated: {
      statusReadsSkipped: skipped,
      wallMs: figures.wallMs + (skipped * 1000) / ACCOUNT_SETTINGS.statusPerSecond,
      route53Calls: figures.route53Calls + skipped,
    },
  };
}

export async function benchSize(checks: number, options: SweepBenchOptions): Promise<SizeFigures> {
  const stand = await startStand(checks);
  const problems: string[] = [];
  const zones = stand.world.zones.length;
  const changed = changingChecks(stand.pairs, checks);
  const optimized: { -readonly [K in keyof SizeFigures['optimized']]: SizeFigures['optimized'][K] } = {};
  const naive: { -readonly [K in keyof SizeFigures['naive']]: SizeFigures['naive'][K] } = {};
  const scheduled = loadEvent(options.root, 'scheduled.json');
  const note = (what: string, figures: StepFigures | undefined) => {
    if (figures?.error !== undefined) problems.push(`${what}: ${figures.error}`);
    if ((figures?.result['unfinishedPairs'] ?? 0) > 0) problems.push(`${what}: ${figures!.result['unfinishedPairs']} pairs unfinished`);
    if (figures) options.log(`  ${checks} checks, ${what}: ${(figures.wallMs / 1000).toFixed(2)} s`);
  };
  const contained = async (
    what: string,
    script: string,
    tableName: string,
    run: (container: Container) => Promise<number | undefined>,
    extraFlags: readonly string[] = [],
  ): Promise<{ peakRssMb?: number; loadedRssMb?: number }> => {
    let container: Container | undefined;
    const figures: { peakRssMb?: number; loadedRssMb?: number } = {};
    try {
      const started = await Container.start(script, containerEnvironment(stand, tableName), extraFlags);
      container = started.container;
      figures.loadedRssMb = started.ready.maxRssBytes / MB;
      const peak = await run(container);
      if (peak !== undefined) figures.peakRssMb = peak;
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await container?.stop();
    }
    return figures;
  };

  try {
    const table = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-history');
    const naiveTable = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-naive');

    const poll = await contained('poll container', options.children.poll, table, async (poll) => {
      optimized.firstSweep = await runStep(stand, poll, scheduled, options.stepTimeoutMs);
      note('first sweep (cold container)', optimized.firstSweep);
      optimized.steady = await runStep(stand, poll, scheduled, options.stepTimeoutMs);
      note('steady sweep', optimized.steady);
      for (const id of changed) stand.world.setHealthy(id, false);
      optimized.change = await runStep(stand, poll, scheduled, options.stepTimeoutMs);
      note('1% change sweep', optimized.change);
      return optimized.change.peakRssMb;
    });
    optimized.pollPeakRssMb = poll.peakRssMb;
    optimized.pollLoadedRssMb = poll.loadedRssMb;

    const [coldAlarmPair, warmAlarmPair] = [stand.pairs[stand.pairs.length - 1]!, stand.pairs[stand.pairs.length - 2] ?? stand.pairs[0]!];
    const alarm = await contained('alarm container', options.children.alarm, table, async (alarm) => {
      stand.world.setHealthy(coldAlarmPair.primaryCheckId, false);
      optimized.alarmCold = await runStep(stand, alarm, alarmEventFor(options.root, coldAlarmPair), options.stepTimeoutMs);
      note('alarm, cold container', optimized.alarmCold);
      stand.world.setHealthy(warmAlarmPair.primaryCheckId, false);
      optimized.alarmWarm = await runStep(stand, alarm, alarmEventFor(options.root, warmAlarmPair), options.stepTimeoutMs);
      note('alarm, warm container', optimized.alarmWarm);
      return optimized.alarmWarm.peakRssMb;
    });
    optimized.alarmPeakRssMb = alarm.peakRssMb;
    optimized.alarmLoadedRssMb = alarm.loadedRssMb;

    // Every pair is stored and nothing changes: this container's first sweep lists Route 53 and writes nothing.
    for (const check of stand.world.checks.keys()) stand.world.setHealthy(check, true);
    const capped = await contained(
      'poll container, heap capped',
      options.children.poll,
      table,
      async (container) => {
        const cold = await runStep(stand, container, scheduled, options.stepTimeoutMs);
        if (cold.error !== undefined) problems.push(`poll container, heap capped, cold sweep: ${cold.error}`);
        optimized.steadyHeapCapped = await runStep(stand, container, scheduled, options.stepTimeoutMs);
        note('steady sweep, heap capped', optimized.steadyHeapCapped);
        return optimized.steadyHeapCapped.peakRssMb;
      },
      CAPPED_HEAP_FLAGS,
    );
    optimized.heapCappedPeakRssMb = capped.peakRssMb;

    await seedNaiveStates(stand.servers.dynamo.endpoint, naiveTable, stand.pairs);
    const naiveContainer = await contained('naive container', options.children.naive, naiveTable, async (container) => {
      const sample = ACCOUNT_SETTINGS.naiveStatusSample;
      naive.steady = withExtrapolation(await runStep(stand, container, { statusSample: { limit: sample, include: [] } }, options.stepTimeoutMs));
      note('naive steady sweep', naive.steady);
      for (const id of changed) stand.world.setHealthy(id, false);
      naive.change = withExtrapolation(
        await runStep(stand, container, { statusSample: { limit: Math.max(sample, changed.length), include: changed } }, options.stepTimeoutMs),
      );
      note('naive 1% change sweep', naive.change);
      return naive.change.peakRssMb;
    });
    naive.peakRssMb = naiveContainer.peakRssMb;
    naive.loadedRssMb = naiveContainer.loadedRssMb;
  } finally {
    await Promise.all(Object.values(stand.servers).map((server) => server.stop()));
  }

  return { checks, pairs: stand.pairs.length, zones, changedChecks: changed.length, optimized, naive, problems };
}
