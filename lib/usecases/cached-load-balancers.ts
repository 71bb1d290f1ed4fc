/**
 * The load balancer descriptions' cache, beside the discovery cache (cached-inventory.ts): a balancer's
 * zones, target groups and their attributes change rarely, and describing one costs a few Elastic Load
 * Balancing calls (its target groups, each group's attributes), so a container describes each balancer
 * an alias names once, keeps it, and describes it again once it is older than `maxAgeSeconds` (the
 * discovery age). A sweep reads only the targets' counts.
 *
 * A run describes at most `maxPerRun` balancers (new ones first, then the stalest), so a first sweep of
 * thousands of balancers spreads over runs instead of spending a run's time and the ELB API rate: a
 * balancer not described yet is UNKNOWN for those runs, saying so; one due for a new description is
 * judged from the one kept until its turn comes. One that could not be described is asked again after
 * `retryAfterSeconds`, so a missing permission costs a call a minute, not one per run.
 */
import { loadBalancerKey, type LoadBalancerRef } from '../domain/alias-targets';
import type { LoadBalancerLookup } from '../domain/load-balancer-health';
import { ConfigurationError } from '../errors';
import type { Clock, LoadBalancerDirectory } from '../ports';

export interface CachedLoadBalancerOptions {
  /** Describe a balancer again once its description is this old (FAILWATCH_DISCOVERY_MAX_AGE_MINUTES); 0: every run. */
  readonly maxAgeSeconds: number;
  /** Describe a balancer that could not be read again after this long; default 60. */
  readonly retryAfterSeconds?: number;
  /** At most this many balancers described in one call; default 25 (about 50 ELB calls, ten seconds at its pace). */
  readonly maxPerRun?: number;
}

export const DEFAULT_LOAD_BALANCERS_DESCRIBED_PER_RUN = 25;

interface Entry {
  readonly lookup: LoadBalancerLookup;
  readonly atMs: number;
}

export class CachedLoadBalancerDirectory implements LoadBalancerDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAgeMs: number;
  private readonly retryAfterMs: number;
  private readonly maxPerRun: number;

  constructor(
    private readonly inner: LoadBalancerDirectory,
    private readonly clock: Clock,
    options: CachedLoadBalancerOptions,
  ) {
    const retryAfter = options.retryAfterSeconds ?? 60;
    for (const [name, value] of [['maxAgeSeconds', options.maxAgeSeconds], ['retryAfterSeconds', retryAfter]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(`CachedLoadBalancerDirectory ${name} must be 0 or more seconds, got ${String(value)}`);
    }
    const maxPerRun = options.maxPerRun ?? DEFAULT_LOAD_BALANCERS_DESCRIBED_PER_RUN;
    if (!Number.isInteger(maxPerRun) || maxPerRun < 1) throw new ConfigurationError(`CachedLoadBalancerDirectory maxPerRun must be a whole number of at least 1, got ${String(maxPerRun)}`);
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.retryAfterMs = Math.min(retryAfter * 1000, this.maxAgeMs);
    this.maxPerRun = maxPerRun;
  }

  async describeLoadBalancers(refs: readonly LoadBalancerRef[]): Promise<ReadonlyMap<string, LoadBalancerLookup>> {
    const nowMs = this.clock.now().getTime();
    const unique = [...new Map(refs.map((ref) => [loadBalancerKey(ref), ref])).values()];
    const missing = unique.filter((ref) => !this.entries.has(loadBalancerKey(ref)));
    const due = unique
      .filter((ref) => this.entries.has(loadBalancerKey(ref)) && !this.isFresh(this.entries.get(loadBalancerKey(ref))!, nowMs))
      .sort((a, b) => this.entries.get(loadBalancerKey(a))!.atMs - this.entries.get(loadBalancerKey(b))!.atMs);
    const now = [...missing, ...due].slice(0, this.maxPerRun);
    if (now.length > 0) {
      for (const [key, lookup] of await this.inner.describeLoadBalancers(now)) this.entries.set(key, { lookup, atMs: nowMs });
    }
    const waiting = missing.length - Math.min(missing.length, this.maxPerRun);
    return new Map(
      unique.map((ref): [string, LoadBalancerLookup] => {
        const key = loadBalancerKey(ref);
        const entry = this.entries.get(key);
        if (entry) return [key, entry.lookup];
        const reason = `not described yet: a run describes at most ${this.maxPerRun} load balancers and ${waiting} are waiting; the next runs describe them`;
        return [key, { kind: 'UNREADABLE', ref, reason }];
      }),
    );
  }

  private isFresh(entry: Entry, nowMs: number): boolean {
    const ageMs = nowMs - entry.atMs;
    // A clock that went backwards cannot vouch for the description's age.
    return ageMs >= 0 && ageMs < (entry.lookup.kind === 'DESCRIBED' ? this.maxAgeMs : this.retryAfterMs);
  }
}
