/**
 * Builders for the domain core's tests: sensible defaults (the SPEC's reference pair) that each test
 * overrides only where its rule is about.
 */
import {
  FailoverRole,
  TriggerKind,
  Verdict,
  type CheckerReadings,
  type CheckerReport,
  type FailoverPair,
  type HealthAssessment,
  type HealthCheckDefinition,
  type HealthSignals,
  type MetricReading,
  type PairObservation,
  type PairState,
  type RecordSet,
  type ServingState,
  type SideHealth,
  type Trigger,
} from '../../lib/domain/model';

export const ZONE_ID = 'Z0FAILWATCH';
export const OTHER_ZONE_ID = 'Z2FDTNDATAQYW2';
export const APP_NAME = 'app.example.com.';
export const PRIMARY_CHECK_ID = 'hc-primary';

/** Route 53 checker regions, in the order reports are generated. */
export const CHECKER_REGIONS = [
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
] as const;

export const SCHEDULE_TRIGGER: Trigger = { kind: TriggerKind.SCHEDULE, source: 'failwatch-sweep' };

export function aRecord(overrides: Partial<RecordSet> = {}): RecordSet {
  return { name: APP_NAME, type: 'A', values: ['10.0.0.1'], ...overrides };
}

export function aPrimaryRecord(overrides: Partial<RecordSet> = {}): RecordSet {
  return aRecord({ setIdentifier: 'primary', failover: FailoverRole.PRIMARY, healthCheckId: PRIMARY_CHECK_ID, ...overrides });
}

export function aSecondaryRecord(overrides: Partial<RecordSet> = {}): RecordSet {
  return aRecord({ setIdentifier: 'secondary', failover: FailoverRole.SECONDARY, values: ['10.0.1.1'], ...overrides });
}

/** The SPEC's reference pair: primary 10.0.0.1 with a health check, secondary 10.0.1.1 without. */
export function aPair(overrides: { readonly primary?: Partial<RecordSet>; readonly secondary?: Partial<RecordSet> } = {}): FailoverPair {
  const primary = aPrimaryRecord(overrides.primary);
  return {
    id: { zoneId: ZONE_ID, name: primary.name, type: primary.type },
    zoneName: 'example.com.',
    primary,
    secondary: aSecondaryRecord({ name: primary.name, type: primary.type, ...overrides.secondary }),
  };
}

export function anAlias(dnsName: string, hostedZoneId = ZONE_ID, evaluateTargetHealth = true): RecordSet['alias'] {
  return { dnsName, hostedZoneId, evaluateTargetHealth };
}

export function aDefinition(overrides: Partial<HealthCheckDefinition> = {}): HealthCheckDefinition {
  return {
    id: PRIMARY_CHECK_ID,
    type: 'HTTPS',
    inverted: false,
    disabled: false,
    target: 'https://app.example.com:443/health',
    childHealthCheckIds: [],
    healthThreshold: 0,
    ...overrides,
  };
}

export function aCalculatedDefinition(
  id: string,
  childHealthCheckIds: readonly string[],
  healthThreshold: number,
  overrides: Partial<HealthCheckDefinition> = {},
): HealthCheckDefinition {
  return aDefinition({ id, type: 'CALCULATED', target: `${healthThreshold} of ${childHealthCheckIds.length} children`, childHealthCheckIds, healthThreshold, ...overrides });
}

export function definitionsOf(...definitions: readonly HealthCheckDefinition[]): ReadonlyMap<string, HealthCheckDefinition> {
  return new Map(definitions.map((definition) => [definition.id, definition]));
}

export function metricValue(status: 0 | 1, percentageHealthy?: number): MetricReading {
  return { kind: 'VALUE', status, timestamp: '2026-11-25T10:00:00.000Z', ...(percentageHealthy === undefined ? {} : { percentageHealthy }) };
}

export const METRIC_NO_DATA: MetricReading = { kind: 'NO_DATA' };
export const METRIC_UNAVAILABLE: MetricReading = { kind: 'UNAVAILABLE', reason: 'GetMetricData throttled' };
export const CHECKERS_NOT_READ: CheckerReadings = { kind: 'NOT_READ' };
export const CHECKERS_UNAVAILABLE: CheckerReadings = { kind: 'UNAVAILABLE', reason: 'GetHealthCheckStatus throttled' };

export function aCheckerReport(region: string, statusReport: string, index = 0): CheckerReport {
  return { region, ipAddress: `15.177.${index}.1`, statusReport, checkedTime: '2026-11-25T09:59:50.000Z' };
}

/** `successes` reports of `Success: ...` followed by `failures` reports of `Failure: ...`, spread over the regions. */
export function checkerReports(successes: number, failures: number): CheckerReadings {
  const statuses = [
    ...Array.from({ length: successes }, () => 'Success: HTTP Status Code 200, OK'),
    ...Array.from({ length: failures }, () => 'Failure: Connection timed out.'),
  ];
  return { kind: 'REPORTS', reports: statuses.map((status, index) => aCheckerReport(regionAt(index), status, index)) };
}

export function regionAt(index: number): string {
  return CHECKER_REGIONS[index % CHECKER_REGIONS.length] ?? 'us-east-1';
}

export function someSignals(overrides: Partial<HealthSignals> = {}): HealthSignals {
  return { metric: METRIC_NO_DATA, checkers: CHECKERS_NOT_READ, ...overrides };
}

export function anAssessment(healthCheckId: string, verdict: Verdict, basis = `test: ${verdict.toLowerCase()}`): HealthAssessment {
  return { healthCheckId, verdict, basis, evidence: { failingRegions: [] } };
}

export function assessmentsOf(...assessments: readonly HealthAssessment[]): ReadonlyMap<string, HealthAssessment> {
  return new Map(assessments.map((assessment) => [assessment.healthCheckId, assessment]));
}

export function aSide(verdict: Verdict, basis = `test: ${verdict.toLowerCase()}`): SideHealth {
  return { verdict, basis, evidence: { failingRegions: [] } };
}

export function anObservation(
  serving: ServingState,
  observedAt: string,
  sides: { readonly primary?: SideHealth; readonly secondary?: SideHealth; readonly pair?: FailoverPair } = {},
): PairObservation {
  return {
    pair: sides.pair ?? aPair(),
    serving,
    primary: sides.primary ?? aSide(Verdict.HEALTHY),
    secondary: sides.secondary ?? aSide(Verdict.HEALTHY),
    observedAt,
    trigger: SCHEDULE_TRIGGER,
  };
}

export function aPairState(overrides: Partial<PairState> = {}): PairState {
  return {
    pairId: aPair().id,
    serving: 'PRIMARY',
    secondaryVerdict: Verdict.HEALTHY,
    servingSince: '2026-11-25T09:00:00.000Z',
    secondarySince: '2026-11-25T09:00:00.000Z',
    sequence: 0,
    lastObservedAt: '2026-11-25T09:00:00.000Z',
    ...overrides,
  };
}
