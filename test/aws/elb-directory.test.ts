/**
 * The load balancer directory and the target counts, through the real SDK clients (the Query and JSON
 * protocols, pagination, retries) against the local stand-ins on 127.0.0.1 answering from a simulated
 * account with load balancers in several regions.
 */
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbLoadBalancerDirectory } from '../../lib/aws/elb/directory';
import { CloudWatchTargetCountSource, targetCountMetricQuery } from '../../lib/aws/cloudwatch/target-counts';
import { createLoadBalancerClients, createRegionalCloudWatchClients } from '../../lib/aws/sdk-clients';
import { parseLoadBalancerRef, type LoadBalancerRef } from '../../lib/domain/alias-targets';
import { judgeLoadBalancer, targetCountQueries, type LoadBalancerLookup } from '../../lib/domain/load-balancer-health';
import { CachedLoadBalancerDirectory } from '../../lib/usecases/cached-load-balancers';
import { FixedClock } from '../../local/fixed-clock';
import { SimulatedAws } from '../../local/simulated-aws';
import type { SimulatedLoadBalancer } from '../../local/simulated-load-balancers';
import { startCloudWatchStandIn } from '../../local/stand-ins/cloudwatch-server';
import { startElbStandIn } from '../../local/stand-ins/elb-server';
import type { RunningServer } from '../../local/stand-ins/http';
import { Traffic, totalRequests } from '../../local/stand-ins/traffic';

const NO_LATENCY = { minMs: 0, maxMs: 0 };
const CLIENT_OPTIONS = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2, backoffBaseMs: 1 };

let world: SimulatedAws;
let traffic: Traffic;
let servers: RunningServer[];
let balancers: ReturnType<typeof createLoadBalancerClients>;
let cloudWatch: ReturnType<typeof createRegionalCloudWatchClients>;
let web: SimulatedLoadBalancer;
let edge: SimulatedLoadBalancer;
let legacy: SimulatedLoadBalancer;

const refOf = (balancer: SimulatedLoadBalancer): LoadBalancerRef => parseLoadBalancerRef({ dnsName: `dualstack.${balancer.dnsName}.`, hostedZoneId: balancer.canonicalHostedZoneId })!;
const described = (lookup: LoadBalancerLookup | undefined) => (lookup?.kind === 'DESCRIBED' ? lookup.description : undefined);

beforeAll(async () => {
  world = new SimulatedAws();
  web = world.loadBalancers.add({
    region: 'eu-west-1',
    type: 'application',
    name: 'web',
    targetGroups: [
      { name: 'web', targets: [{ id: 'i-1', zone: 'a' }, { id: 'i-2', zone: 'b' }], attributes: { 'target_group_health.dns_failover.minimum_healthy_targets.count': '2', 'target_group_health.dns_failover.minimum_healthy_targets.percentage': '50' } },
      { name: 'api', targets: [], attributes: { 'load_balancing.cross_zone.enabled': 'false', 'target_group_health.dns_failover.minimum_healthy_targets.count': 'off' } },
    ],
  });
  edge = world.loadBalancers.add({ region: 'us-west-2', type: 'network', name: 'edge', zones: ['a', 'b', 'c'], crossZone: true, targetGroups: [{ name: 'tcp', targets: [{ id: '10.1.0.1', zone: 'c', healthy: false }] }] });
  legacy = world.loadBalancers.add({ region: 'us-east-1', type: 'classic', name: 'legacy', instances: [{ id: 'i-9', zone: 'a' }] });
  traffic = new Traffic();
  servers = [await startElbStandIn(world, traffic, { latency: NO_LATENCY, seed: 1 }), await startCloudWatchStandIn(world, traffic, { latency: NO_LATENCY, seed: 2 })];
  balancers = createLoadBalancerClients({ ...CLIENT_OPTIONS, endpoint: servers[0]!.endpoint });
  cloudWatch = createRegionalCloudWatchClients({ ...CLIENT_OPTIONS, endpoint: servers[1]!.endpoint });
});

afterAll(async () => {
  balancers.destroy();
  cloudWatch.destroy();
  await Promise.all(servers.map((server) => server.stop()));
});

afterEach(() => {
  world.loadBalancers.describeFailure = undefined;
});

const directory = () => new ElbLoadBalancerDirectory((region) => balancers.in(region));

describe('ElbLoadBalancerDirectory: the balancers aliases name, described in their own regions', () => {
  it('an Application Load Balancer in eu-west-1: its zones, target groups and their DNS failover attributes (off and defaults too)', async () => {
    const lookups = await directory().describeLoadBalancers([refOf(web)]);
    expect(described(lookups.get(refOf(web).dnsName))).toEqual({
      ref: refOf(web),
      type: 'APPLICATION',
      metricId: web.arn.split(':loadbalancer/')[1],
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      crossZone: true,
      targetGroups: [
        { name: 'web', metricId: web.targetGroups[0]!.arn.split(':')[5], dnsMinimumHealthyCount: 2, dnsMinimumHealthyPercentage: 50 },
        { name: 'api', metricId: web.targetGroups[1]!.arn.split(':')[5], crossZone: false },
      ],
    });
  });

  it('a Network Load Balancer in us-west-2 (its cross-zone attribute read) and a Classic one in us-east-1, in one call', async () => {
    const lookups = await directory().describeLoadBalancers([refOf(edge), refOf(legacy)]);
    expect(described(lookups.get(refOf(edge).dnsName))).toMatchObject({ type: 'NETWORK', crossZone: true, availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'], targetGroups: [{ name: 'tcp', dnsMinimumHealthyCount: 1 }] });
    expect(described(lookups.get(refOf(legacy).dnsName))).toEqual({ ref: refOf(legacy), type: 'CLASSIC', metricId: 'legacy', availabilityZones: ['us-east-1a', 'us-east-1b'], crossZone: false, targetGroups: [] });
  });

  it('follows NextMarker past the 400 a page holds', async () => {
    const crowded = new SimulatedAws();
    for (let index = 0; index < 401; index++) crowded.loadBalancers.add({ region: 'eu-west-1', type: 'application', name: `svc${index}`, targetGroups: [] });
    const last = crowded.loadBalancers.all.at(-1)!;
    const server = await startElbStandIn(crowded, new Traffic(), { latency: NO_LATENCY, seed: 3 });
    const clients = createLoadBalancerClients({ ...CLIENT_OPTIONS, endpoint: server.endpoint });
    try {
      const lookups = await new ElbLoadBalancerDirectory((region) => clients.in(region)).describeLoadBalancers([refOf(last)]);
      expect(lookups.get(refOf(last).dnsName)?.kind).toBe('DESCRIBED');
      expect(crowded.loadBalancers.calls.describe).toBe(2 + 1);
    } finally {
      clients.destroy();
      await server.stop();
    }
  });

  it('an unreadable region leaves its balancers UNREADABLE with what to grant; the other regions are described', async () => {
    world.loadBalancers.describeFailure = (operation, region) =>
      region === 'eu-west-1' ? new ElasticLoadBalancingV2ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: `not authorized to perform: elasticloadbalancing:${operation}` }) : undefined;
    const lookups = await directory().describeLoadBalancers([refOf(web), refOf(edge)]);
    expect(lookups.get(refOf(web).dnsName)).toMatchObject({ kind: 'UNREADABLE', reason: expect.stringMatching(/^Elastic Load Balancing refused DescribeLoadBalancers in eu-west-1 .*grant elasticloadbalancing:DescribeLoadBalancers to the function's role$/) });
    expect(lookups.get(refOf(edge).dnsName)?.kind).toBe('DESCRIBED');
  });

  it('a balancer no listing holds (deleted, or another account\'s) → UNREADABLE, saying so', async () => {
    const gone = parseLoadBalancerRef({ dnsName: 'gone-42.eu-west-1.elb.amazonaws.com', hostedZoneId: 'Z32O12XQLNTSW2' })!;
    const lookups = await directory().describeLoadBalancers([gone]);
    expect(lookups.get(gone.dnsName)).toEqual({ kind: 'UNREADABLE', ref: gone, reason: 'no load balancer of this account in eu-west-1 has the DNS name gone-42.eu-west-1.elb.amazonaws.com (deleted, or in another account, which Failwatch does not read)' });
  });
});

describe('CachedLoadBalancerDirectory: described at discovery, not every sweep', () => {
  it('reuses a description until the discovery age, asks again for an unreadable one after a minute', async () => {
    const clock = new FixedClock(new Date('2026-11-25T08:00:00Z'));
    const cached = new CachedLoadBalancerDirectory(directory(), clock, { maxAgeSeconds: 900 });
    const calls = () => world.loadBalancers.calls.describe;
    world.loadBalancers.describeFailure = (_operation, region) => (region === 'us-west-2' ? new Error('socket hang up') : undefined);
    await cached.describeLoadBalancers([refOf(web), refOf(edge)]);
    world.loadBalancers.describeFailure = undefined;

    const before = calls();
    clock.advanceSeconds(30);
    expect((await cached.describeLoadBalancers([refOf(web), refOf(edge)])).get(refOf(edge).dnsName)?.kind).toBe('UNREADABLE');
    expect(calls()).toBe(before);

    clock.advanceSeconds(31);
    expect((await cached.describeLoadBalancers([refOf(web), refOf(edge)])).get(refOf(edge).dnsName)?.kind).toBe('DESCRIBED');
    const afterRetry = calls();
    expect(afterRetry).toBeGreaterThan(before);

    clock.advanceSeconds(900);
    await cached.describeLoadBalancers([refOf(web)]);
    expect(calls()).toBeGreaterThan(afterRetry);
  });
});

describe('CloudWatchTargetCountSource: target counts in each balancer\'s region', () => {
  it('reads HealthyHostCount and UnHealthyHostCount with one GetMetricData per region, and the domain judges from them', async () => {
    const lookups = await directory().describeLoadBalancers([refOf(web), refOf(edge), refOf(legacy)]);
    const queries = [...lookups.values()].flatMap((lookup) => (lookup.kind === 'DESCRIBED' ? targetCountQueries(lookup.description) : []));
    const before = traffic.snapshot();
    const counts = await new CloudWatchTargetCountSource((region) => cloudWatch.in(region)).readTargetCounts(queries, new Date());
    expect(totalRequests(traffic.snapshot().services.cloudwatch) - totalRequests(before.services.cloudwatch)).toBe(3);

    const verdicts = [web, edge, legacy].map((balancer) => judgeLoadBalancer(lookups.get(refOf(balancer).dnsName)!, counts).verdict);
    // web: its empty 'api' target group makes it unhealthy; edge: its only target is unhealthy; legacy: one healthy instance.
    expect(verdicts).toEqual(['UNHEALTHY', 'UNHEALTHY', 'HEALTHY']);
    expect(judgeLoadBalancer(lookups.get(refOf(web).dnsName)!, counts).basis).toMatch(/target group api in eu-west-1a: no registered targets/);
  });

  it('asks each namespace for its dimensions, healthy targets as the Minimum and unhealthy ones as the Maximum any node reported; a Classic balancer\'s healthy instances as the Maximum', () => {
    const base = { id: 'q', region: 'eu-west-1', loadBalancer: 'app/web/50dc6c495c0c9188' } as const;
    expect(targetCountMetricQuery('t0', { ...base, loadBalancerType: 'APPLICATION', targetGroup: 'targetgroup/web/73e2d6bc24d8a067', count: 'HEALTHY' })).toEqual({
      Id: 't0',
      MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount', Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/web/73e2d6bc24d8a067' }, { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' }] }, Period: 60, Stat: 'Minimum' },
      ReturnData: true,
    });
    expect(targetCountMetricQuery('t1', { ...base, loadBalancerType: 'NETWORK', loadBalancer: 'net/edge/0a1b', targetGroup: 'targetgroup/tcp/1', availabilityZone: 'eu-west-1b', count: 'UNHEALTHY' }).MetricStat).toEqual({
      Metric: { Namespace: 'AWS/NetworkELB', MetricName: 'UnHealthyHostCount', Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/tcp/1' }, { Name: 'LoadBalancer', Value: 'net/edge/0a1b' }, { Name: 'AvailabilityZone', Value: 'eu-west-1b' }] },
      Period: 60,
      Stat: 'Maximum',
    });
    expect(targetCountMetricQuery('t2', { ...base, loadBalancerType: 'CLASSIC', loadBalancer: 'legacy', availabilityZone: 'eu-west-1a', count: 'HEALTHY' }).MetricStat).toEqual({
      Metric: { Namespace: 'AWS/ELB', MetricName: 'HealthyHostCount', Dimensions: [{ Name: 'LoadBalancerName', Value: 'legacy' }, { Name: 'AvailabilityZone', Value: 'eu-west-1a' }] },
      Period: 60,
      Stat: 'Maximum',
    });
  });

  it('metrics that cannot be read give UNAVAILABLE readings, never a throw, and the balancer UNKNOWN', async () => {
    const lookups = await directory().describeLoadBalancers([refOf(web), refOf(legacy)]);
    const queries = [...lookups.values()].flatMap((lookup) => (lookup.kind === 'DESCRIBED' ? targetCountQueries(lookup.description) : []));
    world.metricDataFailure = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    try {
      const counts = await new CloudWatchTargetCountSource((region) => cloudWatch.in(region)).readTargetCounts(queries, new Date());
      expect(new Set([...counts.values()].map((reading) => reading.kind))).toEqual(new Set(['UNAVAILABLE']));
      expect(judgeLoadBalancer(lookups.get(refOf(legacy).dnsName)!, counts).verdict).toBe('UNKNOWN');
    } finally {
      world.metricDataFailure = undefined;
    }
  });
});
