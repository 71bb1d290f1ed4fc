/** Elastic Load Balancing SDK shapes → domain descriptions. Pure functions: the SDK's types stop here. */
import type { LoadBalancerDescription as ClassicLoadBalancer } from '@aws-sdk/client-elastic-load-balancing';
import type { LoadBalancer, TargetGroup, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import { canonicalTargetName, type LoadBalancerRef } from '../../domain/alias-targets';
import { LoadBalancerType, type LoadBalancerDescription, type TargetGroupDescription } from '../../domain/load-balancer-health';

/** The target group attributes Failwatch reads (ELB v2 API reference, TargetGroupAttribute). */
export const TargetGroupAttributeKey = {
  CROSS_ZONE: 'load_balancing.cross_zone.enabled',
  DNS_MINIMUM_COUNT: 'target_group_health.dns_failover.minimum_healthy_targets.count',
  DNS_MINIMUM_PERCENTAGE: 'target_group_health.dns_failover.minimum_healthy_targets.percentage',
} as const;

export const LOAD_BALANCER_CROSS_ZONE = 'load_balancing.cross_zone.enabled';

/** `...:loadbalancer/app/web/50dc6c495c0c9188` → `app/web/50dc6c495c0c9188`, the LoadBalancer dimension of its metrics. */
export function loadBalancerMetricId(arn: string): string {
  return arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
}

/** `...:targetgroup/web/73e2d6bc24d8a067` → `targetgroup/web/73e2d6bc24d8a067`, the TargetGroup dimension. */
export function targetGroupMetricId(arn: string): string {
  return arn.slice(arn.indexOf(':targetgroup/') + 1);
}

/** Whether the SDK's load balancer is the one the alias names (its DNS name, however spelt). */
export function answersTo(dnsName: string | undefined, ref: LoadBalancerRef): boolean {
  return dnsName !== undefined && canonicalTargetName(dnsName) === ref.dnsName;
}

/**
 * "The default for Application Load Balancers is true, and can't be changed"; for Network Load Balancers
 * it is false unless the load balancer's attribute says otherwise (ELB v2 API reference, LoadBalancerAttribute).
 */
export function loadBalancerCrossZone(balancer: LoadBalancer, attribute: string | undefined): boolean {
  return balancer.Type === 'application' ? true : attribute === 'true';
}

/** `off` → absent; a whole number above 0 → it; absent → the API's default. */
function minimum(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (value === 'off') return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function toTargetGroupDescription(group: TargetGroup, attributes: readonly TargetGroupAttribute[]): TargetGroupDescription {
  const value = (key: string) => attributes.find((attribute) => attribute.Key === key)?.Value;
  const crossZone = value(TargetGroupAttributeKey.CROSS_ZONE);
  // Defaults, from the TargetGroupAttribute reference: minimum count "The default is 1", percentage "The default is off".
  const count = minimum(value(TargetGroupAttributeKey.DNS_MINIMUM_COUNT), 1);
  const percentage = minimum(value(TargetGroupAttributeKey.DNS_MINIMUM_PERCENTAGE), undefined);
  const arn = group.TargetGroupArn ?? '';
  return {
    name: group.TargetGroupName ?? targetGroupMetricId(arn),
    metricId: targetGroupMetricId(arn),
    ...(crossZone === 'true' || crossZone === 'false' ? { crossZone: crossZone === 'true' } : {}),
    ...(count === undefined ? {} : { dnsMinimumHealthyCount: count }),
    ...(percentage === undefined ? {} : { dnsMinimumHealthyPercentage: percentage }),
  };
}

export function toV2Description(ref: LoadBalancerRef, balancer: LoadBalancer, crossZone: boolean, targetGroups: readonly TargetGroupDescription[]): LoadBalancerDescription {
  return {
    ref,
    type: balancer.Type === 'network' ? LoadBalancerType.NETWORK : LoadBalancerType.APPLICATION,
    metricId: loadBalancerMetricId(balancer.LoadBalancerArn ?? ''),
    availabilityZones: (balancer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName === undefined ? [] : [zone.ZoneName])),
    crossZone,
    targetGroups,
  };
}

/** A Classic Load Balancer is judged by its healthy instances in any zone, whatever its cross-zone setting: it is not read. */
export function toClassicDescription(ref: LoadBalancerRef, balancer: ClassicLoadBalancer): LoadBalancerDescription {
  return {
    ref,
    type: LoadBalancerType.CLASSIC,
    metricId: balancer.LoadBalancerName ?? ref.name,
    availabilityZones: [...(balancer.AvailabilityZones ?? [])],
    crossZone: false,
    targetGroups: [],
  };
}
