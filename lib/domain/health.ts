/**
 * Route 53's health check rules: definitions + what was observed → a verdict per health check,
 * with the rule that decided it in words a person on call can read.
 *
 * Route 53's order for one check: its raw status first (a disabled check's is always healthy; otherwise
 * its checkers', its children's or its alarm's), THEN inversion. A `HealthCheckStatus` datapoint is the
 * result of both, so it is taken as it is; without one, the raw status is rebuilt where Failwatch can
 * (the definition, an endpoint's checkers, a calculated check's children) and inverted here.
 */
import { checkerShareOutcome, evidenceFrom, type Outcome } from './checker-reports';
import {
  HealthCheckType,
  Verdict,
  type CheckerReadings,
  type ChecksWithData,
  type HealthAssessment,
  type HealthCheckDefinition,
  type HealthSignals,
  type MetricReading,
} from './model';

type NoDatapoint = Exclude<MetricReading, { readonly kind: 'VALUE' }>;

interface AssessmentContext {
  readonly definitions: ReadonlyMap<string, HealthCheckDefinition>;
  readonly signals: ReadonlyMap<string, HealthSignals>;
  /** Absent: nothing is known of the checks' past, so each counts as having had data. */
  readonly checksWithData: ChecksWithData | undefined;
  readonly assessed: Map<string, HealthAssessment>;
}

const SIGNALS_NOT_READ: HealthSignals = {
  metric: { kind: 'UNAVAILABLE', reason: 'no signals were read for this health check' },
  checkers: { kind: 'NOT_READ' },
};

const DISABLED_RAW_STATUS: Outcome = { verdict: Verdict.HEALTHY, basis: 'disabled: Route 53 counts a disabled health check healthy' };
const NEW_CHECK_RAW_STATUS: Outcome = { verdict: Verdict.HEALTHY, basis: 'no Route 53 data yet: a new health check counts as healthy until it has data' };

/**
 * Assesses each id; CALCULATED children are assessed internally, but only the ids asked for are returned.
 * `checksWithData`: the checks Failwatch has ever seen a datapoint for (see `ChecksWithData`); absent when
 * nothing is known of their past, so a missing datapoint is never taken for a new check.
 */
export function assessHealthChecks(
  ids: readonly string[],
  definitions: ReadonlyMap<string, HealthCheckDefinition>,
  signals: ReadonlyMap<string, HealthSignals>,
  checksWithData?: ChecksWithData,
): ReadonlyMap<string, HealthAssessment> {
  const context: AssessmentContext = { definitions, signals, checksWithData, assessed: new Map() };
  return new Map(ids.map((id) => [id, assessHealthCheck(id, context)]));
}

/** `previous` plus those of `ids` whose metric had a datapoint this run, restricted to `ids` (a check the pair no longer uses is forgotten). */
export function noteChecksWithData(previous: Iterable<string>, ids: readonly string[], metrics: ReadonlyMap<string, MetricReading>): string[] {
  const before = new Set(previous);
  return [...new Set(ids)].filter((id) => before.has(id) || metrics.get(id)?.kind === 'VALUE').sort();
}

/** The ids plus every CALCULATED descendant, in discovery order, each once: the checks whose metrics to read. */
export function healthCheckClosure(ids: readonly string[], definitions: ReadonlyMap<string, HealthCheckDefinition>): string[] {
  const found = new Set<string>();
  const visit = (id: string): void => {
    if (found.has(id)) return;
    found.add(id);
    calculatedChildren(id, definitions).forEach(visit);
  };
  ids.forEach(visit);
  return [...found];
}

/**
 * The verdict a check's definition alone gives it, whatever Route 53 measures (inversion applied): a
 * disabled check, a CALCULATED check whose threshold is 0, above its child count, or decided by children
 * that are themselves decided by their definitions. Undefined when measurements decide (or the check
 * does not exist).
 */
export function verdictByDefinition(id: string, definitions: ReadonlyMap<string, HealthCheckDefinition>, visiting: ReadonlySet<string> = new Set()): Verdict | undefined {
  const definition = definitions.get(id);
  if (!definition || visiting.has(id)) return undefined;
  if (definition.disabled) return invert(definition, Verdict.HEALTHY);
  if (definition.type !== HealthCheckType.CALCULATED) return undefined;
  const byThreshold = thresholdOutcome(definition);
  if (byThreshold) return invert(definition, byThreshold.verdict);
  const inner = new Set([...visiting, id]);
  const children = definition.childHealthCheckIds.map((child) => verdictByDefinition(child, definitions, inner));
  const alwaysHealthy = children.filter((verdict) => verdict === Verdict.HEALTHY).length;
  const canBeHealthy = children.filter((verdict) => verdict !== Verdict.UNHEALTHY).length;
  if (alwaysHealthy >= definition.healthThreshold) return invert(definition, Verdict.HEALTHY);
  if (canBeHealthy < definition.healthThreshold) return invert(definition, Verdict.UNHEALTHY);
  return undefined;
}

function assessHealthCheck(id: string, context: AssessmentContext): HealthAssessment {
  const cached = context.assessed.get(id);
  if (cached) return cached;
  const signals = context.signals.get(id) ?? SIGNALS_NOT_READ;
  const assessment: HealthAssessment = { healthCheckId: id, ...decideVerdict(id, signals, context), evidence: evidenceFrom(signals) };
  context.assessed.set(id, assessment);
  return assessment;
}

function decideVerdict(id: string, signals: HealthSignals, context: AssessmentContext): Outcome {
  const definition = context.definitions.get(id);
  if (!definition) return unknown(`health check ${id} no longer exists in Route 53 (deleted?)`);
  // Whatever its metric or checkers still say: Route 53 documents no HealthCheckStatus for a disabled check.
  if (definition.disabled) return applyInversion(definition, DISABLED_RAW_STATUS, 'disabled check');
  // The metric is Route 53's final verdict, already inverted and calculated: never flip it again.
  if (signals.metric.kind === 'VALUE') return { verdict: metricVerdict(signals.metric.status), basis: `Route 53 HealthCheckStatus metric = ${signals.metric.status}` };
  return withoutDatapoint(definition, signals.checkers, signals.metric, context);
}

/**
 * The raw status without a datapoint: decided (not yet inverted), or why it is not (a clause for the
 * basis), or UNKNOWN whatever the check's past (a cycle Route 53 could never evaluate).
 */
type RawStatus =
  | { readonly kind: 'DECIDED'; readonly outcome: Outcome }
  | { readonly kind: 'UNDECIDED'; readonly why: string }
  | { readonly kind: 'UNKNOWN'; readonly basis: string };

/** No datapoint: the raw status Failwatch can rebuild, else a new check's default, else UNKNOWN. */
function withoutDatapoint(definition: HealthCheckDefinition, checkers: CheckerReadings, metric: NoDatapoint, context: AssessmentContext): Outcome {
  const raw = rawStatus(definition, checkers, context);
  switch (raw.kind) {
    case 'DECIDED':
      return applyInversion(definition, raw.outcome, definition.type === HealthCheckType.CALCULATED ? 'children' : 'endpoint');
    case 'UNKNOWN':
      return unknown(raw.basis);
    case 'UNDECIDED':
      if (metric.kind === 'UNAVAILABLE') return unknown(`Route 53 HealthCheckStatus metric unavailable (${metric.reason}); ${raw.why}`);
      if (!hasHadData(definition.id, context)) return applyInversion(definition, NEW_CHECK_RAW_STATUS, 'new check');
      return unknown(`no Route 53 HealthCheckStatus datapoint, though the check has had data before (a gap, not a new check); ${raw.why}`);
  }
}

function rawStatus(definition: HealthCheckDefinition, checkers: CheckerReadings, context: AssessmentContext): RawStatus {
  switch (definition.type) {
    case HealthCheckType.HTTP:
    case HealthCheckType.HTTPS:
    case HealthCheckType.HTTP_STR_MATCH:
    case HealthCheckType.HTTPS_STR_MATCH:
    case HealthCheckType.TCP:
      return endpointRawStatus(checkers);
    case HealthCheckType.CALCULATED:
      return calculatedRawStatus(definition, context);
    case HealthCheckType.CLOUDWATCH_METRIC:
      return { kind: 'UNDECIDED', why: 'Failwatch reads the alarm it follows only through that metric' };
    case HealthCheckType.RECOVERY_CONTROL:
      return { kind: 'UNDECIDED', why: 'a routing control has no other signal' };
    default: {
      const unexpected: never = definition.type;
      return { kind: 'UNKNOWN', basis: `health check type ${String(unexpected)} is not one Failwatch knows how to evaluate` };
    }
  }
}

function endpointRawStatus(checkers: CheckerReadings): RawStatus {
  if (checkers.kind === 'UNAVAILABLE') return { kind: 'UNDECIDED', why: `checker reports unavailable (${checkers.reason})` };
  if (checkers.kind === 'REPORTS' && checkers.reports.length > 0) return { kind: 'DECIDED', outcome: checkerShareOutcome(checkers.reports) };
  return { kind: 'UNDECIDED', why: 'no checker reports to fall back on' };
}

function calculatedRawStatus(definition: HealthCheckDefinition, context: AssessmentContext): RawStatus {
  const byThreshold = thresholdOutcome(definition);
  if (byThreshold) return { kind: 'DECIDED', outcome: byThreshold };
  const cycle = findCycle(definition.id, context.definitions);
  if (cycle) return { kind: 'UNKNOWN', basis: `child health checks form a cycle (${cycle.join(' -> ')}), which Route 53 cannot evaluate` };
  const counted = childCountOutcome(definition.childHealthCheckIds.map((child) => assessHealthCheck(child, context)), definition.healthThreshold);
  return counted.verdict === Verdict.UNKNOWN ? { kind: 'UNDECIDED', why: counted.basis } : { kind: 'DECIDED', outcome: counted };
}

/** Route 53's answer for a threshold the children cannot change: 0 (always healthy) or above the child count (always unhealthy). */
function thresholdOutcome(definition: HealthCheckDefinition): Outcome | undefined {
  const children = definition.childHealthCheckIds.length;
  const threshold = definition.healthThreshold;
  if (threshold > children) {
    return { verdict: Verdict.UNHEALTHY, basis: `health threshold ${threshold} is above its ${children} child health checks: Route 53 counts it unhealthy` };
  }
  if (threshold <= 0) return { verdict: Verdict.HEALTHY, basis: 'health threshold 0: Route 53 counts it healthy' };
  return undefined;
}

function childCountOutcome(children: readonly HealthAssessment[], threshold: number): Outcome {
  const idsWith = (verdict: Verdict) => children.filter((child) => child.verdict === verdict).map((child) => child.healthCheckId);
  const healthy = idsWith(Verdict.HEALTHY).length;
  const unhealthyIds = idsWith(Verdict.UNHEALTHY);
  const unknownIds = idsWith(Verdict.UNKNOWN);
  const verdict =
    healthy >= threshold ? Verdict.HEALTHY : healthy + unknownIds.length < threshold ? Verdict.UNHEALTHY : Verdict.UNKNOWN;
  const unknownCount = unknownIds.length > 0 ? ` (${unknownIds.length} unknown)` : '';
  const listed = [
    unhealthyIds.length > 0 ? `unhealthy: ${unhealthyIds.join(', ')}` : '',
    unknownIds.length > 0 ? `unknown: ${unknownIds.join(', ')}` : '',
  ].filter((part) => part !== '');
  const details = listed.length > 0 ? `; ${listed.join('; ')}` : '';
  return {
    verdict,
    basis: `${healthy} of ${children.length} child health checks healthy${unknownCount}; Route 53 needs ${threshold}${details}`,
  };
}

function hasHadData(id: string, context: AssessmentContext): boolean {
  return context.checksWithData === undefined || context.checksWithData.has(id);
}

function applyInversion(definition: HealthCheckDefinition, raw: Outcome, subject: string): Outcome {
  if (!definition.inverted || raw.verdict === Verdict.UNKNOWN) return raw;
  const flipped = invert(definition, raw.verdict);
  const sentence = `inverted: ${subject} ${raw.verdict.toLowerCase()}, so the check is ${flipped.toLowerCase()}`;
  return { verdict: flipped, basis: `${sentence} (${raw.basis})` };
}

function invert(definition: HealthCheckDefinition, verdict: Verdict): Verdict {
  if (!definition.inverted || verdict === Verdict.UNKNOWN) return verdict;
  return verdict === Verdict.HEALTHY ? Verdict.UNHEALTHY : Verdict.HEALTHY;
}

function metricVerdict(status: 0 | 1): Verdict {
  return status === 1 ? Verdict.HEALTHY : Verdict.UNHEALTHY;
}

function unknown(basis: string): Outcome {
  return { verdict: Verdict.UNKNOWN, basis };
}

function calculatedChildren(id: string, definitions: ReadonlyMap<string, HealthCheckDefinition>): readonly string[] {
  const definition = definitions.get(id);
  return definition?.type === HealthCheckType.CALCULATED ? definition.childHealthCheckIds : [];
}

/**
 * The path from `startId` back to itself through CALCULATED children, if there is one. Route 53 should
 * never allow it, but a cycle would otherwise recurse forever; it is found structurally so a verdict
 * never depends on which check happened to be assessed first.
 */
function findCycle(startId: string, definitions: ReadonlyMap<string, HealthCheckDefinition>): string[] | undefined {
  const visited = new Set<string>();
  const walk = (id: string, path: readonly string[]): string[] | undefined => {
    for (const child of calculatedChildren(id, definitions)) {
      if (child === startId) return [...path, child];
      if (visited.has(child)) continue;
      visited.add(child);
      const found = walk(child, [...path, child]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(startId, [startId]);
}
