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
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, pairPartitionKey, transitionSortKey } from './dynamo-table';

export type Item = Record<string, unknown>;

/** The state item's attributes besides its key. */
export const StateAttribute = {
  REVISION: 'revision',
  PENDING: 'pending',
} as const;

export const TransitionAttribute = {
  PUBLISH_STATUS: 'publishStatus',
  CLAIM_UNTIL: 'claimUntil',
  SNS_MESSAGE_ID: 'snsMessageId',
  PUBLISHED_AT: 'publishedAt',
} as const;

const SECONDS_PER_DAY = 86_400;
const KNOWN_SERVING_STATES: readonly KnownServingState[] = [ServingState.PRIMARY, ServingState.SECONDARY, ServingState.ALL_UNHEALTHY];

/** The state's fields as flat attributes, all written on every state update. */
export function stateFields(state: PairState): Record<string, string | number> {
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
  };
}

/** A new, unpublished transition item; it expires `historyDays` after it was observed (never when 0). */
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
    [TransitionAttribute.PUBLISH_STATUS]: PublishStatus.PENDING,
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
  };
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
  };
}

function parsePairId(source: Item, where: string): PairId {
  return { zoneId: text(source, 'zoneId', where), name: text(source, 'name', where), type: text(source, 'type', where) };
}

function malformed(where: string, field: string, expected: string, value: unknown): StoreError {
  return new StoreError(`The ${where} has ${field} = ${JSON.stringify(value)}, expected ${expected}; fix or delete the item`, false);
}

function text(source: Item, field: string, where: string): string {
  const value = source[field];
  if (typeof value !== 'string') throw malformed(where, field, 'a string', value);
  return value;
}

function optionalText(source: Item, field: string, where: string): string | undefined {
  return source[field] === undefined ? undefined : text(source, field, where);
}

function number(source: Item, field: string, where: string): number {
  const value = source[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(where, field, 'a number', value);
  return value;
}

function whole(source: Item, field: string, where: string): number {
  const value = number(source, field, where);
  if (!Number.isSafeInteger(value) || value < 0) throw malformed(where, field, 'a whole number', value);
  return value;
}

function oneOf<T extends string>(source: Item, field: string, allowed: readonly T[], where: string): T {
  const value = source[field];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw malformed(where, field, `one of ${allowed.join(', ')}`, value);
  return match;
}

function texts(source: Item, field: string, where: string): readonly string[] {
  const value = source[field];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw malformed(where, field, 'a list of strings', value);
  return value;
}

function map(source: Item, field: string, where: string): Item {
  const value = source[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(where, field, 'a map', value);
  return value as Item;
}

/** A Number Set comes back as a Set; DynamoDB drops the attribute when the set empties. */
function sequenceSet(value: unknown, where: string): readonly number[] {
  if (value === undefined) return [];
  if (!(value instanceof Set)) throw malformed(where, StateAttribute.PENDING, 'a number set', value);
  const sequences = [...value].filter((entry): entry is number => typeof entry === 'number');
  if (sequences.length !== value.size) throw malformed(where, StateAttribute.PENDING, 'a number set', [...value]);
  return sequences.sort((a, b) => a - b);
}
