/**
 * InventorySource on Route 53: hosted zones, the record sets of each that its failover pairs reach,
 * every health check. Every listing follows Route 53's markers to the last page; no page size is
 * assumed (health checks are asked for 1,000 a page, the most the API reference allows, and older
 * versions of it say 100). Each page is mapped to domain values as it arrives and then let go: what is
 * kept for the container's life is the inventory alone, not the SDK's page objects. The two listings
 * are also offered apart (`Route53Listings`), so the discovery cache can list the health check
 * definitions every sweep while it keeps the zones and records.
 */
import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  paginateListHealthChecks,
  paginateListHostedZones,
  type ListResourceRecordSetsCommandInput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { FailoverPair, HealthCheckDefinition, RecordSet } from '../../domain/model';
import { HealthSourceError } from '../../errors';
import type { HealthCheckListing, Inventory, InventorySource, RecordsListing, Route53Listings } from '../../ports';
import { route53Failure, type Route53Call } from './errors';
import {
  bareZoneId,
  buildPairs,
  isSkipped,
  recordsPairsReach,
  toHealthCheckDefinition,
  toRecordSet,
  toZone,
  type Skipped,
  type Zone,
} from './mapping';

export interface Route53InventoryOptions {
  /** Hosted zones to watch (FAILWATCH_ZONE_IDS); empty means every zone in the account. */
  readonly zoneIds: readonly string[];
}

/** `ListHealthChecks` returns at most 1,000 health checks a request (the API reference's MaxItems). */
export const HEALTH_CHECKS_PER_PAGE = 1000;

export class Route53InventorySource implements InventorySource, Route53Listings {
  private readonly zoneIds: readonly string[];

  constructor(
    private readonly client: Route53Client,
    options: Route53InventoryOptions,
  ) {
    this.zoneIds = [...new Set(options.zoneIds.map(bareZoneId))];
  }

  async loadInventory(): Promise<Inventory> {
    const records = await this.listRecords();
    const checks = await this.listHealthChecks();
    return { pairs: records.pairs, recordSetsByZone: records.recordSetsByZone, healthChecks: checks.healthChecks, skipped: [...records.skipped, ...checks.skipped] };
  }

  async listRecords(): Promise<RecordsListing> {
    const zones = await this.loadZones();
    const pairs: FailoverPair[] = [];
    const skipped: Skipped[] = [];
    const recordSetsByZone = new Map<string, readonly RecordSet[]>();
    for (const zone of zones) {
      const records = await this.loadRecordSets(zone);
      const built = buildPairs(zone, records);
      // A zone's other records (most of a large zone) are dropped here, once its pairs are known.
      recordSetsByZone.set(zone.id, recordsPairsReach(built.pairs, records));
      for (const pair of built.pairs) pairs.push(pair);
      for (const entry of built.skipped) skipped.push(entry);
    }
    return { pairs, recordSetsByZone, skipped };
  }

  async listHealthChecks(): Promise<HealthCheckListing> {
    const healthChecks = new Map<string, HealthCheckDefinition>();
    const skipped: Skipped[] = [];
    // Every check is kept, not only the ones pairs use: an alarm naming a check the inventory does not
    // know makes the cache list Route 53 again (lib/usecases/cached-inventory.ts).
    await this.loadHealthChecks((definition) => {
      if (isSkipped(definition)) skipped.push(definition);
      else healthChecks.set(definition.id, definition);
    });
    return { healthChecks, skipped };
  }

  private async loadZones(): Promise<Zone[]> {
    if (this.zoneIds.length === 0) return this.listAllZones();
    const zones: Zone[] = [];
    for (const zoneId of this.zoneIds) {
      const call = { operation: 'GetHostedZone', resource: `hostedzone/${zoneId}`, configuredZoneId: zoneId };
      const output = await this.attempt(call, () => this.client.send(new GetHostedZoneCommand({ Id: zoneId })));
      if (output.HostedZone === undefined) throw new HealthSourceError(`Route 53 GetHostedZone returned no zone for ${zoneId}`, true);
      zones.push(toZone(output.HostedZone));
    }
    return zones;
  }

  private async listAllZones(): Promise<Zone[]> {
    const call = { operation: 'ListHostedZones', resource: '*' };
    return this.attempt(call, async () => {
      const zones: Zone[] = [];
      for await (const page of paginateListHostedZones({ client: this.client }, {})) {
        for (const zone of page.HostedZones ?? []) zones.push(toZone(zone));
      }
      return zones;
    });
  }

  /** There is no SDK paginator for ListResourceRecordSets: it resumes on up to three markers. */
  private async loadRecordSets(zone: Zone): Promise<RecordSet[]> {
    const configuredZoneId = this.zoneIds.includes(zone.id) ? zone.id : undefined;
    const call: Route53Call = {
      operation: 'ListResourceRecordSets',
      resource: `hostedzone/${zone.id}`,
      ...(configuredZoneId !== undefined ? { configuredZoneId } : {}),
    };
    const records: RecordSet[] = [];
    let input: ListResourceRecordSetsCommandInput = { HostedZoneId: zone.id };
    const seenStarts = new Set<string>();
    for (;;) {
      const page = await this.attempt(call, () => this.client.send(new ListResourceRecordSetsCommand(input)));
      for (const record of page.ResourceRecordSets ?? []) records.push(toRecordSet(record));
      if (page.IsTruncated !== true) return records;
      const start = [page.NextRecordName, page.NextRecordType, page.NextRecordIdentifier].join('|');
      if (page.NextRecordName === undefined || seenStarts.has(start)) {
        // Guards against a listing that would never end rather than trusting every page to move on.
        throw new HealthSourceError(`Route 53 ListResourceRecordSets for zone ${zone.id} did not advance past ${start}; retry later`, true);
      }
      seenStarts.add(start);
      input = {
        HostedZoneId: zone.id,
        StartRecordName: page.NextRecordName,
        ...(page.NextRecordType !== undefined ? { StartRecordType: page.NextRecordType } : {}),
        ...(page.NextRecordIdentifier !== undefined ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
      };
    }
  }

  private async loadHealthChecks(take: (definition: HealthCheckDefinition | Skipped) => void): Promise<void> {
    const call = { operation: 'ListHealthChecks', resource: '*' };
    await this.attempt(call, async () => {
      for await (const page of paginateListHealthChecks({ client: this.client, pageSize: HEALTH_CHECKS_PER_PAGE }, {})) {
        for (const check of page.HealthChecks ?? []) take(toHealthCheckDefinition(check));
      }
    });
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
