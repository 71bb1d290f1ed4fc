/**
 * The discovery cache. Hosted zones and record sets change rarely, but listing them costs a request per
 * page of the account-wide Route 53 budget. Built once per Lambda container with the deps
 * (lib/runtime/wiring.ts), a complete listing is reused until it is older than `maxAgeSeconds`, or until a
 * caller names a health check it does not know (an alarm on a check created since) or asks for a refresh.
 *
 * A listing has no wall: each run lists only until its share of the time left before the run's deadline
 * is spent (half with nothing else to judge from, a quarter while a complete listing is at hand), and
 * the next run goes on from the page where it stopped (the cursor,
 * lib/ports.ts). Until a new listing is complete, runs are judged from the last complete one; with none
 * (the first listing ever) from what the listing gathered so far (PARTIAL), and the run says so. With a
 * ListingStore (the poll function), the progress of an incomplete listing is kept in the table after
 * each run that leaves it incomplete, and a new container starts from the last complete listing the table
 * keeps (its pairs' stored definitions, STORED) and from the stored progress, not from nothing.
 *
 * Health check definitions are what an operator changes for maintenance (disable, invert), and they are
 * few pages (1,000 checks a page): a caller that asks (`healthChecksMaxAgeSeconds`, the sweep with 0) gets
 * them listed again (bounded and resumed the same way) while the zones and records come from the cache.
 * When they come back unchanged the cached inventory itself is returned, so what is keyed on it (the pair
 * definitions kept for the alarm function) sees no change.
 */
import { randomUUID } from 'node:crypto';
import { parsePairKey, type FailoverPair, type HealthCheckDefinition, type PairId, type RecordSet } from '../domain/model';
import { ConfigurationError, describeError, HealthSourceError } from '../errors';
import {
  InventoryOrigin,
  listingStart,
  ListingScope,
  type Clock,
  type DiscoveryReport,
  type Inventory,
  type InventoryRequest,
  type InventorySource,
  type ListingStore,
  type PairDefinitionStore,
  type Route53Listings,
} from '../ports';
import { isHealthCheckEntry, ListingInProgress, sameHealthChecks } from './listing-progress';

export interface CachedInventoryOptions {
  /** Reuse a listing of zones and records for at most this long (FAILWATCH_DISCOVERY_MAX_AGE_MINUTES); 0 lists every run. */
  readonly maxAgeSeconds: number;
  /**
   * A refresh a request asks for (an unknown health check, `refresh`) is not made while the listing is
   * younger than this, so a burst of alarms naming a deleted check cannot re-list the account on each.
   */
  readonly minRefreshIntervalSeconds?: number;
  /**
   * The share of the time left before a run's deadline that listing may take while no complete listing
   * is at hand; the rest is for judging and recording.
   */
  readonly listingShare?: number;
  /** The same while a complete listing (this container's or the table's) is at hand to judge from: a new one can take a few runs. */
  readonly refreshShare?: number;
}

/** Where a container keeps listings durably (the poll function): progress and the last complete listing's pairs. */
export interface DurableListings {
  readonly store: ListingStore;
  /** The last complete listing's pairs are their stored definitions. */
  readonly definitions: Pick<PairDefinitionStore, 'loadDefinitions'>;
}

export const DEFAULT_MIN_REFRESH_INTERVAL_SECONDS = 60;
export const DEFAULT_LISTING_SHARE = 0.5;
export const DEFAULT_REFRESH_SHARE = 0.25;

interface Listing {
  readonly inventory: Inventory;
  /** When the records listing started: they are at least as recent as this (undefined: STORED, age unknown). */
  readonly recordsListedAtMs: number | undefined;
  /** When the health check listing that gave the definitions started (or last confirmed them unchanged). */
  readonly healthChecksListedAtMs: number | undefined;
}

export class CachedInventorySource implements InventorySource {
  private readonly maxAgeMs: number;
  private readonly minRefreshIntervalMs: number;
  private readonly listingShare: number;
  private readonly refreshShare: number;
  private complete: Listing | undefined;
  /** A listing of everything under way, and one of the health check definitions alone. */
  private pending: ListingInProgress | undefined;
  private pendingChecks: ListingInProgress | undefined;
  private bootstrapped = false;
  /** The table's last complete listing (its pair keys), read only if this container's own listing is not complete in its first run. */
  private storedPairKeys: readonly string[] | undefined;
  private served: Inventory | undefined;
  private report: DiscoveryReport | undefined;
  private inFlight: Promise<Inventory> | undefined;

  constructor(
    private readonly inner: Route53Listings,
    private readonly clock: Clock,
    options: CachedInventoryOptions,
    private readonly durable?: DurableListings,
  ) {
    const minRefresh = options.minRefreshIntervalSeconds ?? DEFAULT_MIN_REFRESH_INTERVAL_SECONDS;
    for (const [name, value] of [['maxAgeSeconds', options.maxAgeSeconds], ['minRefreshIntervalSeconds', minRefresh]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(`CachedInventorySource ${name} must be 0 or more seconds, got ${String(value)}`);
    }
    const shares = { listingShare: options.listingShare ?? DEFAULT_LISTING_SHARE, refreshShare: options.refreshShare ?? DEFAULT_REFRESH_SHARE };
    for (const [name, share] of Object.entries(shares)) {
      if (!(share > 0 && share <= 1)) throw new ConfigurationError(`CachedInventorySource ${name} must be above 0 and at most 1, got ${String(share)}`);
    }
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.minRefreshIntervalMs = minRefresh * 1000;
    this.listingShare = shares.listingShare;
    this.refreshShare = shares.refreshShare;
  }

  /**
   * Throws only when there is nothing to judge from at all (no complete listing, and the listing under
   * way failed before gathering anything); otherwise a failure is in `lastDiscovery()`.
   */
  async loadInventory(request: InventoryRequest = {}): Promise<Inventory> {
    if (request.fromThisRun === true && this.served !== undefined) return this.served;
    // Concurrent callers share one listing rather than each spending the Route 53 budget.
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    this.inFlight = this.load(request).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  lastDiscovery(): DiscoveryReport | undefined {
    return this.report;
  }

  private async load(request: InventoryRequest): Promise<Inventory> {
    const startedAtMs = this.clock.now().getTime();
    const problems: Problems = {};
    // Awaited only when there is something to read: a container without a store lists at once.
    if (!this.bootstrapped && this.durable !== undefined) await this.bootstrap(problems);
    const atHand = this.complete !== undefined || this.storedPairKeys !== undefined;
    const stop = this.stopAt(request.deadline, startedAtMs, atHand ? this.refreshShare : this.listingShare);
    const complete = this.complete;
    let failure: Error | undefined;
    if (this.pending !== undefined || complete === undefined || this.needsListing(complete, request)) {
      failure = await this.continueFullListing(stop, problems);
    } else if (this.healthChecksDue(complete, request, startedAtMs)) {
      failure = await this.continueHealthCheckListing(complete, stop, problems);
    }
    if (this.complete === undefined && this.storedPairKeys !== undefined) await this.loadStoredListing(problems);
    const inventory = this.complete?.inventory ?? this.pending?.inventory(this.pending.startedAtMs);
    // Nothing at all to judge from: the failure is the run's.
    if (inventory === undefined || (failure !== undefined && inventory.pairs.length === 0 && inventory.healthChecks.size === 0)) {
      throw failure ?? new HealthSourceError('Route 53 was not listed and no listing is kept; the next run lists it', true);
    }
    const underWay = this.pending ?? this.pendingChecks;
    this.report = {
      judgedFrom: inventory.origin ?? 'COMPLETE',
      ...(underWay === undefined ? {} : { listing: underWay.progress() }),
      ...problems,
    };
    this.served = inventory;
    return inventory;
  }

  /** Listing stops once its share of the time left is spent (never, without a deadline). */
  private stopAt(deadline: Date | undefined, nowMs: number, share: number): () => boolean {
    if (deadline === undefined) return () => false;
    const stopAtMs = nowMs + Math.max(0, deadline.getTime() - nowMs) * share;
    return () => this.clock.now().getTime() >= stopAtMs;
  }

  private needsListing(listing: Listing, request: InventoryRequest): boolean {
    if (listing.recordsListedAtMs === undefined) return true;
    const ageMs = this.clock.now().getTime() - listing.recordsListedAtMs;
    // A clock that went backwards cannot vouch for the listing's age.
    if (ageMs < 0 || ageMs >= this.maxAgeMs) return true;
    const unknownCheck = (request.healthCheckIds ?? []).some((id) => !listing.inventory.healthChecks.has(id));
    return (request.refresh === true || unknownCheck) && ageMs >= this.minRefreshIntervalMs;
  }

  /** Only for a caller that asks; one under way is then continued whatever the age. */
  private healthChecksDue(listing: Listing, request: InventoryRequest, askedAtMs: number): boolean {
    const maxAgeSeconds = request.healthChecksMaxAgeSeconds;
    if (maxAgeSeconds === undefined) return false;
    if (this.pendingChecks !== undefined || listing.healthChecksListedAtMs === undefined) return true;
    const ageMs = askedAtMs - listing.healthChecksListedAtMs;
    return ageMs < 0 || ageMs >= maxAgeSeconds * 1000;
  }

  /** Returns the failure that stopped the listing short, if one did (what it gathered is kept). */
  private async continueFullListing(stop: () => boolean, problems: Problems): Promise<Error | undefined> {
    // A full listing lists the health checks too: a refresh of them alone would only be thrown away.
    this.pendingChecks = undefined;
    const listing = this.pending ?? new ListingInProgress(randomUUID(), this.clock.now().getTime(), listingStart(ListingScope.ALL));
    const step = await this.inner.continueListing(listing.cursor, stop, ListingScope.ALL);
    listing.take(step.piece, step.cursor);
    if (step.failure !== undefined) problems.error = failureOf(step.failure);
    if (listing.complete) {
      this.pending = undefined;
      this.complete = { inventory: listing.inventory(listing.startedAtMs), recordsListedAtMs: listing.startedAtMs, healthChecksListedAtMs: listing.startedAtMs };
      return undefined;
    }
    this.pending = listing;
    await this.storeProgress(listing, problems);
    return step.failure;
  }

  /** Writes what the table does not hold yet of an incomplete listing; a failed write is retried with the next run's. */
  private async storeProgress(listing: ListingInProgress, problems: Problems): Promise<void> {
    const piece = listing.unstoredPiece();
    if (this.durable === undefined || piece === undefined) return;
    try {
      await this.durable.store.saveProgress(listing.listingId, new Date(listing.startedAtMs).toISOString(), listing.storedStretches, { cursor: listing.cursor, piece });
      listing.markStored();
    } catch (error) {
      problems.storeProblem = `the listing's progress was not stored (this container keeps it): ${describeError(error)}`;
    }
  }

  /** Kept only in the container: a new one lists everything anyway. Returns the failure that stopped it short, if one did. */
  private async continueHealthCheckListing(listing: Listing, stop: () => boolean, problems: Problems): Promise<Error | undefined> {
    const checks = this.pendingChecks ?? new ListingInProgress(randomUUID(), this.clock.now().getTime(), listingStart(ListingScope.HEALTH_CHECKS));
    const step = await this.inner.continueListing(checks.cursor, stop, ListingScope.HEALTH_CHECKS);
    checks.take(step.piece, step.cursor);
    if (step.failure !== undefined) problems.error = failureOf(step.failure);
    if (!checks.complete) {
      this.pendingChecks = checks;
      return step.failure;
    }
    this.pendingChecks = undefined;
    const listed = checks.checks();
    const healthChecksListedAtMs = checks.startedAtMs;
    if (sameHealthChecks(listing.inventory, listed)) {
      this.complete = { ...listing, healthChecksListedAtMs };
      return undefined;
    }
    const inventory: Inventory = {
      ...listing.inventory,
      healthChecks: listed.healthChecks,
      skipped: [...listing.inventory.skipped.filter((entry) => !isHealthCheckEntry(entry)), ...listed.skipped],
      listedAt: { records: listing.inventory.listedAt?.records ?? new Date(healthChecksListedAtMs).toISOString(), healthChecks: new Date(healthChecksListedAtMs).toISOString() },
    };
    this.complete = { ...listing, inventory, healthChecksListedAtMs };
    return undefined;
  }

  /** Once per container: the progress of the listing under way, and which pairs the last complete one had (one read). */
  private async bootstrap(problems: Problems): Promise<void> {
    this.bootstrapped = true;
    if (this.durable === undefined) return;
    try {
      const stored = await this.durable.store.loadListingState();
      if (stored.problems.length > 0) problems.storeProblem = `stored discovery left out: ${stored.problems.join('; ')}`;
      if (stored.progress !== undefined) {
        const { listingId, startedAt, stretches } = stored.progress;
        const last = stretches.at(-1);
        if (last !== undefined) {
          const listing = new ListingInProgress(listingId, Date.parse(startedAt), last.cursor);
          for (const stretch of stretches) listing.take(stretch.piece, stretch.cursor, true);
          if (!listing.complete) this.pending = listing;
        }
      }
      this.storedPairKeys = stored.complete?.pairKeys;
    } catch (error) {
      problems.storeProblem = `the stored discovery could not be read, so this container lists from the start: ${describeError(error)}`;
    }
  }

  private async loadStoredListing(problems: Problems): Promise<void> {
    const keys = this.storedPairKeys!;
    this.storedPairKeys = undefined;
    try {
      this.complete = await this.storedListing(keys);
    } catch (error) {
      problems.storeProblem = `the last complete listing could not be read from the stored pair definitions: ${describeError(error)}`;
    }
  }

  /** The last complete listing as its pairs' stored definitions tell it. */
  private async storedListing(pairKeys: readonly string[]): Promise<Listing | undefined> {
    const ids = pairKeys.flatMap((key): PairId[] => {
      const id = parsePairKey(key);
      return id === undefined ? [] : [id];
    });
    const definitions = await this.durable!.definitions.loadDefinitions(ids);
    if (definitions.size === 0) return undefined;
    const recordSetsByZone = new Map<string, Map<string, RecordSet>>();
    const healthChecks = new Map<string, HealthCheckDefinition>();
    const pairs: FailoverPair[] = [];
    for (const definition of definitions.values()) {
      pairs.push(definition.pair);
      const zone = recordSetsByZone.get(definition.pair.id.zoneId) ?? new Map<string, RecordSet>();
      for (const record of [definition.pair.primary, definition.pair.secondary, ...definition.aliasTargets]) zone.set(`${record.name}|${record.type}|${record.setIdentifier ?? ''}`, record);
      recordSetsByZone.set(definition.pair.id.zoneId, zone);
      for (const check of definition.healthChecks) healthChecks.set(check.id, check);
    }
    const inventory: Inventory = {
      pairs,
      recordSetsByZone: new Map([...recordSetsByZone].map(([zoneId, records]) => [zoneId, [...records.values()]])),
      healthChecks,
      skipped: [],
      origin: InventoryOrigin.STORED,
    };
    return { inventory, recordsListedAtMs: undefined, healthChecksListedAtMs: undefined };
  }
}

type Problems = { error?: DiscoveryReport['error']; storeProblem?: string };

function failureOf(error: Error): NonNullable<DiscoveryReport['error']> {
  return { message: describeError(error), retryable: !(error instanceof HealthSourceError) || error.retryable };
}
