/**
 * LoadBalancerDirectory on Elastic Load Balancing: the load balancers target-health aliases name,
 * described in their own regions. Per region: the Application and Network Load Balancers listed
 * (DescribeLoadBalancers, every page, kept only where an alias names one), then for each named one its
 * cross-zone setting (Network only), its target groups and each group's attributes; the Classic ones
 * listed only if an alias names a balancer no v2 listing holds. Made at discovery and cached per
 * container (lib/usecases/cached-load-balancers.ts): a sweep reads counts, not descriptions.
 */
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, type ElasticLoadBalancingClient, type LoadBalancerDescription as ClassicLoadBalancer } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { LoadBalancerFamily, loadBalancerKey, type LoadBalancerRef } from '../../domain/alias-targets';
import type { LoadBalancerLookup } from '../../domain/load-balancer-health';
import { describeError } from '../../errors';
import type { LoadBalancerDirectory } from '../../ports';
import { elbFailureReason } from './errors';
import { answersTo, LOAD_BALANCER_CROSS_ZONE, loadBalancerCrossZone, toClassicDescription, toTargetGroupDescription, toV2Description } from './mapping';

/** The largest page either API gives ("a number from 1 to 400"). */
export const ELB_PAGE_SIZE = 400;

export interface LoadBalancerClients {
  readonly v2: ElasticLoadBalancingV2Client;
  readonly classic: ElasticLoadBalancingClient;
}

/** A failed call, with the reason a person reads. */
class DescribeFailure extends Error {}

export class ElbLoadBalancerDirectory implements LoadBalancerDirectory {
  constructor(private readonly clientsIn: (region: string) => LoadBalancerClients) {}

  async describeLoadBalancers(refs: readonly LoadBalancerRef[]): Promise<ReadonlyMap<string, LoadBalancerLookup>> {
    const byRegion = new Map<string, LoadBalancerRef[]>();
    for (const ref of new Map(refs.map((ref) => [loadBalancerKey(ref), ref])).values()) byRegion.set(ref.region, [...(byRegion.get(ref.region) ?? []), ref]);
    const regions = await Promise.all([...byRegion].map(([region, inRegion]) => this.describeRegion(region, inRegion)));
    return new Map(regions.flat().map((lookup) => [loadBalancerKey(lookup.kind === 'DESCRIBED' ? lookup.description.ref : lookup.ref), lookup]));
  }

  private async describeRegion(region: string, refs: readonly LoadBalancerRef[]): Promise<LoadBalancerLookup[]> {
    const clients = this.clientsIn(region);
    const unreadable = (ref: LoadBalancerRef, reason: string): LoadBalancerLookup => ({ kind: 'UNREADABLE', ref, reason });
    let v2: Map<LoadBalancerRef, LoadBalancer>;
    try {
      v2 = await this.findV2(clients.v2, region, refs);
    } catch (error) {
      return refs.map((ref) => unreadable(ref, reasonOf(error)));
    }
    const lookups: LoadBalancerLookup[] = [];
    for (const [ref, balancer] of v2) lookups.push(await this.describeV2(clients.v2, region, ref, balancer).catch((error: unknown) => unreadable(ref, reasonOf(error))));
    const rest = refs.filter((ref) => !v2.has(ref));
    const classicCandidates = rest.filter((ref) => ref.family === LoadBalancerFamily.APPLICATION_OR_CLASSIC);
    let classic = new Map<LoadBalancerRef, ClassicLoadBalancer>();
    try {
      if (classicCandidates.length > 0) classic = await this.findClassic(clients.classic, region, classicCandidates);
    } catch (error) {
      for (const ref of classicCandidates) lookups.push(unreadable(ref, reasonOf(error)));
      return [...lookups, ...rest.filter((ref) => !classicCandidates.includes(ref)).map((ref) => unreadable(ref, notFound(ref)))];
    }
    for (const ref of rest) {
      const balancer = classic.get(ref);
      lookups.push(balancer ? { kind: 'DESCRIBED', description: toClassicDescription(ref, balancer) } : unreadable(ref, notFound(ref)));
    }
    return lookups;
  }

  /** The region's Application and Network Load Balancers the refs name: every page, only the named ones kept. */
  private async findV2(client: ElasticLoadBalancingV2Client, region: string, refs: readonly LoadBalancerRef[]): Promise<Map<LoadBalancerRef, LoadBalancer>> {
    const found = new Map<LoadBalancerRef, LoadBalancer>();
    await pages(region, 'DescribeLoadBalancers', async (marker) => {
      const page = await client.send(new DescribeLoadBalancersCommand({ PageSize: ELB_PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }));
      for (const balancer of page.LoadBalancers ?? []) {
        const ref = refs.find((candidate) => answersTo(balancer.DNSName, candidate));
        if (ref) found.set(ref, balancer);
      }
      return page.NextMarker;
    });
    return found;
  }

  private async findClassic(client: ElasticLoadBalancingClient, region: string, refs: readonly LoadBalancerRef[]): Promise<Map<LoadBalancerRef, ClassicLoadBalancer>> {
    const found = new Map<LoadBalancerRef, ClassicLoadBalancer>();
    await pages(region, 'DescribeLoadBalancers', async (marker) => {
      const page = await client.send(new DescribeClassicLoadBalancersCommand({ PageSize: ELB_PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }));
      for (const balancer of page.LoadBalancerDescriptions ?? []) {
        const ref = refs.find((candidate) => answersTo(balancer.DNSName, candidate));
        if (ref) found.set(ref, balancer);
      }
      return page.NextMarker;
    });
    return found;
  }

  private async describeV2(client: ElasticLoadBalancingV2Client, region: string, ref: LoadBalancerRef, balancer: LoadBalancer): Promise<LoadBalancerLookup> {
    const arn = balancer.LoadBalancerArn ?? '';
    // An Application Load Balancer's cross-zone load balancing is always on: only a Network one's is read.
    const attribute =
      balancer.Type === 'application'
        ? undefined
        : (await call(region, 'DescribeLoadBalancerAttributes', () => client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn })))).Attributes?.find((entry) => entry.Key === LOAD_BALANCER_CROSS_ZONE)?.Value;
    const groups: TargetGroup[] = [];
    await pages(region, 'DescribeTargetGroups', async (marker) => {
      const page = await client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn, PageSize: ELB_PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }));
      groups.push(...(page.TargetGroups ?? []));
      return page.NextMarker;
    });
    const targetGroups = [];
    for (const group of groups) {
      const attributes = await call(region, 'DescribeTargetGroupAttributes', () => client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn ?? '' })));
      targetGroups.push(toTargetGroupDescription(group, attributes.Attributes ?? []));
    }
    return { kind: 'DESCRIBED', description: toV2Description(ref, balancer, loadBalancerCrossZone(balancer, attribute), targetGroups) };
  }
}

/** Follows `NextMarker` to the last page; a marker seen twice would never end, and is a failure. */
async function pages(region: string, operation: string, page: (marker: string | undefined) => Promise<string | undefined>): Promise<void> {
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    marker = await call(region, operation, () => page(marker));
    if (marker !== undefined && seen.has(marker)) throw new DescribeFailure(`Elastic Load Balancing ${operation} in ${region} returned the marker ${marker} twice; the next discovery tries again`);
    if (marker !== undefined) seen.add(marker);
  } while (marker !== undefined && marker !== '');
}

async function call<T>(region: string, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DescribeFailure) throw error;
    throw new DescribeFailure(elbFailureReason(error, { operation, region }));
  }
}

function reasonOf(error: unknown): string {
  return error instanceof DescribeFailure ? error.message : describeError(error);
}

function notFound(ref: LoadBalancerRef): string {
  return `no load balancer of this account in ${ref.region} has the DNS name ${ref.dnsName} (deleted, or in another account, which Failwatch does not read)`;
}
