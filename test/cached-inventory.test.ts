/**
 * The discovery cache with a clock moved by hand: when a warm container reuses its Route 53 listing
 * and when it lists again.
 */
import { CachedInventorySource, type CachedInventoryOptions } from '../lib/usecases/cached-inventory';
import { loadWatchConfig } from '../lib/runtime/config';
import { ConfigurationError, HealthSourceError } from '../lib/errors';
import type { HealthCheckDefinition } from '../lib/domain/model';
import { listingStart, ListingPhase, ListingScope, type Inventory, type ListingCursor, type ListingStep, type Route53Listings } from '../lib/ports';
import { EMPTY_PIECE } from '../lib/usecases/listing-progress';
import { buildWatchDeps, createAwsClients, destroyAwsClients } from '../lib/runtime/wiring';
import { aDefinition, definitionsOf } from './support/domain-fixtures';
import { FixedClock } from '../local/fixed-clock';

const KNOWN_CHECK = 'hc-known';
const NEW_CHECK = 'hc-created-since';

function inventoryWith(...healthCheckIds: readonly string[]): Inventory {
  return {
    pairs: [],
    recordSetsByZone: new Map(),
    healthChecks: definitionsOf(...healthCheckIds.map((id) => aDefinition({ id }))),
    skipped: [],
  };
}

/**
 * Route 53's listings, recorded. Each full listing (health checks, zones, records) answers the next
 * inventory of `answers` (the last one repeats) or fails with the error it holds; a listing of the health
 * checks alone answers the next of `checkAnswers` (the last one repeats), or the last full listing's checks.
 */
class RecordingListings implements Route53Listings {
  listings = 0;
  healthCheckListings = 0;
  checkAnswers: (ReadonlyMap<string, HealthCheckDefinition> | Error)[] = [];
  private pending: (() => void)[] = [];
  private lastChecks: ReadonlyMap<string, HealthCheckDefinition> = new Map();
  private aloneListings = 0;
  holdListings = false;

  constructor(private readonly answers: readonly (Inventory | Error)[]) {}

  async continueListing(_cursor: ListingCursor | undefined, _stop: () => boolean, scope: ListingScope = ListingScope.ALL): Promise<ListingStep> {
    this.healthCheckListings += 1;
    if (scope === ListingScope.HEALTH_CHECKS) {
      const answer = this.checkAnswers.length === 0 ? this.lastChecks : this.checkAnswers[Math.min(this.aloneListings, this.checkAnswers.length - 1)]!;
      this.aloneListings += 1;
      if (answer instanceof Error) return { cursor: listingStart(scope), piece: EMPTY_PIECE, failure: answer };
      return { cursor: { ...listingStart(scope), phase: ListingPhase.DONE }, piece: { ...EMPTY_PIECE, healthChecks: [...answer.values()] } };
    }
    const answer = this.answers[Math.min(this.listings, this.answers.length - 1)]!;
    this.listings += 1;
    if (this.holdListings) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (answer instanceof Error) return { cursor: listingStart(scope), piece: EMPTY_PIECE, failure: answer };
    this.lastChecks = answer.healthChecks;
    return {
      cursor: { ...listingStart(scope), phase: ListingPhase.DONE },
      piece: { pairs: answer.pairs, recordSetsByZone: [...answer.recordSetsByZone], healthChecks: [...answer.healthChecks.values()], skipped: answer.skipped },
    };
  }

  releaseListings(): void {
    this.pending.splice(0).forEach((resolve) => resolve());
  }
}

/** The ids of the checks an inventory holds, sorted: what a listing answered. */
function checkIds(inventory: Inventory): string[] {
  return [...inventory.healthChecks.keys()].sort();
}

const START = new Date('2026-11-25T08:00:00Z');

function cachedOver(answers: readonly (Inventory | Error)[], options: CachedInventoryOptions = { maxAgeSeconds: 900 }) {
  const inner = new RecordingListings(answers);
  const clock = new FixedClock(START);
  return { inner, clock, cache: new CachedInventorySource(inner, clock, options) };
}

describe('CachedInventorySource', () => {
  it('lists once, then reuses the listing while it is younger than maxAgeSeconds', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK), inventoryWith(KNOWN_CHECK, NEW_CHECK)]);
    const first = await cache.loadInventory();
    expect(checkIds(first)).toEqual([KNOWN_CHECK]);
    clock.advanceSeconds(899);
    expect(await cache.loadInventory()).toBe(first);
    expect([inner.listings, inner.healthCheckListings]).toEqual([1, 1]);
  });

  it('lists again once the listing is maxAgeSeconds old', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK), inventoryWith(KNOWN_CHECK, NEW_CHECK)]);
    await cache.loadInventory();
    clock.advanceSeconds(900);
    expect(checkIds(await cache.loadInventory())).toEqual([NEW_CHECK, KNOWN_CHECK]);
    expect(inner.listings).toBe(2);
  });

  it('measures the age from when the listing started, so a slow listing is not kept longer', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)], { maxAgeSeconds: 60 });
    inner.holdListings = true;
    const listing = cache.loadInventory();
    clock.advanceSeconds(20);
    inner.releaseListings();
    await listing;
    inner.holdListings = false;
    clock.advanceSeconds(40);
    await cache.loadInventory();
    expect(inner.listings).toBe(2);
  });

  it('maxAgeSeconds 0 lists on every call, but never for a caller that asks for the inventory this run already loaded', async () => {
    const { inner, cache } = cachedOver([inventoryWith(KNOWN_CHECK)], { maxAgeSeconds: 0 });
    const first = await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 });
    expect(await cache.loadInventory({ fromThisRun: true })).toBe(first);
    expect(await cache.loadInventory({ fromThisRun: true })).toBe(first);
    expect(inner.listings).toBe(1);
    await cache.loadInventory();
    expect(inner.listings).toBe(2);
  });

  it('lists again when a caller names a health check the listing does not know', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK), inventoryWith(KNOWN_CHECK, NEW_CHECK)]);
    await cache.loadInventory();
    clock.advanceSeconds(61);
    expect(checkIds(await cache.loadInventory({ healthCheckIds: [KNOWN_CHECK, NEW_CHECK] }))).toEqual([NEW_CHECK, KNOWN_CHECK]);
    expect(inner.listings).toBe(2);
  });

  it('does not list again when every named health check is known', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    await cache.loadInventory();
    clock.advanceSeconds(600);
    await cache.loadInventory({ healthCheckIds: [KNOWN_CHECK] });
    expect(inner.listings).toBe(1);
  });

  it('an unknown health check does not re-list a listing younger than minRefreshIntervalSeconds', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK), inventoryWith(KNOWN_CHECK, NEW_CHECK)], { maxAgeSeconds: 900, minRefreshIntervalSeconds: 60 });
    const first = await cache.loadInventory();
    clock.advanceSeconds(59);
    expect(await cache.loadInventory({ healthCheckIds: [NEW_CHECK] })).toBe(first);
    expect(inner.listings).toBe(1);
  });

  it('refresh: true lists again, subject to the same minimum interval', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)], { maxAgeSeconds: 900, minRefreshIntervalSeconds: 30 });
    await cache.loadInventory();
    clock.advanceSeconds(10);
    await cache.loadInventory({ refresh: true });
    expect(inner.listings).toBe(1);
    clock.advanceSeconds(20);
    await cache.loadInventory({ refresh: true });
    expect(inner.listings).toBe(2);
  });

  it('concurrent callers share one listing', async () => {
    const { inner, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    inner.holdListings = true;
    const calls = [cache.loadInventory(), cache.loadInventory(), cache.loadInventory({ refresh: true })];
    inner.releaseListings();
    const [a, b, c] = await Promise.all(calls);
    expect(inner.listings).toBe(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('a failed listing is not kept: the caller gets the error and the next call lists again', async () => {
    const failure = new HealthSourceError('Route 53 kept throttling ListHealthChecks', true);
    const { inner, cache } = cachedOver([failure, inventoryWith(KNOWN_CHECK)]);
    await expect(cache.loadInventory()).rejects.toBe(failure);
    expect(checkIds(await cache.loadInventory())).toEqual([KNOWN_CHECK]);
    expect(inner.listings).toBe(2);
  });

  it('a failed listing of an expired listing serves the expired one and reports the failure: runs are judged from the last complete listing', async () => {
    const failure = new HealthSourceError('Route 53 kept throttling ListHealthChecks', true);
    const { clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK), failure]);
    const first = await cache.loadInventory();
    clock.advanceSeconds(900);
    expect(await cache.loadInventory()).toBe(first);
    expect(cache.lastDiscovery()).toMatchObject({ judgedFrom: 'COMPLETE', error: { message: expect.stringMatching(/kept throttling/), retryable: true } });
  });

  it('lists again when the clock went backwards', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    await cache.loadInventory();
    clock.advanceSeconds(-1);
    await cache.loadInventory();
    expect(inner.listings).toBe(2);
  });

  it('healthChecksMaxAgeSeconds 0 (the sweep) lists the health check definitions again on every call, the zones and records from the cache', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 });
    for (const seconds of [60, 60, 60]) {
      clock.advanceSeconds(seconds);
      await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 });
    }
    expect([inner.listings, inner.healthCheckListings]).toEqual([1, 4]);
  });

  it('definitions that come back unchanged give the cached inventory itself, so nothing keyed on it sees a change', async () => {
    const { clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    const first = await cache.loadInventory();
    clock.advanceSeconds(60);
    expect(await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 })).toBe(first);
  });

  it('a changed definition (disabled, inverted) gives a new inventory: the new definitions, the same records, dated apart', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    const first = await cache.loadInventory();
    inner.checkAnswers = [definitionsOf(aDefinition({ id: KNOWN_CHECK, disabled: true, inverted: true }))];
    clock.advanceSeconds(300);
    const second = await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 });
    expect(second).not.toBe(first);
    expect(second.healthChecks.get(KNOWN_CHECK)).toMatchObject({ disabled: true, inverted: true });
    expect(second.pairs).toBe(first.pairs);
    expect(second.listedAt).toEqual({ records: START.toISOString(), healthChecks: new Date(START.getTime() + 300_000).toISOString() });
    // Callers that do not ask (the definition sync, the alarm reconciler after the sweep) get the same one.
    expect(await cache.loadInventory()).toBe(second);
    expect(inner.healthCheckListings).toBe(2);
  });

  it('calls without healthChecksMaxAgeSeconds never list the definitions alone; with 60, not more than once a minute', async () => {
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    await cache.loadInventory();
    clock.advanceSeconds(300);
    await cache.loadInventory();
    await cache.loadInventory({ healthCheckIds: [KNOWN_CHECK] });
    expect(inner.healthCheckListings).toBe(1);
    await cache.loadInventory({ healthChecksMaxAgeSeconds: 60 });
    clock.advanceSeconds(59);
    await cache.loadInventory({ healthChecksMaxAgeSeconds: 60 });
    expect(inner.healthCheckListings).toBe(2);
    clock.advanceSeconds(1);
    await cache.loadInventory({ healthChecksMaxAgeSeconds: 60 });
    expect(inner.healthCheckListings).toBe(3);
  });

  it('a failed listing of the definitions keeps the cached listing, reports the failure, and the next call lists them again', async () => {
    const failure = new HealthSourceError('Route 53 kept throttling ListHealthChecks', true);
    const { inner, clock, cache } = cachedOver([inventoryWith(KNOWN_CHECK)]);
    const first = await cache.loadInventory();
    inner.checkAnswers = [failure, definitionsOf(aDefinition({ id: KNOWN_CHECK }))];
    clock.advanceSeconds(60);
    expect(await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 })).toBe(first);
    expect(cache.lastDiscovery()?.error?.message).toMatch(/kept throttling/);
    expect(await cache.loadInventory()).toBe(first);
    expect(await cache.loadInventory({ healthChecksMaxAgeSeconds: 0 })).toBe(first);
    expect([inner.listings, inner.healthCheckListings]).toEqual([1, 3]);
  });

  it.each([
    [{ maxAgeSeconds: -1 }, /maxAgeSeconds must be 0 or more seconds, got -1/],
    [{ maxAgeSeconds: Number.NaN }, /maxAgeSeconds must be 0 or more seconds, got NaN/],
    [{ maxAgeSeconds: 60, minRefreshIntervalSeconds: -5 }, /minRefreshIntervalSeconds must be 0 or more seconds, got -5/],
  ])('rejects %j with a ConfigurationError naming the option', (options, message) => {
    const build = () => new CachedInventorySource(new RecordingListings([inventoryWith()]), new FixedClock(START), options);
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });
});

describe('FAILWATCH_DISCOVERY_MAX_AGE_MINUTES', () => {
  const base = { FAILWATCH_TABLE: 'failwatch-test', FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch-test' };

  it.each([
    [undefined, 15],
    ['0', 0],
    ['60', 60],
  ])('%j → discoveryMaxAgeMinutes %i', (value, minutes) => {
    expect(loadWatchConfig({ ...base, FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: value }).discoveryMaxAgeMinutes).toBe(minutes);
  });

  it.each(['-1', '2.5', 'soon'])('rejects %j with an error naming the setting', (value) => {
    expect(() => loadWatchConfig({ ...base, FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: value })).toThrow(/FAILWATCH_DISCOVERY_MAX_AGE_MINUTES must be/);
  });

  it('the composition root puts the cache in front of the Route 53 inventory', () => {
    const config = loadWatchConfig(base);
    const clients = createAwsClients(config);
    try {
      expect(buildWatchDeps(config, clients).inventory).toBeInstanceOf(CachedInventorySource);
    } finally {
      destroyAwsClients(clients);
    }
  });
});
