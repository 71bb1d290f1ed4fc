/**
 * Configuration risks of a failover pair, from its definition alone (records and health check
 * definitions, no measurement): a DR hole, where Route 53 itself can never fail the pair over or the
 * standby can never take over, and a blind spot, where Route 53 can fail over but Failwatch cannot read
 * its verdict. Decidable for every pair, whether or not its serving side can be judged.
 */
import { adviceForUnreadableTarget } from './alias-targets';
import { canonicalAnswer, evaluatesTargetHealth, unreadableTargetsOf } from './failover';
import { verdictByDefinition } from './health';
import { FailoverRole, Verdict, type FailoverPair, type HealthCheckDefinition, type RecordSet } from './model';
import { reachOfDefinition, type PairDefinition } from './pair-definition';

export const ConfigRiskKind = { DR_HOLE: 'DR_HOLE', BLIND_SPOT: 'BLIND_SPOT' } as const;
export type ConfigRiskKind = (typeof ConfigRiskKind)[keyof typeof ConfigRiskKind];

export const ConfigRiskReason = {
  /** DR hole: the primary's only health signal is a disabled, not inverted, check (always healthy). */
  PRIMARY_CHECK_DISABLED: 'PRIMARY_CHECK_DISABLED',
  /** DR hole: the primary's only health signal is a check its definition makes always healthy (e.g. a CALCULATED threshold of 0). */
  PRIMARY_CHECK_ALWAYS_HEALTHY: 'PRIMARY_CHECK_ALWAYS_HEALTHY',
  /** DR hole: the primary has no health check and is not an alias that evaluates target health. */
  PRIMARY_WITHOUT_HEALTH_CHECK: 'PRIMARY_WITHOUT_HEALTH_CHECK',
  /** DR hole: the secondary's check is always unhealthy by its definition (e.g. disabled + inverted). */
  SECONDARY_ALWAYS_UNHEALTHY: 'SECONDARY_ALWAYS_UNHEALTHY',
  /** DR hole: both records answer the same value, so failing over changes nothing. */
  SAME_ANSWER: 'SAME_ANSWER',
  /** Blind spot: a target-health alias to a resource outside the zone, other than a load balancer, whose health Failwatch cannot read. */
  TARGET_HEALTH_UNREADABLE: 'TARGET_HEALTH_UNREADABLE',
} as const;
export type ConfigRiskReason = (typeof ConfigRiskReason)[keyof typeof ConfigRiskReason];

export interface ConfigRisk {
  readonly kind: ConfigRiskKind;
  readonly reason: ConfigRiskReason;
  /** Unique within the pair and the same on every look at the same configuration: `<reason>#<what it is about>`. */
  readonly id: string;
  /** The side the risk is on; absent for one of the pair as a whole (both records answer the same). */
  readonly side?: FailoverRole;
  readonly healthCheckId?: string;
  /** What is wrong, in a sentence for the pair's owners. */
  readonly problem: string;
  /** What to change to close it. */
  readonly fix: string;
}

/** The pair's configuration risks: DR holes first (primary, secondary, the pair), then blind spots (primary, secondary). */
export function detectConfigRisks(pair: FailoverPair, zoneRecords: readonly RecordSet[], definitions: ReadonlyMap<string, HealthCheckDefinition>): ConfigRisk[] {
  const holes = [primaryHole(pair.primary, definitions), secondaryHole(pair.secondary, definitions), sameAnswerHole(pair)];
  const blindSpots = [FailoverRole.PRIMARY, FailoverRole.SECONDARY].flatMap((side) => unreadableTargets(pair, side, zoneRecords));
  return [...holes.filter((risk): risk is ConfigRisk => risk !== undefined), ...blindSpots];
}

/** The same risks judged from the pair's stored definition as from the whole listing. */
export function configRisksOfDefinition(definition: PairDefinition): ConfigRisk[] {
  const checks = new Map(definition.healthChecks.map((check) => [check.id, check]));
  return detectConfigRisks(definition.pair, reachOfDefinition(definition).zoneRecords, checks);
}

/**
 * "After you disable a health check, Route 53 considers the status of the health check to always be
 * healthy" and a record without one is "always healthy" too: a primary with nothing else to go on never
 * fails over. A target-health alias is something else to go on (its target's health, see blind spots).
 */
function primaryHole(record: RecordSet, definitions: ReadonlyMap<string, HealthCheckDefinition>): ConfigRisk | undefined {
  if (evaluatesTargetHealth(record)) return undefined;
  const id = record.healthCheckId;
  if (id === undefined) {
    return drHole(ConfigRiskReason.PRIMARY_WITHOUT_HEALTH_CHECK, 'primary', FailoverRole.PRIMARY, undefined, {
      problem: `the primary record (${describeRecord(record)}) has no health check and does not evaluate an alias target's health: Route 53 counts it always healthy, so it never fails over`,
      fix: 'associate a Route 53 health check with the primary record (or, for an alias to an AWS resource, set Evaluate Target Health to Yes)',
    });
  }
  const definition = definitions.get(id);
  if (definition === undefined || verdictByDefinition(id, definitions) !== Verdict.HEALTHY) return undefined;
  if (definition.disabled) {
    return drHole(ConfigRiskReason.PRIMARY_CHECK_DISABLED, id, FailoverRole.PRIMARY, id, {
      problem: `the primary's health check ${id} is disabled and not inverted: Route 53 counts it always healthy, so the pair never fails over`,
      fix: `enable health check ${id} again; to move traffic off the primary on purpose, invert it as well as disabling it`,
    });
  }
  return drHole(ConfigRiskReason.PRIMARY_CHECK_ALWAYS_HEALTHY, id, FailoverRole.PRIMARY, id, {
    problem: `the primary's health check ${id} (${definition.target}) is always healthy by its own definition, whatever Route 53 measures, so the pair never fails over`,
    fix: `change health check ${id} so it can report unhealthy (a health threshold above 0, children that are not all disabled, inversion as intended)`,
  });
}

/** A secondary that is always unhealthy: with the primary down both are, and "Route 53 returns the primary record". */
function secondaryHole(record: RecordSet, definitions: ReadonlyMap<string, HealthCheckDefinition>): ConfigRisk | undefined {
  const id = record.healthCheckId;
  if (id === undefined || verdictByDefinition(id, definitions) !== Verdict.UNHEALTHY) return undefined;
  const definition = definitions.get(id);
  const why = definition?.disabled ? 'disabled and inverted' : `always unhealthy by its own definition (${definition?.target ?? id})`;
  return drHole(ConfigRiskReason.SECONDARY_ALWAYS_UNHEALTHY, id, FailoverRole.SECONDARY, id, {
    problem: `the secondary's health check ${id} is ${why}: if the primary fails, both sides are unhealthy and Route 53 keeps answering with the primary, so the standby never takes over`,
    fix: `make health check ${id} able to report healthy again (enable it without inverting it, or fix its threshold) once the standby site is ready`,
  });
}

function sameAnswerHole(pair: FailoverPair): ConfigRisk | undefined {
  const primary = canonicalAnswer(pair.primary);
  if (primary === undefined || primary !== canonicalAnswer(pair.secondary)) return undefined;
  return drHole(ConfigRiskReason.SAME_ANSWER, 'pair', undefined, undefined, {
    problem: `the primary and the secondary record answer the same (${describeRecord(pair.primary)}): failing over sends users to the same place`,
    fix: 'point the secondary record at the standby site',
  });
}

function unreadableTargets(pair: FailoverPair, side: FailoverRole, zoneRecords: readonly RecordSet[]): ConfigRisk[] {
  const record = side === FailoverRole.PRIMARY ? pair.primary : pair.secondary;
  return unreadableTargetsOf(record, pair.id.zoneId, zoneRecords).map(({ record: holder, alias }) => {
    const target = alias.dnsName.replace(/\.$/, '').toLowerCase();
    const advice = adviceForUnreadableTarget(alias);
    const via = holder === record ? `the ${side.toLowerCase()} record` : `the record ${describeRecord(holder)}, which the ${side.toLowerCase()} record's alias reaches,`;
    return {
      kind: ConfigRiskKind.BLIND_SPOT,
      reason: ConfigRiskReason.TARGET_HEALTH_UNREADABLE,
      id: `${ConfigRiskReason.TARGET_HEALTH_UNREADABLE}#${side}#${target}`,
      side,
      ...(holder.healthCheckId === undefined ? {} : { healthCheckId: holder.healthCheckId }),
      problem: `${via} evaluates the health of ${advice.what}: Route 53 can fail over on it, but Failwatch cannot read that health (${advice.why}), so it reports the ${side.toLowerCase()}'s health as unknown unless a health check of its own fails`,
      fix: advice.fix,
    };
  });
}

function drHole(reason: ConfigRiskReason, about: string, side: FailoverRole | undefined, healthCheckId: string | undefined, text: Pick<ConfigRisk, 'problem' | 'fix'>): ConfigRisk {
  return {
    kind: ConfigRiskKind.DR_HOLE,
    reason,
    id: `${reason}#${about}`,
    ...(side === undefined ? {} : { side }),
    ...(healthCheckId === undefined ? {} : { healthCheckId }),
    ...text,
  };
}

function describeRecord(record: RecordSet): string {
  const answer = record.alias ? `alias ${record.alias.dnsName.replace(/\.$/, '')}` : record.values.join(', ');
  const name = `${record.name.replace(/\.$/, '')} ${record.type}`;
  return record.setIdentifier === undefined ? `${name} ${answer}` : `${name} '${record.setIdentifier}' ${answer}`;
}
