/**
 * The commonest Route 53 failover setup, in the simulated account: `www.example.com` a PRIMARY alias to
 * an Application Load Balancer in eu-west-1 and a SECONDARY alias to one in us-west-2, both with Evaluate
 * Target Health and no health check of their own. Used by the scenario tests and by the demo.
 */
import type { PairId } from '../lib/domain/model';
import { REFERENCE, type SimulatedAws } from './simulated-aws';
import type { SimulatedLoadBalancer } from './simulated-load-balancers';

export const LOAD_BALANCER_PAIR = { recordName: 'www.example.com.', primary: 'web-eu', secondary: 'web-us' } as const;

export interface LoadBalancerPair {
  readonly pairId: PairId;
  readonly primary: SimulatedLoadBalancer;
  readonly secondary: SimulatedLoadBalancer;
}

/** Adds both balancers (two targets each, one per zone, all healthy) and the two alias records to the reference zone. */
export function addLoadBalancerPair(account: SimulatedAws): LoadBalancerPair {
  const balancer = (region: string, name: string) =>
    account.loadBalancers.add({ region, type: 'application', name, targetGroups: [{ name: `${name}-tg`, targets: [{ id: `${name}-1`, zone: 'a' }, { id: `${name}-2`, zone: 'b' }] }] });
  const primary = balancer('eu-west-1', LOAD_BALANCER_PAIR.primary);
  const secondary = balancer('us-west-2', LOAD_BALANCER_PAIR.secondary);
  const zone = account.zones.find((candidate) => candidate.id === REFERENCE.zoneId);
  if (!zone) throw new Error('addLoadBalancerPair needs the reference zone');
  const alias = (target: SimulatedLoadBalancer) => ({ DNSName: `dualstack.${target.dnsName}.`, HostedZoneId: target.canonicalHostedZoneId, EvaluateTargetHealth: true });
  zone.records.push(
    { Name: LOAD_BALANCER_PAIR.recordName, Type: 'A', SetIdentifier: 'www-eu', Failover: 'PRIMARY', AliasTarget: alias(primary) },
    { Name: LOAD_BALANCER_PAIR.recordName, Type: 'A', SetIdentifier: 'www-us', Failover: 'SECONDARY', AliasTarget: alias(secondary) },
  );
  return { pairId: { zoneId: REFERENCE.zoneId, name: LOAD_BALANCER_PAIR.recordName, type: 'A' }, primary, secondary };
}
