/**
 * Domain values ↔ DynamoDB items (document-client form). Reading checks the shape, so a damaged or
 * foreign item becomes one clear StoreError instead of a wrong decision later.
 */
import {
  ServingState,
  Severity,
  TransitionKind,
  Verdict,
  type KnownServingState,
  type PairId,
  type PairState,
  type SideHealth,
  type Transition,
  type Trigger,
} from '../../domain/model';
import { StoreError } from '../../errors';
import { PublishStatus, type OutboxItem, type StoredPairState, type StoredTransition } from '../../ports';
import { malformed, map, number, oneOf, optionalText, text, texts, whole, type Item } from './fields';
import { parseNoticeItem } from './notice-items';
import { parsePolicyFields, policyFields } from './policy-fields';
import {
  NOTICE_SORT_KEY_PREFIX,
  PARTITION_KEY,
  SORT_KEY,
  TRANSITION_SORT_KEY_PREFIX,
  TTL_ATTRIBUTE,
  TransitionAttribute,
  pairPartitionKey,
  transitionSortKey,
} from './table';

export type { Item } from './fields';
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
} as const;

const SECONDS_PER_DAY = 86_400;
const KNOWN_SERVING_STATES: readonly KnownServingState[] = [ServingState.PRIMARY, ServingState.SECONDARY, ServingState.ALL_UNHEALTHY];

/** The state's fields as flat attributes, all written on every state update; undefined ones are removed. */
export function stateFields(state: PairState): Record<string, unknown> {
  return { zoneId: state.pairId.zoneId, name: state.pairId.name, type: state.pairId.type, ...stateBody(state) };
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

export function parseStateItem(item: Item): StoredPairState {
  const where = `state item ${String(item[PARTITION_KEY])}`;
  const outbox = parseOutbox(item, where);
  const pendingNotices = outbox.flatMap((entry) => (entry.kind === 'NOTICE' && entry.notice.publishStatus === PublishStatus.PENDING ? [entry.notice.key] : []));
  return {
    ...parsePairState(item, { zoneId: text(item, 'zoneId', where), name: text(item, 'name', where), type: text(item, 'type', where) }, where),
    revision: whole(item, StateAttribute.REVISION, where),
    pendingSequences: outbox.flatMap((entry) => (entry.kind === 'TRANSITION' && entry.transition.publishStatus === PublishStatus.PENDING ? [entry.transition.sequence] : [])),
    ...(pendingNotices.length === 0 ? {} : { pendingNotices }),
    ...(outbox.length === 0 ? {} : { outbox }),
  };
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
    ...(snsMessageId === undefined ? {} : { snsMessageId }),
    ...(publishedAt === undefined ? {} : { publishedAt }),
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
