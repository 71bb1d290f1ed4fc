/**
 * What Route 53's individual checkers (`GetHealthCheckStatus`) say: the fallback verdict for an
 * endpoint check without metric data, and the evidence shown in alerts. Which checks are worth the call
 * is decided here too: it is budgeted (a burst of 4, then 1 a second) and answers nothing for some checks.
 */
import {
  HealthCheckType,
  Verdict,
  type CheckerReport,
  type Evidence,
  type HealthCheckDefinition,
  type HealthSignals,
  type MetricReading,
} from './model';

/** A verdict and the rule that decided it, in words for a person on call. */
export interface Outcome {
  readonly verdict: Verdict;
  readonly basis: string;
}

/** Only this prefix of a status report is stable; anything else counts as not success. */
const SUCCESS_PREFIX = 'Success';

/** Route 53 counts an endpoint healthy when MORE than this percentage of its checkers report success. */
const HEALTHY_CHECKER_PERCENT = 18;

/** The checks Route 53's checkers probe themselves, and so the only ones the 18% rule applies to. */
const ENDPOINT_TYPES: ReadonlySet<HealthCheckType> = new Set([
  HealthCheckType.HTTP,
  HealthCheckType.HTTPS,
  HealthCheckType.HTTP_STR_MATCH,
  HealthCheckType.HTTPS_STR_MATCH,
  HealthCheckType.TCP,
]);

/**
 * Whether `GetHealthCheckStatus` can tell anything about the check: it exists, it is not CALCULATED ("You
 * can't use GetHealthCheckStatus to get the status of a calculated health check") and not disabled (its
 * checkers stopped, and its verdict is its definition's).
 */
export function hasCheckerReports(definition: HealthCheckDefinition | undefined): definition is HealthCheckDefinition {
  return definition !== undefined && definition.type !== HealthCheckType.CALCULATED && !definition.disabled;
}

/**
 * Of `ids`, each once and in order, the checks whose verdict the checkers' reports can decide this run:
 * enabled endpoint checks whose metric has no datapoint (the 18% fallback). The watch reads these
 * (within its per-run limit) before judging.
 */
export function checksForCheckerVerdict(
  ids: readonly string[],
  definitions: ReadonlyMap<string, HealthCheckDefinition>,
  metrics: ReadonlyMap<string, MetricReading>,
): string[] {
  return [...new Set(ids)].filter((id) => {
    const definition = definitions.get(id);
    return hasCheckerReports(definition) && ENDPOINT_TYPES.has(definition.type) && metrics.get(id)?.kind === 'NO_DATA';
  });
}

/** Of `ids` (checks whose verdict changed), each once and in order, those the checkers can give evidence for: which regions fail and why. */
export function checksForCheckerEvidence(ids: readonly string[], definitions: ReadonlyMap<string, HealthCheckDefinition>): string[] {
  return [...new Set(ids)].filter((id) => hasCheckerReports(definitions.get(id)));
}

export function isSuccessReport(report: CheckerReport): boolean {
  return report.statusReport.startsWith(SUCCESS_PREFIX);
}

/** Route 53's endpoint rule applied to checker reports (at least one), before any inversion. */
export function checkerShareOutcome(reports: readonly CheckerReport[]): Outcome {
  const successes = reports.filter(isSuccessReport).length;
  const total = reports.length;
  // Whole numbers on both sides, so 18 of 100 can never round its way above 18%.
  const verdict = successes * 100 > HEALTHY_CHECKER_PERCENT * total ? Verdict.HEALTHY : Verdict.UNHEALTHY;
  const share = formatPercent((successes * 100) / total);
  return {
    verdict,
    basis: `${successes} of ${total} checkers (${share}%) report success; Route 53 needs more than ${HEALTHY_CHECKER_PERCENT}%`,
  };
}

export function evidenceFrom(signals: HealthSignals): Evidence {
  const { metric, checkers } = signals;
  const percentage = metric.kind === 'VALUE' && metric.percentageHealthy !== undefined ? { percentageHealthy: metric.percentageHealthy } : {};
  if (checkers.kind === 'UNAVAILABLE') return { ...percentage, checkersNotRead: checkers.reason, failingRegions: [] };
  if (checkers.kind === 'NOT_READ') return { ...percentage, failingRegions: [] };
  return {
    ...percentage,
    checkersHealthy: checkers.reports.filter(isSuccessReport).length,
    checkersTotal: checkers.reports.length,
    failingRegions: failingRegions(checkers.reports),
  };
}

function failingRegions(reports: readonly CheckerReport[]): Evidence['failingRegions'] {
  return reports
    .filter((report) => !isSuccessReport(report))
    .map((report) => ({ region: report.region, statusReport: report.statusReport }))
    .sort((a, b) => compareText(a.region, b.region) || compareText(a.statusReport, b.statusReport));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatPercent(value: number): string {
  return String(Number(value.toFixed(2)));
}
