/**
 * Route 53's failover choice: each record's health (its health check, or the health of the alias
 * target it evaluates) → which side of a pair DNS serves.
 */
import { adviceForUnreadableTarget, classifyAliasTarget, AliasTargetKind, loadBalancerKey, type LoadBalancerRef } from './alias-targets';
import {
  FailoverRole,
  ServingState,
  Verdict,
  servedRole,
  type AliasTarget,
  type Evidence,
  type FailoverPair,
  type HealthAssessment,
  type PairObservation,
  type RecordSet,
  type SideHealth,
  type Trigger,
} from './model';

/** Alias hops followed before giving up; Route 53 itself rejects deeper or looping chains. */
const MAX_ALIAS_DEPTH = 8;

const NO_EVIDENCE: Evidence = { failingRegions: [] };

const NO_HEALTH_CHECK: SideHealth = {
  verdict: Verdict.HEALTHY,
  basis: 'no health check: Route 53 counts this record healthy',
  evidence: NO_EVIDENCE,
};

/**
 * The health of the load balancers target-health aliases point at, by `loadBalancerKey`
 * (lib/domain/load-balancer-health.ts judges each); a balancer missing from it is UNKNOWN.
 */
export type TargetHealth = ReadonlyMap<string, SideHealth>;

const NO_TARGETS: TargetHealth = new Map();

interface Zone {
  readonly zoneId: string;
  readonly records: readonly RecordSet[];
  readonly checks: ReadonlyMap<string, HealthAssessment>;
  readonly targets: TargetHealth;
}

export function assessRecordHealth(
  record: RecordSet,
  zoneId: string,
  zoneRecords: readonly RecordSet[],
  checks: ReadonlyMap<string, HealthAssessment>,
  targets: TargetHealth = NO_TARGETS,
): SideHealth {
  return assessRecord(record, { zoneId, records: zoneRecords, checks, targets }, []);
}

export function chooseServingState(primary: Verdict, secondary: Verdict): ServingState {
  if (primary === Verdict.HEALTHY) return ServingState.PRIMARY;
  if (primary === Verdict.UNKNOWN) return ServingState.UNKNOWN;
  if (secondary === Verdict.HEALTHY) return ServingState.SECONDARY;
  // Route 53 fails open: with no healthy record it answers as if all were healthy, i.e. with the primary.
  if (secondary === Verdict.UNHEALTHY) return ServingState.ALL_UNHEALTHY;
  return ServingState.UNKNOWN;
}

/**
 * The side DNS answers with when that is certain, even if the serving state is not: with the secondary
 * unhealthy, DNS answers with the primary whether the primary is healthy (PRIMARY) or not (ALL_UNHEALTHY).
 * Undefined when the side itself is unknown.
 */
export function certainServedRole(primary: Verdict, secondary: Verdict): FailoverRole | undefined {
  const state = chooseServingState(primary, secondary);
  if (state !== ServingState.UNKNOWN) return servedRole(state);
  return secondary === Verdict.UNHEALTHY ? FailoverRole.PRIMARY : undefined;
}

export function observePair(
  pair: FailoverPair,
  zoneRecords: readonly RecordSet[],
  checks: ReadonlyMap<string, HealthAssessment>,
  observedAt: string,
  trigger: Trigger,
  targets: TargetHealth = NO_TARGETS,
): PairObservation {
  const primary = assessRecordHealth(pair.primary, pair.id.zoneId, zoneRecords, checks, targets);
  const secondary = assessRecordHealth(pair.secondary, pair.id.zoneId, zoneRecords, checks, targets);
  return { pair, serving: chooseServingState(primary.verdict, secondary.verdict), primary, secondary, observedAt, trigger };
}

/** Health checks the pair's health depends on, directly or through in-zone target-health aliases (not CALCULATED children). */
export function healthCheckIdsOfPair(pair: FailoverPair, zoneRecords: readonly RecordSet[]): string[] {
  const ids = new Set<string>();
  visitPairRecords(pair, zoneRecords, (record) => {
    if (record.healthCheckId !== undefined) ids.add(record.healthCheckId);
  });
  return [...ids];
}

/**
 * The records of the zone that judging the pair reads: every member of each record set an in-zone
 * target-health alias of the pair names, recursively, in zone order (the pair's own two only when an
 * alias names them). Judged against these alone, the pair's health is the same as against the whole zone.
 */
export function aliasTargetsOfPair(pair: FailoverPair, zoneRecords: readonly RecordSet[]): RecordSet[] {
  const reached = new Set<RecordSet>();
  visitPairRecords(pair, zoneRecords, () => undefined, (target) => reached.add(target));
  return reached.size === 0 ? [] : zoneRecords.filter((record) => reached.has(record));
}

/**
 * The target-health aliases `record`'s health depends on (its own, and those of the in-zone records it
 * reaches, recursively) that point outside the zone at something other than a load balancer: an API
 * Gateway, a Global Accelerator, an S3 website... Route 53 reads their health; Failwatch cannot, so it
 * judges such a record UNKNOWN unless its own health check fails. Each with the record that holds it,
 * in visiting order. (A load balancer's health Failwatch reads: `loadBalancersOfPair`.)
 */
export function unreadableTargetsOf(record: RecordSet, zoneId: string, zoneRecords: readonly RecordSet[]): { readonly record: RecordSet; readonly alias: AliasTarget }[] {
  const found: { record: RecordSet; alias: AliasTarget }[] = [];
  visitRecords([record], zoneId, zoneRecords, (visited) => {
    const alias = externalAlias(visited, zoneId);
    if (alias && classifyAliasTarget(alias).kind !== AliasTargetKind.LOAD_BALANCER) found.push({ record: visited, alias });
  });
  return found;
}

/** The load balancers the pair's health depends on through target-health aliases (its own records', and those of the in-zone records they reach), each once. */
export function loadBalancersOfPair(pair: FailoverPair, zoneRecords: readonly RecordSet[]): LoadBalancerRef[] {
  const found = new Map<string, LoadBalancerRef>();
  visitPairRecords(pair, zoneRecords, (record) => {
    const alias = externalAlias(record, pair.id.zoneId);
    const target = alias && classifyAliasTarget(alias);
    if (target?.kind === AliasTargetKind.LOAD_BALANCER) found.set(loadBalancerKey(target.loadBalancer), target.loadBalancer);
  });
  return [...found.values()];
}

/** Whether Route 53 judges the record by its alias target's health (Evaluate Target Health: Yes). */
export function evaluatesTargetHealth(record: RecordSet): boolean {
  return evaluatedAlias(record) !== undefined;
}

/**
 * What the record answers, in one form for comparing two records (names without case or trailing dot,
 * values in order, zone ids bare); undefined for a record that answers nothing.
 */
export function canonicalAnswer(record: RecordSet): string | undefined {
  if (record.alias) return `alias ${normaliseZoneId(record.alias.hostedZoneId)} ${normaliseName(record.alias.dnsName)}`;
  if (record.values.length === 0) return undefined;
  return [...new Set(record.values.map((value) => value.trim().toLowerCase().replace(/\.$/, '')))].sort().join(' ');
}

/** Each record the pair's health depends on once: its own two, then the alias targets they evaluate, recursively. */
function visitPairRecords(pair: FailoverPair, zoneRecords: readonly RecordSet[], onRecord: (record: RecordSet) => void, onTarget: (target: RecordSet) => void = () => undefined): void {
  visitRecords([pair.primary, pair.secondary], pair.id.zoneId, zoneRecords, onRecord, onTarget);
}

function visitRecords(
  starts: readonly RecordSet[],
  zoneId: string,
  zoneRecords: readonly RecordSet[],
  onRecord: (record: RecordSet) => void,
  onTarget: (target: RecordSet) => void = () => undefined,
): void {
  const visited = new Set<string>();
  const visit = (record: RecordSet): void => {
    const key = recordKey(record);
    if (visited.has(key)) return;
    visited.add(key);
    onRecord(record);
    const alias = evaluatedAlias(record);
    if (!alias || !isInZone(alias, zoneId)) return;
    for (const target of targetRecords(alias, record.type, zoneRecords)) {
      onTarget(target);
      visit(target);
    }
  };
  starts.forEach(visit);
}

function assessRecord(record: RecordSet, zone: Zone, path: readonly string[]): SideHealth {
  const key = recordKey(record);
  if (path.includes(key)) return unknownSide(`alias chain loops back to ${displayName(record.name)} ${record.type}, which Route 53 cannot resolve`);
  if (path.length > MAX_ALIAS_DEPTH) return unknownSide(`alias chain is deeper than ${MAX_ALIAS_DEPTH} records; Failwatch stops following it`);
  const check = record.healthCheckId === undefined ? undefined : healthOfCheck(record.healthCheckId, zone.checks);
  const alias = evaluatedAlias(record);
  const target = alias ? aliasTargetHealth(alias, record.type, zone, [...path, key]) : undefined;
  if (check && target) return combineCheckAndTarget(check, target);
  return check ?? target ?? NO_HEALTH_CHECK;
}

function healthOfCheck(healthCheckId: string, checks: ReadonlyMap<string, HealthAssessment>): SideHealth {
  const assessment = checks.get(healthCheckId);
  if (!assessment) return { ...unknownSide(`health check ${healthCheckId} was not assessed`), healthCheckId };
  return { verdict: assessment.verdict, healthCheckId, basis: assessment.basis, evidence: assessment.evidence };
}

function aliasTargetHealth(alias: AliasTarget, type: string, zone: Zone, path: readonly string[]): SideHealth {
  const name = displayName(alias.dnsName);
  if (!isInZone(alias, zone.zoneId)) return externalTargetHealth(alias, zone.targets);
  const members = targetRecords(alias, type, zone.records).map((record) => ({ record, health: assessRecord(record, zone, path) }));
  return healthOfRecordSet(`${name} ${type}`, members);
}

/** A load balancer's health as judged from its targets; any other external target's is not published, so UNKNOWN with advice that works. */
function externalTargetHealth(alias: AliasTarget, targets: TargetHealth): SideHealth {
  const name = displayName(alias.dnsName);
  const target = classifyAliasTarget(alias);
  const judged = target.kind === AliasTargetKind.LOAD_BALANCER ? targets.get(loadBalancerKey(target.loadBalancer)) : undefined;
  if (judged) return { ...judged, basis: `alias target ${name}: ${judged.basis}` };
  const advice = adviceForUnreadableTarget(alias);
  return unknownSide(`alias target ${name} evaluates the health of ${advice.what}, which Failwatch cannot read: ${advice.why}; to have it watched, ${advice.fix}`);
}

interface AssessedMember {
  readonly record: RecordSet;
  readonly health: SideHealth;
}

/** Route 53 counts an alias target healthy when at least one record of the target set is. */
function healthOfRecordSet(target: string, members: readonly AssessedMember[]): SideHealth {
  const [first] = members;
  if (!first) return unknownSide(`alias target ${target} does not exist in the zone`);
  const healthy = members.find((member) => member.health.verdict === Verdict.HEALTHY);
  if (healthy) return { ...healthy.health, basis: `alias target ${target}: ${describeMember(healthy.record)} is healthy (${healthy.health.basis})` };
  const unknownMember = members.find((member) => member.health.verdict === Verdict.UNKNOWN);
  if (unknownMember) {
    const basis = `alias target ${target}: no record is healthy and ${describeMember(unknownMember.record)} is unknown (${unknownMember.health.basis})`;
    return { ...unknownMember.health, basis };
  }
  const all = members.length === 1 ? 'its only record is unhealthy' : `all ${members.length} records unhealthy`;
  const basis = `alias target ${target}: ${all}; ${describeMember(first.record)}: ${first.health.basis}`;
  return { ...first.health, basis };
}

/** A record with both a health check and a target-health alias is healthy only when both are. */
function combineCheckAndTarget(check: SideHealth, target: SideHealth): SideHealth {
  const sides = [check, target];
  const deciding = sides.find((side) => side.verdict === Verdict.UNHEALTHY) ?? sides.find((side) => side.verdict === Verdict.UNKNOWN) ?? check;
  return {
    verdict: deciding.verdict,
    healthCheckId: check.healthCheckId,
    basis: `health check: ${check.basis}; ${target.basis}`,
    evidence: deciding.evidence,
  };
}

function evaluatedAlias(record: RecordSet): AliasTarget | undefined {
  return record.alias?.evaluateTargetHealth ? record.alias : undefined;
}

/** The record's target-health alias when it points outside the zone. */
function externalAlias(record: RecordSet, zoneId: string): AliasTarget | undefined {
  const alias = evaluatedAlias(record);
  return alias && !isInZone(alias, zoneId) ? alias : undefined;
}

function isInZone(alias: AliasTarget, zoneId: string): boolean {
  return normaliseZoneId(alias.hostedZoneId) === normaliseZoneId(zoneId);
}

function targetRecords(alias: AliasTarget, type: string, records: readonly RecordSet[]): RecordSet[] {
  const name = normaliseName(alias.dnsName);
  return records.filter((record) => normaliseName(record.name) === name && record.type === type);
}

function recordKey(record: RecordSet): string {
  return `${normaliseName(record.name)}|${record.type}|${record.setIdentifier ?? ''}`;
}

function describeMember(record: RecordSet): string {
  if (record.setIdentifier === undefined) return 'the record';
  const role = record.failover ? ` (${record.failover})` : '';
  return `record '${record.setIdentifier}'${role}`;
}

function unknownSide(basis: string): SideHealth {
  return { verdict: Verdict.UNKNOWN, basis, evidence: NO_EVIDENCE };
}

function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function displayName(name: string): string {
  return name.replace(/\.$/, '');
}

/** Route 53 writes zone ids both bare (`Z123`) and as paths (`/hostedzone/Z123`). */
function normaliseZoneId(zoneId: string): string {
  return zoneId.replace(/^\/hostedzone\//, '');
}
