/** Route 53 SDK shapes → domain types. Pure functions: the SDK's types stop here. */
import type { HealthCheck, HostedZone, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { aliasTargetsOfPair } from '../../domain/failover';
import {
  FailoverRole,
  HealthCheckType,
  type FailoverPair,
  type HealthCheckDefinition,
  type RecordSet,
} from '../../domain/model';

export interface Skipped {
  readonly where: string;
  readonly reason: string;
}

export interface Zone {
  readonly id: string;
  readonly name: string;
  /** A private hosted zone (TestDNSAnswer cannot be asked there). */
  readonly private: boolean;
}

/**
 * Lower case with the trailing dot. Route 53's octal escapes (`\052` for `*`) stay as they are:
 * they are how Route 53 spells those names everywhere else too.
 */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** `/hostedzone/Z123` → `Z123` */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

export function toZone(zone: HostedZone): Zone {
  return { id: bareZoneId(zone.Id ?? ''), name: normaliseName(zone.Name ?? ''), private: zone.Config?.PrivateZone === true };
}

function toFailoverRole(value: string | undefined): FailoverRole | undefined {
  return value === FailoverRole.PRIMARY || value === FailoverRole.SECONDARY ? value : undefined;
}

export function toRecordSet(record: ResourceRecordSet): RecordSet {
  const failover = toFailoverRole(record.Failover);
  const alias = record.AliasTarget;
  return {
    name: normaliseName(record.Name ?? ''),
    type: record.Type ?? '',
    ...(record.SetIdentifier !== undefined ? { setIdentifier: record.SetIdentifier } : {}),
    ...(failover !== undefined ? { failover } : {}),
    ...(record.HealthCheckId !== undefined ? { healthCheckId: record.HealthCheckId } : {}),
    ...(alias !== undefined
      ? {
          alias: {
            dnsName: normaliseName(alias.DNSName ?? ''),
            hostedZoneId: bareZoneId(alias.HostedZoneId ?? ''),
            evaluateTargetHealth: alias.EvaluateTargetHealth === true,
          },
        }
      : {}),
    values: (record.ResourceRecords ?? []).flatMap((rr) => (rr.Value !== undefined ? [rr.Value] : [])),
  };
}

function describeSide(records: readonly RecordSet[]): string {
  return records.map((r) => (r.setIdentifier !== undefined ? `"${r.setIdentifier}"` : 'without set identifier')).join(', ');
}

/**
 * Groups a zone's failover records by (name, type): exactly one PRIMARY and one SECONDARY make a pair;
 * any other grouping is reported in `skipped`, never dropped in silence.
 */
export function buildPairs(zone: Zone, records: readonly RecordSet[]): { pairs: FailoverPair[]; skipped: Skipped[] } {
  const groups = new Map<string, { name: string; type: string; primaries: RecordSet[]; secondaries: RecordSet[] }>();
  for (const record of records) {
    if (record.failover === undefined) continue;
    const key = `${record.name}|${record.type}`;
    const group = groups.get(key) ?? { name: record.name, type: record.type, primaries: [], secondaries: [] };
    (record.failover === FailoverRole.PRIMARY ? group.primaries : group.secondaries).push(record);
    groups.set(key, group);
  }
  const pairs: FailoverPair[] = [];
  const skipped: Skipped[] = [];
  for (const { name, type, primaries, secondaries } of groups.values()) {
    const [primary] = primaries;
    const [secondary] = secondaries;
    if (primaries.length === 1 && secondaries.length === 1 && primary !== undefined && secondary !== undefined) {
      // Only a private zone's pairs carry the flag: a public pair's stored definition is the same as before it existed.
      pairs.push({ id: { zoneId: zone.id, name, type }, zoneName: zone.name, ...(zone.private ? { privateZone: true } : {}), primary, secondary });
      continue;
    }
    const where = `${zone.name} (${zone.id}) ${name} ${type}`;
    let reason: string;
    if (secondaries.length === 0) {
      reason = `PRIMARY record ${describeSide(primaries)} has no SECONDARY, so there is nothing to fail over to`;
    } else if (primaries.length === 0) {
      reason = `SECONDARY record ${describeSide(secondaries)} has no PRIMARY, so it is never the failover target of anything`;
    } else {
      reason =
        `${primaries.length} PRIMARY (${describeSide(primaries)}) and ${secondaries.length} SECONDARY ` +
        `(${describeSide(secondaries)}) records: a failover pair needs exactly one of each`;
    }
    skipped.push({ where, reason });
  }
  return { pairs, skipped };
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(HealthCheckType));

/**
 * The records of a zone that judging its pairs reads: the pairs' own, and the in-zone target-health
 * alias targets they reach (`aliasTargetsOfPair`, the domain's own rule), in zone order. Route 53 looks
 * at nothing else to choose a side of a failover pair, so the rest of the zone, often most of it, need
 * not stay in the discovery cache (about 470 bytes of heap per record set).
 */
export function recordsPairsReach(pairs: readonly FailoverPair[], records: readonly RecordSet[]): RecordSet[] {
  const reached = new Set<RecordSet>();
  for (const pair of pairs) {
    reached.add(pair.primary).add(pair.secondary);
    for (const target of aliasTargetsOfPair(pair, records)) reached.add(target);
  }
  return records.filter((record) => reached.has(record));
}

/** Kept by every check of the discovery cache that is not CALCULATED; frozen, so it stays empty. */
const NO_CHILDREN: readonly string[] = Object.freeze([]);

function isHealthCheckType(value: string | undefined): value is HealthCheckType {
  return value !== undefined && KNOWN_TYPES.has(value);
}

function describeTarget(check: HealthCheck, type: HealthCheckType): string {
  const config = check.HealthCheckConfig;
  const ip = config?.IPAddress;
  const fqdn = config?.FullyQualifiedDomainName;
  const host = fqdn ?? (ip !== undefined && ip.includes(':') ? `[${ip}]` : ip) ?? '?';
  const via = fqdn !== undefined && ip !== undefined ? ` via ${ip}` : '';
  switch (type) {
    case HealthCheckType.HTTP:
    case HealthCheckType.HTTPS:
    case HealthCheckType.HTTP_STR_MATCH:
    case HealthCheckType.HTTPS_STR_MATCH: {
      const secure = type === HealthCheckType.HTTPS || type === HealthCheckType.HTTPS_STR_MATCH;
      const port = config?.Port ?? (secure ? 443 : 80);
      const match = config?.SearchString !== undefined ? ` containing "${config.SearchString}"` : '';
      return `${secure ? 'https' : 'http'}://${host}:${port}${config?.ResourcePath ?? ''}${via}${match}`;
    }
    case HealthCheckType.TCP:
      return `tcp ${host}:${config?.Port ?? '?'}${via}`;
    case HealthCheckType.CALCULATED:
      return `calculated (${config?.HealthThreshold ?? 0} of ${config?.ChildHealthChecks?.length ?? 0})`;
    case HealthCheckType.CLOUDWATCH_METRIC:
      return `alarm ${config?.AlarmIdentifier?.Region ?? '?'}/${config?.AlarmIdentifier?.Name ?? '?'}`;
    case HealthCheckType.RECOVERY_CONTROL:
      return `routing control ${config?.RoutingControlArn ?? '?'}`;
  }
}

/** A check of a type this version does not know becomes a `Skipped` entry instead. */
export function toHealthCheckDefinition(check: HealthCheck): HealthCheckDefinition | Skipped {
  const id = check.Id ?? '';
  const config = check.HealthCheckConfig;
  const type = config?.Type;
  if (!isHealthCheckType(type)) {
    return { where: `health check ${id}`, reason: `type ${type ?? '(none)'} is not one Failwatch knows; records using it are judged without it` };
  }
  const children = config?.ChildHealthChecks ?? [];
  return {
    id,
    type,
    inverted: config?.Inverted === true,
    disabled: config?.Disabled === true,
    target: describeTarget(check, type),
    // Only CALCULATED checks have children: the others, all but a few, share one empty list.
    childHealthCheckIds: children.length > 0 ? [...children] : NO_CHILDREN,
    healthThreshold: config?.HealthThreshold ?? 0,
  };
}

export function isSkipped(value: HealthCheckDefinition | Skipped): value is Skipped {
  return 'reason' in value;
}
