import { assessHealthChecks, noteChecksWithData } from '../../lib/domain/health';
import { Verdict, type HealthAssessment, type HealthCheckDefinition, type HealthCheckType, type HealthSignals } from '../../lib/domain/model';
import {
  CHECKERS_NOT_READ,
  CHECKERS_UNAVAILABLE,
  METRIC_NO_DATA,
  METRIC_UNAVAILABLE,
  PRIMARY_CHECK_ID,
  aCheckerReport,
  aDefinition,
  checkerReports,
  definitionsOf,
  metricValue,
  someSignals,
} from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;

/**
 * What Failwatch knows of the check's past datapoints: NEW (never seen one), HAD_DATA (seen one before)
 * or PAST_UNKNOWN (no record: every check counts as having had data).
 */
type Past = 'NEW' | 'HAD_DATA' | 'PAST_UNKNOWN';

function checksWithData(past: Past, id: string): ReadonlySet<string> | undefined {
  if (past === 'PAST_UNKNOWN') return undefined;
  return past === 'NEW' ? new Set(['hc-other']) : new Set([id]);
}

function assessOne(definition: HealthCheckDefinition | undefined, signals: HealthSignals | undefined, past: Past = 'PAST_UNKNOWN'): HealthAssessment {
  const id = definition?.id ?? PRIMARY_CHECK_ID;
  const result = assessHealthChecks(
    [id],
    definition ? definitionsOf(definition) : new Map(),
    signals ? new Map([[id, signals]]) : new Map(),
    checksWithData(past, id),
  ).get(id);
  if (!result) throw new Error(`no assessment for ${id}`);
  return result;
}

interface SingleCheckCase {
  readonly behaviour: string;
  readonly definition: HealthCheckDefinition | undefined;
  readonly signals: HealthSignals | undefined;
  readonly past?: Past;
  readonly verdict: Verdict;
  readonly basis: string | RegExp;
}

function runTable(cases: readonly SingleCheckCase[]): void {
  it.each(cases.map((row) => [row.behaviour, row] as const))('%s', (_behaviour, row) => {
    const assessment = assessOne(row.definition, row.signals, row.past);
    expect(assessment.verdict).toBe(row.verdict);
    if (typeof row.basis === 'string') expect(assessment.basis).toBe(row.basis);
    else expect(assessment.basis).toMatch(row.basis);
  });
}

const endpoint = aDefinition();
const invertedEndpoint = aDefinition({ inverted: true });
const allSuccess = checkerReports(16, 0);
const allFailure = checkerReports(0, 16);
const alarmCheck = (overrides: Partial<HealthCheckDefinition> = {}) => aDefinition({ type: 'CLOUDWATCH_METRIC', target: 'alarm eu-west-1/db-down', ...overrides });
const routingControl = (overrides: Partial<HealthCheckDefinition> = {}) => aDefinition({ type: 'RECOVERY_CONTROL', target: 'routing control arn:aws:route53-recovery-control::1:controlpanel/x', ...overrides });
const NON_CALCULATED_TYPES: readonly HealthCheckType[] = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'];

describe('assessHealthChecks: a deleted check, and Route 53 metric verdicts', () => {
  runTable([
    { behaviour: 'no definition → UNKNOWN: the health check no longer exists (deleted?)', definition: undefined, signals: someSignals({ metric: metricValue(1) }), verdict: UNKNOWN, basis: /hc-primary no longer exists.*\(deleted\?\)/ },
    { behaviour: 'metric 1 → HEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(1) }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'metric 0 → UNHEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric is final: an inverted check with metric 1 stays HEALTHY', definition: invertedEndpoint, signals: someSignals({ metric: metricValue(1) }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'metric is final: an inverted check with metric 0 stays UNHEALTHY', definition: invertedEndpoint, signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric wins over checkers: metric 0 while every checker reports success → UNHEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(0), checkers: allSuccess }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'metric wins over checkers: metric 1 while every checker reports failure → HEALTHY', definition: endpoint, signals: someSignals({ metric: metricValue(1), checkers: allFailure }), verdict: HEALTHY, basis: 'Route 53 HealthCheckStatus metric = 1' },
    { behaviour: 'CLOUDWATCH_METRIC with metric 0 → UNHEALTHY', definition: alarmCheck(), signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
    { behaviour: 'RECOVERY_CONTROL with metric 0 → UNHEALTHY', definition: routingControl(), signals: someSignals({ metric: metricValue(0) }), verdict: UNHEALTHY, basis: 'Route 53 HealthCheckStatus metric = 0' },
  ]);
});

describe(quoting(GUIDE.disabledAlwaysHealthy), () => {
  runTable([
    { behaviour: 'disabled → HEALTHY even when its checkers all fail', definition: aDefinition({ disabled: true }), signals: someSignals({ checkers: allFailure }), verdict: HEALTHY, basis: 'disabled: Route 53 counts a disabled health check healthy' },
    { behaviour: 'disabled → HEALTHY even when the metric says 0', definition: aDefinition({ disabled: true }), signals: someSignals({ metric: metricValue(0) }), verdict: HEALTHY, basis: /^disabled/ },
    { behaviour: 'disabled → HEALTHY even when the metric has a gap (the definition alone decides)', definition: aDefinition({ disabled: true }), signals: someSignals(), past: 'HAD_DATA', verdict: HEALTHY, basis: /^disabled/ },
    { behaviour: 'disabled CLOUDWATCH_METRIC → HEALTHY whatever its metric', definition: alarmCheck({ disabled: true }), signals: someSignals({ metric: metricValue(0) }), verdict: HEALTHY, basis: /^disabled/ },
    { behaviour: 'disabled RECOVERY_CONTROL → HEALTHY with the metric unavailable', definition: routingControl({ disabled: true }), signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: HEALTHY, basis: /^disabled/ },
  ]);
});

describe(`${quoting(GUIDE.disabledInvertToStopTraffic)}: raw status first (disabled → healthy), THEN inversion`, () => {
  const disabledInverted = 'inverted: disabled check healthy, so the check is unhealthy (disabled: Route 53 counts a disabled health check healthy)';
  it.each(NON_CALCULATED_TYPES)('%s disabled + inverted → UNHEALTHY, though its metric says 1 and its checkers all succeed', (type) => {
    const assessment = assessOne(aDefinition({ type, disabled: true, inverted: true }), someSignals({ metric: metricValue(1), checkers: allSuccess }));
    expect(assessment).toMatchObject({ verdict: UNHEALTHY, basis: disabledInverted });
  });

  runTable([
    { behaviour: 'disabled + inverted with no datapoint and a past → UNHEALTHY (the definition alone decides)', definition: aDefinition({ disabled: true, inverted: true }), signals: someSignals(), past: 'HAD_DATA', verdict: UNHEALTHY, basis: disabledInverted },
    { behaviour: 'disabled + inverted with the metric unavailable → UNHEALTHY', definition: alarmCheck({ disabled: true, inverted: true }), signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: UNHEALTHY, basis: disabledInverted },
  ]);
});

describe(`${quoting(GUIDE.moreThan18)} / ${quoting(GUIDE.atMost18)}: endpoint checks without a datapoint fall back to their checkers`, () => {
  runTable([
    { behaviour: '2 of 11 checkers (18.18%) → HEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(2, 9) }), verdict: HEALTHY, basis: '2 of 11 checkers (18.18%) report success; Route 53 needs more than 18%' },
    { behaviour: '18 of 100 checkers (exactly 18%) → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(18, 82) }), verdict: UNHEALTHY, basis: '18 of 100 checkers (18%) report success; Route 53 needs more than 18%' },
    { behaviour: '9 of 50 checkers (exactly 18%) → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(9, 41) }), verdict: UNHEALTHY, basis: /^9 of 50 checkers \(18%\)/ },
    { behaviour: '3 of 16 checkers (18.75%) → HEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(3, 13) }), verdict: HEALTHY, basis: '3 of 16 checkers (18.75%) report success; Route 53 needs more than 18%' },
    { behaviour: '19 of 100 checkers → HEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(19, 81) }), verdict: HEALTHY, basis: /^19 of 100 checkers \(19%\)/ },
    { behaviour: '2 of 16 checkers (12.5%) → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: checkerReports(2, 14) }), verdict: UNHEALTHY, basis: '2 of 16 checkers (12.5%) report success; Route 53 needs more than 18%' },
    { behaviour: 'no checker reports success → UNHEALTHY', definition: endpoint, signals: someSignals({ checkers: allFailure }), verdict: UNHEALTHY, basis: /^0 of 16 checkers \(0%\)/ },
    { behaviour: 'a gap in a check that had data: the checkers still decide', definition: endpoint, signals: someSignals({ checkers: checkerReports(1, 15) }), past: 'HAD_DATA', verdict: UNHEALTHY, basis: /^1 of 16 checkers/ },
    { behaviour: 'a new check: the checkers decide before the new-check default', definition: endpoint, signals: someSignals({ checkers: allFailure }), past: 'NEW', verdict: UNHEALTHY, basis: /^0 of 16 checkers/ },
    { behaviour: 'metric UNAVAILABLE but checkers reported → the checkers decide', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE, checkers: checkerReports(10, 6) }), verdict: HEALTHY, basis: /^10 of 16 checkers/ },
    { behaviour: 'only the case-sensitive `Success` prefix counts: `success:` is not success', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [aCheckerReport('us-east-1', 'success: HTTP Status Code 200, OK')] } }), verdict: UNHEALTHY, basis: /^0 of 1 checkers/ },
    { behaviour: 'a report with another prefix counts as not success', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [aCheckerReport('us-east-1', 'Pending: not checked yet'), aCheckerReport('eu-west-1', 'Success: HTTP Status Code 200, OK')] } }), verdict: HEALTHY, basis: /^1 of 2 checkers \(50%\)/ },
  ]);

  it.each(['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'] as const)('%s checks follow the endpoint rule', (type) => {
    expect(assessOne(aDefinition({ type }), someSignals({ checkers: checkerReports(2, 14) })).verdict).toBe(UNHEALTHY);
    expect(assessOne(aDefinition({ type }), someSignals({ checkers: checkerReports(3, 13) })).verdict).toBe(HEALTHY);
  });
});

describe(`${quoting(GUIDE.invert)}: checker reports are the raw status, inverted after`, () => {
  runTable([
    { behaviour: 'inverted: endpoint healthy → the check is UNHEALTHY', definition: invertedEndpoint, signals: someSignals({ checkers: allSuccess }), verdict: UNHEALTHY, basis: /^inverted: endpoint healthy, so the check is unhealthy \(16 of 16 checkers/ },
    { behaviour: 'inverted: endpoint unhealthy → the check is HEALTHY', definition: invertedEndpoint, signals: someSignals({ checkers: allFailure }), verdict: HEALTHY, basis: /^inverted: endpoint unhealthy, so the check is healthy/ },
    { behaviour: 'inverted: exactly 18% (unhealthy) → the check is HEALTHY', definition: invertedEndpoint, signals: someSignals({ checkers: checkerReports(18, 82) }), verdict: HEALTHY, basis: /^inverted: endpoint unhealthy/ },
  ]);
});

describe(`${quoting(GUIDE.newCheck)} / ${quoting(GUIDE.newInvertedCheck)}: a check Failwatch has never seen a datapoint for`, () => {
  const newBasis = 'no Route 53 data yet: a new health check counts as healthy until it has data';
  it.each(NON_CALCULATED_TYPES)('a new %s check without a datapoint → HEALTHY', (type) => {
    expect(assessOne(aDefinition({ type }), someSignals(), 'NEW')).toMatchObject({ verdict: HEALTHY, basis: newBasis });
  });

  it.each(NON_CALCULATED_TYPES)('a new inverted %s check without a datapoint → UNHEALTHY', (type) => {
    expect(assessOne(aDefinition({ type, inverted: true }), someSignals(), 'NEW')).toMatchObject({
      verdict: UNHEALTHY,
      basis: `inverted: new check healthy, so the check is unhealthy (${newBasis})`,
    });
  });

  runTable([
    { behaviour: 'a new endpoint check whose checkers could not be read → HEALTHY (new), not UNKNOWN', definition: endpoint, signals: someSignals({ checkers: CHECKERS_UNAVAILABLE }), past: 'NEW', verdict: HEALTHY, basis: newBasis },
    { behaviour: 'a new check whose metric could not be read → UNKNOWN: nothing says there is no datapoint', definition: alarmCheck(), signals: someSignals({ metric: METRIC_UNAVAILABLE }), past: 'NEW', verdict: UNKNOWN, basis: /^Route 53 HealthCheckStatus metric unavailable \(GetMetricData throttled\); Failwatch reads the alarm/ },
  ]);
});

describe(`not new: a gap in HealthCheckStatus is UNKNOWN for every check type (${quoting(GUIDE.cloudwatchDataStream)}: that setting's outcome is only in the metric)`, () => {
  it.each(NON_CALCULATED_TYPES.flatMap((type) => [[type, false], [type, true]] as const))('%s (inverted: %s) that had data, with no datapoint and no checker reports → UNKNOWN', (type, inverted) => {
    const assessment = assessOne(aDefinition({ type, inverted }), someSignals(), 'HAD_DATA');
    expect(assessment.verdict).toBe(UNKNOWN);
    expect(assessment.basis).toMatch(/^no Route 53 HealthCheckStatus datapoint, though the check has had data before \(a gap, not a new check\); /);
  });

  runTable([
    { behaviour: 'CLOUDWATCH_METRIC gap → UNKNOWN, saying its alarm is read only through the metric', definition: alarmCheck(), signals: someSignals(), past: 'HAD_DATA', verdict: UNKNOWN, basis: /; Failwatch reads the alarm it follows only through that metric$/ },
    { behaviour: 'RECOVERY_CONTROL gap → UNKNOWN', definition: routingControl(), signals: someSignals(), past: 'HAD_DATA', verdict: UNKNOWN, basis: /; a routing control has no other signal$/ },
    { behaviour: 'no record of the past counts as having had data: a CLOUDWATCH_METRIC gap → UNKNOWN', definition: alarmCheck(), signals: someSignals(), past: 'PAST_UNKNOWN', verdict: UNKNOWN, basis: /a gap, not a new check/ },
    { behaviour: 'endpoint gap, checkers not read → UNKNOWN', definition: endpoint, signals: someSignals({ checkers: CHECKERS_NOT_READ }), past: 'HAD_DATA', verdict: UNKNOWN, basis: /a gap, not a new check\); no checker reports to fall back on$/ },
    { behaviour: 'endpoint gap, no reports → UNKNOWN', definition: endpoint, signals: someSignals({ checkers: { kind: 'REPORTS', reports: [] } }), past: 'HAD_DATA', verdict: UNKNOWN, basis: /no checker reports to fall back on$/ },
    { behaviour: 'endpoint gap, checkers UNAVAILABLE → UNKNOWN', definition: endpoint, signals: someSignals({ checkers: CHECKERS_UNAVAILABLE }), past: 'HAD_DATA', verdict: UNKNOWN, basis: /; checker reports unavailable \(GetHealthCheckStatus throttled\)$/ },
    { behaviour: 'metric UNAVAILABLE and checkers not read → UNKNOWN', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE }), verdict: UNKNOWN, basis: 'Route 53 HealthCheckStatus metric unavailable (GetMetricData throttled); no checker reports to fall back on' },
    { behaviour: 'checkers UNAVAILABLE and metric UNAVAILABLE → UNKNOWN', definition: endpoint, signals: someSignals({ metric: METRIC_UNAVAILABLE, checkers: CHECKERS_UNAVAILABLE }), verdict: UNKNOWN, basis: /metric unavailable.*; checker reports unavailable/ },
    { behaviour: 'a defined check with no signals read at all → UNKNOWN', definition: endpoint, signals: undefined, past: 'NEW', verdict: UNKNOWN, basis: /no signals were read/ },
  ]);
});

describe('noteChecksWithData: the fact that tells a new check from a gap, for the caller to keep', () => {
  it('adds the checks that had a datapoint this run and keeps those seen before', () => {
    const metrics = new Map([
      ['hc-b', metricValue(0)],
      ['hc-c', METRIC_NO_DATA],
      ['hc-d', METRIC_UNAVAILABLE],
    ]);
    expect(noteChecksWithData(['hc-a'], ['hc-a', 'hc-b', 'hc-c', 'hc-d'], metrics)).toEqual(['hc-a', 'hc-b']);
  });

  it('forgets a check the pair no longer uses, and lists each check once, sorted', () => {
    expect(noteChecksWithData(['hc-z', 'hc-gone'], ['hc-z', 'hc-a', 'hc-a'], new Map([['hc-a', metricValue(1)]]))).toEqual(['hc-a', 'hc-z']);
  });

  it('a check noted once is judged a gap, not new, when its datapoint is missing later', () => {
    const seen = noteChecksWithData([], [PRIMARY_CHECK_ID], new Map([[PRIMARY_CHECK_ID, metricValue(1)]]));
    const later = assessHealthChecks([PRIMARY_CHECK_ID], definitionsOf(alarmCheck()), new Map([[PRIMARY_CHECK_ID, someSignals()]]), new Set(seen));
    expect(later.get(PRIMARY_CHECK_ID)?.verdict).toBe(UNKNOWN);
  });
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

  it('without checker reports the evidence has no counts and no failing regions; reports asked for and not read say why', () => {
    expect(assessOne(endpoint, someSignals({ metric: metricValue(1) })).evidence).toEqual({ failingRegions: [] });
    expect(assessOne(endpoint, someSignals({ checkers: CHECKERS_UNAVAILABLE })).evidence).toEqual({ checkersNotRead: 'GetHealthCheckStatus throttled', failingRegions: [] });
  });

  it('empty reports give 0 of 0 checkers', () => {
    expect(assessOne(endpoint, someSignals({ checkers: { kind: 'REPORTS', reports: [] } })).evidence).toEqual({
      checkersHealthy: 0,
      checkersTotal: 0,
      failingRegions: [],
    });
  });
});
