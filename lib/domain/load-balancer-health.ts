/**
 * The health Route 53 evaluates for an alias to a load balancer with Evaluate Target Health, rebuilt
 * from what Failwatch can read: the balancer's description (its zones and target groups, with their
 * "DNS failover" minimums, described at discovery and cached) and its targets' counts per sweep
 * (CloudWatch HealthyHostCount / UnHealthyHostCount in the balancer's own region).
 *
 * Failwatch's reading of the documented rule, which no single page states whole:
 *  - the AliasTarget API reference: "For an Application or Network Load Balancer to be considered healthy,
 *    every target group that contains targets must contain at least one healthy target. If any target group
 *    contains only unhealthy targets, the load balancer is considered unhealthy" and "A target group that
 *    has no registered targets is considered unhealthy";
 *  - the ELB user guide, target group health: "DNS failover – When the healthy targets in a zone fall below
 *    the threshold, we mark the IP addresses of the load balancer node for the zone as unhealthy in DNS",
 *    the threshold being `target_group_health.dns_failover.minimum_healthy_targets.count` (default 1) and
 *    `.percentage` (default off), "the load balancer takes the action when either threshold is breached",
 *    counted per zone with cross-zone load balancing off and over all zones with it on; and "With DNS
 *    failover, if all load balancer zones are considered unhealthy, the load balancer sends traffic to all
 *    zones, including the unhealthy zones" (it fails open; Route 53 still counts it unhealthy).
 * So: a zone is healthy in DNS when every target group meets its DNS failover minimum there; the balancer is
 * healthy when at least one zone is. A Classic Load Balancer is unhealthy when "no EC2 instances are
 * healthy" (Failwatch cannot see "the load balancer itself is unhealthy", Route 53's other reason).
 */
import { LoadBalancerFamily, type LoadBalancerRef } from './alias-targets';
import { Verdict, type Evidence, type SideHealth } from './model';

export const LoadBalancerType = { APPLICATION: 'APPLICATION', NETWORK: 'NETWORK', CLASSIC: 'CLASSIC' } as const;
export type LoadBalancerType = (typeof LoadBalancerType)[keyof typeof LoadBalancerType];

export interface TargetGroupDescription {
  readonly name: string;
  /** `targetgroup/<name>/<id>`: the TargetGroup dimension of its metrics. */
  readonly metricId: string;
  /** Its own `load_balancing.cross_zone.enabled`; absent: the load balancer's setting. */
  readonly crossZone?: boolean;
  /** `target_group_health.dns_failover.minimum_healthy_targets.count`; absent: off. */
  readonly dnsMinimumHealthyCount?: number;
  /** `target_group_health.dns_failover.minimum_healthy_targets.percentage`; absent: off. */
  readonly dnsMinimumHealthyPercentage?: number;
}

export interface LoadBalancerDescription {
  readonly ref: LoadBalancerRef;
  readonly type: LoadBalancerType;
  /** `app/<name>/<id>` or `net/<name>/<id>` (the LoadBalancer dimension); a Classic one's name (LoadBalancerName). */
  readonly metricId: string;
  readonly availabilityZones: readonly string[];
  /** The load balancer's cross-zone load balancing. */
  readonly crossZone: boolean;
  /** Application and Network only. */
  readonly targetGroups: readonly TargetGroupDescription[];
}

/** What describing a load balancer gave: its description, or why there is none. */
export type LoadBalancerLookup =
  | { readonly kind: 'DESCRIBED'; readonly description: LoadBalancerDescription }
  | { readonly kind: 'UNREADABLE'; readonly ref: LoadBalancerRef; readonly reason: string };

export const TargetCount = { HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY' } as const;
export type TargetCount = (typeof TargetCount)[keyof typeof TargetCount];

/** One count to read: a metric of the balancer's region, by its dimensions. */
export interface TargetCountQuery {
  /** Unique among the queries of one read. */
  readonly id: string;
  readonly region: string;
  readonly loadBalancerType: LoadBalancerType;
  readonly loadBalancer: string;
  readonly targetGroup?: string;
  readonly availabilityZone?: string;
  readonly count: TargetCount;
}

export type TargetCountReading =
  | { readonly kind: 'VALUE'; readonly value: number; readonly timestamp: string }
  | { readonly kind: 'NO_DATA' }
  | { readonly kind: 'UNAVAILABLE'; readonly reason: string };

/** A scope of counting: one zone, or every zone at once (cross-zone load balancing on). */
const ALL_ZONES = 'all zones';

/**
 * The counts judging the balancer needs: per target group, healthy and unhealthy targets over all zones
 * (cross-zone on) or in each enabled zone (off); for a Classic one, healthy instances per zone.
 */
export function targetCountQueries(description: LoadBalancerDescription): TargetCountQuery[] {
  const base = { region: description.ref.region, loadBalancerType: description.type, loadBalancer: description.metricId };
  const key = queryKey(description);
  if (description.type === LoadBalancerType.CLASSIC) {
    return description.availabilityZones.map((zone) => ({ ...base, id: `${key}|${zone}|${TargetCount.HEALTHY}`, availabilityZone: zone, count: TargetCount.HEALTHY }));
  }
  return description.targetGroups.flatMap((group) =>
    scopesOf(description, group).flatMap((scope) =>
      [TargetCount.HEALTHY, TargetCount.UNHEALTHY].map((count) => ({
        ...base,
        id: `${key}|${group.metricId}|${scope}|${count}`,
        targetGroup: group.metricId,
        ...(scope === ALL_ZONES ? {} : { availabilityZone: scope }),
        count,
      })),
    ),
  );
}

function queryKey(description: LoadBalancerDescription): string {
  return `${description.ref.region}|${description.metricId}`;
}

function scopesOf(description: LoadBalancerDescription, group: TargetGroupDescription): readonly string[] {
  return (group.crossZone ?? description.crossZone) ? [ALL_ZONES] : description.availabilityZones;
}

/** Whether a target group meets its DNS failover minimum in one scope; `healthy` undefined when its counts are unknown. */
interface ScopeHealth {
  /** A zone's name, or `all zones`. */
  readonly scope: string;
  readonly healthy: boolean | undefined;
  /** `target group web: 1 of 4 targets healthy, below the DNS failover minimum of 50% healthy`, as evidence for its scope. */
  readonly report: string;
  /** The same, saying where: `target group web in eu-west-1a: ...`. */
  readonly detail: string;
}

/** The balancer's health as Route 53 evaluates it for a target-health alias, by Failwatch's reading (see the file's comment). */
export function judgeLoadBalancer(lookup: LoadBalancerLookup, readings: ReadonlyMap<string, TargetCountReading>): SideHealth {
  if (lookup.kind === 'UNREADABLE') return unknown(`load balancer ${describeRef(lookup.ref)} could not be read: ${lookup.reason}`);
  const { description } = lookup;
  const reading = (id: string): TargetCountReading => readings.get(id) ?? { kind: 'UNAVAILABLE', reason: 'no reading was returned' };
  return description.type === LoadBalancerType.CLASSIC ? judgeClassic(description, reading) : judgeTargetGroups(description, reading);
}

const READING = "by Failwatch's reading of the documented rule";

function judgeTargetGroups(description: LoadBalancerDescription, reading: (id: string) => TargetCountReading): SideHealth {
  const name = describeBalancer(description);
  if (description.targetGroups.length === 0) {
    return { verdict: Verdict.HEALTHY, basis: `${name} has no target group, so none can make it unhealthy (${READING})`, evidence: { failingRegions: [] } };
  }
  const key = queryKey(description);
  // Per target group, its health in a zone: the zone's own counts, or all zones' with cross-zone on.
  const groups = description.targetGroups.map((group) => {
    const health = new Map(scopesOf(description, group).map((scope) => [scope, scopeHealth(group, scope, (count) => reading(`${key}|${group.metricId}|${scope}|${count}`))]));
    return (zone: string): ScopeHealth => health.get(ALL_ZONES) ?? health.get(zone)!;
  });
  const zones = description.availabilityZones.map((zone) => {
    const scopes = groups.map((inZone) => inZone(zone));
    const failing = scopes.filter((scope) => scope.healthy === false);
    const unread = scopes.filter((scope) => scope.healthy === undefined);
    return { zone, scopes, failing, unread, healthy: failing.length > 0 ? false : unread.length > 0 ? undefined : true };
  });
  const failures = new Map(zones.flatMap((zone) => zone.failing).map((scope) => [`${scope.scope}|${scope.detail}`, scope]));
  const evidence: Evidence = { failingRegions: [...failures.values()].map((scope) => ({ region: scope.scope, statusReport: scope.report })) };
  const healthy = zones.filter((zone) => zone.healthy === true);
  if (healthy.length > 0) {
    const names = healthy.map((zone) => zone.zone);
    const counted = [...new Set(healthy[0]!.scopes.map((scope) => scope.detail))].join('; ');
    return { verdict: Verdict.HEALTHY, basis: `${name} is healthy ${READING}: ${names.join(', ')} ${names.length === 1 ? 'meets' : 'meet'} every target group's DNS failover minimum (${counted})`, evidence };
  }
  if (zones.length > 0 && zones.every((zone) => zone.healthy === false)) {
    const reasons = [...failures.values()].map((scope) => scope.detail).join('; ');
    return {
      verdict: Verdict.UNHEALTHY,
      basis: `${name} is unhealthy ${READING}: no zone meets every target group's DNS failover minimum (${reasons}); the load balancer still routes to its unhealthy targets (it "fails open"), but Route 53 considers it unhealthy`,
      evidence,
    };
  }
  const unread = zones.flatMap((zone) => zone.unread)[0];
  return { verdict: Verdict.UNKNOWN, basis: `${name}: no zone is known to be healthy and ${unread?.detail ?? 'it has no enabled zone'}`, evidence };
}

function scopeHealth(group: TargetGroupDescription, scope: string, reading: (count: TargetCount) => TargetCountReading): ScopeHealth {
  const found = (healthy: boolean | undefined, finding: string): ScopeHealth => ({ scope, healthy, report: `target group ${group.name}: ${finding}`, detail: `target group ${group.name} in ${scope}: ${finding}` });
  const counts: number[] = [];
  for (const [metric, count] of [['HealthyHostCount', TargetCount.HEALTHY], ['UnHealthyHostCount', TargetCount.UNHEALTHY]] as const) {
    const value = reading(count);
    if (value.kind === 'UNAVAILABLE') return found(undefined, `${metric} could not be read (${value.reason})`);
    if (value.kind === 'NO_DATA') return found(undefined, `no ${metric} datapoint in the last minutes`);
    counts.push(Math.round(value.value));
  }
  const [healthyTargets = 0, unhealthyTargets = 0] = counts;
  const registered = healthyTargets + unhealthyTargets;
  if (registered === 0) return found(false, 'no registered targets, and "A target group that has no registered targets is considered unhealthy"');
  const counted = `${healthyTargets} of ${registered} targets healthy`;
  const breached = minimumsBreached(group, healthyTargets, registered);
  return breached.length > 0 ? found(false, `${counted}, below the DNS failover minimum of ${breached.join(' and ')}`) : found(true, counted);
}

/** The DNS failover minimums `healthy` of `registered` falls below; with both off, Route 53's "at least one healthy target". */
function minimumsBreached(group: TargetGroupDescription, healthy: number, registered: number): string[] {
  const { dnsMinimumHealthyCount: count, dnsMinimumHealthyPercentage: percentage } = group;
  if (count === undefined && percentage === undefined) return healthy >= 1 ? [] : ['1 (both DNS failover minimums are off: Route 53 wants at least one healthy target)'];
  return [
    ...(count !== undefined && healthy < count ? [`${count} healthy`] : []),
    ...(percentage !== undefined && (healthy * 100) / registered < percentage ? [`${percentage}% healthy`] : []),
  ];
}

function judgeClassic(description: LoadBalancerDescription, read: (id: string) => TargetCountReading): SideHealth {
  const name = describeBalancer(description);
  const key = queryKey(description);
  const zones = description.availabilityZones.map((zone) => ({ zone, reading: read(`${key}|${zone}|${TargetCount.HEALTHY}`) }));
  const caveat = 'Route 53 also counts it unhealthy when "the load balancer itself is unhealthy", which Failwatch cannot see';
  const healthy = zones.flatMap(({ zone, reading }) => (reading.kind === 'VALUE' && Math.round(reading.value) >= 1 ? [`${zone}: ${Math.round(reading.value)} healthy`] : []));
  if (healthy.length > 0) {
    const list = healthy.join(', ');
    return { verdict: Verdict.HEALTHY, basis: `${name} has healthy EC2 instances (${list}); ${caveat}`, evidence: { failingRegions: [] } };
  }
  const failingRegions = zones.filter(({ reading }) => reading.kind === 'VALUE').map(({ zone }) => ({ region: zone, statusReport: 'no healthy EC2 instance' }));
  const unread = zones.find(({ reading }) => reading.kind !== 'VALUE');
  if (unread || zones.length === 0) {
    const why = unread === undefined ? 'it has no enabled zone' : unread.reading.kind === 'UNAVAILABLE' ? `HealthyHostCount in ${unread.zone} could not be read (${unread.reading.reason})` : `no HealthyHostCount datapoint in ${unread.zone} in the last minutes`;
    return { verdict: Verdict.UNKNOWN, basis: `${name}: no healthy EC2 instance seen and ${why}`, evidence: { failingRegions } };
  }
  return { verdict: Verdict.UNHEALTHY, basis: `${name} is unhealthy: "either no EC2 instances are healthy or the load balancer itself is unhealthy" and no zone has a healthy EC2 instance`, evidence: { failingRegions } };
}

function describeBalancer(description: LoadBalancerDescription): string {
  const type = description.type === LoadBalancerType.APPLICATION ? 'Application' : description.type === LoadBalancerType.NETWORK ? 'Network' : 'Classic';
  return `${type} Load Balancer ${description.ref.name} (${description.ref.region})`;
}

function describeRef(ref: LoadBalancerRef): string {
  const family = ref.family === LoadBalancerFamily.NETWORK ? 'Network' : 'Application or Classic';
  return `${ref.name} (${family}, ${ref.region})`;
}

function unknown(basis: string): SideHealth {
  return { verdict: Verdict.UNKNOWN, basis, evidence: { failingRegions: [] } };
}
