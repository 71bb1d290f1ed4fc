/**
 * Maintenance windows: which silence, if any, covers a pair at an instant. Silences come from the
 * configuration and from the CLI (stored in DynamoDB); both arrive here as plain data.
 */
import type { PairId, SilenceNote } from './model';

/** Silences every pair. */
export const ALL_RECORDS = '*';

export interface Silence {
  readonly id: string;
  /** A record name without the trailing dot (`app.example.com`), or `*` for every pair. */
  readonly record: string;
  /** Only this hosted zone; absent means any zone. */
  readonly zoneId?: string;
  /** Starts now when absent. */
  readonly from?: string;
  readonly until: string;
  readonly reason: string;
}

/**
 * Lower case, without the trailing dot, with Route 53's octal escapes decoded (`\052.example.com.`, as
 * Route 53 lists a wildcard record, is `*.example.com`): how a person types a record name.
 */
export function normalizeRecordName(name: string): string {
  return name
    .trim()
    .replace(/\\([0-7]{3})/g, (_escape, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    .toLowerCase()
    .replace(/\.$/, '');
}

export function silenceCovers(silence: Silence, pairId: PairId, at: string): boolean {
  const instant = Date.parse(at);
  if (silence.from !== undefined && Date.parse(silence.from) > instant) return false;
  if (Date.parse(silence.until) <= instant) return false;
  return silenceNamesPair(silence, pairId);
}

/** Whether the silence is about the pair (its record and zone), whenever it is in force. */
export function silenceNamesPair(silence: Silence, pairId: PairId): boolean {
  if (silence.zoneId !== undefined && silence.zoneId !== pairId.zoneId) return false;
  return silence.record === ALL_RECORDS || normalizeRecordName(silence.record) === normalizeRecordName(pairId.name);
}

/** The covering silence that lasts longest (so a transition is noted with the window that ends last). */
export function activeSilence(silences: readonly Silence[], pairId: PairId, at: string): Silence | undefined {
  return silences
    .filter((silence) => silenceCovers(silence, pairId, at))
    .reduce<Silence | undefined>((best, silence) => (best === undefined || Date.parse(silence.until) > Date.parse(best.until) ? silence : best), undefined);
}

export function silenceNote(silence: Silence): SilenceNote {
  return { id: silence.id, reason: silence.reason, until: silence.until };
}

export const DURATION_FORMS = '30m, 2h, 1d, 90s or combined like 1h30m';

const DURATION_PART = /(\d+)([smhd])/g;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `2h`, `30m`, `1d`, `1h30m` → seconds; undefined for anything else (including zero). */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(compact)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of compact.matchAll(DURATION_PART)) seconds += Number(amount) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
