/**
 * The notice policy's optional fields of a pair state (hysteresis candidate, flap and silence spans,
 * reminder and watch-degraded times) ↔ item attributes. Absent in the item means absent in the state,
 * so items written before these fields existed load unchanged.
 */
import { ServingState, Verdict, type KnownServingState, type PairState } from '../../domain/model';
import { malformed, map, oneOf, optionalText, text, whole, type Item } from './fields';

type PolicyFields = Pick<PairState, 'candidate' | 'sideChanges' | 'flapping' | 'silenced' | 'lastRemindedAt' | 'unknownSince' | 'degradedNotifiedAt'>;

const KNOWN_SERVING_STATES: readonly KnownServingState[] = [ServingState.PRIMARY, ServingState.SECONDARY, ServingState.ALL_UNHEALTHY];

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
