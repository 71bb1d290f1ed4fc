/** What a watch run returns and logs: counts first, then only the pairs where something happened. */
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
  readonly changes: readonly { readonly pair: string; readonly recorded: readonly string[]; readonly notices: readonly string[] }[];
  readonly unknownPairs: readonly string[];
  readonly unfinishedPairs: WatchSummary['unfinishedPairs'];
  readonly skippedRecords: WatchSummary['skipped'];
  readonly silencesUnavailable?: string;
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
    changes: summary.outcomes.filter((o) => o.recorded.length + o.notices.length > 0).map((o) => ({ pair: o.pair, recorded: o.recorded, notices: o.notices })),
    unknownPairs: summary.unknownPairs,
    unfinishedPairs: summary.unfinishedPairs,
    skippedRecords: summary.skipped,
    ...(summary.silencesUnavailable === undefined ? {} : { silencesUnavailable: summary.silencesUnavailable }),
    ...(summary.historyNotMoved.length === 0 ? {} : { historyNotMoved: summary.historyNotMoved }),
  };
}
