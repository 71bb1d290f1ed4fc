/**
 * The load balancer descriptions' cache, beside the discovery cache (cached-inventory.ts): a balancer's
 * zones, target groups and their attributes change rarely, and describing them costs a few Elastic Load
 * Balancing calls per balancer, so a container describes each balancer named by an alias once per
 * `maxAgeSeconds` (the discovery age), and a sweep reads only its targets' counts. One that could not be
 * described is asked again after `retryAfterSeconds`, so a missing permission costs a call a minute, not one per run.
 */
import { loadBalancerKey, type LoadBalancerRef } from '../domain/alias-targets';
import type { LoadBalancerLookup } from '../domain/load-balancer-health';
import { ConfigurationError } from '../errors';
import type { Clock, LoadBalancerDirectory } from '../ports';

export interface CachedLoadBalancerOptions {
  /** Reuse a description for at most this long (FAILWATCH_DISCOVERY_MAX_AGE_MINUTES); 0 describes every time. */
  readonly maxAgeSeconds: number;
  /** Describe a balancer that could not be read again after this long; default 60. */
  readonly retryAfterSeconds?: number;
}

export class CachedLoadBalancerDirectory implements LoadBalancerDirectory {
  private readonly entries = new Map<string, { readonly lookup: LoadBalancerLookup; readonly atMs: number }>();
  private readonly maxAgeMs: number;
  private readonly retryAfterMs: number;

  constructor(
    private readonly inner: LoadBalancerDirectory,
    private readonly clock: Clock,
    options: CachedLoadBalancerOptions,
  ) {
    const retryAfter = options.retryAfterSeconds ?? 60;
    for (const [name, value] of [['maxAgeSeconds', options.maxAgeSeconds], ['retryAfterSeconds', retryAfter]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(`CachedLoadBalancerDirectory ${name} must be 0 or more seconds, got ${String(value)}`);
    }
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.retryAfterMs = Math.min(retryAfter * 1000, this.maxAgeMs);
  }

  async describeLoadBalancers(refs: readonly LoadBalancerRef[]): Promise<ReadonlyMap<string, LoadBalancerLookup>> {
    const nowMs = this.clock.now().getTime();
    const stale = refs.filter((ref) => !this.isFresh(loadBalancerKey(ref), nowMs));
    if (stale.length > 0) {
      for (const [key, lookup] of await this.inner.describeLoadBalancers(stale)) this.entries.set(key, { lookup, atMs: nowMs });
    }
    return new Map(refs.flatMap((ref) => {
      const entry = this.entries.get(loadBalancerKey(ref));
      return entry ? [[loadBalancerKey(ref), entry.lookup] as const] : [];
    }));
  }

  private isFresh(key: string, nowMs: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    const ageMs = nowMs - entry.atMs;
    // A clock that went backwards cannot vouch for the description's age.
    return ageMs >= 0 && ageMs < (entry.lookup.kind === 'DESCRIBED' ? this.maxAgeMs : this.retryAfterMs);
  }
}
