/**
 * The discovery cache. Hosted zones and record sets change rarely, but listing them costs a request per
 * page of the account-wide Route 53 budget (about 70 pages for 5,000 checks: 15 s at 5 requests a
 * second). Built once per Lambda container with the deps (lib/runtime/wiring.ts), a listing is reused
 * until it is older than `maxAgeSeconds`, or until a caller names a health check it does not know (an
 * alarm on a check created since) or asks for a refresh.
 *
 * Health check definitions are what an operator changes for maintenance (disable, invert), and they are
 * few pages (1,000 checks a page): a caller that asks (`healthChecksMaxAgeSeconds`, the sweep with 0)
 * gets them listed again while the zones and records still come from the cache. When they come back
 * unchanged the cached inventory itself is returned, so what is keyed on it (the pair definitions kept
 * for the alarm function) sees no change.
 */
import { ConfigurationError } from '../errors';
import type { Clock, HealthCheckListing, Inventory, InventoryRequest, InventorySource, RecordsListing, Route53Listings } from '../ports';
import type { HealthCheckDefinition } from '../domain/model';

export interface CachedInventoryOptions {
  /** Reuse a listing of zones and records for at most this long (FAILWATCH_DISCOVERY_MAX_AGE_MINUTES); 0 lists every time. */
  readonly maxAgeSeconds: number;
  /**
   * A refresh a request asks for (an unknown health check, `refresh`) is not made while the listing is
   * younger than this, so a burst of alarms naming a deleted check cannot re-list the account on each.
   */
  readonly minRefreshIntervalSeconds?: number;
}

export const DEFAULT_MIN_REFRESH_INTERVAL_SECONDS = 60;

interface Listing {
  readonly inventory: Inventory;
  readonly records: RecordsListing;
  readonly checks: HealthCheckListing;
  /** When the records listing started: they are at least as recent as this. */
  readonly recordsListedAtMs: number;
  /** When the health check listing that gave `checks` started (or last confirmed them unchanged). */
  readonly healthChecksListedAtMs: number;
}

export class CachedInventorySource implements InventorySource {
  private readonly maxAgeMs: number;
  private readonly minRefreshIntervalMs: number;
  private listing: Listing | undefined;
  private inFlight: Promise<Inventory> | undefined;

  constructor(
    private readonly inner: Route53Listings,
    private readonly clock: Clock,
    options: CachedInventoryOptions,
  ) {
    const minRefresh = options.minRefreshIntervalSeconds ?? DEFAULT_MIN_REFRESH_INTERVAL_SECONDS;
    for (const [name, value] of [['maxAgeSeconds', options.maxAgeSeconds], ['minRefreshIntervalSeconds', minRefresh]] as const) {
      if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(`CachedInventorySource ${name} must be 0 or more seconds, got ${String(value)}`);
    }
    this.maxAgeMs = options.maxAgeSeconds * 1000;
    this.minRefreshIntervalMs = minRefresh * 1000;
  }

  /** A failed listing is not kept: the error reaches the caller, and the next call lists again. */
  async loadInventory(request: InventoryRequest = {}): Promise<Inventory> {
    const askedAtMs = this.clock.now().getTime();
    // Concurrent callers share one listing rather than each spending the Route 53 budget; once it is
    // done, what it listed is judged like any cached listing.
    if (this.inFlight !== undefined) await this.inFlight;
    const listing = this.listing;
    if (listing === undefined || this.needsListing(listing, request)) return this.share(() => this.listAll());
    if (this.healthChecksDue(listing, request, askedAtMs)) return this.share(() => this.listHealthChecksAgain(listing));
    return listing.inventory;
  }

  private share(list: () => Promise<Inventory>): Promise<Inventory> {
    this.inFlight = list().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private needsListing(listing: Listing, request: InventoryRequest): boolean {
    const ageMs = this.clock.now().getTime() - listing.recordsListedAtMs;
    // A clock that went backwards cannot vouch for the listing's age.
    if (ageMs < 0 || ageMs >= this.maxAgeMs) return true;
    const unknownCheck = (request.healthCheckIds ?? []).some((id) => !listing.inventory.healthChecks.has(id));
    return (request.refresh === true || unknownCheck) && ageMs >= this.minRefreshIntervalMs;
  }

  /** Not when the definitions were listed since the caller asked (another caller's listing served it). */
  private healthChecksDue(listing: Listing, request: InventoryRequest, askedAtMs: number): boolean {
    const maxAgeSeconds = request.healthChecksMaxAgeSeconds;
    if (maxAgeSeconds === undefined || listing.healthChecksListedAtMs >= askedAtMs) return false;
    const ageMs = askedAtMs - listing.healthChecksListedAtMs;
    return ageMs < 0 || ageMs >= maxAgeSeconds * 1000;
  }

  private async listAll(): Promise<Inventory> {
    const recordsListedAtMs = this.clock.now().getTime();
    const records = await this.inner.listRecords();
    const healthChecksListedAtMs = this.clock.now().getTime();
    const checks = await this.inner.listHealthChecks();
    return this.keep({ inventory: combine(records, checks, recordsListedAtMs, healthChecksListedAtMs), records, checks, recordsListedAtMs, healthChecksListedAtMs });
  }

  private async listHealthChecksAgain(listing: Listing): Promise<Inventory> {
    const healthChecksListedAtMs = this.clock.now().getTime();
    const checks = await this.inner.listHealthChecks();
    if (sameHealthChecks(listing.checks, checks)) return this.keep({ ...listing, healthChecksListedAtMs });
    return this.keep({ ...listing, inventory: combine(listing.records, checks, listing.recordsListedAtMs, healthChecksListedAtMs), checks, healthChecksListedAtMs });
  }

  private keep(listing: Listing): Inventory {
    this.listing = listing;
    return listing.inventory;
  }
}

function combine(records: RecordsListing, checks: HealthCheckListing, recordsListedAtMs: number, healthChecksListedAtMs: number): Inventory {
  return {
    pairs: records.pairs,
    recordSetsByZone: records.recordSetsByZone,
    healthChecks: checks.healthChecks,
    skipped: [...records.skipped, ...checks.skipped],
    listedAt: { records: new Date(recordsListedAtMs).toISOString(), healthChecks: new Date(healthChecksListedAtMs).toISOString() },
  };
}

function sameHealthChecks(a: HealthCheckListing, b: HealthCheckListing): boolean {
  if (a.healthChecks.size !== b.healthChecks.size || a.skipped.length !== b.skipped.length) return false;
  if (a.skipped.some((entry, index) => entry.where !== b.skipped[index]?.where || entry.reason !== b.skipped[index]?.reason)) return false;
  for (const [id, definition] of a.healthChecks) {
    const other = b.healthChecks.get(id);
    if (other === undefined || !sameDefinition(definition, other)) return false;
  }
  return true;
}

function sameDefinition(a: HealthCheckDefinition, b: HealthCheckDefinition): boolean {
  return (
    a.id === b.id &&
    a.type === b.type &&
    a.inverted === b.inverted &&
    a.disabled === b.disabled &&
    a.target === b.target &&
    a.healthThreshold === b.healthThreshold &&
    a.childHealthCheckIds.length === b.childHealthCheckIds.length &&
    a.childHealthCheckIds.every((child, index) => child === b.childHealthCheckIds[index])
  );
}
