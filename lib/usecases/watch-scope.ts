/**
 * What a watch run judges, and from what: the pairs in scope with the records and health checks each
 * one reads, their stored states, the CLI silences and the metrics of their checks.
 *
 * A sweep, and an alarm without a usable pair hint, take the pairs from the inventory (Route 53's
 * listing, or the container's cache of it). An alarm whose description names its pairs (a pair hint,
 * lib/domain/alarm-plan.ts) takes them from their stored definitions instead: definitions, states and
 * silences in one read, then the metrics; no Route 53 listing, whatever the account's size. Only the
 * hint of one of this stage's own alarms (named with its alarm prefix) is used, and only for pairs in the
 * watched zones. It falls back to the inventory when a hinted pair has no definition, or when the hint and
 * the definitions disagree about which pairs depend on the alarmed check (one of them is stale); the
 * states and silences already read are kept.
 */
import { isAlarmNameOf, type PairHint } from '../domain/alarm-plan';
import { describeError } from '../errors';
import { pairKey, type FailoverPair, type HealthCheckDefinition, type MetricReading, type PairId, type RecordSet } from '../domain/model';
import { pairHealthCheckIds, reachOfDefinition, type PairDefinition } from '../domain/pair-definition';
import type { Silence } from '../domain/silences';
import { InventoryOrigin, type DiscoveryReport, type Inventory, type StoredPair, type WatchPorts } from '../ports';

export type WatchScope =
  | { readonly kind: 'ALL' }
  | {
      readonly kind: 'HEALTH_CHECKS';
      readonly healthCheckIds: readonly string[];
      /** From the alarm's description: the pairs that depend on these checks. */
      readonly pairHint?: PairHint;
      /** The alarm that named the checks: its hint is used only if it is one of this stage's own. */
      readonly alarmName?: string;
    };

/** Which alarms' pair hints a run may use, and for which zones. */
export interface HintTrust {
  /** This stage's alarms are named `<alarmPrefix>-<health check id>`. */
  readonly alarmPrefix: string;
  /** The zones this stage watches; empty means all. */
  readonly watchedZoneIds: readonly string[];
}

export interface PairPlan {
  readonly pair: FailoverPair;
  readonly zoneRecords: readonly RecordSet[];
  readonly healthCheckIds: readonly string[];
}

/**
 * Where the run found its pairs; `hintUnused` says why an alarm's pair hint was not enough; `listing`, how
 * the inventory's listing went when it was not simply complete (lib/usecases/cached-inventory.ts).
 */
export type Discovery =
  | { readonly source: 'PAIR_DEFINITIONS' }
  | { readonly source: 'INVENTORY'; readonly hintUnused?: string; readonly listing?: DiscoveryReport };

export interface WatchInputs {
  readonly plans: readonly PairPlan[];
  /** Every health check of the plans, from the inventory or from the pairs' definitions. */
  readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition>;
  readonly pairsWatched: number;
  readonly skipped: Inventory['skipped'];
  readonly metrics: ReadonlyMap<string, MetricReading>;
  /** The pairs' stored items, judged or not. */
  readonly states: ReadonlyMap<string, StoredPair>;
  /**
   * When the health check definitions the plans were judged from were listed (ISO): what a configuration
   * look is dated by. Absent for pairs judged from their stored definitions, which may be a sweep older than
   * the definitions their configuration notices were last decided from: such a run decides none.
   */
  readonly configReadAt?: string;
  /** The CLI's silences (the configured ones are the caller's). */
  readonly silences: readonly Silence[];
  /** Why the CLI's silences could not be read; absent when they were. */
  readonly silencesUnavailable?: string;
  readonly discovery: Discovery;
}

type ScopePorts = Pick<WatchPorts, 'inventory' | 'metrics' | 'store' | 'silences' | 'definitions'> & { readonly settings: HintTrust };

interface SilenceRead {
  readonly silences: readonly Silence[];
  readonly unavailable?: string;
}

/** Read together, in one BatchGetItem: what the alarm's hinted pairs need from the table. */
interface HintedRead {
  readonly requested: ReadonlySet<string>;
  readonly definitions: ReadonlyMap<string, PairDefinition>;
  readonly states: ReadonlyMap<string, StoredPair>;
  readonly silences: SilenceRead;
}

export async function gatherInputs(ports: ScopePorts, scope: WatchScope, now: Date, deadline?: Date): Promise<WatchInputs> {
  const hinted = await readHintedPairs(ports, scope, now);
  if ('definitions' in hinted) {
    const plans = plansFromDefinitions(hinted, scope);
    if ('plans' in plans) {
      const ids = healthCheckIdsOf(plans.plans);
      return {
        plans: plans.plans,
        healthChecks: plans.healthChecks,
        pairsWatched: hinted.definitions.size,
        skipped: [],
        metrics: await ports.metrics.readHealthMetrics(ids, now),
        states: hinted.states,
        ...silenceFields(hinted.silences),
        discovery: { source: 'PAIR_DEFINITIONS' },
      };
    }
    return fromInventory(ports, scope, now, deadline, plans.unused, hinted);
  }
  return fromInventory(ports, scope, now, deadline, hinted.unused, undefined);
}

async function fromInventory(ports: ScopePorts, scope: WatchScope, now: Date, deadline: Date | undefined, hintUnused: string | undefined, hinted: HintedRead | undefined): Promise<WatchInputs> {
  // An alarm naming a check the cached discovery does not know refreshes it (a check created since); it
  // keeps to one Route 53 call otherwise. The sweep lists the health check definitions every time: a check
  // disabled or inverted for maintenance is judged at the next sweep, and its stored definitions (what an
  // alarm judges from) follow.
  // A listing takes only part of the time left before the deadline, and the next run resumes it.
  const bounded = deadline === undefined ? {} : { deadline };
  const inventory = await ports.inventory.loadInventory(scope.kind === 'HEALTH_CHECKS' ? { healthCheckIds: scope.healthCheckIds, ...bounded } : { healthChecksMaxAgeSeconds: 0, ...bounded });
  const report = ports.inventory.lastDiscovery?.();
  const listing = report === undefined || (report.judgedFrom === 'COMPLETE' && Object.keys(report).length === 1) ? {} : { listing: report };
  const plans = planPairs(inventory, scope);
  const [metrics, states, silences] = await Promise.all([
    ports.metrics.readHealthMetrics(healthCheckIdsOf(plans), now),
    loadStates(ports, plans.map((plan) => plan.pair.id), hinted),
    hinted?.silences ?? readSilences(ports, now, plans.length > 0),
  ]);
  return {
    plans,
    healthChecks: inventory.healthChecks,
    pairsWatched: inventory.pairs.length,
    skipped: inventory.skipped,
    metrics,
    states,
    ...silenceFields(silences),
    // A stored listing's age is unknown: no configuration notice is decided from it.
    ...(inventory.origin === InventoryOrigin.STORED ? {} : { configReadAt: inventory.listedAt?.healthChecks ?? now.toISOString() }),
    discovery: { source: 'INVENTORY', ...(scope.kind === 'HEALTH_CHECKS' && hintUnused !== undefined ? { hintUnused } : {}), ...listing },
  };
}

/** Every health check the plans read, once each. */
export function healthCheckIdsOf(plans: readonly PairPlan[]): string[] {
  return [...new Set(plans.flatMap((plan) => plan.healthCheckIds))];
}

function silenceFields(read: SilenceRead): Pick<WatchInputs, 'silences' | 'silencesUnavailable'> {
  return { silences: read.silences, ...(read.unavailable === undefined ? {} : { silencesUnavailable: read.unavailable }) };
}

/** The records of the pair's zone that the inventory kept (at least the pair's own two). */
export function zoneRecordsOf(inventory: Inventory, pair: FailoverPair): readonly RecordSet[] {
  return inventory.recordSetsByZone.get(pair.id.zoneId) ?? [pair.primary, pair.secondary];
}

/** Each pair of the inventory in scope, with the records and health checks judging it reads. */
export function planPairs(inventory: Inventory, scope: WatchScope): PairPlan[] {
  const plans = inventory.pairs.map((pair) => {
    const zoneRecords = zoneRecordsOf(inventory, pair);
    return { pair, zoneRecords, healthCheckIds: pairHealthCheckIds(pair, zoneRecords, inventory.healthChecks) };
  });
  return inScope(plans, scope);
}

function inScope(plans: PairPlan[], scope: WatchScope): PairPlan[] {
  if (scope.kind === 'ALL') return plans;
  const wanted = new Set(scope.healthCheckIds);
  return plans.filter((plan) => plan.healthCheckIds.some((id) => wanted.has(id)));
}

/** The hinted pairs' definitions, states and the silences, in one read; or why the hint cannot be used. */
async function readHintedPairs(ports: ScopePorts, scope: WatchScope, now: Date): Promise<HintedRead | { readonly unused: string | undefined }> {
  if (scope.kind !== 'HEALTH_CHECKS') return { unused: undefined };
  const hint = scope.pairHint;
  if (hint === undefined) return { unused: 'the alarm names no pairs (not a Failwatch alarm, or one made before pair hints)' };
  if (hint.kind === 'TOO_MANY') return { unused: 'the alarm says its check has too many pairs to name' };
  if (hint.kind === 'MALFORMED') return { unused: `the alarm's pair hint is unreadable: ${hint.reason}` };
  const { alarmPrefix, watchedZoneIds } = ports.settings;
  if (scope.alarmName !== undefined && !isAlarmNameOf(alarmPrefix, scope.alarmName)) {
    return { unused: `the alarm is not one of this stage's (named ${alarmPrefix}-...): its pair list is not used` };
  }
  const zones = new Set(watchedZoneIds);
  const pairIds = zones.size === 0 ? hint.pairIds : hint.pairIds.filter((id) => zones.has(id.zoneId));
  if (pairIds.length === 0) return { unused: 'the alarm names no pair in the watched zones (FAILWATCH_ZONE_IDS)' };
  if (ports.definitions === undefined) return { unused: 'no pair definition store' };
  // Issued side by side, in the same turn of the event loop: the shared reader sends them as one BatchGetItem.
  const [definitions, states, silences] = await Promise.all([
    ports.definitions.loadDefinitions(pairIds),
    ports.store.loadStates(pairIds),
    readSilences(ports, now, true),
  ]);
  return { requested: new Set(pairIds.map(pairKey)), definitions, states, silences };
}

function plansFromDefinitions(
  hinted: HintedRead,
  scope: WatchScope,
): { readonly plans: PairPlan[]; readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition> } | { readonly unused: string } {
  const missing = [...hinted.requested].filter((key) => !hinted.definitions.has(key));
  if (missing.length > 0) return { unused: `no stored definition for pair ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''} (not yet synced by a sweep, or no longer a pair)` };
  const healthChecks = new Map<string, HealthCheckDefinition>();
  const plans: PairPlan[] = [];
  for (const definition of hinted.definitions.values()) {
    for (const check of definition.healthChecks) healthChecks.set(check.id, check);
    plans.push({ pair: definition.pair, ...reachOfDefinition(definition) });
  }
  const scoped = inScope(plans, scope);
  const alarmed = scope.kind === 'HEALTH_CHECKS' ? scope.healthCheckIds : [];
  const uncovered = alarmed.filter((id) => !scoped.some((plan) => plan.healthCheckIds.includes(id)));
  if (uncovered.length > 0) return { unused: `no hinted pair depends on health check ${uncovered[0]} (a stale hint)` };
  // A named pair whose definition does not use the check: the hint or the definition is stale, and the
  // listing says which; judging the others alone could miss that pair's change.
  const unreached = plans.filter((plan) => !scoped.includes(plan));
  if (unreached.length > 0) {
    return { unused: `the stored definition of hinted pair ${pairKey(unreached[0]!.pair.id)} does not use health check ${alarmed.join(', ')} (the hint or the definition is stale)` };
  }
  return { plans: scoped, healthChecks };
}

/** States of the pairs, those already read with the hint kept: a fallback reads only what the hint did not name. */
async function loadStates(ports: ScopePorts, pairIds: readonly PairId[], hinted: HintedRead | undefined): Promise<ReadonlyMap<string, StoredPair>> {
  if (hinted === undefined) return ports.store.loadStates(pairIds);
  const missing = pairIds.filter((id) => !hinted.requested.has(pairKey(id)));
  const read = missing.length === 0 ? new Map<string, StoredPair>() : await ports.store.loadStates(missing);
  return new Map([...hinted.states, ...read]);
}

/** The CLI's silences (read with the states, in the same BatchGetItem); if that read fails the run goes on with the configured ones (more noise, never silence). */
async function readSilences(ports: ScopePorts, now: Date, needed: boolean): Promise<SilenceRead> {
  if (!needed) return { silences: [] };
  try {
    return { silences: await ports.silences.listSilences(now) };
  } catch (error) {
    return { silences: [], unavailable: describeError(error) };
  }
}
