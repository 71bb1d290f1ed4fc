/**
 * `failwatch history`: what Failwatch recorded, newest first: every transition and notice of the pairs (the
 * state's outbox included, so nothing committed is missing), and the test alerts sent with `test-alert`,
 * marked as tests. The short reference each message ends with finds its entry. Reads only.
 */
import { describePair, type KnownServingState, type PairId, type Severity } from '../domain/model';
import { mapBounded } from '../batches';
import { historyReference } from '../notify/reference';
import type { PublishStatus, StoredNotice, StoredTransition } from '../ports';
import type { HistoryReader, StoredPairCatalog, TestAlert, TestAlertLog } from './console-ports';
import { catalogPairs, matchesPair, selectPairs, type PairFilter } from './pair-selection';

export const HistoryEntryType = { TRANSITION: 'TRANSITION', NOTICE: 'NOTICE', TEST: 'TEST' } as const;
export type HistoryEntryType = (typeof HistoryEntryType)[keyof typeof HistoryEntryType];

export interface HistoryEntry {
  /** When it was observed (a test alert: when it was sent). */
  readonly at: string;
  readonly pair: string;
  readonly pairId: PairId;
  readonly type: HistoryEntryType;
  readonly kind: string;
  readonly severity: Severity;
  /** Transitions: the side DNS served before. */
  readonly from?: KnownServingState;
  /** Transitions: the side DNS serves after; notices: the side it served when they were decided (none for DR_HOLE, BLIND_SPOT...). */
  readonly to?: KnownServingState;
  /** Transitions: how long the state they ended had lasted; notices: how long their condition had lasted. */
  readonly previousSeconds?: number;
  /** `schedule <rule>`, `alarm <name>`, `manual failwatch test-alert`. */
  readonly trigger: string;
  readonly status: PublishStatus | typeof HistoryEntryType.TEST;
  readonly snsMessageId?: string;
  /** Recorded in a maintenance window, so not sent on its own. */
  readonly silenced?: { readonly id: string; readonly reason: string; readonly until: string };
  /** Held while the pair flapped, so not sent on its own: why. */
  readonly held?: string;
  readonly reference: string;
  readonly sequence?: number;
  readonly key?: string;
}

export interface HistoryDeps {
  readonly pairs: StoredPairCatalog;
  readonly history: HistoryReader;
  readonly testAlerts: TestAlertLog;
}

export interface HistoryRequest extends PairFilter {
  /** Entries at or after this instant; all when absent. */
  readonly since?: Date;
  /** Only these kinds (FAILOVER, REMINDER, ...; TEST for test alerts); all when absent. */
  readonly kinds?: readonly string[];
  /** Only the entry (or entries: 40 bits can collide) with this reference, `XXXX-XXXX`. */
  readonly reference?: string;
  readonly where: string;
}

const PAIRS_AT_ONCE = 8;

export async function readHistory(deps: HistoryDeps, request: HistoryRequest): Promise<HistoryEntry[]> {
  const pairs = selectPairs(catalogPairs(await deps.pairs.listStoredPairs()), request, request.where);
  const perPair = await mapBounded(pairs, PAIRS_AT_ONCE, async ({ pairId }) => {
    const { transitions, notices } = await deps.history.readPairHistory(pairId);
    return [...transitions.map(transitionEntry), ...notices.map(noticeEntry)];
  });
  const tests = (await deps.testAlerts.listTestAlerts(request.since)).filter((alert) => matchesPair(alert.pairId, request)).map(testEntry);
  const since = request.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  return [...perPair.flat(), ...tests]
    .filter((entry) => Date.parse(entry.at) >= since)
    // A test alert is asked for as TEST, whatever kind it imitated.
    .filter((entry) => request.kinds === undefined || request.kinds.includes(entry.type === HistoryEntryType.TEST ? HistoryEntryType.TEST : entry.kind))
    .filter((entry) => request.reference === undefined || entry.reference === request.reference)
    .sort((a, b) => b.at.localeCompare(a.at) || (b.sequence ?? -1) - (a.sequence ?? -1));
}

function transitionEntry(t: StoredTransition): HistoryEntry {
  return {
    at: t.observedAt,
    pair: describePair(t.pairId),
    pairId: t.pairId,
    type: HistoryEntryType.TRANSITION,
    kind: t.kind,
    severity: t.severity,
    from: t.from,
    to: t.to,
    previousSeconds: t.previousStateSeconds,
    trigger: `${t.trigger.kind.toLowerCase()} ${t.trigger.source}`,
    status: t.publishStatus,
    ...(t.snsMessageId === undefined ? {} : { snsMessageId: t.snsMessageId }),
    ...(t.delivery?.status === 'SILENCED' ? { silenced: { ...t.delivery.silence } } : {}),
    ...(t.delivery?.status === 'HELD' ? { held: t.delivery.reason } : {}),
    reference: historyReference(t.pairId, { sequence: t.sequence }),
    sequence: t.sequence,
  };
}

function noticeEntry(n: StoredNotice): HistoryEntry {
  return {
    at: n.observedAt,
    pair: describePair(n.pairId),
    pairId: n.pairId,
    type: HistoryEntryType.NOTICE,
    kind: n.kind,
    severity: n.severity,
    ...('serving' in n ? { to: n.serving } : {}),
    previousSeconds: n.lastedSeconds,
    trigger: `${n.trigger.kind.toLowerCase()} ${n.trigger.source}`,
    status: n.publishStatus,
    ...(n.snsMessageId === undefined ? {} : { snsMessageId: n.snsMessageId }),
    reference: historyReference(n.pairId, { noticeKey: n.key }),
    key: n.key,
  };
}

function testEntry(alert: TestAlert): HistoryEntry {
  return {
    at: alert.sentAt,
    pair: describePair(alert.pairId),
    pairId: alert.pairId,
    type: HistoryEntryType.TEST,
    kind: alert.kind,
    severity: alert.severity,
    trigger: 'manual failwatch test-alert',
    status: HistoryEntryType.TEST,
    snsMessageId: alert.snsMessageId,
    reference: alert.reference,
    key: `TEST#${alert.id}`,
  };
}
