/**
 * `npm run failwatch -- <command>`: maintenance windows from the command line.
 *   silence <record|*> --for 2h --reason "DR drill" [--zone Z...] [--from <ISO date>] [--id <id>]
 *   silences                 list the silences that have not ended
 *   unsilence <id>           end a silence now (its summary goes out on the next sweep)
 * Talks to the SilenceStore port only; lib/cli/main.ts wires DynamoDB and the clock.
 */
import { parseArgs } from 'node:util';
import { ALL_RECORDS, DURATION_FORMS, normalizeRecordName, parseDuration, type Silence } from '../domain/silences';
import { FailwatchError, nameErrorClass } from '../errors';
import { formatDuration } from '../notify/render';
import type { Clock, SilenceStore } from '../ports';

/** A command line Failwatch cannot act on; the message says what to type instead. */
export class CliUsageError extends FailwatchError {
  static {
    nameErrorClass(this, 'CliUsageError');
  }
}

export interface CliDeps {
  readonly silences: SilenceStore;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly print: (line: string) => void;
}

export const USAGE = [
  'Usage: npm run failwatch -- <command>',
  '  silence <record|*> --for <duration> --reason <text> [--zone <hosted zone id>] [--from <ISO date>] [--id <id>]',
  '  silences',
  '  unsilence <id>',
  `Durations: ${DURATION_FORMS}.`,
].join('\n');

const RECORD_NAME = /^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/** Runs one command; returns the process exit code. Usage errors are thrown as CliUsageError. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'silence':
      return silence(rest, deps);
    case 'silences':
      return listSilences(rest, deps);
    case 'unsilence':
      return unsilence(rest, deps);
    case undefined:
    case 'help':
    case '--help':
      deps.print(USAGE);
      return 0;
    default:
      throw new CliUsageError(`Unknown command ${JSON.stringify(command)}.\n${USAGE}`);
  }
}

function parse(args: readonly string[], options: Record<string, { type: 'string' }>, positionals: number, command: string) {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    if (parsed.positionals.length !== positionals) {
      throw new CliUsageError(`${command} takes ${positionals} argument${positionals === 1 ? '' : 's'}, got ${parsed.positionals.length}.\n${USAGE}`);
    }
    return parsed;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

async function silence(args: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(args, { for: { type: 'string' }, reason: { type: 'string' }, zone: { type: 'string' }, from: { type: 'string' }, id: { type: 'string' } }, 1, 'silence');
  const record = positionals[0] === ALL_RECORDS ? ALL_RECORDS : normalizeRecordName(positionals[0] ?? '');
  if (record !== ALL_RECORDS && !RECORD_NAME.test(record)) throw new CliUsageError(`${JSON.stringify(positionals[0])} is not a record name: give one such as app.example.com, or * for every pair.`);
  if (values.for === undefined) throw new CliUsageError(`silence needs --for <duration> (${DURATION_FORMS}).`);
  const seconds = parseDuration(values.for);
  if (seconds === undefined) throw new CliUsageError(`--for ${JSON.stringify(values.for)} is not a duration: use ${DURATION_FORMS}.`);
  const reason = values.reason?.trim();
  if (!reason) throw new CliUsageError('silence needs --reason "<why>" (it is shown with every silenced transition and in the summary).');
  if (values.zone !== undefined && !/^[A-Z0-9]{1,32}$/.test(values.zone)) throw new CliUsageError(`--zone ${JSON.stringify(values.zone)} is not a hosted zone id: it looks like Z0123456789ABC.`);
  if (values.id !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(values.id)) throw new CliUsageError(`--id ${JSON.stringify(values.id)} is not usable: 1-64 letters, digits or _.:-`);
  const now = deps.clock.now();
  const from = values.from === undefined ? now : new Date(values.from);
  if (Number.isNaN(from.getTime())) throw new CliUsageError(`--from ${JSON.stringify(values.from)} is not a date: use an ISO date such as 2026-12-01T06:00:00Z.`);
  const until = new Date(from.getTime() + seconds * 1000);
  if (Number.isNaN(until.getTime())) throw new CliUsageError(`--for ${JSON.stringify(values.for)} ends past the last date a clock can show: give a shorter window.`);
  const entry: Silence = {
    id: values.id ?? deps.newId(),
    record,
    ...(values.zone === undefined ? {} : { zoneId: values.zone }),
    ...(values.from === undefined ? {} : { from: from.toISOString() }),
    until: until.toISOString(),
    reason,
  };
  await deps.silences.addSilence(entry, now);
  const what = record === ALL_RECORDS ? 'every pair' : record;
  deps.print(`Silenced ${what}${entry.zoneId ? ` in zone ${entry.zoneId}` : ''} from ${from.toISOString()} until ${entry.until} (${formatDuration(seconds)}): ${reason}`);
  deps.print(`Silence id: ${entry.id}. Transitions are still recorded; one summary is sent when the window ends.`);
  deps.print(`End it early with: npm run failwatch -- unsilence ${entry.id}`);
  return 0;
}

async function listSilences(args: readonly string[], deps: CliDeps): Promise<number> {
  parse(args, {}, 0, 'silences');
  const found = [...(await deps.silences.listSilences(deps.clock.now()))].sort((a, b) => a.until.localeCompare(b.until));
  if (found.length === 0) {
    deps.print('No silences in force or planned (configured FAILWATCH_SILENCES are not listed here).');
    return 0;
  }
  for (const s of found) {
    const scope = `${s.record === ALL_RECORDS ? '* (every pair)' : s.record}${s.zoneId ? ` in ${s.zoneId}` : ''}`;
    deps.print(`${s.id}  ${scope}  ${s.from ?? 'now'} -> ${s.until}  ${s.reason}`);
  }
  return 0;
}

async function unsilence(args: readonly string[], deps: CliDeps): Promise<number> {
  const { positionals } = parse(args, {}, 1, 'unsilence');
  const id = positionals[0] ?? '';
  if (!(await deps.silences.endSilence(id, deps.clock.now()))) {
    deps.print(`No silence in force with id ${JSON.stringify(id)}; list them with: npm run failwatch -- silences`);
    return 1;
  }
  deps.print(`Ended silence ${id}. Transitions recorded during it are summarized on the next sweep.`);
  return 0;
}
