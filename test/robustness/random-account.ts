/**
 * Random Route 53 answers for the property tests: a hosted zone whose record sets mix failover pairs
 * (each side with or without a health check) with records Failwatch must not watch (a PRIMARY without
 * SECONDARY, a SECONDARY without PRIMARY, two PRIMARYs, weighted and simple records), and per step a
 * health for every check, including "no metric data yet" and CloudWatch failing outright.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import fc from 'fast-check';
import { ServingState, type KnownServingState, type PairId, type ServingState as Serving } from '../../lib/domain/model';
import { SimulatedAws, generatedCheckId } from '../../local/simulated-aws';

export type RecordShape =
  | { readonly kind: 'PAIR'; readonly primaryChecked: boolean; readonly secondaryChecked: boolean }
  | { readonly kind: 'LONE_PRIMARY' | 'LONE_SECONDARY' | 'TWO_PRIMARIES' | 'WEIGHTED' | 'SIMPLE' };

/** A check's health in one step: the metric's value, or no metric data (Route 53's checkers then decide). */
export type CheckHealth = 'UP' | 'DOWN' | 'NO_DATA_UP' | 'NO_DATA_DOWN';

export type StepInvocation = { readonly kind: 'POLL' } | { readonly kind: 'ALARM'; readonly check: number };

export interface Step {
  readonly health: readonly CheckHealth[];
  /** GetMetricData fails for the whole step: every checked side is UNKNOWN. */
  readonly metricsDown: boolean;
  readonly snsDown: boolean;
  /** Run at once, each at its own instant a few seconds apart. */
  readonly invocations: readonly StepInvocation[];
}

export interface BuiltPair {
  readonly id: PairId;
  readonly primaryCheck?: string;
  readonly secondaryCheck?: string;
}

export interface BuiltAccount {
  readonly account: SimulatedAws;
  readonly pairs: readonly BuiltPair[];
  readonly checks: readonly string[];
  /** Failover records that cannot make a pair: each must be reported in skippedRecords. */
  readonly unpairable: number;
  /** Names that are not failover pairs: nothing may be stored for them. */
  readonly ignoredNames: readonly string[];
}

export const ZONE_ID = 'Z0PROPERTY0001';
const ZONE_NAME = 'prop.example.com.';

export const recordShape: fc.Arbitrary<RecordShape> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('PAIR' as const), primaryChecked: fc.boolean(), secondaryChecked: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constantFrom('LONE_PRIMARY', 'LONE_SECONDARY', 'TWO_PRIMARIES', 'WEIGHTED', 'SIMPLE').map((kind) => ({ kind }) as RecordShape) },
);

export function checkCount(shapes: readonly RecordShape[]): number {
  return shapes.reduce((n, s) => n + (s.kind === 'PAIR' ? Number(s.primaryChecked) + Number(s.secondaryChecked) : 0), 0);
}

export function stepArbitrary(checks: number): fc.Arbitrary<Step> {
  return fc.record({
    health: fc.array(fc.constantFrom<CheckHealth>('UP', 'UP', 'DOWN', 'DOWN', 'NO_DATA_UP', 'NO_DATA_DOWN'), { minLength: checks, maxLength: checks }),
    metricsDown: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    snsDown: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    invocations: fc.array(
      fc.oneof(fc.constant<StepInvocation>({ kind: 'POLL' }), fc.nat({ max: Math.max(0, checks * 2) }).map((check): StepInvocation => ({ kind: 'ALARM', check }))),
      { minLength: 1, maxLength: 4 },
    ),
  });
}

export function buildAccount(shapes: readonly RecordShape[]): BuiltAccount {
  const account = new SimulatedAws({ pageSize: 3 });
  const records: ResourceRecordSet[] = [{ Name: ZONE_NAME, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] }];
  const pairs: BuiltPair[] = [];
  const checks: string[] = [];
  const ignoredNames: string[] = [];
  let unpairable = 0;
  const check = (ip: string): string => {
    const id = generatedCheckId(checks.length);
    account.addHealthCheck({
      Id: id,
      CallerReference: `property-${checks.length}`,
      HealthCheckVersion: 1,
      HealthCheckConfig: { Type: 'HTTPS', IPAddress: ip, Port: 443, ResourcePath: '/health', FailureThreshold: 3, RequestInterval: 30, Inverted: false, Disabled: false },
    });
    checks.push(id);
    return id;
  };
  const failover = (name: string, role: 'PRIMARY' | 'SECONDARY', ip: string, healthCheckId?: string, id = role.toLowerCase()): ResourceRecordSet => ({
    Name: name,
    Type: 'A',
    SetIdentifier: `${name}${id}`,
    Failover: role,
    TTL: 60,
    ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
    ResourceRecords: [{ Value: ip }],
  });
  shapes.forEach((shape, index) => {
    const name = `r${index}.${ZONE_NAME}`;
    switch (shape.kind) {
      case 'PAIR': {
        const primaryCheck = shape.primaryChecked ? check(`10.0.0.${index}`) : undefined;
        const secondaryCheck = shape.secondaryChecked ? check(`10.1.0.${index}`) : undefined;
        records.push(failover(name, 'PRIMARY', `10.0.0.${index}`, primaryCheck), failover(name, 'SECONDARY', `10.1.0.${index}`, secondaryCheck));
        pairs.push({ id: { zoneId: ZONE_ID, name, type: 'A' }, ...(primaryCheck ? { primaryCheck } : {}), ...(secondaryCheck ? { secondaryCheck } : {}) });
        return;
      }
      case 'LONE_PRIMARY':
        records.push(failover(name, 'PRIMARY', `10.2.0.${index}`));
        break;
      case 'LONE_SECONDARY':
        records.push(failover(name, 'SECONDARY', `10.2.0.${index}`));
        break;
      case 'TWO_PRIMARIES':
        records.push(failover(name, 'PRIMARY', `10.2.0.${index}`, undefined, 'a'), failover(name, 'PRIMARY', `10.2.1.${index}`, undefined, 'b'), failover(name, 'SECONDARY', `10.2.2.${index}`));
        break;
      case 'WEIGHTED':
        records.push(
          { Name: name, Type: 'A', SetIdentifier: 'blue', Weight: 90, TTL: 60, ResourceRecords: [{ Value: `10.3.0.${index}` }] },
          { Name: name, Type: 'A', SetIdentifier: 'green', Weight: 10, TTL: 60, ResourceRecords: [{ Value: `10.3.1.${index}` }] },
        );
        ignoredNames.push(name);
        return;
      case 'SIMPLE':
        records.push({ Name: name, Type: 'A', TTL: 300, ResourceRecords: [{ Value: `10.4.0.${index}` }] });
        ignoredNames.push(name);
        return;
    }
    unpairable++;
    ignoredNames.push(name);
  });
  account.addZone({ id: ZONE_ID, name: ZONE_NAME, records });
  return { account, pairs, checks, unpairable, ignoredNames };
}

/** Sets every check's health for a step. */
export function applyHealth(built: BuiltAccount, health: readonly CheckHealth[]): void {
  built.checks.forEach((id, index) => {
    const value = health[index] ?? 'UP';
    built.account.setHealthy(id, value === 'UP' || value === 'NO_DATA_UP');
    built.account.checks.get(id)!.publishesMetric = !value.startsWith('NO_DATA');
  });
}

/** Route 53's choice for the pair in a step, by the spec's rules; UNKNOWN when a deciding side cannot be read. */
export function expectedServing(built: BuiltAccount, pair: BuiltPair, step: Step): Serving {
  const verdict = (checkId: string | undefined): boolean | undefined => {
    if (checkId === undefined) return true;
    if (step.metricsDown) return undefined;
    const value = step.health[built.checks.indexOf(checkId)] ?? 'UP';
    return value === 'UP' || value === 'NO_DATA_UP';
  };
  const primary = verdict(pair.primaryCheck);
  const secondary = verdict(pair.secondaryCheck);
  if (primary === true) return ServingState.PRIMARY;
  if (primary === undefined || secondary === undefined) return ServingState.UNKNOWN;
  return secondary ? ServingState.SECONDARY : ServingState.ALL_UNHEALTHY;
}

/** The moves between consecutive distinct known states: what the side-changing transitions must be. */
export function expectedMoves(known: readonly KnownServingState[]): [KnownServingState, KnownServingState][] {
  const moves: [KnownServingState, KnownServingState][] = [];
  known.forEach((state, index) => {
    const before = known[index - 1];
    if (before !== undefined && before !== state) moves.push([before, state]);
  });
  return moves;
}
