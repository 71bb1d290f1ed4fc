/**
 * The simulated account's load balancers (part of local/simulated-aws.ts): Application, Network and
 * Classic ones in any region, with target groups, their attributes and targets whose health a test or
 * the demo sets. They answer Elastic Load Balancing's describe calls (pages capped at 400, as the API
 * reference caps them), CloudWatch's HealthyHostCount / UnHealthyHostCount in their own region, and
 * Route 53's evaluation of an alias to them, written here apart from Failwatch's domain so the two can
 * disagree: every target group must have at least its minimum count of healthy targets (default 1) in a
 * zone for the zone to be in DNS, and a balancer is healthy when a zone is ("For an Application or
 * Network Load Balancer to be considered healthy, every target group that contains targets must contain
 * at least one healthy target"; "A target group that has no registered targets is considered unhealthy").
 */
import type { LoadBalancerDescription as ClassicLoadBalancer } from '@aws-sdk/client-elastic-load-balancing';
import type { LoadBalancer, TargetGroup, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';

export const SimulatedLoadBalancerType = { APPLICATION: 'application', NETWORK: 'network', CLASSIC: 'classic' } as const;
export type SimulatedLoadBalancerType = (typeof SimulatedLoadBalancerType)[keyof typeof SimulatedLoadBalancerType];

export interface SimulatedTarget {
  readonly id: string;
  readonly zone: string;
  healthy: boolean;
}

export interface SimulatedTargetGroup {
  readonly name: string;
  readonly arn: string;
  readonly targets: SimulatedTarget[];
  /** TargetGroupAttribute keys and values as DescribeTargetGroupAttributes returns them. */
  readonly attributes: Record<string, string>;
}

export interface SimulatedLoadBalancer {
  readonly region: string;
  readonly type: SimulatedLoadBalancerType;
  readonly name: string;
  readonly arn: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly zones: readonly string[];
  /** Network Load Balancers only (Application ones always have it on). */
  readonly crossZone: boolean;
  /** A Classic one's instances are its one group's targets. */
  readonly targetGroups: SimulatedTargetGroup[];
  /** Its nodes' addresses, one per zone, as DNS answers them. */
  readonly addresses: Readonly<Record<string, string>>;
}

export interface LoadBalancerSpec {
  readonly region: string;
  readonly type: SimulatedLoadBalancerType;
  readonly name: string;
  /** Zone letters or full names; default a and b. */
  readonly zones?: readonly string[];
  readonly crossZone?: boolean;
  readonly targetGroups?: readonly { readonly name: string; readonly targets: readonly { readonly id: string; readonly zone: string; readonly healthy?: boolean }[]; readonly attributes?: Record<string, string> }[];
  /** Classic only. */
  readonly instances?: readonly { readonly id: string; readonly zone: string; readonly healthy?: boolean }[];
}

/** The canonical zone ids of the regions the tests and the demo use (AWS General Reference). */
const ZONE_IDS: Readonly<Record<string, { readonly applicationOrClassic: string; readonly network: string }>> = {
  'us-east-1': { applicationOrClassic: 'Z35SXDOTRQ7X7K', network: 'Z26RNL4JYFTOTI' },
  'us-west-2': { applicationOrClassic: 'Z1H1FL5HABSF5', network: 'Z18D5FSROUN65G' },
  'eu-west-1': { applicationOrClassic: 'Z32O12XQLNTSW2', network: 'Z2IFOLAFXWLO4F' },
  'ap-southeast-2': { applicationOrClassic: 'Z1GM3OXH4ZPM65', network: 'ZCT6FZBF4DROD' },
};

const PAGE_LIMIT = 400;
const ACCOUNT = '123456789012';

export class SimulatedLoadBalancers {
  readonly all: SimulatedLoadBalancer[] = [];
  readonly calls = { describe: 0 };
  /** Set to make the describe calls fail, by operation and region; returning undefined lets a call through. */
  describeFailure: ((operation: string, region: string) => Error | undefined) | undefined;
  private counter = 0;

  add(spec: LoadBalancerSpec): SimulatedLoadBalancer {
    const index = ++this.counter;
    const zones = (spec.zones ?? ['a', 'b']).map((zone) => (zone.length === 1 ? `${spec.region}${zone}` : zone));
    const id = (16 ** 15 + index * 7919).toString(16);
    const network = spec.type === SimulatedLoadBalancerType.NETWORK;
    const kind = spec.type === SimulatedLoadBalancerType.APPLICATION ? 'app' : 'net';
    const zoneIds = ZONE_IDS[spec.region];
    if (!zoneIds) throw new Error(`the simulated account has no canonical zone ids for ${spec.region}`);
    const groups = spec.type === SimulatedLoadBalancerType.CLASSIC ? [{ name: spec.name, targets: spec.instances ?? [] }] : (spec.targetGroups ?? []);
    const balancer: SimulatedLoadBalancer = {
      region: spec.region,
      type: spec.type,
      name: spec.name,
      arn: spec.type === SimulatedLoadBalancerType.CLASSIC ? '' : `arn:aws:elasticloadbalancing:${spec.region}:${ACCOUNT}:loadbalancer/${kind}/${spec.name}/${id}`,
      dnsName: network ? `${spec.name}-${id}.elb.${spec.region}.amazonaws.com` : `${spec.name}-${1_000_000_000 + index}.${spec.region}.elb.amazonaws.com`,
      canonicalHostedZoneId: network ? zoneIds.network : zoneIds.applicationOrClassic,
      zones,
      crossZone: spec.crossZone ?? !network,
      targetGroups: groups.map((group, groupIndex) => ({
        name: group.name,
        arn: `arn:aws:elasticloadbalancing:${spec.region}:${ACCOUNT}:targetgroup/${group.name}/${(16 ** 15 + index * 104_729 + groupIndex).toString(16)}`,
        targets: group.targets.map((target) => ({ id: target.id, zone: target.zone.length === 1 ? `${spec.region}${target.zone}` : target.zone, healthy: target.healthy ?? true })),
        attributes: { ...('attributes' in group ? group.attributes : {}) },
      })),
      addresses: Object.fromEntries(zones.map((zone, zoneIndex) => [zone, `198.51.${index}.${10 + zoneIndex}`])),
    };
    this.all.push(balancer);
    return balancer;
  }

  /** The balancer named so (in any region), or an error naming what exists. */
  named(name: string): SimulatedLoadBalancer {
    const balancer = this.all.find((candidate) => candidate.name === name);
    if (!balancer) throw new Error(`the simulated account has no load balancer ${name}`);
    return balancer;
  }

  /** Every target of the balancer (all its target groups, or one), healthy or not. */
  setHealthy(name: string, healthy: boolean, targetGroup?: string): void {
    for (const group of this.named(name).targetGroups) {
      if (targetGroup === undefined || group.name === targetGroup) group.targets.forEach((target) => (target.healthy = healthy));
    }
  }

  /** Route 53's evaluation for an alias with Evaluate Target Health (see the file's comment). */
  isHealthy(balancer: SimulatedLoadBalancer): boolean {
    return this.healthyZones(balancer).length > 0;
  }

  /** What DNS answers for the balancer's name: its healthy zones' nodes, or every node when none is healthy (it fails open). */
  answer(balancer: SimulatedLoadBalancer): string[] {
    const healthy = this.healthyZones(balancer);
    return (healthy.length > 0 ? healthy : balancer.zones).map((zone) => balancer.addresses[zone] ?? '');
  }

  byDnsName(dnsName: string): SimulatedLoadBalancer | undefined {
    const name = dnsName.toLowerCase().replace(/\.$/, '').replace(/^dualstack\./, '');
    return this.all.find((balancer) => balancer.dnsName === name);
  }

  describeV2(input: { Marker?: string; PageSize?: number }, region: string) {
    this.calls.describe++;
    this.failIf('DescribeLoadBalancers', region);
    const inRegion = this.all.filter((balancer) => balancer.region === region && balancer.type !== SimulatedLoadBalancerType.CLASSIC);
    const { page, next } = paged(inRegion, input);
    return { LoadBalancers: page.map(toLoadBalancer), ...(next ? { NextMarker: next } : {}) };
  }

  describeClassic(input: { Marker?: string; PageSize?: number }, region: string) {
    this.calls.describe++;
    this.failIf('DescribeLoadBalancers', region);
    const inRegion = this.all.filter((balancer) => balancer.region === region && balancer.type === SimulatedLoadBalancerType.CLASSIC);
    const { page, next } = paged(inRegion, input);
    return { LoadBalancerDescriptions: page.map(toClassic), ...(next ? { NextMarker: next } : {}) };
  }

  describeLoadBalancerAttributes(input: { LoadBalancerArn?: string }, region: string) {
    this.calls.describe++;
    this.failIf('DescribeLoadBalancerAttributes', region);
    const balancer = this.v2ByArn(input.LoadBalancerArn, region);
    return { Attributes: [{ Key: 'load_balancing.cross_zone.enabled', Value: String(balancer.crossZone) }] };
  }

  describeTargetGroups(input: { LoadBalancerArn?: string; Marker?: string; PageSize?: number }, region: string) {
    this.calls.describe++;
    this.failIf('DescribeTargetGroups', region);
    const { page, next } = paged(this.v2ByArn(input.LoadBalancerArn, region).targetGroups, input);
    return { TargetGroups: page.map((group): TargetGroup => ({ TargetGroupArn: group.arn, TargetGroupName: group.name, LoadBalancerArns: [input.LoadBalancerArn ?? ''] })), ...(next ? { NextMarker: next } : {}) };
  }

  describeTargetGroupAttributes(input: { TargetGroupArn?: string }, region: string) {
    this.calls.describe++;
    this.failIf('DescribeTargetGroupAttributes', region);
    const group = this.all.filter((balancer) => balancer.region === region).flatMap((balancer) => balancer.targetGroups).find((candidate) => candidate.arn === input.TargetGroupArn);
    if (!group) throw Object.assign(new Error(`One or more target groups not found`), { name: 'TargetGroupNotFound' });
    return { Attributes: Object.entries(group.attributes).map(([Key, Value]): TargetGroupAttribute => ({ Key, Value })) };
  }

  /** A HealthyHostCount / UnHealthyHostCount query's value now, or undefined when the balancer publishes no such metric in `region`. */
  metricValue(namespace: string, metricName: string, dimensions: ReadonlyMap<string, string>, region: string): number | undefined {
    const zone = dimensions.get('AvailabilityZone');
    const inZone = (target: SimulatedTarget) => zone === undefined || target.zone === zone;
    const count = (targets: readonly SimulatedTarget[]) => targets.filter((target) => inZone(target) && target.healthy === (metricName === 'HealthyHostCount')).length;
    if (namespace === 'AWS/ELB') {
      const balancer = this.all.find((candidate) => candidate.region === region && candidate.type === SimulatedLoadBalancerType.CLASSIC && candidate.name === dimensions.get('LoadBalancerName'));
      return balancer && count(balancer.targetGroups[0]?.targets ?? []);
    }
    const balancer = this.all.find((candidate) => candidate.region === region && candidate.arn.endsWith(`:loadbalancer/${dimensions.get('LoadBalancer') ?? ''}`));
    const group = balancer?.targetGroups.find((candidate) => candidate.arn.endsWith(`:${dimensions.get('TargetGroup') ?? ''}`));
    const expected = balancer?.type === SimulatedLoadBalancerType.NETWORK ? 'AWS/NetworkELB' : 'AWS/ApplicationELB';
    return group && namespace === expected ? count(group.targets) : undefined;
  }

  private healthyZones(balancer: SimulatedLoadBalancer): string[] {
    return balancer.zones.filter((zone) =>
      balancer.targetGroups.every((group) => {
        const crossZone = balancer.type === SimulatedLoadBalancerType.CLASSIC || (group.attributes['load_balancing.cross_zone.enabled'] ?? String(balancer.crossZone)) === 'true';
        const minimum = Number(group.attributes['target_group_health.dns_failover.minimum_healthy_targets.count'] ?? '1');
        return group.targets.filter((target) => target.healthy && (crossZone || target.zone === zone)).length >= minimum;
      }),
    );
  }

  private v2ByArn(arn: string | undefined, region: string): SimulatedLoadBalancer {
    const balancer = this.all.find((candidate) => candidate.region === region && candidate.arn === arn);
    if (!balancer) throw Object.assign(new Error(`One or more load balancers not found`), { name: 'LoadBalancerNotFound' });
    return balancer;
  }

  private failIf(operation: string, region: string): void {
    const error = this.describeFailure?.(operation, region);
    if (error) throw error;
  }
}

function paged<T>(items: readonly T[], input: { Marker?: string; PageSize?: number }): { page: T[]; next: string | undefined } {
  const size = input.PageSize ?? PAGE_LIMIT;
  if (size < 1 || size > PAGE_LIMIT) throw Object.assign(new Error(`1 validation error detected: Value '${size}' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to ${PAGE_LIMIT}`), { name: 'ValidationError' });
  const start = Number(input.Marker ?? '0');
  return { page: items.slice(start, start + size), next: start + size < items.length ? String(start + size) : undefined };
}

function toLoadBalancer(balancer: SimulatedLoadBalancer): LoadBalancer {
  return {
    LoadBalancerArn: balancer.arn,
    DNSName: balancer.dnsName,
    CanonicalHostedZoneId: balancer.canonicalHostedZoneId,
    LoadBalancerName: balancer.name,
    Scheme: 'internet-facing',
    State: { Code: 'active' },
    Type: balancer.type === SimulatedLoadBalancerType.NETWORK ? 'network' : 'application',
    AvailabilityZones: balancer.zones.map((zone) => ({ ZoneName: zone, SubnetId: `subnet-${zone}` })),
  };
}

function toClassic(balancer: SimulatedLoadBalancer): ClassicLoadBalancer {
  return {
    LoadBalancerName: balancer.name,
    DNSName: balancer.dnsName,
    CanonicalHostedZoneNameID: balancer.canonicalHostedZoneId,
    AvailabilityZones: [...balancer.zones],
    Instances: (balancer.targetGroups[0]?.targets ?? []).map((target) => ({ InstanceId: target.id })),
  };
}
