/**
 * The health of the load balancers a run's pairs alias with Evaluate Target Health: each described
 * (from the container's cache, lib/usecases/cached-load-balancers.ts), its targets counted (one
 * GetMetricData per region per 500 counts), and judged by the domain (lib/domain/load-balancer-health.ts).
 */
import { loadBalancerKey, type LoadBalancerRef } from '../domain/alias-targets';
import type { TargetHealth } from '../domain/failover';
import { judgeLoadBalancer, targetCountQueries, type LoadBalancerLookup } from '../domain/load-balancer-health';
import type { WatchPorts } from '../ports';

/** Never throws: a balancer that cannot be described or counted is judged UNKNOWN with the reason. */
export async function judgeLoadBalancers(ports: WatchPorts['loadBalancers'], refs: readonly LoadBalancerRef[], at: Date): Promise<TargetHealth> {
  if (ports === undefined || refs.length === 0) return new Map();
  const lookups = await ports.directory.describeLoadBalancers(refs);
  const lookupOf = (ref: LoadBalancerRef): LoadBalancerLookup => lookups.get(loadBalancerKey(ref)) ?? { kind: 'UNREADABLE', ref, reason: 'it was not described' };
  const queries = refs.flatMap((ref) => {
    const lookup = lookupOf(ref);
    return lookup.kind === 'DESCRIBED' ? targetCountQueries(lookup.description) : [];
  });
  const counts = queries.length === 0 ? new Map() : await ports.targetCounts.readTargetCounts(queries, at);
  return new Map(refs.map((ref) => [loadBalancerKey(ref), judgeLoadBalancer(lookupOf(ref), counts)]));
}
