/** Which recorded pairs an operator's command is about: `--record` and `--zone`, the same way in every command. */
import { pairKey, type PairId } from '../domain/model';
import type { PairDefinition } from '../domain/pair-definition';
import { normalizeRecordName } from '../domain/silences';
import { PairSelectionError } from '../errors';
import type { StoredPair } from '../ports';
import type { StoredPairs } from './console-ports';

/** A pair the table holds: its stored item and its stored definition, either of which may be missing. */
export interface CatalogPair {
  readonly pairId: PairId;
  /** Absent: no run has recorded anything of the pair yet. Without `serving`: a pair never judged so far. */
  readonly state?: StoredPair;
  /** Absent when none is stored (the poll function stores them) or the stored one is unreadable. */
  readonly definition?: PairDefinition;
}

/** The catalog's states and definitions, pair by pair, in pair key order. */
export function catalogPairs(stored: StoredPairs): CatalogPair[] {
  const byKey = new Map<string, { pairId: PairId; state?: StoredPair; definition?: PairDefinition }>();
  const entry = (pairId: PairId) => {
    const key = pairKey(pairId);
    const found = byKey.get(key) ?? { pairId };
    byKey.set(key, found);
    return found;
  };
  for (const state of stored.states) entry(state.pairId).state = state;
  for (const definition of stored.definitions) entry(definition.pair.id).definition = definition;
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, pair]) => pair);
}

/** The catalog's unreadable items, as warnings a command prints: reported, never guessed at. */
export function unreadableWarnings(stored: StoredPairs): string[] {
  return stored.unreadable.map(({ item, problem }) => `item ${item} could not be read, so it is left out: ${problem}`);
}

export interface PairFilter {
  /** A record name as a person types it (`app.example.com`); any pair when absent. */
  readonly record?: string;
  readonly zoneId?: string;
  readonly type?: string;
}

export function matchesPair(pairId: PairId, filter: PairFilter): boolean {
  if (filter.zoneId !== undefined && pairId.zoneId !== filter.zoneId) return false;
  if (filter.type !== undefined && pairId.type !== filter.type.toUpperCase()) return false;
  return filter.record === undefined || normalizeRecordName(pairId.name) === normalizeRecordName(filter.record);
}

/** The pairs the filter names; a filter that names none is a mistake worth saying (PairSelectionError), not an empty answer. */
export function selectPairs<T extends { readonly pairId: PairId }>(pairs: readonly T[], filter: PairFilter, where: string): T[] {
  const selected = pairs.filter((pair) => matchesPair(pair.pairId, filter));
  if (selected.length === 0 && (filter.record !== undefined || filter.zoneId !== undefined || filter.type !== undefined)) {
    throw new PairSelectionError(`No recorded pair matches ${describeFilter(filter)} in ${where}: \`failwatch status\` lists the pairs it holds`);
  }
  return selected;
}

export function describeFilter(filter: PairFilter): string {
  return [filter.record && `record ${normalizeRecordName(filter.record)}`, filter.type && `type ${filter.type.toUpperCase()}`, filter.zoneId && `zone ${filter.zoneId}`].filter(Boolean).join(', ');
}
