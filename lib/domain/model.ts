/**
 * The words of Failwatch's domain. Plain, readonly data: no AWS types, no I/O, no clock.
 * Adapters translate SDK shapes into these at the edge.
 */

export const Verdict = { HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY', UNKNOWN: 'UNKNOWN' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export const HealthCheckType = {
  HTTP: 'HTTP',
  HTTPS: 'HTTPS',
  HTTP_STR_MATCH: 'HTTP_STR_MATCH',
  HTTPS_STR_MATCH: 'HTTPS_STR_MATCH',
  TCP: 'TCP',
  CALCULATED: 'CALCULATED',
  CLOUDWATCH_METRIC: 'CLOUDWATCH_METRIC',
  RECOVERY_CONTROL: 'RECOVERY_CONTROL',
} as const;
export type HealthCheckType = (typeof HealthCheckType)[keyof typeof HealthCheckType];

/** A Route 53 health check's configuration, as `ListHealthChecks` describes it. */
export interface HealthCheckDefinition {
  readonly id: string;
  readonly type: HealthCheckType;
  readonly inverted: boolean;
  readonly disabled: boolean;
  /** What the check watches, for people: `https://app.example.com:443/health`, `alarm eu-west-1/db-down`. */
  readonly target: string;
  /** CALCULATED only. */
  readonly childHealthCheckIds: readonly string[];
  /** CALCULATED only: how many children must be healthy. */
  readonly healthThreshold: number;
}

/**
 * Route 53's own verdict from CloudWatch `AWS/Route53 HealthCheckStatus` (Minimum over the latest minute).
 * `NO_DATA`: the query worked but the check has published nothing yet. `UNAVAILABLE`: the query failed.
 */
export type MetricReading =
  | { readonly kind: 'VALUE'; readonly status: 0 | 1; readonly percentageHealthy?: number; readonly timestamp: string }
  | { readonly kind: 'NO_DATA' }
  | { readonly kind: 'UNAVAILABLE'; readonly reason: string };

/** One Route 53 checker's last report, from `GetHealthCheckStatus`. */
export interface CheckerReport {
  readonly region: string;
  readonly ipAddress: string;
  /** `Success: ...` or `Failure: ...`; only the prefix is stable. */
  readonly statusReport: string;
  readonly checkedTime: string;
}

/** Per-checker reports, or why they are missing. */
export type CheckerReadings =
  | { readonly kind: 'REPORTS'; readonly reports: readonly CheckerReport[] }
  | { readonly kind: 'NOT_READ' }
  | { readonly kind: 'UNAVAILABLE'; readonly reason: string };

/**
 * Everything observed about one health check in one sweep. A CLOUDWATCH_METRIC check's alarm is not
 * among them: its `HealthCheckStatus` is already Route 53's verdict on the alarm's data stream (its
 * `InsufficientDataHealthStatus` setting included), and without that metric nothing else says it.
 */
export interface HealthSignals {
  readonly metric: MetricReading;
  readonly checkers: CheckerReadings;
}

/**
 * The health checks Failwatch has ever seen a `HealthCheckStatus` datapoint for: what tells a new check
 * from a gap in the metric. Route 53 publishes the metric every minute from a check's first evaluation on,
 * so a check without a datapoint that has never had one is new ("Route 53 considers a new health check to
 * be healthy until there's enough data", unhealthy when inverted), while one that has had data and now
 * has none is a gap in Failwatch's reading, whose verdict is UNKNOWN. The caller keeps it per pair with
 * the pair's stored data (`noteChecksWithData` adds what a run saw). Where there is no such record (a
 * first look, or state stored before the fact existed) nothing is known of the past: the caller lists the
 * pair's checks, so a missing datapoint is judged a gap (UNKNOWN) rather than a new, healthy check.
 */
export type ChecksWithData = ReadonlySet<string>;

/** The outcome of evaluating one health check by Route 53's rules. */
export interface HealthAssessment {
  readonly healthCheckId: string;
  readonly verdict: Verdict;
  /** Which rule decided, in words a person reads in an alert. */
  readonly basis: string;
  readonly evidence: Evidence;
}

/** Why a verdict is what it is, shown in alerts and stored with each transition. */
export interface Evidence {
  /** Checkers reporting success / checkers reporting at all; absent when not read. */
  readonly checkersHealthy?: number;
  readonly checkersTotal?: number;
  readonly percentageHealthy?: number;
  /** Why the checkers' reports are missing when they were asked for (throttled, the account's rate spent, ...); absent when read or never asked for. */
  readonly checkersNotRead?: string;
  readonly failingRegions: readonly { readonly region: string; readonly statusReport: string }[];
}

export const FailoverRole = { PRIMARY: 'PRIMARY', SECONDARY: 'SECONDARY' } as const;
export type FailoverRole = (typeof FailoverRole)[keyof typeof FailoverRole];

export interface AliasTarget {
  readonly dnsName: string;
  readonly hostedZoneId: string;
  readonly evaluateTargetHealth: boolean;
}

/** One resource record set of a hosted zone, as far as health and failover need it. */
export interface RecordSet {
  /** Fully qualified, lower case, with the trailing dot: `app.example.com.` */
  readonly name: string;
  readonly type: string;
  readonly setIdentifier?: string;
  readonly failover?: FailoverRole;
  readonly healthCheckId?: string;
  readonly alias?: AliasTarget;
  /** Resource record values (IP addresses, names); empty for aliases. */
  readonly values: readonly string[];
}

/** What a record answers, for people: its values, or its alias target's name (without the trailing dot). */
export function answerValues(record: RecordSet): readonly string[] {
  return record.alias ? [record.alias.dnsName.replace(/\.$/, '')] : record.values;
}

/** The values of the side DNS serves in `state`. */
export function servedValues(pair: FailoverPair, state: KnownServingState): readonly string[] {
  return answerValues(servedRole(state) === FailoverRole.SECONDARY ? pair.secondary : pair.primary);
}

export interface PairId {
  readonly zoneId: string;
  readonly name: string;
  readonly type: string;
}

/** A failover record pair: same name and type in one zone, one PRIMARY and one SECONDARY. */
export interface FailoverPair {
  readonly id: PairId;
  readonly zoneName: string;
  /** Set (true) only for a private hosted zone, where TestDNSAnswer cannot be asked. */
  readonly privateZone?: boolean;
  readonly primary: RecordSet;
  readonly secondary: RecordSet;
}

/** Which side DNS answers with. ALL_UNHEALTHY: both down, Route 53 fails open to the primary. */
export const ServingState = {
  PRIMARY: 'PRIMARY',
  SECONDARY: 'SECONDARY',
  ALL_UNHEALTHY: 'ALL_UNHEALTHY',
  UNKNOWN: 'UNKNOWN',
} as const;
export type ServingState = (typeof ServingState)[keyof typeof ServingState];
export type KnownServingState = Exclude<ServingState, 'UNKNOWN'>;

/** The side whose records DNS returns for a serving state. */
export function servedRole(state: KnownServingState): FailoverRole {
  return state === ServingState.SECONDARY ? FailoverRole.SECONDARY : FailoverRole.PRIMARY;
}

export interface SideHealth {
  readonly verdict: Verdict;
  /** The health check that decided, if the record has one (an alias may inherit one). */
  readonly healthCheckId?: string;
  readonly basis: string;
  readonly evidence: Evidence;
}

/** What one look at a pair showed: its sides' health and the side DNS serves. */
export interface PairObservation {
  readonly pair: FailoverPair;
  readonly serving: ServingState;
  readonly primary: SideHealth;
  readonly secondary: SideHealth;
  readonly observedAt: string;
  readonly trigger: Trigger;
}

export const TriggerKind = { SCHEDULE: 'SCHEDULE', ALARM: 'ALARM', MANUAL: 'MANUAL' } as const;
export type TriggerKind = (typeof TriggerKind)[keyof typeof TriggerKind];

export interface Trigger {
  readonly kind: TriggerKind;
  /** The event id, alarm name or schedule name that caused the run. */
  readonly source: string;
}

export const TransitionKind = {
  FAILOVER: 'FAILOVER',
  FAILBACK: 'FAILBACK',
  STANDBY_LOST: 'STANDBY_LOST',
  STANDBY_RESTORED: 'STANDBY_RESTORED',
  ALL_UNHEALTHY: 'ALL_UNHEALTHY',
  ALL_UNHEALTHY_CLEARED: 'ALL_UNHEALTHY_CLEARED',
} as const;
export type TransitionKind = (typeof TransitionKind)[keyof typeof TransitionKind];

export const Severity = { CRITICAL: 'critical', WARNING: 'warning', INFO: 'info' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Hysteresis: a serving side (and standby verdict) seen, but not yet on enough consecutive observations. */
export interface Candidate {
  readonly serving: KnownServingState;
  readonly secondaryVerdict: Verdict;
  /** Consecutive observations (at distinct instants) that showed it. */
  readonly count: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** The maintenance window a transition fell in. */
export interface SilenceNote {
  readonly id: string;
  readonly reason: string;
  readonly until: string;
}

/** Flap damping in force: side changes from `fromSequence` on are held until the pair is stable for the window. */
export interface FlapHold {
  readonly since: string;
  readonly fromSequence: number;
}

/** Transitions from `fromSequence` on were silenced; one summary goes out once no silence covers the pair. */
export interface SilencedSpan extends SilenceNote {
  readonly fromSequence: number;
}

/**
 * The durable state of one pair, as last recorded. The optional fields belong to the notice policy
 * (lib/domain/notice-policy.ts); absent means "none", so items written before they existed still load.
 */
export interface PairState {
  readonly pairId: PairId;
  readonly serving: KnownServingState;
  readonly secondaryVerdict: Verdict;
  /** When `serving` last changed (or was first seen). */
  readonly servingSince: string;
  /** When `secondaryVerdict` last changed (or was first seen). */
  readonly secondarySince: string;
  /** Number of transitions recorded for this pair so far; the next one gets `sequence + 1`. */
  readonly sequence: number;
  readonly lastObservedAt: string;
  readonly candidate?: Candidate;
  /** When the serving side changed recently (within the flap window), oldest first. */
  readonly sideChanges?: readonly string[];
  readonly flapping?: FlapHold;
  readonly silenced?: SilencedSpan;
  readonly lastRemindedAt?: string;
  /** Since when every observation was UNKNOWN (the pair's status could not be read). */
  readonly unknownSince?: string;
  readonly degradedNotifiedAt?: string;
}

/** Why a recorded transition was not sent on its own. Absent: it is sent. */
export type Delivery =
  | { readonly status: 'HELD'; readonly reason: string }
  | { readonly status: 'SILENCED'; readonly silence: SilenceNote };

export const DnsAgreement = {
  /** Route 53 answers the decided side's values. */
  AGREES: 'AGREES',
  /** Route 53 answers something else: the other side's values, or neither's. */
  DISAGREES: 'DISAGREES',
  /** The decided side is an alias (a load balancer's addresses): reported, not compared. */
  NOT_COMPARED: 'NOT_COMPARED',
  SKIPPED: 'SKIPPED',
  UNAVAILABLE: 'UNAVAILABLE',
} as const;
export type DnsAgreement = (typeof DnsAgreement)[keyof typeof DnsAgreement];

/** What Route 53 answered (TestDNSAnswer) when a transition was recorded, and what it says about the decided side. */
export interface DnsConfirmation {
  readonly status: DnsAgreement;
  /** The side Failwatch decided DNS serves. */
  readonly decided: FailoverRole;
  /** What Route 53 answered (absent when skipped or unreadable). */
  readonly values?: readonly string[];
  readonly responseCode?: string;
  readonly askedAt?: string;
  /** Why it was skipped or could not be read. */
  readonly reason?: string;
  /** The finding in a sentence or two, as the email and the Slack message print it. */
  readonly sentence: string;
}

/** One recorded change of a pair, the unit of history and of notification. */
export interface Transition {
  /** `<zoneId>|<name>|<type>#<sequence>`: unique and stable, used to deduplicate notifications. */
  readonly id: string;
  readonly pairId: PairId;
  readonly sequence: number;
  readonly kind: TransitionKind;
  readonly severity: Severity;
  readonly from: KnownServingState;
  readonly to: KnownServingState;
  /** Addresses (or alias targets) of the side DNS served before and serves now. */
  readonly fromValues: readonly string[];
  readonly toValues: readonly string[];
  readonly primary: SideHealth;
  readonly secondary: SideHealth;
  readonly observedAt: string;
  readonly trigger: Trigger;
  /** How long the state this transition ends had lasted, in seconds. */
  readonly previousStateSeconds: number;
  /** The pair's state once this transition is applied (lets a later run finish an interrupted write). */
  readonly stateAfter: PairState;
  /** With hysteresis (more than one confirmation): when the new side was first seen, and on how many observations. */
  readonly confirmation?: { readonly firstSeenAt: string; readonly observations: number };
  readonly delivery?: Delivery;
  /** What Route 53 answered for the name when this was recorded; absent when no answer was asked for. */
  readonly dnsAnswer?: DnsConfirmation;
}

export function pairKey(id: PairId): string {
  return `${id.zoneId}|${id.name}|${id.type}`;
}

/**
 * The pair id a `pairKey` was made from; undefined if it is not one. A zone id and a record type never
 * hold `|`, so the name is whatever lies between the first and the last (a record name may hold one).
 */
export function parsePairKey(key: string): PairId | undefined {
  const first = key.indexOf('|');
  const last = key.lastIndexOf('|');
  if (first <= 0 || last <= first + 1 || last === key.length - 1) return undefined;
  return { zoneId: key.slice(0, first), name: key.slice(first + 1, last), type: key.slice(last + 1) };
}

/** A Route 53 health check id's shape: a UUID (Route 53 writes it in lower case; the case is not relied on). */
const HEALTH_CHECK_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isHealthCheckId(id: string): boolean {
  return HEALTH_CHECK_ID_SHAPE.test(id);
}

export function describePair(id: PairId): string {
  return `${id.name.replace(/\.$/, '')} ${id.type}`;
}
