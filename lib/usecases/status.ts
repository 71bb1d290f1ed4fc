/**
 * `failwatch status`: every watched pair as Failwatch last recorded it, from the same items the watch decides
 * from (the state, its outbox, the history): the side DNS serves and since when, each side's health with the
 * evidence of the last transition, what is still waiting to be sent, the silences in force (set from the CLI
 * and configured), flapping and held changes, and the pairs it cannot read, with why. Reads only.
 */
import { describePair, ServingState, Verdict, pairKey, servedRole, type KnownServingState, type PairId, type SideHealth } from '../domain/model';
import type { ConfigRiskKind } from '../domain/config-risks';
import { NoticeKind } from '../domain/notices';
import { silenceCovers, type Silence } from '../domain/silences';
import { mapBounded } from '../batches';
import { evidenceSummary } from '../notify/render';
import { historyReference } from '../notify/reference';
import { judgedState, PublishStatus, type SilenceStore, type StoredTransition } from '../ports';
import type { HistoryReader, PairHistory, StoredPairCatalog } from './console-ports';
import { catalogPairs, selectPairs, unreadableWarnings, type CatalogPair, type PairFilter } from './pair-selection';
import { recordValues } from './publish';

export interface StatusDeps {
  readonly pairs: StoredPairCatalog;
  readonly history: HistoryReader;
  readonly silences: SilenceStore;
}

export interface StatusRequest extends PairFilter {
  readonly now: Date;
  /** The deployment's FAILWATCH_SILENCES; `configuredSilencesUnavailable` says why they are missing, if they are. */
  readonly configuredSilences: readonly Silence[];
  readonly configuredSilencesUnavailable?: string;
  /** For messages: the table or stage read. */
  readonly where: string;
}

export interface SideStatus {
  readonly verdict: Verdict;
  /** Since when it has had this verdict, as recorded. */
  readonly since?: string;
  /** The evidence stored with the last transition that judged this side, in one line; absent when none is recorded. */
  readonly evidence?: string;
  /** When that evidence was observed. */
  readonly evidenceAt?: string;
}

export interface PendingEntry {
  readonly kind: string;
  readonly reference: string;
  readonly recordedAt: string;
  /** Transitions: their sequence; notices: their key. */
  readonly sequence?: number;
  readonly key?: string;
}

export interface SilenceInForce {
  readonly id: string;
  readonly reason: string;
  readonly until: string;
  readonly from?: string;
  readonly source: 'cli' | 'configuration';
}

export interface PairStatus {
  readonly pair: string;
  readonly pairId: PairId;
  readonly zoneName?: string;
  /** Absent when no sweep has recorded the pair yet (see `unknown`). */
  readonly serving?: KnownServingState;
  readonly servingSince?: string;
  readonly servingValues: readonly string[];
  readonly lastObservedAt?: string;
  readonly primary?: SideStatus;
  readonly secondary?: SideStatus;
  /** Recorded and not sent yet, oldest first. */
  readonly pending: readonly PendingEntry[];
  readonly silences: readonly SilenceInForce[];
  /** Transitions recorded under a silence since this sequence; their summary goes out when no silence covers the pair. */
  readonly silencedFromSequence?: number;
  /** Flap damping in force: side changes are held since `since`. */
  readonly flapping?: { readonly since: string; readonly fromSequence: number; readonly held: number };
  /** A change seen but not yet on enough observations to be recorded. */
  readonly changing?: { readonly to: KnownServingState; readonly seen: number; readonly firstSeenAt: string };
  /** Why Failwatch cannot say what DNS serves now; absent when it can. */
  readonly unknown?: { readonly since?: string; readonly why: string };
  /** DR holes and blind spots open on the pair (sent as DR_HOLE / BLIND_SPOT), with what to change. */
  readonly risks: readonly { readonly kind: ConfigRiskKind; readonly problem: string; readonly fix: string; readonly since: string }[];
}

export interface StatusReport {
  readonly pairs: readonly PairStatus[];
  readonly counts: Readonly<Record<KnownServingState | 'UNKNOWN', number>> & { readonly pending: number };
  /** Parts that could not be read (the answer is then incomplete). */
  readonly warnings: readonly string[];
}

const PAIRS_AT_ONCE = 8;

export async function readStatus(deps: StatusDeps, request: StatusRequest): Promise<StatusReport> {
  const stored = await deps.pairs.listStoredPairs();
  const pairs = selectPairs(catalogPairs(stored), request, request.where);
  const cliSilences = await deps.silences.listSilences(request.now);
  const silences = [...cliSilences.map((s) => ({ silence: s, source: 'cli' as const })), ...request.configuredSilences.map((s) => ({ silence: s, source: 'configuration' as const }))];
  const statuses = await mapBounded(pairs, PAIRS_AT_ONCE, async (pair) => pairStatus(pair, await deps.history.readPairHistory(pair.pairId), silences, request.now));
  const count = (serving: KnownServingState | 'UNKNOWN') => statuses.filter((s) => (s.unknown ? 'UNKNOWN' : s.serving) === serving).length;
  return {
    pairs: statuses,
    counts: {
      PRIMARY: count(ServingState.PRIMARY),
      SECONDARY: count(ServingState.SECONDARY),
      ALL_UNHEALTHY: count(ServingState.ALL_UNHEALTHY),
      UNKNOWN: count('UNKNOWN'),
      pending: statuses.reduce((sum, s) => sum + s.pending.length, 0),
    },
    warnings: [
      ...unreadableWarnings(stored),
      ...(request.configuredSilencesUnavailable === undefined ? [] : [`configured silences could not be read, so they are not shown: ${request.configuredSilencesUnavailable}`]),
    ],
  };
}

function pairStatus(pair: CatalogPair, history: PairHistory, silences: readonly { readonly silence: Silence; readonly source: SilenceInForce['source'] }[], now: Date): PairStatus {
  const { pairId } = pair;
  const stored = history.state ?? pair.state;
  const state = judgedState(stored);
  const at = now.toISOString();
  const inForce = silences
    .filter(({ silence }) => silenceCovers(silence, pairId, at))
    .map(({ silence, source }): SilenceInForce => ({ id: silence.id, reason: silence.reason, until: silence.until, ...(silence.from === undefined ? {} : { from: silence.from }), source }));
  const risks = (stored?.watch?.config?.open ?? []).map((open) => ({ kind: open.risk.kind, problem: open.risk.problem, fix: open.risk.fix, since: open.since }));
  const base = { pair: describePair(pairId), pairId, ...(pair.definition ? { zoneName: pair.definition.pair.zoneName } : {}), silences: inForce, risks };
  if (state === undefined) {
    const why =
      stored === undefined
        ? 'no sweep has recorded this pair yet'
        : risks.length > 0
          ? `Failwatch has never been able to judge it: ${risks.map((risk) => risk.problem).join('; ')}`
          : 'Failwatch has never been able to judge it (every look so far was UNKNOWN; the poll function logs why)';
    return { ...base, servingValues: [], pending: pendingOf(pairId, history), unknown: { why } };
  }
  const last = history.transitions.at(-1);
  const unknownSince = state.unknownSince;
  const primaryVerdict = state.serving === ServingState.PRIMARY ? Verdict.HEALTHY : Verdict.UNHEALTHY;
  const { flapping } = state;
  const held = flapping ? history.transitions.filter((t) => t.sequence >= flapping.fromSequence && t.publishStatus === PublishStatus.HELD).length : 0;
  return {
    ...base,
    serving: state.serving,
    servingSince: state.servingSince,
    servingValues: servingValues(pair, state.serving, last),
    lastObservedAt: state.lastObservedAt,
    primary: side(unknownSince ? Verdict.UNKNOWN : primaryVerdict, unknownSince ?? state.servingSince, last, last?.primary),
    secondary: side(unknownSince ? Verdict.UNKNOWN : state.secondaryVerdict, unknownSince ?? state.secondarySince, last, last?.secondary),
    pending: pendingOf(pairId, history),
    ...(state.silenced ? { silencedFromSequence: state.silenced.fromSequence } : {}),
    ...(flapping ? { flapping: { since: flapping.since, fromSequence: flapping.fromSequence, held } } : {}),
    ...(state.candidate && state.candidate.serving !== state.serving ? { changing: { to: state.candidate.serving, seen: state.candidate.count, firstSeenAt: state.candidate.firstSeenAt } } : {}),
    ...(unknownSince ? { unknown: { since: unknownSince, why: unreadableBecause(history, pairId, unknownSince) } } : {}),
  };
}

function side(verdict: Verdict, since: string, last: StoredTransition | undefined, judged: SideHealth | undefined): SideStatus {
  return { verdict, since, ...(judged && last ? { evidence: evidenceSummary(judged), evidenceAt: last.observedAt } : {}) };
}

/** The addresses DNS answers with: from the stored definition, else from the last transition that moved there. */
function servingValues(pair: CatalogPair, serving: KnownServingState, last: StoredTransition | undefined): readonly string[] {
  if (pair.definition) {
    const record = servedRole(serving) === 'SECONDARY' ? pair.definition.pair.secondary : pair.definition.pair.primary;
    return recordValues(record);
  }
  return last?.to === serving ? last.toValues : [];
}

function pendingOf(pairId: PairId, history: PairHistory): PendingEntry[] {
  return [
    ...history.transitions
      .filter((t) => t.publishStatus === PublishStatus.PENDING)
      .map((t) => ({ kind: t.kind, reference: historyReference(pairId, { sequence: t.sequence }), recordedAt: t.observedAt, sequence: t.sequence })),
    ...history.notices
      .filter((n) => n.publishStatus === PublishStatus.PENDING)
      .map((n) => ({ kind: n.kind, reference: historyReference(pairId, { noticeKey: n.key }), recordedAt: n.observedAt, key: n.key })),
  ].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}

/** The reason the WATCH_DEGRADED warning of this spell gave, when it went out already. */
function unreadableBecause(history: PairHistory, pairId: PairId, since: string): string {
  const warning = history.notices.find((n) => n.kind === NoticeKind.WATCH_DEGRADED && n.key === `${NoticeKind.WATCH_DEGRADED}#${since}`);
  return (warning && 'detail' in warning ? warning.detail : undefined) ?? `every observation since then was UNKNOWN (no WATCH_DEGRADED warning recorded yet for ${pairKey(pairId)})`;
}
