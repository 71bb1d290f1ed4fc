/**
 * A pair's definition: everything judging one failover pair needs from Route 53, and nothing more, so
 * the alarm function can judge the pairs of one health check without listing the account. The sweep
 * keeps one per pair in the table (lib/usecases/sync-pair-definitions.ts); judged from it, a pair's observation
 * is exactly the one judged from the whole listing.
 */
import { aliasTargetsOfPair, healthCheckIdsOfPair } from './failover';
import { healthCheckClosure } from './health';
import type { FailoverPair, HealthCheckDefinition, RecordSet } from './model';

export interface PairDefinition {
  /** The pair, its zone's name and its two records. */
  readonly pair: FailoverPair;
  /** The zone's records the pair's target-health aliases reach, recursively, in zone order (`aliasTargetsOfPair`). */
  readonly aliasTargets: readonly RecordSet[];
  /** Every health check the pair depends on (CALCULATED children included) that exists, in discovery order. */
  readonly healthChecks: readonly HealthCheckDefinition[];
}

/** What judging the pair reads: the records aliases resolve against, and every health check whose verdict counts. */
export interface PairReach {
  readonly zoneRecords: readonly RecordSet[];
  /** The pair's health checks and their CALCULATED descendants, existing or not (a deleted one is judged UNKNOWN). */
  readonly healthCheckIds: readonly string[];
}

/** The pair's health checks, through its target-health aliases, and their CALCULATED descendants (existing or not). */
export function pairHealthCheckIds(pair: FailoverPair, zoneRecords: readonly RecordSet[], healthChecks: ReadonlyMap<string, HealthCheckDefinition>): string[] {
  return healthCheckClosure(healthCheckIdsOfPair(pair, zoneRecords), healthChecks);
}

export function definePair(pair: FailoverPair, zoneRecords: readonly RecordSet[], healthChecks: ReadonlyMap<string, HealthCheckDefinition>): PairDefinition {
  const ids = pairHealthCheckIds(pair, zoneRecords, healthChecks);
  return {
    pair,
    aliasTargets: aliasTargetsOfPair(pair, zoneRecords),
    healthChecks: ids.flatMap((id) => {
      const definition = healthChecks.get(id);
      return definition === undefined ? [] : [definition];
    }),
  };
}

/** The reach of a pair judged from its definition: the same health checks as from the whole zone. */
export function reachOfDefinition(definition: PairDefinition): PairReach {
  const checks = new Map(definition.healthChecks.map((check) => [check.id, check]));
  return {
    zoneRecords: definition.aliasTargets,
    healthCheckIds: pairHealthCheckIds(definition.pair, definition.aliasTargets, checks),
  };
}
