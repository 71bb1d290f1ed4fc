/** What a watch run returns and logs: counts first, then only the pairs where something happened. */
import type { DnsAgreement } from '../domain/model';
import type { DiscoveryReport } from '../ports';
import { oldestPendingObservedAt, publishFailuresOf, type PublishFailure } from './publish';
import type { WatchSummary } from './watch';

export interface RunResult {
  readonly trigger: string;
  readonly observedAt: string;
  readonly pairsWatched: number;
  readonly pairsInScope: number;
  readonly transitionsRecorded: number;
  readonly noticesRecorded: number;
  readonly notificationsSent: number;
  readonly notificationsPending: number;
  /** Present only when some publish failed in this run: each failure, with what it was for (they stay pending; the next run retries them). */
  readonly publishFailures?: readonly PublishFailure[];
  /** Present only when notifications are left pending: how long the oldest has waited, in seconds, at the run's start. */
  readonly oldestPendingSeconds?: number;
  /** `dns`: how Route 53's answer (TestDNSAnswer) compared with the side decided, when transitions were recorded. */
  readonly changes: readonly { readonly pair: string; readonly recorded: readonly string[]; readonly notices: readonly string[]; readonly dns?: DnsAgreement }[];
  /** Present only when Route 53 answered another side than the one decided: each pair with the sentence its message carries. */
  readonly dnsDisagreements?: readonly { readonly pair: string; readonly sentence: string }[];
  /**
   * Present only when configuration notices were recorded: each with its pair and the risk it is about
   * (`<reason>#<what>`), a DR hole or blind spot that appeared (DR_HOLE, BLIND_SPOT) or is gone
   * (DR_HOLE_CLOSED, BLIND_SPOT_CLEARED), for pairs that could not be judged too.
   */
  readonly configNotices?: readonly { readonly pair: string; readonly kind: string; readonly risk: string }[];
  readonly unknownPairs: readonly string[];
  /** Present only when some pair could not be judged: why, for the first few (what to fix is in the reason). */
  readonly unknownReasons?: readonly { readonly pair: string; readonly reason: string }[];
  readonly unfinishedPairs: WatchSummary['unfinishedPairs'];
  readonly skippedRecords: WatchSummary['skipped'];
  readonly silencesUnavailable?: string;
  /**
   * Present only when discovery was not simply a complete listing: judged from the stored or a partial
   * listing, a listing under way (where it stands), or a listing call or progress write that failed.
   */
  readonly discovery?: DiscoveryReport;
  /** Present only when some pair's final outbox entries could not be moved to history this sweep. */
  readonly historyNotMoved?: WatchSummary['historyNotMoved'];
}

export function toRunResult(summary: WatchSummary): RunResult {
  return {
    trigger: `${summary.trigger.kind} ${summary.trigger.source}`,
    observedAt: summary.observedAt,
    pairsWatched: summary.pairsWatched,
    pairsInScope: summary.pairsInScope,
    transitionsRecorded: summary.transitionsRecorded,
    noticesRecorded: summary.noticesRecorded,
    notificationsSent: summary.notificationsSent,
    notificationsPending: summary.notificationsPending,
    ...publishingProblemsOf(summary),
    changes: summary.outcomes
      .filter((o) => o.recorded.length + o.notices.length > 0)
      .map((o) => ({ pair: o.pair, recorded: o.recorded, notices: o.notices, ...(o.dnsAnswer === undefined ? {} : { dns: o.dnsAnswer.status }) })),
    ...dnsDisagreementsOf(summary),
    ...configNoticesOf(summary),
    unknownPairs: summary.unknownPairs,
    ...unknownReasonsOf(summary),
    unfinishedPairs: summary.unfinishedPairs,
    skippedRecords: summary.skipped,
    ...(summary.silencesUnavailable === undefined ? {} : { silencesUnavailable: summary.silencesUnavailable }),
    ...(summary.discovery.source === 'INVENTORY' && summary.discovery.listing !== undefined ? { discovery: summary.discovery.listing } : {}),
    ...(summary.historyNotMoved.length === 0 ? {} : { historyNotMoved: summary.historyNotMoved }),
  };
}

function dnsDisagreementsOf(summary: WatchSummary): Pick<RunResult, 'dnsDisagreements'> {
  const disagreeing = summary.outcomes.flatMap((outcome) => (outcome.dnsAnswer?.status === 'DISAGREES' ? [{ pair: outcome.pair, sentence: outcome.dnsAnswer.sentence }] : []));
  return disagreeing.length === 0 ? {} : { dnsDisagreements: disagreeing };
}

function publishingProblemsOf(summary: WatchSummary): Pick<RunResult, 'publishFailures' | 'oldestPendingSeconds'> {
  const failures = publishFailuresOf(summary.publishing);
  const oldest = oldestPendingObservedAt(summary.publishing);
  return {
    ...(failures.length === 0 ? {} : { publishFailures: failures }),
    ...(oldest === undefined ? {} : { oldestPendingSeconds: Math.max(0, Math.round((Date.parse(summary.observedAt) - Date.parse(oldest)) / 1000)) }),
  };
}

function configNoticesOf(summary: WatchSummary): Pick<RunResult, 'configNotices'> {
  const notices = summary.outcomes.flatMap((outcome) => outcome.configNotices.map((notice) => ({ pair: outcome.pair, ...notice })));
  return notices.length === 0 ? {} : { configNotices: notices };
}

/** How many unknown pairs' reasons a run result carries. */
const UNKNOWN_REASONS_LISTED = 5;

function unknownReasonsOf(summary: WatchSummary): Pick<RunResult, 'unknownReasons'> {
  const unknown = summary.outcomes.filter((outcome) => outcome.serving === 'UNKNOWN');
  return unknown.length === 0 ? {} : { unknownReasons: unknown.slice(0, UNKNOWN_REASONS_LISTED).map((outcome) => ({ pair: outcome.pair, reason: outcome.reason })) };
}
