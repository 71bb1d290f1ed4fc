/**
 * Managed alarms: one CloudWatch alarm on `AWS/Route53 HealthCheckStatus` per watched health check, so a
 * change reaches the alarm function through EventBridge without waiting for a sweep. This file decides,
 * as data, which alarms to create, update and delete; lib/usecases/reconcile-alarms.ts carries the plan out.
 *
 * Each alarm's description ends with the pairs that depend on its health check (a pair hint), which
 * EventBridge delivers in the alarm event (`detail.configuration.description`): the alarm function then
 * knows which pairs to judge without listing Route 53.
 */
import { isHealthCheckId, pairKey, parsePairKey, type PairId } from './model';

/** Where a CloudWatch alarm stands. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The tag that proves an alarm is Failwatch's own; its value is the alarm prefix of the deployment. */
export const ALARM_OWNER_TAG = 'failwatch:managed-by';

/** CloudWatch's TreatMissingData values. */
export const TreatMissingData = { MISSING: 'missing', BREACHING: 'breaching', NOT_BREACHING: 'notBreaching', IGNORE: 'ignore' } as const;
export type TreatMissingData = (typeof TreatMissingData)[keyof typeof TreatMissingData];

/** What an alarm watches and how it decides: the fields the planner compares. */
export interface AlarmSettings {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: string;
  readonly treatMissingData: string;
}

/**
 * Route 53's verdict, one minute at a time: ALARM as soon as one minute's Minimum is below 1 (any
 * unhealthy moment), OK when a whole minute is healthy.
 *
 * TreatMissingData `missing`, not `breaching`: Route 53 publishes the metric every minute for as long as
 * the check exists, so a gap means a new check with no data yet (which Route 53 itself counts as
 * healthy), a deleted check (whose alarm the next reconcile deletes) or a late datapoint. `breaching`
 * would turn each of those into an ALARM, i.e. a claim that the check failed that Route 53 never made,
 * and send the alarm function to re-evaluate for nothing. With `missing` a gap shows as
 * INSUFFICIENT_DATA, which the alarm function re-evaluates harmlessly from the metric, and the
 * verdict is always Route 53's own.
 */
export const DEFAULT_ALARM_SETTINGS: AlarmSettings = {
  namespace: 'AWS/Route53',
  metricName: 'HealthCheckStatus',
  statistic: 'Minimum',
  periodSeconds: 60,
  evaluationPeriods: 1,
  threshold: 1,
  comparisonOperator: 'LessThanThreshold',
  treatMissingData: TreatMissingData.MISSING,
};

/** Where a listed alarm stands: shown by the operator console (`alarms list`, `doctor`), never planned on. */
export interface AlarmStanding {
  readonly state: AlarmState;
  readonly reason: string;
  /** When it entered that state (ISO). */
  readonly since: string;
}

/** An alarm that exists under the prefix and carries Failwatch's tag. */
export interface ManagedAlarm {
  readonly name: string;
  /** The HealthCheckId dimension it watches; undefined if it has none (someone changed it). */
  readonly healthCheckId: string | undefined;
  readonly settings: AlarmSettings;
  /** Its AlarmDescription; undefined if it has none. */
  readonly description?: string;
  /** Absent when the listing did not say. */
  readonly standing?: AlarmStanding;
}

/** An alarm named `<prefix>-<health check id>` without Failwatch's tag: reported, never touched. */
export interface ForeignAlarm {
  readonly name: string;
  readonly standing?: AlarmStanding;
}

/** An alarm to create or overwrite with PutMetricAlarm. */
export interface AlarmSpec {
  readonly name: string;
  readonly healthCheckId: string;
  readonly settings: AlarmSettings;
  /** `alarmDescriptionFor` the check and the pairs that depend on it. */
  readonly description: string;
}

export interface AlarmUpdate extends AlarmSpec {
  /** The settings that differ, e.g. `treatMissingData`, `healthCheckId`, or `description` (the pairs changed). */
  readonly changed: readonly string[];
}

export interface AlarmPlan {
  readonly create: readonly AlarmSpec[];
  readonly update: readonly AlarmUpdate[];
  /** Names of Failwatch's alarms whose health check is no longer watched. */
  readonly delete: readonly string[];
  /** Alarms named `<prefix>-<health check id>` without Failwatch's tag, with what the plan did not do because of them. */
  readonly foreign: readonly { readonly name: string; readonly blocks?: string }[];
  readonly unchanged: number;
}

export interface AlarmPlanInput {
  /** `failwatch-<stage>` (FAILWATCH_ALARM_PREFIX): two deployments never share a prefix. */
  readonly prefix: string;
  readonly healthCheckIds: readonly string[];
  /** Keys (`pairKey`) of the pairs that depend on each check; a check without an entry gets no pair hint. */
  readonly pairKeys?: ReadonlyMap<string, readonly string[]>;
  readonly existing: readonly ManagedAlarm[];
  readonly foreign?: readonly ForeignAlarm[];
  readonly settings?: AlarmSettings;
}

/** `failwatch-prod-<health check id>`; a health check id is a UUID, so names stay well under CloudWatch's 255. */
export function alarmNameFor(prefix: string, healthCheckId: string): string {
  return `${prefix}-${healthCheckId}`;
}

/**
 * Whether `name` is exactly `<prefix>-<health check id>`, a name `alarmNameFor` can build. Any other name
 * under the prefix is never one of this deployment's alarms: another stage whose prefix extends this one
 * (`failwatch-prod-eu-<id>` under `failwatch-prod`), or the stack's own `<prefix>-dead-letters`.
 */
export function isAlarmNameOf(prefix: string, name: string): boolean {
  // The IAM policy scopes alarm writes to names ending in a health check id's shape, too.
  return name.startsWith(`${prefix}-`) && isHealthCheckId(name.slice(prefix.length + 1));
}

/** Why a check has no alarm when an alarm without Failwatch's tag holds the name it would use. */
export function blockedBecause(healthCheckId: string): string {
  return `no alarm for health check ${healthCheckId}: an alarm of that name exists without the ${ALARM_OWNER_TAG} tag`;
}

/** CloudWatch's limit on AlarmDescription. */
export const ALARM_DESCRIPTION_MAX_LENGTH = 1024;
/** Starts the pair hint at the end of a description; a record name never holds a space (Route 53 escapes it). */
const PAIRS_LABEL = ' Pairs: ';
/** The hint when the pairs' keys do not fit: look the pairs up in Route 53. */
const TOO_MANY_PAIRS = 'too many to list';

/**
 * The alarm's description: a sentence for people, then the pair hint, the keys of the pairs that
 * depend on the check as a JSON list (` Pairs: ["Z123|app.example.com.|A"]`), or ` Pairs: too many to
 * list` when the list would take the description past 1024 characters. No `pairKeys`: no hint.
 */
export function alarmDescriptionFor(prefix: string, healthCheckId: string, pairKeys?: readonly string[]): string {
  const sentence = `Failwatch (${prefix}): Route 53 health check ${healthCheckId} is unhealthy. Managed by Failwatch; changes are overwritten.`;
  if (pairKeys === undefined) return sentence;
  const listed = `${sentence}${PAIRS_LABEL}${JSON.stringify([...new Set(pairKeys)].sort())}`;
  return listed.length <= ALARM_DESCRIPTION_MAX_LENGTH ? listed : `${sentence}${PAIRS_LABEL}${TOO_MANY_PAIRS}`;
}

/** What an alarm's description says about the pairs of its check. */
export type PairHint =
  | { readonly kind: 'PAIRS'; readonly pairIds: readonly PairId[] }
  | { readonly kind: 'TOO_MANY' }
  /** Something after the label that is not a hint Failwatch writes: ignored (the pairs are looked up). */
  | { readonly kind: 'MALFORMED'; readonly reason: string };

/** The pair hint at the end of an alarm's description; undefined when it has none (an alarm of the user's, or an older one). Never throws. */
export function parsePairHint(description: string): PairHint | undefined {
  const at = description.lastIndexOf(PAIRS_LABEL);
  if (at < 0) return undefined;
  const text = description.slice(at + PAIRS_LABEL.length);
  if (text === TOO_MANY_PAIRS) return { kind: 'TOO_MANY' };
  let keys: unknown;
  try {
    keys = JSON.parse(text);
  } catch {
    return { kind: 'MALFORMED', reason: `"${text.slice(0, 40)}" is not a JSON list of pair keys` };
  }
  if (!Array.isArray(keys) || keys.length === 0) return { kind: 'MALFORMED', reason: 'expected a non-empty JSON list of pair keys' };
  const pairIds: PairId[] = [];
  for (const key of keys) {
    const id = typeof key === 'string' ? parsePairKey(key) : undefined;
    if (id === undefined) return { kind: 'MALFORMED', reason: `${JSON.stringify(key).slice(0, 80)} is not a pair key (<zone id>|<name>|<type>)` };
    pairIds.push(id);
  }
  return { kind: 'PAIRS', pairIds: [...new Map(pairIds.map((id) => [pairKey(id), id])).values()] };
}

/** Which settings of `actual` differ from `desired`, by field name, in a stable order. */
export function differingSettings(desired: AlarmSettings, actual: AlarmSettings): string[] {
  return (Object.keys(desired) as (keyof AlarmSettings)[]).filter((key) => desired[key] !== actual[key]);
}

/**
 * One alarm per watched health check, named after it and describing the pairs that depend on it;
 * Failwatch's alarms for checks no longer watched are deleted, and those whose description differs
 * (the pairs changed, or an older alarm without the hint) are updated. An alarm carrying the wanted
 * name without Failwatch's tag blocks that check's alarm (PutMetricAlarm would overwrite someone
 * else's alarm), and is reported instead.
 */
export function planAlarms(input: AlarmPlanInput): AlarmPlan {
  const settings = input.settings ?? DEFAULT_ALARM_SETTINGS;
  const existingByName = new Map(input.existing.map((alarm) => [alarm.name, alarm]));
  const foreignNames = new Set((input.foreign ?? []).map((alarm) => alarm.name));
  const wanted = new Map([...new Set(input.healthCheckIds)].sort().map((id) => [alarmNameFor(input.prefix, id), id]));

  const create: AlarmSpec[] = [];
  const update: AlarmUpdate[] = [];
  const blocked = new Map<string, string>();
  let unchanged = 0;
  for (const [name, healthCheckId] of wanted) {
    const existing = existingByName.get(name);
    const description = alarmDescriptionFor(input.prefix, healthCheckId, input.pairKeys?.get(healthCheckId));
    if (existing === undefined) {
      if (foreignNames.has(name)) blocked.set(name, blockedBecause(healthCheckId));
      else create.push({ name, healthCheckId, settings, description });
      continue;
    }
    const changed = [
      ...(existing.healthCheckId === healthCheckId ? [] : ['healthCheckId']),
      ...differingSettings(settings, existing.settings),
      ...(existing.description === description ? [] : ['description']),
    ];
    if (changed.length === 0) unchanged++;
    else update.push({ name, healthCheckId, settings, description, changed });
  }
  const remove = input.existing
    .map((alarm) => alarm.name)
    .filter((name) => !wanted.has(name))
    .sort();
  const foreign = [...foreignNames].sort().map((name) => {
    const blocks = blocked.get(name);
    return blocks === undefined ? { name } : { name, blocks };
  });
  return { create, update, delete: remove, foreign, unchanged };
}
