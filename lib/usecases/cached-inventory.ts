/**
 * The discovery cache. Hosted zones, record sets and health check definitions change rarely, but
 * listing them costs a request per page of the account-wide Route 53 budget (about 70 pages for 5,000
 * checks: 15 s at 5 requests a second). Built once per Lambda container with the deps (lib/runtime/wiring.ts),
 * a listing is reused until it is older than `maxAgeSeconds`, or until a caller names a health check
 * it does not know (an alarm on a check created since) or asks for a refresh.
 */
import { ConfigurationError } from '../errors';
import type { Clock, Inventory, InventoryRequest, InventorySource } from '../ports';

export interface CachedInventoryOptions {
  /** Reuse a listing for at most this long (FAILWATCH_DISCOVERY_MAX_AGE_MINUTES); 0 lists every time. */
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
  /** When the listing started: the inventory is at least as recent as this. */
  readonly listedAtMs: number;
}

export class CachedInventorySource implements InventorySource {
  private readonly maxAgeMs: number;
  private readonly minRefreshIntervalMs: number;
  private listing: Listing | undefined;
  private inFlight: Promise<Inventory> | undefined;

  constructor(
    private readonly inner: InventorySource,
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
    const listing = this.listing;
    if (listing !== undefined && !this.needsListing(listing, request)) return listing.inventory;
    // Concurrent callers share one listing rather than each spending the Route 53 budget.
    this.inFlight ??= this.list().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private needsListing(listing: Listing, request: InventoryRequest): boolean {
    const ageMs = this.clock.now().getTime() - listing.listedAtMs;
    // A clock that went backwards cannot vouch for the listing's age.
    if (ageMs < 0 || ageMs >= this.maxAgeMs) return true;
    const unknownCheck = (request.healthCheckIds ?? []).some((id) => !listing.inventory.healthChecks.has(id));
    return (request.refresh === true || unknownCheck) && ageMs >= this.minRefreshIntervalMs;
  }

  private async list(): Promise<Inventory> {
    const listedAtMs = this.clock.now().getTime();
    const inventory = await this.inner.loadInventory();
    this.listing = { inventory, listedAtMs };
    return inventory;
  }
}
