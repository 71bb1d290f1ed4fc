/**
 * What the use case needs from the outside world, in the domain's own words.
 * Adapters in lib/aws and lib/slack implement these; tests pass their own.
 */
import type {
  CheckerReadings,
  FailoverPair,
  HealthCheckDefinition,
  MetricReading,
  PairId,
  PairState,
  RecordSet,
  Transition,
} from './domain/model';
import type { AlarmSpec, ForeignAlarm, ManagedAlarm } from './domain/alarm-plan';
import type { ConfigNotice } from './domain/config-notices';
import type { LoadBalancerRef } from './domain/alias-targets';
import type { DnsAnswer } from './domain/dns-answer';
import type { LoadBalancerLookup, TargetCountQuery, TargetCountReading } from './domain/load-balancer-health';
import type { Notice } from './domain/notices';
import type { PairDefinition } from './domain/pair-definition';
import type { PairWatch } from './domain/pair-watch';
import type { Silence } from './domain/silences';

export interface Clock {
  now(): Date;
}

/** Something Route 53 listed that Failwatch leaves out, and why, so nobody is left guessing. */
export interface SkippedEntry {
  readonly where: string;
  readonly reason: string;
}

/** A hosted zone as a listing carries it. */
export interface ListedZone {
  readonly id: string;
  readonly name: string;
  /** A private hosted zone (TestDNSAnswer cannot be asked there). */
  readonly private: boolean;
}

/** What a Route 53 listing lists first, then, then last; DONE once the last page is in. */
export const ListingPhase = { HEALTH_CHECKS: 'HEALTH_CHECKS', ZONES: 'ZONES', RECORDS: 'RECORDS', DONE: 'DONE' } as const;
export type ListingPhase = (typeof ListingPhase)[keyof typeof ListingPhase];

/** Lists everything, or only the health check definitions (the sweep's refresh of a complete listing). */
export const ListingScope = { ALL: 'ALL', HEALTH_CHECKS: 'HEALTH_CHECKS' } as const;
export type ListingScope = (typeof ListingScope)[keyof typeof ListingScope];

/**
 * Where a Route 53 listing goes on from: plain JSON data, kept between runs (and durably, while the
 * listing is incomplete), so a listing cut by a run's deadline resumes at the page where it stopped.
 * Health checks come first: once they are in, every zone listed after them gives pairs that can be judged.
 */
export interface ListingCursor {
  readonly scope: ListingScope;
  readonly phase: ListingPhase;
  /** HEALTH_CHECKS: the next page's marker; absent before the first page. */
  readonly healthCheckMarker?: string;
  /** ZONES: the next ListHostedZones page's marker; absent before the first page. */
  readonly zoneMarker?: string;
  /** The zones whose records are listed, in order (complete once the phase is past ZONES). */
  readonly zones: readonly ListedZone[];
  /** RECORDS: the zone being listed (index in `zones`), where its next page starts, and its records so far. */
  readonly zoneIndex: number;
  readonly recordStart?: { readonly name: string; readonly type: string; readonly identifier?: string };
  /** A zone's pairs are built once all its records are in; these are the ones of zone `zoneIndex` listed so far. */
  readonly zoneRecords: readonly RecordSet[];
}

/** Where a listing of `scope` starts. */
export function listingStart(scope: ListingScope): ListingCursor {
  return { scope, phase: ListingPhase.HEALTH_CHECKS, zones: [], zoneIndex: 0, zoneRecords: [] };
}

/** What a stretch of a listing gathered: the pairs and reached records of the zones it finished, the health checks it read. */
export interface ListingPiece {
  readonly pairs: readonly FailoverPair[];
  /** Every record set of each zone finished that judging its pairs reads, by zone id (a zone without pairs has none). */
  readonly recordSetsByZone: readonly (readonly [string, readonly RecordSet[]])[];
  readonly healthChecks: readonly HealthCheckDefinition[];
  /** Failover records that do not form a pair, and checks of a type Failwatch does not know. */
  readonly skipped: readonly SkippedEntry[];
}

/** One stretch of a listing: what it gathered and where the listing goes on from (`phase` DONE: it is complete). */
export interface ListingStep {
  readonly cursor: ListingCursor;
  readonly piece: ListingPiece;
  /** Why the stretch stopped early, if a call failed: what it gathered before stands, and the cursor resumes at the failed page. */
  readonly failure?: Error;
}

/** Everything Route 53 says about the watched zones and health checks. */
export interface Inventory {
  readonly pairs: readonly FailoverPair[];
  /** Every record set of each watched zone, by zone id (aliases resolve against these). */
  readonly recordSetsByZone: ReadonlyMap<string, readonly RecordSet[]>;
  readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition>;
  /** Failover records that do not form a pair (a PRIMARY without SECONDARY, ...) and checks of unknown types. */
  readonly skipped: readonly SkippedEntry[];
  /**
   * When Route 53 was listed for the records and for the health check definitions this inventory holds
   * (ISO instants); absent from a source that lists everything on every call (the listing is this run's).
   */
  readonly listedAt?: { readonly records: string; readonly healthChecks: string };
  /**
   * Absent for a listing of Route 53. STORED: rebuilt from the pair definitions the last complete listing
   * left in the table (a new container's first runs, while its own listing is under way): its age is
   * unknown, so no configuration notice is decided from it. PARTIAL: the first listing ever, not complete
   * yet: the pairs of the zones listed so far only; nothing may conclude from a pair's absence.
   */
  readonly origin?: InventoryOrigin;
}

export const InventoryOrigin = { STORED: 'STORED', PARTIAL: 'PARTIAL' } as const;
export type InventoryOrigin = (typeof InventoryOrigin)[keyof typeof InventoryOrigin];

/** What a caller of `loadInventory` may ask for beyond "the inventory". All optional. */
export interface InventoryRequest {
  /**
   * The health checks the caller is about to evaluate (an alarm names them). A cached inventory that
   * does not know one of them is listed afresh first: the check may have been created since.
   */
  readonly healthCheckIds?: readonly string[];
  /** List afresh even if a cached inventory is still fresh. */
  readonly refresh?: boolean;
  /**
   * List the health check definitions again unless those held were listed less than this many seconds
   * ago (0: always), while zones and record sets may still come from the cache: a check disabled or
   * inverted for maintenance is judged by the next run that asks, not when the cache expires.
   */
  readonly healthChecksMaxAgeSeconds?: number;
  /** The run's deadline: a cache lists Route 53 only for part of the time left, and resumes in the next run. */
  readonly deadline?: Date;
  /**
   * The inventory this run already loaded (the definition sync and the alarm reconciler after the sweep):
   * a cache never lists for it, whatever its age. A source without a cache lists.
   */
  readonly fromThisRun?: boolean;
}

/** How the run's discovery went: what the run log shows under `discovery`. */
export interface DiscoveryReport {
  /** COMPLETE: judged from a complete listing. STORED / PARTIAL: see `InventoryOrigin`. */
  readonly judgedFrom: 'COMPLETE' | InventoryOrigin;
  /** Present while a listing is under way (cut by the deadline or a failure): where it stands. */
  readonly listing?: { readonly phase: ListingPhase; readonly zonesDone: number; readonly zones: number; readonly healthChecks: number; readonly runs: number };
  /**
   * Why the Route 53 listing stopped short this run, when a call failed (what it gathered stands), and
   * whether trying again may help: the invocation fails with it once it has judged and recorded.
   */
  readonly error?: { readonly message: string; readonly retryable: boolean };
  /** Why the table's discovery could not be read or written (the container lists, or keeps its progress, alone meanwhile). */
  readonly storeProblem?: string;
}

/** Route 53 listing: hosted zones, record sets, health check definitions (every page). */
export interface InventorySource {
  /** Sources that do not cache list every time and may ignore `request`. */
  loadInventory(request?: InventoryRequest): Promise<Inventory>;
  /** How the last `loadInventory` went; absent from a source that always lists everything. */
  lastDiscovery?(): DiscoveryReport | undefined;
}

/** Route 53's listings, page by page, resumable: what the discovery cache drives within a run's deadline. */
export interface Route53Listings {
  /**
   * Lists from `cursor` (the start of a listing of `scope` when undefined) until the listing is done, or
   * `stop()` says so before a page. Never throws for a failed call: the step carries the failure.
   */
  continueListing(cursor: ListingCursor | undefined, stop: () => boolean, scope?: ListingScope): Promise<ListingStep>;
}

/**
 * The discovery's durable part (DynamoDB in production): the pair keys of the last complete listing (whose
 * definitions are stored apart, PairDefinitionStore) and the progress of a listing still under way.
 */
export interface ListingStore {
  /** What is stored, in one read (undefined: nothing); damaged progress is left out, with why. */
  loadListingState(): Promise<StoredListingState>;
  /**
   * Records one more stretch of the listing under way (`listingId`): its piece and the cursor it ends at.
   * Only ever called while the listing is incomplete. Throws StoreError.
   */
  saveProgress(listingId: string, startedAt: string, stretch: number, step: { readonly cursor: ListingCursor; readonly piece: ListingPiece }): Promise<void>;
  /**
   * The listing whose pairs are `pairKeys` is complete and every definition is stored: keeps its pair keys
   * and drops stored progress. Writes nothing when the same keys are stored and no progress is. Returns the writes made.
   */
  saveComplete(pairKeys: readonly string[]): Promise<number>;
}

export interface StoredListingState {
  /** The last complete listing's pair keys (their definitions are the listing). */
  readonly complete?: { readonly pairKeys: readonly string[] };
  /** A listing under way: each stretch stored, in order (the last one's cursor is where it goes on). */
  readonly progress?: { readonly listingId: string; readonly startedAt: string; readonly stretches: readonly { readonly cursor: ListingCursor; readonly piece: ListingPiece }[] };
  /** Why something stored was left out (damaged, of another format). */
  readonly problems: readonly string[];
}

/** Route 53's verdicts from CloudWatch `AWS/Route53 HealthCheckStatus` in us-east-1. */
export interface HealthMetricSource {
  /** One reading per id asked for; a failed query gives UNAVAILABLE readings, never a throw. */
  readHealthMetrics(healthCheckIds: readonly string[], at: Date): Promise<ReadonlyMap<string, MetricReading>>;
}

/** Per-checker reports from `GetHealthCheckStatus` (a diagnosis API: call sparingly). */
export interface CheckerStatusSource {
  /** Never throws for an AWS failure: returns UNAVAILABLE with the reason. */
  readCheckerReports(healthCheckId: string): Promise<CheckerReadings>;
}

/**
 * Elastic Load Balancing: what the load balancers behind target-health aliases are (zones, target groups
 * and their DNS failover attributes), in their own regions. Described at discovery and cached per
 * container (lib/usecases/cached-load-balancers.ts).
 */
export interface LoadBalancerDirectory {
  /** A lookup per ref, by `loadBalancerKey`; never throws: one that cannot be described is UNREADABLE with the reason. */
  describeLoadBalancers(refs: readonly LoadBalancerRef[]): Promise<ReadonlyMap<string, LoadBalancerLookup>>;
}

/** Their targets' counts, read each run (CloudWatch HealthyHostCount / UnHealthyHostCount in each balancer's region). */
export interface TargetCountSource {
  /** One reading per query id; a failed call gives UNAVAILABLE readings, never a throw. */
  readTargetCounts(queries: readonly TargetCountQuery[], at: Date): Promise<ReadonlyMap<string, TargetCountReading>>;
}

/** What Route 53 answers for a name now (TestDNSAnswer), asked before a transition is committed. */
export interface DnsAnswerSource {
  /** Never throws and never waits long: SKIPPED when the request budget is short or the account's rate for DNS answers is spent, UNAVAILABLE on a failure or past its bound (about 2 s). */
  askDnsAnswer(pairId: PairId, at: Date): Promise<DnsAnswer>;
}

/** Every notice a pair's history holds: the notice policy's (lib/domain/notices.ts) and configuration notices (lib/domain/config-notices.ts). */
export type PairNotice = Notice | ConfigNotice;

/** What `record` writes for one pair. */
export interface StateChange {
  /** The pair; may be left out when `next` is given (it names the pair). */
  readonly pairId?: PairId;
  /** The state the decision was made from; undefined when the pair had none. */
  readonly expected: PairState | undefined;
  /** The state to store; undefined while the pair has none (never judgeable): then only `watch` and notices are written, no transition. */
  readonly next: PairState | undefined;
  /** In sequence order, numbered expected.sequence + 1 ... */
  readonly transitions: readonly Transition[];
  /** Notices to record with the change; a notice already in history (same key) stands, and is not recorded twice. */
  readonly notices?: readonly PairNotice[];
  /** The pair's watch to store in place of the stored one; absent: the stored one is kept as it is. */
  readonly watch?: PairWatch;
}

/**
 * PENDING: waiting in the outbox to be sent. HELD (flapping) and SILENCED (maintenance window): recorded,
 * not sent on their own; a FLAPPING_ENDED or SILENCE_SUMMARY notice covers them.
 */
export const PublishStatus = { PENDING: 'PENDING', PUBLISHED: 'PUBLISHED', HELD: 'HELD', SILENCED: 'SILENCED' } as const;
export type PublishStatus = (typeof PublishStatus)[keyof typeof PublishStatus];

export interface StoredTransition extends Transition {
  readonly publishStatus: PublishStatus;
  readonly snsMessageId?: string;
  readonly publishedAt?: string;
}

export type StoredNotice = PairNotice & {
  readonly publishStatus: typeof PublishStatus.PENDING | typeof PublishStatus.PUBLISHED;
  readonly snsMessageId?: string;
  readonly publishedAt?: string;
};

/**
 * A transition or notice committed with the pair's state and still in its outbox: waiting to be sent
 * (PENDING), or final (PUBLISHED, HELD, SILENCED) and not yet moved to a history item of its own by a sweep.
 */
export type OutboxItem =
  | { readonly kind: 'TRANSITION'; readonly transition: StoredTransition }
  | { readonly kind: 'NOTICE'; readonly notice: StoredNotice };

/** A pair's stored item, whether or not it holds a serving state: its revision, its outbox and its watch. */
export interface StoredPairItem {
  readonly pairId: PairId;
  /** Optimistic-lock counter of the state item, bumped by every `record` (never by the outbox's bookkeeping or its move to history). */
  readonly revision: number;
  /** Sequences of the outbox's PENDING transitions: recorded, not yet published. */
  readonly pendingSequences: readonly number[];
  /** Keys of the outbox's PENDING notices; absent when none. */
  readonly pendingNotices?: readonly string[];
  /** The outbox, transitions in sequence order then notices by key; absent when empty. */
  readonly outbox?: readonly OutboxItem[];
  /** What the watch keeps beside the serving state (lib/domain/pair-watch.ts); absent when none was ever stored. */
  readonly watch?: PairWatch;
}

export interface StoredPairState extends PairState, StoredPairItem {}

/** The item of a pair never judgeable so far: no serving state (its first is never a guess), only its watch and outbox. */
export interface StoredUnjudgedPair extends StoredPairItem {
  readonly serving?: undefined;
}

export type StoredPair = StoredPairState | StoredUnjudgedPair;

/** The serving state a stored item holds; undefined for a pair never judged. */
export function judgedState(stored: StoredPair | undefined): StoredPairState | undefined {
  return stored?.serving === undefined ? undefined : stored;
}

/** What `record` returns: the item as committed, its outbox as `record` left it. */
export type RecordedPair = StoredPair & {
  /**
   * Only when `record` was given `claimUntil`: the PENDING transitions (by sequence) and notices (by key)
   * it committed already claimed until then, under `token`. While the lease lasts the caller publishes
   * them without claiming them; any other run treats them as claimed, exactly as after `claimForPublish`.
   */
  readonly claimed?: BornClaim;
};

export interface BornClaim {
  readonly token: string;
  readonly until: Date;
  readonly sequences: readonly number[];
  readonly notices: readonly string[];
}

/**
 * Durable pair state and history (DynamoDB in production). The state's one conditional write is the
 * commit point: it carries the new state and, in its outbox, every transition and notice recorded with
 * it. Publishing works on the outbox entry (claim, mark, release) without touching the revision; only
 * the scheduled sweep moves final entries (PUBLISHED, HELD, SILENCED) to history items of their own
 * (`materialize`), so a history item never changes. Until then the reads below show them from the
 * outbox, so history never misses a committed item.
 */
export interface StateStore {
  /**
   * Current items of the given pairs, by `pairKey`, outbox and watch included (a pair never judged has
   * an item without a serving state once something was kept for it); missing pairs are absent. Few
   * calls, eventually consistent, no writes.
   */
  loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPair>>;
  /** Strongly consistent read of one pair's item, outbox included. No writes. */
  loadStateConsistent(pairId: PairId): Promise<StoredPair | undefined>;
  /**
   * Commits `next` with the transitions and notices in its outbox, in ONE write, only if the stored
   * revision is still `expectedRevision` (no state at all for undefined): throws StaleStateError
   * otherwise, having written nothing. Writes no history item. With `claimUntil` (now + the publish
   * lease), the PENDING entries it adds are committed already claimed until then, which saves the caller
   * the claim: it returns them in `claimed`. A notice key already in the outbox keeps its first entry.
   */
  record(change: StateChange & { readonly expectedRevision: number | undefined }, options?: { readonly claimUntil?: Date }): Promise<RecordedPair>;
  /**
   * The scheduled sweep's housekeeping: writes each FINAL item (PUBLISHED, HELD, SILENCED) as a history
   * item of its own (an identical one already there is fine; a different transition under its sequence is
   * a StoreError), then takes them out of the outbox. PENDING items are left alone; items no longer in
   * the outbox are harmless.
   */
  materialize(pairId: PairId, items: readonly OutboxItem[]): Promise<void>;
  /** The transition, from history or, committed but not yet moved there, from the state's outbox. */
  getTransition(pairId: PairId, sequence: number): Promise<StoredTransition | undefined>;
  /** Newest first, committed ones still only in the outbox included. */
  listTransitions(pairId: PairId, limit?: number): Promise<readonly StoredTransition[]>;
  /**
   * Claims a PENDING transition's outbox entry for publishing until `leaseUntil` and returns the claim's
   * token; undefined if it is not in the outbox, no longer PENDING, or claimed by another run whose lease
   * has not run out.
   */
  claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<string | undefined>;
  /**
   * Marks the transition's outbox entry PUBLISHED with the SNS message id (its claim gone), without
   * touching the revision: it never makes a concurrent `record` fail. The entry stays in the outbox until
   * a sweep moves it to history. Already moved there (published by another run): nothing to do.
   */
  markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void>;
  /**
   * Gives up this run's claim (`claimToken`, from `claimForPublish` or the born claim) after a failed
   * publish, so the next run tries again at once. A claim another run holds now is left alone.
   */
  releaseClaim(pairId: PairId, sequence: number, claimToken: string): Promise<void>;
  /** Oldest first: the transitions numbered fromSequence..toSequence that are recorded (outbox included). */
  listTransitionsBetween(pairId: PairId, fromSequence: number, toSequence: number): Promise<readonly StoredTransition[]>;
  /** The notice, from history or from the state's outbox. */
  getNotice(pairId: PairId, key: string): Promise<StoredNotice | undefined>;
  /** Newest first (by key within a kind; notices are few), outbox included. */
  listNotices(pairId: PairId, limit?: number): Promise<readonly StoredNotice[]>;
  /** The notice counterparts of claimForPublish, markPublished and releaseClaim. */
  claimNoticeForPublish(pairId: PairId, key: string, now: Date, leaseUntil: Date): Promise<string | undefined>;
  markNoticePublished(pairId: PairId, key: string, snsMessageId: string, publishedAt: Date): Promise<void>;
  releaseNoticeClaim(pairId: PairId, key: string, claimToken: string): Promise<void>;
  /**
   * Checked before a notice is sent: true when history holds its key already (it was recorded, and
   * moved there, before this entry was committed: the same notice decided again). The first copy stands;
   * the repeat is taken out of the outbox and must not be sent. False: send it.
   */
  dropRepeatedNotice(pairId: PairId, key: string): Promise<boolean>;
}

/** Maintenance windows set from the CLI (DynamoDB in production); configured ones come from lib/runtime/config.ts. */
export interface SilenceStore {
  /** Every stored silence not yet past its end at `now`, in one call. */
  listSilences(now: Date): Promise<readonly Silence[]>;
  addSilence(silence: Silence, createdAt: Date): Promise<void>;
  /** Ends a silence now (its summary goes out on the next sweep); false if there is no such silence. */
  endSilence(id: string, now: Date): Promise<boolean>;
}

/**
 * Each pair's definition (lib/domain/pair-definition.ts), kept in the table by the sweep, so the alarm
 * function judges a pair without listing Route 53. Reads are batched with the states and silences asked
 * for at the same moment (DynamoDB in production: one BatchGetItem for all of them).
 */
export interface PairDefinitionStore {
  /** Stored definitions of the given pairs, by `pairKey`; a pair with none, or with one unreadable or damaged, is absent. No writes. */
  loadDefinitions(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, PairDefinition>>;
  /**
   * The content hash (`hashPairDefinition` of lib/pair-definition-codec.ts) of each stored definition, by
   * `pairKey`; absent when none is stored or the stored one is damaged or of another format, so it is rewritten.
   */
  loadDefinitionHashes(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, string>>;
}

/** Writes pair definitions (the poll function only). */
export interface PairDefinitionWriter {
  /** Stores each definition (replacing what was stored) and removes the definitions of `remove`. Throws StoreError; what was written before stays written. */
  writeDefinitions(changes: { readonly put: readonly PairDefinition[]; readonly remove: readonly PairId[] }): Promise<void>;
}

/** A rendered notification, ready for a channel. */
export interface OutgoingNotification {
  readonly transitionId: string;
  readonly subject: string;
  /** Plain text for people (email). */
  readonly text: string;
  /** Structured payload for machine subscribers (the Slack function). */
  readonly payload: unknown;
  /** For SNS subscription filter policies (at most 5 keys are usable in a policy). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Notifier {
  /** Returns the channel's message id. Throws NotifierError. */
  publish(notification: OutgoingNotification): Promise<{ messageId: string }>;
}

/** The ports the watch use case runs on. */
export interface WatchPorts {
  readonly inventory: InventorySource;
  readonly metrics: HealthMetricSource;
  /** For a verdict (checks without metric data): patient, retried. */
  readonly checkers: CheckerStatusSource;
  /** For an alert's evidence (checks whose verdict changed): optional, so never waited for nor retried; says why when not read. */
  readonly checkerEvidence: CheckerStatusSource;
  readonly store: StateStore;
  readonly notifier: Notifier;
  readonly silences: SilenceStore;
  /** Where an alarm with a pair hint finds its pairs without Route 53; absent: every alarm lists Route 53 (or its cache). */
  readonly definitions?: PairDefinitionStore;
  /** Load balancers behind target-health aliases and their targets' counts; absent: such aliases are judged UNKNOWN. */
  readonly loadBalancers?: { readonly directory: LoadBalancerDirectory; readonly targetCounts: TargetCountSource };
  /** Route 53's answer stored with each transition; absent: none is asked for. */
  readonly dnsAnswers?: DnsAnswerSource;
}

/**
 * Failwatch's own CloudWatch alarms on `AWS/Route53 HealthCheckStatus` (managed alarms), in us-east-1,
 * named `<prefix>-<health check id>`. Only alarms carrying Failwatch's tag are ever changed or deleted:
 * the caller confirms an alarm's ownership (`confirmOwnership`) right before updating or deleting it.
 */
export interface AlarmManager {
  /**
   * The alarms named `<prefix>-<health check id>`: Failwatch's own (tagged) and the others (reported,
   * never touched). Other names under the prefix are skipped. Once `pastDeadline()` says so, stops
   * before the next page or tag read and returns what it has, with `complete: false`.
   */
  listAlarms(pastDeadline?: () => boolean): Promise<AlarmListing>;
  /**
   * Reads the tags of an alarm of the last listing again, whatever the container proved before:
   * `NOT_OURS` if it no longer carries Failwatch's tag (or the last listing did not show it), `GONE` if it
   * no longer exists. Throws AlarmManagerError.
   */
  confirmOwnership(name: string): Promise<AlarmOwnership>;
  /** Creates the alarm with Failwatch's tag, or overwrites one of Failwatch's own. Throws AlarmManagerError. */
  putAlarm(spec: AlarmSpec): Promise<void>;
  /** Deletes Failwatch's alarms by name, at most 100 a call. Throws AlarmManagerError. */
  deleteAlarms(names: readonly string[]): Promise<void>;
}

export interface AlarmListing {
  readonly managed: readonly ManagedAlarm[];
  readonly foreign: readonly ForeignAlarm[];
  /** False when the deadline stopped the listing: `managed` and `foreign` are then partial. */
  readonly complete: boolean;
}

export const AlarmOwnership = { OURS: 'OURS', NOT_OURS: 'NOT_OURS', GONE: 'GONE' } as const;
export type AlarmOwnership = (typeof AlarmOwnership)[keyof typeof AlarmOwnership];
