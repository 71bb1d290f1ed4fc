/**
 * InventorySource and Route53Listings on Route 53: hosted zones, the record sets of each that its failover
 * pairs reach, every health check. Every listing follows Route 53's markers to the last page and asks for
 * the largest page each call allows (ROUTE53_PAGE_SIZES); no page size is assumed. Each page is mapped to
 * domain values as it arrives and then let go. A listing goes page by page from a cursor (plain data,
 * lib/ports.ts), so the discovery cache can stop it at a run's deadline and resume it in the next run,
 * in this container or, from the cursor kept in the table, in another.
 */
import {
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { FailoverPair, HealthCheckDefinition, RecordSet } from '../../domain/model';
import { HealthSourceError } from '../../errors';
import {
  listingStart,
  ListingPhase,
  ListingScope,
  type Inventory,
  type InventorySource,
  type ListingCursor,
  type ListingStep,
  type Route53Listings,
  type SkippedEntry,
} from '../../ports';
import { route53Failure, type Route53Call } from './errors';
import { bareZoneId, buildPairs, isSkipped, recordsPairsReach, toHealthCheckDefinition, toRecordSet, toZone } from './mapping';

export interface Route53InventoryOptions {
  /** Hosted zones to watch (FAILWATCH_ZONE_IDS); empty means every zone in the account. */
  readonly zoneIds: readonly string[];
}

/**
 * The most each listing returns a request, asked for every time (the Route 53 API reference):
 * ListHostedZones 100, ListResourceRecordSets 300, ListHealthChecks 1,000 (older versions of the
 * reference say 100 for each, which the markers cope with).
 */
export const ROUTE53_PAGE_SIZES = { hostedZones: 100, recordSets: 300, healthChecks: 1000 } as const;
export const HEALTH_CHECKS_PER_PAGE = ROUTE53_PAGE_SIZES.healthChecks;

interface Gathered {
  readonly pairs: FailoverPair[];
  readonly recordSetsByZone: [string, RecordSet[]][];
  readonly healthChecks: HealthCheckDefinition[];
  readonly skipped: SkippedEntry[];
}

export class Route53InventorySource implements InventorySource, Route53Listings {
  private readonly zoneIds: readonly string[];

  constructor(
    private readonly client: Route53Client,
    options: Route53InventoryOptions,
  ) {
    this.zoneIds = [...new Set(options.zoneIds.map(bareZoneId))];
  }

  /** Everything, in one go (no cache, no deadline): throws the first failure. */
  async loadInventory(): Promise<Inventory> {
    const step = await this.continueListing(undefined, () => false);
    if (step.failure !== undefined) throw step.failure;
    const { piece } = step;
    return { pairs: piece.pairs, recordSetsByZone: new Map(piece.recordSetsByZone), healthChecks: new Map(piece.healthChecks.map((check) => [check.id, check])), skipped: piece.skipped };
  }

  async continueListing(from: ListingCursor | undefined, stop: () => boolean, scope: ListingScope = ListingScope.ALL): Promise<ListingStep> {
    let cursor = from ?? listingStart(scope);
    const gathered: Gathered = { pairs: [], recordSetsByZone: [], healthChecks: [], skipped: [] };
    try {
      while (cursor.phase !== ListingPhase.DONE && !stop()) cursor = await this.nextPage(cursor, gathered);
      return { cursor, piece: gathered };
    } catch (error) {
      return { cursor, piece: gathered, failure: error instanceof Error ? error : new HealthSourceError(String(error), true) };
    }
  }

  /** One request (GetHostedZone: one per configured zone), what it gave added to `gathered`, and the cursor after it. */
  private async nextPage(cursor: ListingCursor, gathered: Gathered): Promise<ListingCursor> {
    switch (cursor.phase) {
      case ListingPhase.HEALTH_CHECKS:
        return this.healthCheckPage(cursor, gathered);
      case ListingPhase.ZONES:
        return this.zonePage(cursor);
      case ListingPhase.RECORDS:
        return this.recordPage(cursor, gathered);
      case ListingPhase.DONE:
        return cursor;
    }
  }

  private async healthCheckPage(cursor: ListingCursor, gathered: Gathered): Promise<ListingCursor> {
    const call = { operation: 'ListHealthChecks', resource: '*' };
    const marker = cursor.healthCheckMarker;
    const page = await this.attempt(call, () => this.client.send(new ListHealthChecksCommand({ MaxItems: ROUTE53_PAGE_SIZES.healthChecks, ...(marker !== undefined ? { Marker: marker } : {}) })));
    // Every check is kept, not only the ones pairs use: an alarm naming a check the inventory does not
    // know makes the cache list Route 53 again (lib/usecases/cached-inventory.ts).
    for (const check of page.HealthChecks ?? []) {
      const definition = toHealthCheckDefinition(check);
      if (isSkipped(definition)) gathered.skipped.push(definition);
      else gathered.healthChecks.push(definition);
    }
    if (page.IsTruncated === true && page.NextMarker !== undefined) {
      if (page.NextMarker === marker) throw new HealthSourceError(`Route 53 ListHealthChecks did not advance past marker ${marker}; retry later`, true);
      return { ...cursor, healthCheckMarker: page.NextMarker };
    }
    return { ...without(cursor, 'healthCheckMarker'), phase: cursor.scope === ListingScope.HEALTH_CHECKS ? ListingPhase.DONE : ListingPhase.ZONES };
  }

  private async zonePage(cursor: ListingCursor): Promise<ListingCursor> {
    if (this.zoneIds.length > 0) {
      const zoneId = this.zoneIds[cursor.zones.length];
      if (zoneId === undefined) return { ...cursor, phase: ListingPhase.RECORDS };
      const call = { operation: 'GetHostedZone', resource: `hostedzone/${zoneId}`, configuredZoneId: zoneId };
      const output = await this.attempt(call, () => this.client.send(new GetHostedZoneCommand({ Id: zoneId })));
      if (output.HostedZone === undefined) throw new HealthSourceError(`Route 53 GetHostedZone returned no zone for ${zoneId}`, true);
      const zones = [...cursor.zones, toZone(output.HostedZone)];
      return { ...cursor, zones, ...(zones.length === this.zoneIds.length ? { phase: ListingPhase.RECORDS } : {}) };
    }
    const call = { operation: 'ListHostedZones', resource: '*' };
    const marker = cursor.zoneMarker;
    const page = await this.attempt(call, () => this.client.send(new ListHostedZonesCommand({ MaxItems: ROUTE53_PAGE_SIZES.hostedZones, ...(marker !== undefined ? { Marker: marker } : {}) })));
    const zones = [...cursor.zones, ...(page.HostedZones ?? []).map(toZone)];
    if (page.IsTruncated === true && page.NextMarker !== undefined) {
      if (page.NextMarker === marker) throw new HealthSourceError(`Route 53 ListHostedZones did not advance past marker ${marker}; retry later`, true);
      return { ...cursor, zones, zoneMarker: page.NextMarker };
    }
    return { ...without(cursor, 'zoneMarker'), zones, phase: ListingPhase.RECORDS };
  }

  /** There is no SDK paginator for ListResourceRecordSets: it resumes on up to three markers. */
  private async recordPage(cursor: ListingCursor, gathered: Gathered): Promise<ListingCursor> {
    const zone = cursor.zones[cursor.zoneIndex];
    if (zone === undefined) return { ...cursor, phase: ListingPhase.DONE };
    const configuredZoneId = this.zoneIds.includes(zone.id) ? zone.id : undefined;
    const call: Route53Call = { operation: 'ListResourceRecordSets', resource: `hostedzone/${zone.id}`, ...(configuredZoneId !== undefined ? { configuredZoneId } : {}) };
    const start = cursor.recordStart;
    const input: ListResourceRecordSetsCommandInput = {
      HostedZoneId: zone.id,
      MaxItems: ROUTE53_PAGE_SIZES.recordSets,
      ...(start !== undefined ? { StartRecordName: start.name, StartRecordType: start.type as ListResourceRecordSetsCommandInput['StartRecordType'] } : {}),
      ...(start?.identifier !== undefined ? { StartRecordIdentifier: start.identifier } : {}),
    };
    const page = await this.attempt(call, () => this.client.send(new ListResourceRecordSetsCommand(input)));
    const records = [...cursor.zoneRecords, ...(page.ResourceRecordSets ?? []).map(toRecordSet)];
    if (page.IsTruncated === true) {
      const next = { name: page.NextRecordName ?? '', type: page.NextRecordType ?? '', ...(page.NextRecordIdentifier !== undefined ? { identifier: page.NextRecordIdentifier } : {}) };
      if (page.NextRecordName === undefined || (start !== undefined && start.name === next.name && start.type === next.type && start.identifier === next.identifier)) {
        // Guards against a listing that would never end rather than trusting every page to move on.
        throw new HealthSourceError(`Route 53 ListResourceRecordSets for zone ${zone.id} did not advance past ${[next.name, next.type, next.identifier].join('|')}; retry later`, true);
      }
      return { ...cursor, recordStart: next, zoneRecords: records };
    }
    const built = buildPairs(zone, records);
    // A zone's other records (most of a large zone) are dropped here, once its pairs are known.
    gathered.recordSetsByZone.push([zone.id, recordsPairsReach(built.pairs, records)]);
    gathered.pairs.push(...built.pairs);
    gathered.skipped.push(...built.skipped);
    const zoneIndex = cursor.zoneIndex + 1;
    return { ...without(cursor, 'recordStart'), zoneIndex, zoneRecords: [], ...(zoneIndex >= cursor.zones.length ? { phase: ListingPhase.DONE } : {}) };
  }

  private async attempt<T>(call: Route53Call, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof HealthSourceError) throw error;
      throw route53Failure(error, call);
    }
  }
}

/** The cursor without a marker whose listing is done (a cursor is kept as JSON: no undefined fields). */
function without(cursor: ListingCursor, field: 'healthCheckMarker' | 'zoneMarker' | 'recordStart'): ListingCursor {
  const copy: Partial<Record<keyof ListingCursor, unknown>> = { ...cursor };
  delete copy[field];
  return copy as ListingCursor;
}
