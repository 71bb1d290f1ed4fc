/**
 * InventorySource on Route 53: hosted zones, every record set of each, every health check.
 * Every listing follows Route 53's markers to the last page; no page size is assumed.
 */
import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  paginateListHealthChecks,
  paginateListHostedZones,
  type ListResourceRecordSetsCommandInput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { FailoverPair, HealthCheckDefinition, RecordSet } from '../domain/model';
import { HealthSourceError } from '../errors';
import type { Inventory, InventorySource } from '../ports';
import { route53Failure, type Route53Call } from './route53-errors';
import {
  bareZoneId,
  buildPairs,
  isSkipped,
  toHealthCheckDefinition,
  toRecordSet,
  toZone,
  type Skipped,
  type Zone,
} from './route53-mapping';

export interface Route53InventoryOptions {
  /** Hosted zones to watch (FAILWATCH_ZONE_IDS); empty means every zone in the account. */
  readonly zoneIds: readonly string[];
}

export class Route53InventorySource implements InventorySource {
  private readonly zoneIds: readonly string[];

  constructor(
    private readonly client: Route53Client,
    options: Route53InventoryOptions,
  ) {
    this.zoneIds = [...new Set(options.zoneIds.map(bareZoneId))];
  }

  async loadInventory(): Promise<Inventory> {
    const zones = await this.loadZones();
    const pairs: FailoverPair[] = [];
    const skipped: Skipped[] = [];
    const recordSetsByZone = new Map<string, readonly RecordSet[]>();
    for (const zone of zones) {
      const records = await this.loadRecordSets(zone);
      recordSetsByZone.set(zone.id, records);
      const built = buildPairs(zone, records);
      pairs.push(...built.pairs);
      skipped.push(...built.skipped);
    }
    const healthChecks = new Map<string, HealthCheckDefinition>();
    for (const definition of await this.loadHealthChecks()) {
      if (isSkipped(definition)) skipped.push(definition);
      else healthChecks.set(definition.id, definition);
    }
    return { pairs, recordSetsByZone, healthChecks, skipped };
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
        zones.push(...(page.HostedZones ?? []).map(toZone));
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
      records.push(...(page.ResourceRecordSets ?? []).map(toRecordSet));
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

  private async loadHealthChecks(): Promise<(HealthCheckDefinition | Skipped)[]> {
    const call = { operation: 'ListHealthChecks', resource: '*' };
    return this.attempt(call, async () => {
      const definitions: (HealthCheckDefinition | Skipped)[] = [];
      for await (const page of paginateListHealthChecks({ client: this.client }, {})) {
        definitions.push(...(page.HealthChecks ?? []).map(toHealthCheckDefinition));
      }
      return definitions;
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
