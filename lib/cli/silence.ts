/** `failwatch silence --record <name|*> --for 2h --reason "DR drill"`: a maintenance window, set from the command line. */
import { ALL_RECORDS, DURATION_FORMS, type Silence } from '../domain/silences';
import { formatDuration } from '../notify/render';
import { CliUsageError, PROGRAM, RECORD_OPTION, targetOf, textOption, ZONE_OPTION, type Command } from './command';
import { durationOption, recordOption, zoneOption } from './options';

const SILENCE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export const silenceCommand: Command = {
  name: 'silence',
  summary: 'silence a pair (or every pair) for a while: transitions are still recorded, one summary is sent when it ends',
  reads: false,
  options: {
    record: { ...RECORD_OPTION['record']!, description: 'the record to silence, such as app.example.com, or * for every pair (required)' },
    for: { type: 'string', value: '<duration>', description: `how long (required): ${DURATION_FORMS}` },
    reason: { type: 'string', value: '<text>', description: 'why (required): shown with every silenced transition and in the summary' },
    ...ZONE_OPTION,
    from: { type: 'string', value: '<ISO date>', description: 'start later, such as 2026-12-01T06:00:00Z (default: now)' },
    id: { type: 'string', value: '<id>', description: 'choose the id (1-64 letters, digits or _.:-); default s-<random>' },
  },
  notes: ['Example: failwatch silence --stage prod --record app.example.com --for 2h --reason "DR drill"'],
  async run(parsed, context) {
    const record = recordOption(parsed, { allowAll: true });
    if (record === undefined) throw new CliUsageError(`silence needs --record <name> (such as app.example.com), or --record '*' for every pair`);
    const seconds = durationOption(parsed, 'for');
    if (seconds === undefined) throw new CliUsageError(`silence needs --for <duration> (${DURATION_FORMS})`);
    const reason = textOption(parsed, 'reason')?.trim();
    if (!reason) throw new CliUsageError('silence needs --reason "<why>" (it is shown with every silenced transition and in the summary)');
    const zoneId = zoneOption(parsed);
    const id = textOption(parsed, 'id');
    if (id !== undefined && !SILENCE_ID.test(id)) throw new CliUsageError(`--id ${JSON.stringify(id)} is not usable: 1-64 letters, digits or _.:-`);
    const fromText = textOption(parsed, 'from');
    const now = context.clock.now();
    const from = fromText === undefined ? now : new Date(fromText);
    if (Number.isNaN(from.getTime())) throw new CliUsageError(`--from ${JSON.stringify(fromText)} is not a date: use an ISO date such as 2026-12-01T06:00:00Z`);
    const until = new Date(from.getTime() + seconds * 1000);
    if (Number.isNaN(until.getTime())) throw new CliUsageError(`--for ${JSON.stringify(textOption(parsed, 'for'))} ends past the last date a clock can show: give a shorter window`);
    const entry: Silence = {
      id: id ?? `s-${context.newId()}`,
      record,
      ...(zoneId === undefined ? {} : { zoneId }),
      ...(fromText === undefined ? {} : { from: from.toISOString() }),
      until: until.toISOString(),
      reason,
    };
    await context.connect(targetOf(parsed)).silences.addSilence(entry, now);
    const what = record === ALL_RECORDS ? 'every pair' : record;
    context.print(`Silenced ${what}${entry.zoneId ? ` in zone ${entry.zoneId}` : ''} from ${from.toISOString()} until ${entry.until} (${formatDuration(seconds)}): ${reason}`);
    context.print(`Silence id: ${entry.id}. Transitions are still recorded; one summary is sent when the window ends.`);
    context.print(`End it early with: ${PROGRAM} unsilence ${entry.id}`);
    return 0;
  },
};
