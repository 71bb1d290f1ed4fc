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
import type { Notice } from './domain/notices';
import type { Silence } from './domain/silences';

export interface Clock {
  now(): Date;
}

/** Everything Route 53 says about the watched zones and health checks. */
export interface Inventory {
  readonly pairs: readonly FailoverPair[];
  /** Every record set of each watched zone, by zone id (aliases resolve against these). */
  readonly recordSetsByZone: ReadonlyMap<string, readonly RecordSet[]>;
  readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition>;
  /** Failover records that do not form a pair (a PRIMARY without SECONDARY, ...), so nobody is left guessing. */
  readonly skipped: readonly { readonly where: string; readonly reason: string }[];
}

/** What a caller of `loadInventory` may ask for beyond "the inventory". Both optional. */
export interface InventoryRequest {
  /**
   * The health checks the caller is about to evaluate (an alarm names them). A cached inventory that
   * does not know one of them is listed afresh first: the check may have been created since.
   */
  readonly healthCheckIds?: readonly string[];
  /** List afresh even if a cached inventory is still fresh. */
  readonly refresh?: boolean;
}

/** Route 53 listing: hosted zones, record sets, health check definitions (every page). */
export interface InventorySource {
  /** Sources that do not cache list every time and may ignore `request`. */
  loadInventory(request?: InventoryRequest): Promise<Inventory>;
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

/** What `record` writes for one pair. */
export interface StateChange {
  /** The state the decision was made from; undefined when the pair had none. */
  readonly expected: PairState | undefined;
  readonly next: PairState;
  /** In sequence order, numbered expected.sequence + 1 ... */
  readonly transitions: readonly Transition[];
  /** Notices to record with the change; a notice already recorded (same key) is not recorded twice. */
  readonly notices?: readonly Notice[];
}

/**
 * PENDING: in the outbox. HELD (flapping) and SILENCED (maintenance window): recorded, not sent on
 * their own; a FLAPPING_ENDED or SILENCE_SUMMARY notice covers them.
 */
export const PublishStatus = { PENDING: 'PENDING', PUBLISHED: 'PUBLISHED', HELD: 'HELD', SILENCED: 'SILENCED' } as const;
export type PublishStatus = (typeof PublishStatus)[keyof typeof PublishStatus];

export interface StoredTransition extends Transition {
  readonly publishStatus: PublishStatus;
  readonly snsMessageId?: string;
  readonly publishedAt?: string;
}

export interface StoredNotice extends Notice {
  readonly publishStatus: typeof PublishStatus.PENDING | typeof PublishStatus.PUBLISHED;
  readonly snsMessageId?: string;
  readonly publishedAt?: string;
}

export interface StoredPairState extends PairState {
  /** Optimistic-lock counter of the state item, bumped on every state write by `record` or a repair (not by the outbox). */
  readonly revision: number;
  /** Sequences of this pair's transitions recorded but not yet published (the outbox). */
  readonly pendingSequences: readonly number[];
  /** Keys of this pair's notices recorded but not yet published (the same outbox); absent when none. */
  readonly pendingNotices?: readonly string[];
}

/** Durable pair state and transition history (DynamoDB in production). */
export interface StateStore {
  /** Current states of the given pairs, by `pairKey`; missing pairs are absent. Few calls, eventually consistent. */
  loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPairState>>;
  /**
   * Strongly consistent read of one pair that also finishes an interrupted write: if transitions beyond
   * the state's sequence exist, the state is rolled forward to the last one's `stateAfter` first.
   */
  loadStateConsistent(pairId: PairId): Promise<StoredPairState | undefined>;
  /**
   * Writes each transition (only if its sequence is free), then the state (only if its revision is
   * still `expected`'s), adding the transitions to the outbox. Throws StaleStateError on a lost race.
   */
  record(change: StateChange & { readonly expectedRevision: number | undefined }): Promise<void>;
  getTransition(pairId: PairId, sequence: number): Promise<StoredTransition | undefined>;
  /** Newest first. */
  listTransitions(pairId: PairId, limit?: number): Promise<readonly StoredTransition[]>;
  /**
   * Claims a pending transition for publishing until `leaseUntil`; false if already published or
   * claimed by another run whose lease has not run out.
   */
  claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Records the SNS message id and removes the sequence from the pair's outbox. */
  markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void>;
  /** Gives up a claim after a failed publish so the next run tries again at once. */
  releaseClaim(pairId: PairId, sequence: number): Promise<void>;
  /** Oldest first: the transitions numbered fromSequence..toSequence that exist. */
  listTransitionsBetween(pairId: PairId, fromSequence: number, toSequence: number): Promise<readonly StoredTransition[]>;
  getNotice(pairId: PairId, key: string): Promise<StoredNotice | undefined>;
  /** Newest first (by key within a kind; notices are few). */
  listNotices(pairId: PairId, limit?: number): Promise<readonly StoredNotice[]>;
  /** The notice counterparts of claimForPublish, markPublished and releaseClaim. */
  claimNoticeForPublish(pairId: PairId, key: string, now: Date, leaseUntil: Date): Promise<boolean>;
  markNoticePublished(pairId: PairId, key: string, snsMessageId: string, publishedAt: Date): Promise<void>;
  releaseNoticeClaim(pairId: PairId, key: string): Promise<void>;
}

/** Maintenance windows set from the CLI (DynamoDB in production); configured ones come from lib/config.ts. */
export interface SilenceStore {
  /** Every stored silence not yet past its end at `now`, in one call. */
  listSilences(now: Date): Promise<readonly Silence[]>;
  addSilence(silence: Silence, createdAt: Date): Promise<void>;
  /** Ends a silence now (its summary goes out on the next sweep); false if there is no such silence. */
  endSilence(id: string, now: Date): Promise<boolean>;
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
  readonly checkers: CheckerStatusSource;
  readonly store: StateStore;
  readonly notifier: Notifier;
  readonly silences: SilenceStore;
}
