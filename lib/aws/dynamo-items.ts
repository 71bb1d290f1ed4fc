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
} from '../domain/model';
import { StoreError } from '../errors';
import { PublishStatus, type StoredPairState, type StoredTransition } from '../ports';
import { malformed, map, number, oneOf, optionalText, text, texts, whole, type Item } from './dynamo-fields';
import { parsePolicyFields, policyFields } from './dynamo-policy-fields';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, pairPartitionKey, transitionSortKey } from './dynamo-table';

export type { Item } from './dynamo-fields';

/** The state item's attributes besides its key. */
export const StateAttribute = {
  REVISION: 'revision',
  PENDING: 'pending',
  PENDING_NOTICES: 'pendingNotices',
} as const;

export const TransitionAttribute = {
  PUBLISH_STATUS: 'publishStatus',
  CLAIM_UNTIL: 'claimUntil',
  SNS_MESSAGE_ID: 'snsMessageId',
  PUBLISHED_AT: 'publishedAt',
  /** On the last transition of a change: keys of the notices recorded with it, for finishing an interrupted write. */
  NOTICE_KEYS: 'noticeKeys',
} as const;

const SECONDS_PER_DAY = 86_400;
const KNOWN_SERVING_STATES: readonly KnownServingState[] = [ServingState.PRIMARY, ServingState.SECONDARY, ServingState.ALL_UNHEALTHY];

/** The state's fields as flat attributes, all written on every state update; undefined ones are removed. */
export function stateFields(state: PairState): Record<string, unknown> {
  return {
    zoneId: state.pairId.zoneId,
    name: state.pairId.name,
    type: state.pairId.type,
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

/** Field by field, so a StoredPairState passed as `stateAfter` does not smuggle its revision in. */
function pairStateMap(state: PairState): PairState {
  return {
    pairId: pairIdMap(state.pairId),
    serving: state.serving,
    secondaryVerdict: state.secondaryVerdict,
    servingSince: state.servingSince,
    secondarySince: state.secondarySince,
    sequence: state.sequence,
    lastObservedAt: state.lastObservedAt,
    ...policyFields(state),
  } as PairState;
}

function expiryEpochSeconds(transition: Transition, historyDays: number): number {
  const observedMs = Date.parse(transition.observedAt);
  if (Number.isNaN(observedMs)) {
    throw new StoreError(`Transition ${transition.id} has observedAt ${JSON.stringify(transition.observedAt)}, not an ISO date`, false);
  }
  return Math.floor(observedMs / 1000) + historyDays * SECONDS_PER_DAY;
}

export function parseStateItem(item: Item): StoredPairState {
  const where = `state item ${String(item[PARTITION_KEY])}`;
  return {
    ...parsePairState(item, { zoneId: text(item, 'zoneId', where), name: text(item, 'name', where), type: text(item, 'type', where) }, where),
    revision: whole(item, StateAttribute.REVISION, where),
    pendingSequences: sequenceSet(item[StateAttribute.PENDING], where),
    ...pendingNoticeKeys(item[StateAttribute.PENDING_NOTICES], where),
  };
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

/** A Number Set comes back as a Set; DynamoDB drops the attribute when the set empties. */
function sequenceSet(value: unknown, where: string): readonly number[] {
  if (value === undefined) return [];
  if (!(value instanceof Set)) throw malformed(where, StateAttribute.PENDING, 'a number set', value);
  const sequences = [...value].filter((entry): entry is number => typeof entry === 'number');
  if (sequences.length !== value.size) throw malformed(where, StateAttribute.PENDING, 'a number set', [...value]);
  return sequences.sort((a, b) => a - b);
}

/** A String Set comes back as a Set; absent (not an empty list) when there is none, as DynamoDB drops empty sets. */
function pendingNoticeKeys(value: unknown, where: string): { pendingNotices?: readonly string[] } {
  if (value === undefined) return {};
  if (!(value instanceof Set) || ![...value].every((entry) => typeof entry === 'string')) throw malformed(where, StateAttribute.PENDING_NOTICES, 'a string set', value);
  return value.size === 0 ? {} : { pendingNotices: [...(value as Set<string>)].sort() };
}
