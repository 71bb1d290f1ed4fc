import { assessHealthChecks } from '../../lib/domain/health';
import { Verdict, type HealthAssessment, type HealthCheckDefinition, type HealthSignals } from '../../lib/domain/model';
import {
  CHECKERS_NOT_READ,
  CHECKERS_UNAVAILABLE,
  METRIC_UNAVAILABLE,
  PRIMARY_CHECK_ID,
  aCheckerReport,
  aDefinition,
  checkerReports,
  definitionsOf,
  metricValue,
  someSignals,
} from '../support/domain-fixtures';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;

function assessOne(
  definition: HealthCheckDefinition | undefined,
  signals: HealthSignals | undefined,
  lastKnown?: ReadonlyMap<string, Verdict>,
): HealthAssessment {
  const id = definition?.id ?? PRIMARY_CHECK_ID;
  const result = assessHealthChecks(
    [id],
    definition ? definitionsOf(definition) : new Map(),
    signals ? new Map([[id, signals]]) : new Map(),
    lastKnown,
  ).get(id);
  if (!result) throw new Error(`no assessment for ${id}`);
  return result;
}

interface SingleCheckCase {
  readonly behaviour: string;
  readonly definition: HealthCheckDefinition | undefined;
  readonly signals: HealthSignals | undefined;
  readonly lastKnown?: Verdict;
  readonly verdict: Verdict;
  readonly basis: string | RegExp;
}

function runTable(cases: readonly SingleCheckCase[]): void {
  it.each(cases.map((row) => [row.behaviour, row] as const))('%s', (_behaviour, row) => {
    const lastKnown = row.lastKnown ? new Map([[PRIMARY_CHECK_ID, row.lastKnown]]) : undefined;
    const assessment = assessOne(row.definition, row.signals, lastKnown);
    expect(assessment.verdict).toBe(row.verdict);
    if (typeof row.basis === 'string') expect(assessment.basis).toBe(row.basis);
    else expect(assessment.basis).toMatch(row.basis);
  });
}

const endpoint = aDefinition();
const invertedEndpoint = aDefinition({ inverted: true });
const allSuccess = checkerReports(16, 0);
const allFailure = checkerReports(0, 16);

describe('assessHealthChecks: deleted, disabled and Route 53 metric verdicts', () => {
  runTable([
    { behaviour: 'no definition → UNKNOWN: the health check no longer exists (deleted?)', definition: undefined, signals: someSignals({ metric: metricValue(1) }), verdict: UNKNOWN, basis: /hc-primary no longer exists.*\(deleted\?\)/ },
    { behaviour: 'disabled → HEALTHY even when its checkers all fail', definition: aDefinition({ disabled: true }), signals: someSignals({ checkers: allFailure }), verdict: HEALTHY, basis: /^disabled: Route 53 counts a disabled health check healthy$/ },
    { behaviour: 'disabled → HEALTHY even when the metric says 0', definition: aDefinition({ disabled: true }), signals: someSignals({ metric: metricValue(0) }), verdict: HEALTHY, basis: /^disabled/ },
    { behaviour: 'disabled and inverted → still HEALTHY (people invert, not disable, to force a failover)', definition: aDefinition({ disabled: true, inverted: true }), signals: someSignals({ checkers: allSuccess }), verdict: HEALTHY, basis: /even when inverted/ },
    { behaviour: 'metric 1 → HEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(1) }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'metric 0 → UNHEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric is final: an inverted check with metric 1 stays HEALTHY', definition: invertedEndpoint, signals: someSignals({ metric: metricValue(1) }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'metric is final: an inverted check with metric 0 stays UNHEALTHY', definition: invertedEndpoint, signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric wins over checkers: metric 0 while every checker reports success → UNHEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(0), checkers: allSuccess }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric wins over checkers: metric 1 while every checker reports failure → HEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(1), checkers: allFailure }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'metric wins over a CLOUDWATCH_METRIC alarm state', definition: aDefinition({ type: 'CLOUDWATCH_METRIC' }), signals: someSignals({ metric: metricValue(0), alarmState: 'OK' }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'RECOVERY_CONTROL with metric 0 → UNHEALTHY', definition: aDefinition({ type: 'RECOVERY_CONTROL' }), signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
  ]);
});

describe('assessHealthChecks: endpoint checks fall back to checker reports (healthy when MORE than 18% succeed)', () => {
  runTable([
    { behaviour: '3 of 16 checkers (18.75%) → HEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(3, 13) }), verdict: HEALTHY, basis: '3 of 16 checkers (18.75%) report success; Route 53 needs more than 18%' },
    { behaviour: '18 of 100 checkers (exactly 18%) → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(18, 82) }), verdict: UNHEALTHY, basis: '18 of 100 checkers (18%) report success; Route 53 needs more than 18%' },
    { behaviour: '19 of 100 checkers → HEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(19, 81) }), verdict: HEALTHY, basis: /^19 of 100 checkers \(19%\)/ },
    { behaviour: '2 of 16 checkers (12.5%) → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(2, 14) }), verdict: UNHEALTHY, basis: '2 of 16 checkers (12.5%) report success; Route 53 needs more than 18%' },
    { behaviour: 'no checker reports success → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: allFailure }), verdict: UNHEALTHY, basis: /^0 of 16 checkers \(0%\)/ },
    { behaviour: 'metric UNAVAILABLE but checkers reported → the checkers decide', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE, checkers: checkerReports(10, 6) }), verdict: HEALTHY, basis: /^10 of 16 checkers/ },
    { behaviour: 'only the case-sensitive `Success` prefix counts: `success:` is not success', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [aCheckerReport('us-east-1', 'success: HTTP Status Code 200, OK')] } }), verdict: UNHEALTHY, basis: /^0 of 1 checkers/ },
    { behaviour: 'a report with another prefix counts as not success', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [aCheckerReport('us-east-1', 'Pending: not checked yet'), aCheckerReport('eu-west-1', 'Success: HTTP Status Code 200, OK')] } }), verdict: HEALTHY, basis: /^1 of 2 checkers \(50%\)/ },
    { behaviour: 'inverted: endpoint healthy → the check is UNHEALTHY', definition: invertedEndpoint, signals: someSignals({ checkers: allSuccess }), verdict: UNHEALTHY, basis: /^inverted: endpoint healthy, so the check is unhealthy \(16 of 16 checkers/ },
    { behaviour: 'inverted: endpoint unhealthy → the check is HEALTHY', definition: invertedEndpoint, signals: someSignals({ checkers: allFailure }), verdict: HEALTHY, basis: /^inverted: endpoint unhealthy, so the check is healthy/ },
    { behaviour: 'no reports and no metric data yet → HEALTHY (a new check counts as healthy until it has data)', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [] } }), verdict: HEALTHY, basis: /new health check counts as healthy until it has data/ },
    { behaviour: 'checkers not read and no metric data yet → HEALTHY (new check)', definition: endpoint, signals: someSignals({ checkers: CHECKERS_NOT_READ }), verdict: HEALTHY, basis: /new health check/ },
    { behaviour: 'a new inverted check is HEALTHY too (no data, nothing to invert)', definition: invertedEndpoint, signals: someSignals(), verdict: HEALTHY, basis: /new health check/ },
    { behaviour: 'metric UNAVAILABLE and checkers not read → UNKNOWN', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: UNKNOWN, basis: /metric unavailable \(GetMetricData throttled\); no checker reports/ },
    { behaviour: 'metric UNAVAILABLE and no reports → UNKNOWN', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE, checkers: { kind: 'REPORTS', reports: [] } }), verdict: UNKNOWN, basis: /metric unavailable/ },
    { behaviour: 'checkers UNAVAILABLE and metric NO_DATA → UNKNOWN', definition: endpoint, signals: someSignals({ checkers: CHECKERS_UNAVAILABLE }), verdict: UNKNOWN, basis: /checker reports unavailable \(GetHealthCheckStatus throttled\).*has no data yet/ },
    { behaviour: 'checkers UNAVAILABLE and metric UNAVAILABLE → UNKNOWN', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE, checkers: CHECKERS_UNAVAILABLE }), verdict: UNKNOWN, basis: /checker reports unavailable.*metric is unavailable/ },
    { behaviour: 'a defined check with no signals read at all → UNKNOWN', definition: endpoint, signals: undefined, verdict: UNKNOWN, basis: /no signals were read/ },
  ]);

  it.each(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'] as const)('%s checks follow the endpoint rule', (type) => {
    expect(assessOne(aDefinition({ type }), someSignals({ checkers: checkerReports(2, 14) })).verdict).toBe(UNHEALTHY);
    expect(assessOne(aDefinition({ type }), someSignals({ checkers: checkerReports(3, 13) })).verdict).toBe(HEALTHY);
  });
});

describe('assessHealthChecks: CLOUDWATCH_METRIC follows its alarm', () => {
  const alarmCheck = (overrides: Partial<HealthCheckDefinition> = {}) => aDefinition({ type: 'CLOUDWATCH_METRIC', target: 'alarm eu-west-1/db-down', ...overrides });
  runTable([
    { behaviour: 'alarm OK → HEALTHY', definition: alarmCheck(), signals: someSignals({ alarmState: 'OK' }), verdict: HEALTHY, basis: 'CloudWatch alarm is OK' },
    { behaviour: 'alarm ALARM → UNHEALTHY', definition: alarmCheck(), signals: someSignals({ alarmState: 'ALARM' }), verdict: UNHEALTHY, basis: 'CloudWatch alarm is in ALARM' },
    { behaviour: 'inverted, alarm OK → UNHEALTHY', definition: alarmCheck({ inverted: true }), signals: someSignals({ alarmState: 'OK' }), verdict: UNHEALTHY, basis: /^inverted: alarm healthy, so the check is unhealthy/ },
    { behaviour: 'inverted, alarm ALARM → HEALTHY', definition: alarmCheck({ inverted: true }), signals: someSignals({ alarmState: 'ALARM' }), verdict: HEALTHY, basis: /^inverted: alarm unhealthy/ },
    { behaviour: 'insufficient data, set to Healthy → HEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'Healthy' }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), verdict: HEALTHY, basis: /insufficient data and the check is set to Healthy/ },
    { behaviour: 'insufficient data, set to Unhealthy → UNHEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'Unhealthy' }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), verdict: UNHEALTHY, basis: /set to Unhealthy/ },
    { behaviour: 'insufficient data, set to Healthy, inverted → UNHEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'Healthy', inverted: true }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), verdict: UNHEALTHY, basis: /^inverted/ },
    { behaviour: 'insufficient data, LastKnownStatus with last known UNHEALTHY → UNHEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'LastKnownStatus' }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), lastKnown: UNHEALTHY, verdict: UNHEALTHY, basis: /last known status: unhealthy/ },
    { behaviour: 'insufficient data, LastKnownStatus with last known HEALTHY → HEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'LastKnownStatus' }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), lastKnown: HEALTHY, verdict: HEALTHY, basis: /last known status: healthy/ },
    { behaviour: 'insufficient data, LastKnownStatus is final: an inverted check keeps its last known verdict', definition: alarmCheck({ insufficientDataHealthStatus: 'LastKnownStatus', inverted: true }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), lastKnown: UNHEALTHY, verdict: UNHEALTHY, basis: /last known status: unhealthy$/ },
    { behaviour: 'insufficient data, LastKnownStatus without a last known verdict → HEALTHY', definition: alarmCheck({ insufficientDataHealthStatus: 'LastKnownStatus' }), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), verdict: HEALTHY, basis: /no last known status, so Route 53 counts it healthy/ },
    { behaviour: 'insufficient data without the setting → Route 53 default LastKnownStatus', definition: alarmCheck(), signals: someSignals({ alarmState: 'INSUFFICIENT_DATA' }), lastKnown: UNHEALTHY, verdict: UNHEALTHY, basis: /set to LastKnownStatus; last known status: unhealthy/ },
    { behaviour: 'alarm state not read and metric NO_DATA → HEALTHY (new check)', definition: alarmCheck(), signals: someSignals(), verdict: HEALTHY, basis: /new health check/ },
    { behaviour: 'alarm state not read and metric UNAVAILABLE → UNKNOWN', definition: alarmCheck(), signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: UNKNOWN, basis: /metric unavailable/ },
  ]);
});

describe('assessHealthChecks: RECOVERY_CONTROL has only the metric', () => {
  runTable([
    { behaviour: 'metric NO_DATA → HEALTHY (new check)', definition: aDefinition({ type: 'RECOVERY_CONTROL' }), signals: someSignals(), verdict: HEALTHY, basis: /new health check/ },
    { behaviour: 'metric UNAVAILABLE → UNKNOWN', definition: aDefinition({ type: 'RECOVERY_CONTROL' }), signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: UNKNOWN, basis: /metric unavailable/ },
  ]);
});

describe('assessHealthChecks: evidence for the alert', () => {
  it('checker reports give checkers healthy/total and each failing region with its status report, sorted by region', () => {
    const reports = [
      aCheckerReport('sa-east-1', 'Failure: Connection timed out.', 1),
      aCheckerReport('us-east-1', 'Success: HTTP Status Code 200, OK', 2),
      aCheckerReport('eu-west-1', 'Failure: HTTP Status Code 503, Service Unavailable', 3),
      aCheckerReport('ap-southeast-1', 'Success: HTTP Status Code 200, OK', 4),
    ];
    const { evidence } = assessOne(endpoint, someSignals({ checkers: { kind: 'REPORTS', reports } }));
    expect(evidence).toEqual({
      checkersHealthy: 2,
      checkersTotal: 4,
      failingRegions: [
        { region: 'eu-west-1', statusReport: 'Failure: HTTP Status Code 503, Service Unavailable' },
        { region: 'sa-east-1', statusReport: 'Failure: Connection timed out.' },
      ],
    });
  });

  it('a report that is not `Success` is listed among the failing regions, as it counted against the check', () => {
    const reports = [aCheckerReport('us-west-2', 'Pending: not checked yet')];
    const { evidence } = assessOne(endpoint, someSignals({ checkers: { kind: 'REPORTS', reports } }));
    expect(evidence.failingRegions).toEqual([{ region: 'us-west-2', statusReport: 'Pending: not checked yet' }]);
  });

  it('percentage healthy comes from the metric, alongside the checker counts, even when the metric decides', () => {
    const { verdict, evidence } = assessOne(endpoint, someSignals({ metric: metricValue(0, 12.5), checkers: checkerReports(2, 14) }));
    expect(verdict).toBe(UNHEALTHY);
    expect(evidence).toMatchObject({ percentageHealthy: 12.5, checkersHealthy: 2, checkersTotal: 16 });
    expect(evidence.failingRegions).toHaveLength(14);
  });

  it('without checker reports the evidence has no counts and no failing regions', () => {
    expect(assessOne(endpoint, someSignals({ metric: metricValue(1) })).evidence).toEqual({ failingRegions: [] });
    expect(assessOne(endpoint, someSignals({ checkers: CHECKERS_UNAVAILABLE })).evidence).toEqual({ failingRegions: [] });
  });

  it('empty reports give 0 of 0 checkers', () => {
    expect(assessOne(endpoint, someSignals({ checkers: { kind: 'REPORTS', reports: [] } })).evidence).toEqual({
      checkersHealthy: 0,
      checkersTotal: 0,
      failingRegions: [],
    });
  });
});
