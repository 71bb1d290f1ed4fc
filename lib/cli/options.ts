/** Reading the values options share between commands: each check names the option and shows a value that works. */
import { DURATION_FORMS, normalizeRecordName, parseDuration, ALL_RECORDS } from '../domain/silences';
import type { ReportWindow } from '../domain/report';
import { CliUsageError, PROGRAM, textOption, type ParsedCommand } from './command';

const RECORD_NAME = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const ZONE_ID = /^[A-Z0-9]{1,32}$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const REFERENCE = /^[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}$/;

/** `--record`, as a person types it (lower case, no trailing dot); `*` only where every pair may be meant. */
export function recordOption(parsed: ParsedCommand, options: { readonly allowAll?: boolean } = {}): string | undefined {
  const raw = textOption(parsed, 'record');
  if (raw === undefined) return undefined;
  if (raw.trim() === ALL_RECORDS && options.allowAll) return ALL_RECORDS;
  const record = normalizeRecordName(raw);
  if (!RECORD_NAME.test(record)) {
    throw new CliUsageError(`--record ${JSON.stringify(raw)} is not a record name: give one such as app.example.com${options.allowAll ? ', or * for every pair' : ''}`);
  }
  return record;
}

export function zoneOption(parsed: ParsedCommand): string | undefined {
  const zone = textOption(parsed, 'zone');
  if (zone !== undefined && !ZONE_ID.test(zone)) throw new CliUsageError(`--zone ${JSON.stringify(zone)} is not a hosted zone id: it looks like Z0123456789ABC`);
  return zone;
}

export function durationOption(parsed: ParsedCommand, name: string): number | undefined {
  const text = textOption(parsed, name);
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new CliUsageError(`--${name} ${JSON.stringify(text)} is not a duration: use ${DURATION_FORMS}`);
  return seconds;
}

/** `--since 30d` → the instant that long before now; `fallback` (a duration) when the option is not given. */
export function sinceOption(parsed: ParsedCommand, now: Date, fallback?: string): Date | undefined {
  const seconds = durationOption(parsed, 'since') ?? (fallback === undefined ? undefined : parseDuration(fallback));
  return seconds === undefined ? undefined : new Date(now.getTime() - seconds * 1000);
}

/** `--month 2026-11` → the calendar month in UTC, its end exclusive. */
export function monthWindow(text: string): ReportWindow {
  const match = MONTH.exec(text.trim());
  if (!match) throw new CliUsageError(`--month ${JSON.stringify(text)} is not a month: write it as 2026-11`);
  const [year, month] = [Number(match[1]), Number(match[2])];
  return { start: new Date(Date.UTC(year, month - 1, 1)).toISOString(), end: new Date(Date.UTC(year, month, 1)).toISOString() };
}

/** `--kind FAILOVER,reminder` → upper-case kinds, each one of `allowed`. */
export function kindsOption(parsed: ParsedCommand, allowed: readonly string[]): string[] | undefined {
  const text = textOption(parsed, 'kind');
  if (text === undefined) return undefined;
  const kinds = text.split(',').map((kind) => kind.trim().toUpperCase()).filter(Boolean);
  const unknown = kinds.filter((kind) => !allowed.includes(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new CliUsageError(`--kind ${JSON.stringify(text)}: ${unknown.length > 0 ? `${unknown.join(', ')} is not a kind` : 'no kind given'}; use a comma-separated list of ${allowed.join(', ')}`);
  }
  return kinds;
}

/** `--ref 7k2m-9qxa` → `7K2M-9QXA`, the short reference each message ends with. */
export function referenceOption(parsed: ParsedCommand): string | undefined {
  const text = textOption(parsed, 'ref');
  if (text === undefined) return undefined;
  const upper = text.trim().toUpperCase();
  if (!REFERENCE.test(upper)) throw new CliUsageError(`--ref ${JSON.stringify(text)} is not a reference: it is the 8 characters a message ends with, such as 7K2M-9QXA`);
  const compact = upper.replace('-', '');
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

/** One of `allowed`, upper-cased (or as written in `allowed`), when the option is given. */
export function choiceOption<T extends string>(parsed: ParsedCommand, name: string, allowed: readonly T[]): T | undefined {
  const text = textOption(parsed, name);
  if (text === undefined) return undefined;
  const match = allowed.find((choice) => choice.toLowerCase() === text.trim().toLowerCase());
  if (match === undefined) throw new CliUsageError(`--${name} ${JSON.stringify(text)} is not one of ${allowed.join(', ')}`);
  return match;
}

/** The sub-command of `dead-letters list|replay`, `alarms list|remove`: the first bare argument, one of `actions`. */
export function actionOf<T extends string>(parsed: ParsedCommand, command: string, actions: readonly T[]): T {
  const given = parsed.positionals[0] ?? '';
  const action = actions.find((candidate) => candidate === given);
  if (action === undefined) throw new CliUsageError(`${PROGRAM} ${command} ${JSON.stringify(given)}: say ${actions.map((a) => `${command} ${a}`).join(' or ')} (see ${PROGRAM} ${command} --help)`);
  return action;
}

/** `--max 50`: a whole number from 1 to `limit`. */
export function countOption(parsed: ParsedCommand, name: string, limit: number): number | undefined {
  const text = textOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > limit) throw new CliUsageError(`--${name} ${JSON.stringify(text)} is not a count: give a whole number from 1 to ${limit}`);
  return value;
}

/** `--only a,b`: the comma-separated values, blanks dropped; at least one when the option is given. */
export function listOption(parsed: ParsedCommand, name: string, what: string): string[] | undefined {
  const text = textOption(parsed, name);
  if (text === undefined) return undefined;
  const values = [...new Set(text.split(',').map((value) => value.trim()).filter(Boolean))];
  if (values.length === 0) throw new CliUsageError(`--${name} ${JSON.stringify(text)} names no ${what}: give one or more, separated by commas`);
  return values;
}
