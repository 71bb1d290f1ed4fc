/**
 * Domain values ↔ DynamoDB items (document-client form). Reading checks the shape, so a damaged or
 * foreign item becomes one clear StoreError instead of a wrong decision later.
 */
import { DnsAgreement, type DnsConfirmation, FailoverRole, type PairId, type PairState, Severity, type SideHealth, type Transition, TransitionKind, type Trigger, Verdict } from '../../domain/model';
import { StoreError } from '../../errors';
import { type OutboxItem, PublishStatus, type StoredPair, type StoredTransition } from '../../ports';
import { type Item, KNOWN_SERVING_STATES, malformed, map, NOTICE_SORT_KEY_PREFIX, number, oneOf, optionalText, pairPartitionKey, PARTITION_KEY, SORT_KEY, text, texts, TRANSITION_SORT_KEY_PREFIX, TransitionAttribute, transitionSortKey, TTL_ATTRIBUTE, whole } from './table';
import { parseNoticeItem, parseWatch } from './notice-items';

export type { Item } from './table';
export { TransitionAttribute } from './table';

/** The state item's attributes besides its key and the state's fields. */
export const StateAttribute = {
  REVISION: 'revision',
  /**
   * Map from history sort key (`T#...`, `N#...`) to the body of the history item (without its keys), for
   * each one committed with the state and not yet moved to history by a sweep: PENDING (with its claim,
   * `claimUntil` and `claimToken`, while a run holds it), or final (PUBLISHED, HELD, SILENCED).
   */
  OUTBOX: 'outbox',
  /** The pair's watch (lib/domain/pair-watch.ts), apart from the state's fields: an item without a serving state may hold it. */
  WATCH: 'watch',
} as const;

const SECONDS_PER_DAY = 86_400;

/** The state's fields as flat attributes, all written on every state update; undefined ones are removed. */
export function stateFields(state: PairState): Record<string, unknown> {
  return { ...pairIdFields(state.pairId), ...stateBody(state) };
}

/** The pair's id as the state item's flat attributes: all an item without a serving state has of it. */
export function pairIdFields(pairId: PairId): Record<'zoneId' | 'name' | 'type', string> {
  return { zoneId: pairId.zoneId, name: pairId.name, type: pairId.type };
}

/**
 * The state's fields other than its pair, field by field, shared by the state item and a transition's
 * `stateAfter`: a StoredPairState passed in does not smuggle its revision or outbox in.
 */
function stateBody(state: PairState) {
  return {
    serving: state.serving,
    secondaryVerdict: state.secondaryVerdict,
    servingSince: state.servingSince,
    secondarySince: state.secondarySince,
    sequence: state.sequence,
    lastObservedAt: state.lastObservedAt,
    ...policyFields(state),
  };
}

/** A new transition item, unpublished (or HELD / SILENCED); it expires `historyDays` after it was observed (never when 0). */
export function transitionItem(transition: Transition, historyDays: number): Item {
  const item: Item = {
    [PARTITION_KEY]: pairPartitionKey(transition.pairId),
    [SORT_KEY]: transitionSortKey(transition.sequence),
    id: transition.id,
    pairId: pairIdMap(transition.pairId),
    sequence: transition.sequence,
    kind: transition.kind,
    severity: transition.severity,
    from: transition.from,
    to: transition.to,
    fromValues: transition.fromValues,
    toValues: transition.toValues,
    primary: transition.primary,
    secondary: transition.secondary,
    observedAt: transition.observedAt,
    trigger: transition.trigger,
    previousStateSeconds: transition.previousStateSeconds,
    stateAfter: pairStateMap(transition.stateAfter),
    confirmation: transition.confirmation,
    delivery: transition.delivery,
    dnsAnswer: transition.dnsAnswer && { ...transition.dnsAnswer },
    [TransitionAttribute.PUBLISH_STATUS]: transition.delivery?.status ?? PublishStatus.PENDING,
  };
  if (historyDays > 0) item[TTL_ATTRIBUTE] = expiryEpochSeconds(transition, historyDays);
  return item;
}

function pairIdMap(pairId: PairId): PairId {
  return { zoneId: pairId.zoneId, name: pairId.name, type: pairId.type };
}

function pairStateMap(state: PairState): PairState {
  return { pairId: pairIdMap(state.pairId), ...stateBody(state) } as PairState;
}

function expiryEpochSeconds(transition: Transition, historyDays: number): number {
  const observedMs = Date.parse(transition.observedAt);
  if (Number.isNaN(observedMs)) {
    throw new StoreError(`Transition ${transition.id} has observedAt ${JSON.stringify(transition.observedAt)}, not an ISO date`, false);
  }
  return Math.floor(observedMs / 1000) + historyDays * SECONDS_PER_DAY;
}

/** A history item as the outbox holds it: its body, the keys left out (the map key is its sort key). */
export function outboxBody(item: Item): Item {
  const body = { ...item };
  delete body[PARTITION_KEY];
  delete body[SORT_KEY];
  return body;
}

/** The history item an outbox entry of the pair's partition stands for. */
export function historyItem(partitionKey: string, sortKey: string, body: Item): Item {
  return { ...body, [PARTITION_KEY]: partitionKey, [SORT_KEY]: sortKey };
}

/** The state item: a serving state and its bookkeeping, or only the bookkeeping for a pair never judged (no `serving` attribute). */
export function parseStateItem(item: Item): StoredPair {
  const where = `state item ${String(item[PARTITION_KEY])}`;
  const outbox = parseOutbox(item, where);
  const pendingNotices = outbox.flatMap((entry) => (entry.kind === 'NOTICE' && entry.notice.publishStatus === PublishStatus.PENDING ? [entry.notice.key] : []));
  const pairId = { zoneId: text(item, 'zoneId', where), name: text(item, 'name', where), type: text(item, 'type', where) };
  const bookkeeping = {
    revision: whole(item, StateAttribute.REVISION, where),
    pendingSequences: outbox.flatMap((entry) => (entry.kind === 'TRANSITION' && entry.transition.publishStatus === PublishStatus.PENDING ? [entry.transition.sequence] : [])),
    ...(pendingNotices.length === 0 ? {} : { pendingNotices }),
    ...(outbox.length === 0 ? {} : { outbox }),
    ...(item[StateAttribute.WATCH] === undefined ? {} : { watch: parseWatch(map(item, StateAttribute.WATCH, where), `${where} ${StateAttribute.WATCH}`) }),
  };
  if (item['serving'] === undefined) return { pairId, ...bookkeeping };
  return { ...parsePairState(item, pairId, where), ...bookkeeping };
}

/** Transitions in sequence order (their sort keys are zero-padded), then notices by key. */
function parseOutbox(item: Item, where: string): OutboxItem[] {
  if (item[StateAttribute.OUTBOX] === undefined) return [];
  const entries = Object.entries(map(item, StateAttribute.OUTBOX, where)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const partitionKey = String(item[PARTITION_KEY]);
  return entries.map(([sortKey, body]): OutboxItem => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed(where, `${StateAttribute.OUTBOX}.${sortKey}`, 'a map', body);
    const entry = historyItem(partitionKey, sortKey, body as Item);
    if (sortKey.startsWith(TRANSITION_SORT_KEY_PREFIX)) return { kind: 'TRANSITION', transition: parseTransitionItem(entry) };
    if (sortKey.startsWith(NOTICE_SORT_KEY_PREFIX)) return { kind: 'NOTICE', notice: parseNoticeItem(entry) };
    throw malformed(where, `${StateAttribute.OUTBOX}.${sortKey}`, `a key starting with ${TRANSITION_SORT_KEY_PREFIX} or ${NOTICE_SORT_KEY_PREFIX}`, sortKey);
  });
}

export function parseTransitionItem(item: Item): StoredTransition {
  const where = `transition item ${String(item[PARTITION_KEY])} ${String(item[SORT_KEY])}`;
  const stateAfter = map(item, 'stateAfter', where);
  const transition: StoredTransition = {
    id: text(item, 'id', where),
    pairId: parsePairId(map(item, 'pairId', where), where),
    sequence: whole(item, 'sequence', where),
    kind: oneOf(item, 'kind', Object.values(TransitionKind), where),
    severity: oneOf(item, 'severity', Object.values(Severity), where),
    from: oneOf(item, 'from', KNOWN_SERVING_STATES, where),
    to: oneOf(item, 'to', KNOWN_SERVING_STATES, where),
    fromValues: texts(item, 'fromValues', where),
    toValues: texts(item, 'toValues', where),
    primary: map(item, 'primary', where) as unknown as SideHealth,
    secondary: map(item, 'secondary', where) as unknown as SideHealth,
    observedAt: text(item, 'observedAt', where),
    trigger: map(item, 'trigger', where) as unknown as Trigger,
    previousStateSeconds: number(item, 'previousStateSeconds', where),
    stateAfter: parsePairState(stateAfter, parsePairId(map(stateAfter, 'pairId', where), where), `${where} stateAfter`),
    publishStatus: oneOf(item, TransitionAttribute.PUBLISH_STATUS, Object.values(PublishStatus), where),
  };
  const snsMessageId = optionalText(item, TransitionAttribute.SNS_MESSAGE_ID, where);
  const publishedAt = optionalText(item, TransitionAttribute.PUBLISHED_AT, where);
  return {
    ...transition,
    ...(item['confirmation'] === undefined ? {} : { confirmation: map(item, 'confirmation', where) as unknown as Transition['confirmation'] }),
    ...(item['delivery'] === undefined ? {} : { delivery: map(item, 'delivery', where) as unknown as Transition['delivery'] }),
    ...(item['dnsAnswer'] === undefined ? {} : { dnsAnswer: parseDnsConfirmation(map(item, 'dnsAnswer', where), `${where} dnsAnswer`) }),
    ...(snsMessageId === undefined ? {} : { snsMessageId }),
    ...(publishedAt === undefined ? {} : { publishedAt }),
  };
}

/** Route 53's answer stored with a transition (absent from transitions recorded before it was asked for). */
function parseDnsConfirmation(source: Item, where: string): DnsConfirmation {
  const values = source['values'] === undefined ? undefined : texts(source, 'values', where);
  const optional = { responseCode: optionalText(source, 'responseCode', where), askedAt: optionalText(source, 'askedAt', where), reason: optionalText(source, 'reason', where) };
  return {
    status: oneOf(source, 'status', Object.values(DnsAgreement), where),
    decided: oneOf(source, 'decided', Object.values(FailoverRole), where),
    ...(values === undefined ? {} : { values }),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    sentence: text(source, 'sentence', where),
  };
}

function parsePairState(source: Item, pairId: PairId, where: string): PairState {
  return {
    pairId,
    serving: oneOf(source, 'serving', KNOWN_SERVING_STATES, where),
    secondaryVerdict: oneOf(source, 'secondaryVerdict', Object.values(Verdict), where),
    servingSince: text(source, 'servingSince', where),
    secondarySince: text(source, 'secondarySince', where),
    sequence: whole(source, 'sequence', where),
    lastObservedAt: text(source, 'lastObservedAt', where),
    ...parsePolicyFields(source, where),
  };
}

function parsePairId(source: Item, where: string): PairId {
  return { zoneId: text(source, 'zoneId', where), name: text(source, 'name', where), type: text(source, 'type', where) };
}

/**
 * The notice policy's optional fields of a pair state (hysteresis candidate, flap and silence spans,
 * reminder and watch-degraded times) ↔ item attributes. Absent in the item means absent in the state,
 * so items written before these fields existed load unchanged.
 */
type PolicyFields = Pick<PairState, 'candidate' | 'sideChanges' | 'flapping' | 'silenced' | 'lastRemindedAt' | 'unknownSince' | 'degradedNotifiedAt'>;


/** Every policy field by attribute name; undefined marks one to remove from the item. */
export function policyFields(state: PairState): Record<keyof PolicyFields, unknown> {
  return {
    candidate: state.candidate && { ...state.candidate },
    sideChanges: state.sideChanges && state.sideChanges.length > 0 ? [...state.sideChanges] : undefined,
    flapping: state.flapping && { ...state.flapping },
    silenced: state.silenced && { ...state.silenced },
    lastRemindedAt: state.lastRemindedAt,
    unknownSince: state.unknownSince,
    degradedNotifiedAt: state.degradedNotifiedAt,
  };
}

export function parsePolicyFields(source: Item, where: string): Partial<PolicyFields> {
  const fields: Record<string, unknown> = {
    candidate: optionalMap(source, 'candidate', where, (m, at) => ({
      serving: oneOf(m, 'serving', KNOWN_SERVING_STATES, at),
      secondaryVerdict: oneOf(m, 'secondaryVerdict', Object.values(Verdict), at),
      count: whole(m, 'count', at),
      firstSeenAt: text(m, 'firstSeenAt', at),
      lastSeenAt: text(m, 'lastSeenAt', at),
    })),
    sideChanges: optionalTexts(source, 'sideChanges', where),
    flapping: optionalMap(source, 'flapping', where, (m, at) => ({ since: text(m, 'since', at), fromSequence: whole(m, 'fromSequence', at) })),
    silenced: optionalMap(source, 'silenced', where, (m, at) => ({
      id: text(m, 'id', at),
      reason: text(m, 'reason', at),
      until: text(m, 'until', at),
      fromSequence: whole(m, 'fromSequence', at),
    })),
    lastRemindedAt: optionalText(source, 'lastRemindedAt', where),
    unknownSince: optionalText(source, 'unknownSince', where),
    degradedNotifiedAt: optionalText(source, 'degradedNotifiedAt', where),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<PolicyFields>;
}

function optionalMap<T>(source: Item, field: string, where: string, parse: (value: Item, where: string) => T): T | undefined {
  return source[field] === undefined ? undefined : parse(map(source, field, where), `${where} ${field}`);
}

function optionalTexts(source: Item, field: string, where: string): readonly string[] | undefined {
  const value = source[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw malformed(where, field, 'a list of strings', value);
  return value;
}
