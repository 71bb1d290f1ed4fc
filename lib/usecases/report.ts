/**
 * `failwatch report`: the window's DR report (lib/domain/report.ts) from each pair's recorded history, the
 * silences known now added for the timeline's shading. Test alerts are kept apart from the pairs' histories
 * (lib/aws/dynamodb/test-alerts.ts), so none is ever counted. Reads only.
 */
import { describePair, pairKey } from '../domain/model';
import { buildReport, type PairReport, type Report, type ReportWindow, type SentNotification } from '../domain/report';
import type { Silence } from '../domain/silences';
import { mapBounded } from '../batches';
import { historyReference } from '../notify/reference';
import { isConfigNotice } from '../domain/config-notices';
import type { Notice } from '../domain/notices';
import { judgedState, PublishStatus, type SilenceStore } from '../ports';
import type { HistoryReader, PairHistory, StoredPairCatalog } from './console-ports';
import { catalogPairs, selectPairs, type PairFilter } from './pair-selection';

export interface ReportDeps {
  readonly pairs: StoredPairCatalog;
  readonly history: HistoryReader;
  readonly silences: SilenceStore;
}

export interface ReportRequest extends PairFilter {
  readonly window: ReportWindow;
  readonly now: Date;
  /** The deployment's FAILWATCH_SILENCES (shaded on the timeline with those set from the CLI). */
  readonly configuredSilences: readonly Silence[];
  readonly where: string;
}

export interface NamedPairReport extends PairReport {
  /** `app.example.com A` */
  readonly pair: string;
  readonly zoneName?: string;
}

export interface StageReport extends Report {
  readonly pairs: readonly NamedPairReport[];
}

const PAIRS_AT_ONCE = 8;

export async function buildStageReport(deps: ReportDeps, request: ReportRequest): Promise<StageReport> {
  const pairs = selectPairs(catalogPairs(await deps.pairs.listStoredPairs()), request, request.where);
  const silences = [...request.configuredSilences, ...(await deps.silences.listSilences(request.now))];
  const histories = await mapBounded(pairs, PAIRS_AT_ONCE, async (pair) => ({ pair, history: await deps.history.readPairHistory(pair.pairId) }));
  const report = buildReport(
    histories.map(({ pair, history }) => {
      const state = judgedState(history.state);
      return {
        pairId: pair.pairId,
        ...(state === undefined ? {} : { state }),
        transitions: history.transitions,
        // Configuration notices (DR_HOLE, BLIND_SPOT...) say nothing of the side served.
        notices: history.notices.filter((n): n is Notice & typeof n => !isConfigNotice(n)),
        sent: sentNotifications(history),
        silences,
      };
    }),
    request.window,
    request.now.toISOString(),
  );
  const zoneNames = new Map(pairs.flatMap((pair) => (pair.definition ? [[pairKey(pair.pairId), pair.definition.pair.zoneName] as const] : [])));
  return {
    ...report,
    pairs: report.pairs.map((pair) => {
      const zoneName = zoneNames.get(pairKey(pair.pairId));
      return { ...pair, pair: describePair(pair.pairId), ...(zoneName === undefined ? {} : { zoneName }) };
    }),
  };
}

/** Every transition and notice SNS took: when it was published (or observed, if the time was not kept). */
function sentNotifications(history: PairHistory): SentNotification[] {
  return [
    ...history.transitions
      .filter((t) => t.publishStatus === PublishStatus.PUBLISHED)
      .map((t) => ({ at: t.publishedAt ?? t.observedAt, kind: t.kind, reference: historyReference(t.pairId, { sequence: t.sequence }) })),
    ...history.notices
      .filter((n) => n.publishStatus === PublishStatus.PUBLISHED)
      .map((n) => ({ at: n.publishedAt ?? n.observedAt, kind: n.kind, reference: historyReference(n.pairId, { noticeKey: n.key }) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
}
