/**
 * Route 53's health check rules: definitions + what was observed → a verdict per health check,
 * with the rule that decided it in words a person on call can read.
 */
import { checkerShareOutcome, evidenceFrom, type Outcome } from './checker-reports';
import {
  HealthCheckType,
  Verdict,
  type CheckerReadings,
  type HealthAssessment,
  type HealthCheckDefinition,
  type HealthSignals,
  type InsufficientDataHealthStatus,
  type MetricReading,
} from './model';

type MetricFallback = Exclude<MetricReading, { readonly kind: 'VALUE' }>;

interface AssessmentContext {
  readonly definitions: ReadonlyMap<string, HealthCheckDefinition>;
  readonly signals: ReadonlyMap<string, HealthSignals>;
  readonly lastKnown: ReadonlyMap<string, Verdict>;
  readonly assessed: Map<string, HealthAssessment>;
}

const SIGNALS_NOT_READ: HealthSignals = {
  metric: { kind: 'UNAVAILABLE', reason: 'no signals were read for this health check' },
  checkers: { kind: 'NOT_READ' },
};

const NEW_CHECK_BASIS = 'no Route 53 data yet: a new health check counts as healthy until it has data';

/** Route 53's documented default for a CLOUDWATCH_METRIC check created without the setting. */
const DEFAULT_INSUFFICIENT_DATA_STATUS: InsufficientDataHealthStatus = 'LastKnownStatus';

/** Assesses each id; CALCULATED children are assessed internally, but only the ids asked for are returned. */
export function assessHealthChecks(
  ids: readonly string[],
  definitions: ReadonlyMap<string, HealthCheckDefinition>,
  signals: ReadonlyMap<string, HealthSignals>,
  lastKnown: ReadonlyMap<string, Verdict> = new Map(),
): ReadonlyMap<string, HealthAssessment> {
  const context: AssessmentContext = { definitions, signals, lastKnown, assessed: new Map() };
  return new Map(ids.map((id) => [id, assessHealthCheck(id, context)]));
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
  if (definition.disabled) return disabledOutcome(definition);
  // The metric is Route 53's final verdict, already inverted and calculated: never flip it again.
  if (signals.metric.kind === 'VALUE') return { verdict: metricVerdict(signals.metric.status), basis: `Route 53 HealthCheckStatus metric = ${signals.metric.status}` };
  return fallbackByType(definition, signals, signals.metric, context);
}

function fallbackByType(definition: HealthCheckDefinition, signals: HealthSignals, metric: MetricFallback, context: AssessmentContext): Outcome {
  switch (definition.type) {
    case HealthCheckType.HTTP:
    case HealthCheckType.HTTPS:
    case HealthCheckType.HTTP_STR_MATCH:
    case HealthCheckType.HTTPS_STR_MATCH:
    case HealthCheckType.TCP:
      return endpointOutcome(definition, signals.checkers, metric);
    case HealthCheckType.CALCULATED:
      return calculatedOutcome(definition, context);
    case HealthCheckType.CLOUDWATCH_METRIC:
      return alarmOutcome(definition, signals, metric, context.lastKnown.get(definition.id));
    case HealthCheckType.RECOVERY_CONTROL:
      return newCheckOrUnknown(metric);
    default: {
      const unexpected: never = definition.type;
      return unknown(`health check type ${String(unexpected)} is not one Failwatch knows how to evaluate`);
    }
  }
}

function endpointOutcome(definition: HealthCheckDefinition, checkers: CheckerReadings, metric: MetricFallback): Outcome {
  if (checkers.kind === 'UNAVAILABLE') {
    const metricState = metric.kind === 'NO_DATA' ? 'has no data yet' : `is unavailable (${metric.reason})`;
    return unknown(`checker reports unavailable (${checkers.reason}) and the Route 53 HealthCheckStatus metric ${metricState}`);
  }
  if (checkers.kind === 'REPORTS' && checkers.reports.length > 0) {
    return applyInversion(definition, checkerShareOutcome(checkers.reports), 'endpoint');
  }
  return newCheckOrUnknown(metric, '; no checker reports to fall back on');
}

function disabledOutcome(definition: HealthCheckDefinition): Outcome {
  const inverted = definition.inverted ? ', even when inverted' : '';
  return { verdict: Verdict.HEALTHY, basis: `disabled: Route 53 counts a disabled health check healthy${inverted}` };
}

function calculatedOutcome(definition: HealthCheckDefinition, context: AssessmentContext): Outcome {
  const children = definition.childHealthCheckIds;
  const threshold = definition.healthThreshold;
  if (threshold > children.length) {
    const basis = `health threshold ${threshold} is above its ${children.length} child health checks: Route 53 counts it unhealthy`;
    return applyInversion(definition, { verdict: Verdict.UNHEALTHY, basis }, 'children');
  }
  if (threshold <= 0) {
    return applyInversion(definition, { verdict: Verdict.HEALTHY, basis: 'health threshold 0: Route 53 counts it healthy' }, 'children');
  }
  const cycle = findCycle(definition.id, context.definitions);
  if (cycle) return unknown(`child health checks form a cycle (${cycle.join(' -> ')}), which Route 53 cannot evaluate`);
  const assessed = children.map((child) => assessHealthCheck(child, context));
  return applyInversion(definition, childCountOutcome(assessed, threshold), 'children');
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

function alarmOutcome(definition: HealthCheckDefinition, signals: HealthSignals, metric: MetricFallback, lastKnown: Verdict | undefined): Outcome {
  switch (signals.alarmState) {
    case 'OK':
      return applyInversion(definition, { verdict: Verdict.HEALTHY, basis: 'CloudWatch alarm is OK' }, 'alarm');
    case 'ALARM':
      return applyInversion(definition, { verdict: Verdict.UNHEALTHY, basis: 'CloudWatch alarm is in ALARM' }, 'alarm');
    case 'INSUFFICIENT_DATA':
      return insufficientDataOutcome(definition, lastKnown);
    case undefined:
      return newCheckOrUnknown(metric);
  }
}

function insufficientDataOutcome(definition: HealthCheckDefinition, lastKnown: Verdict | undefined): Outcome {
  const setting = definition.insufficientDataHealthStatus ?? DEFAULT_INSUFFICIENT_DATA_STATUS;
  const prefix = `CloudWatch alarm has insufficient data and the check is set to ${setting}`;
  switch (setting) {
    case 'Healthy':
      return applyInversion(definition, { verdict: Verdict.HEALTHY, basis: prefix }, 'alarm');
    case 'Unhealthy':
      return applyInversion(definition, { verdict: Verdict.UNHEALTHY, basis: prefix }, 'alarm');
    case 'LastKnownStatus':
      // The last known verdict is already final (inversion included), so it is never flipped again.
      return lastKnown === undefined
        ? { verdict: Verdict.HEALTHY, basis: `${prefix}; there is no last known status, so Route 53 counts it healthy` }
        : { verdict: lastKnown, basis: `${prefix}; last known status: ${lastKnown.toLowerCase()}` };
  }
}

function newCheckOrUnknown(metric: MetricFallback, whenUnavailable = ''): Outcome {
  return metric.kind === 'NO_DATA'
    ? { verdict: Verdict.HEALTHY, basis: NEW_CHECK_BASIS }
    : unknown(`Route 53 HealthCheckStatus metric unavailable (${metric.reason})${whenUnavailable}`);
}

function applyInversion(definition: HealthCheckDefinition, raw: Outcome, subject: string): Outcome {
  if (!definition.inverted || raw.verdict === Verdict.UNKNOWN) return raw;
  const flipped = raw.verdict === Verdict.HEALTHY ? Verdict.UNHEALTHY : Verdict.HEALTHY;
  const sentence = `inverted: ${subject} ${raw.verdict.toLowerCase()}, so the check is ${flipped.toLowerCase()}`;
  return { verdict: flipped, basis: `${sentence} (${raw.basis})` };
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
