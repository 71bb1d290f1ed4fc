/** Which recorded pairs an operator's command is about: `--record` and `--zone`, the same way in every command. */
import { normalizeRecordName } from '../domain/silences';
import { PairSelectionError } from '../errors';
import type { PairId } from '../domain/model';

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
