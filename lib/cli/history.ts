/** `failwatch history [--record R] [--since 30d] [--kind FAILOVER,...] [--ref XXXX-XXXX]`: what Failwatch recorded, newest first. */
import { TransitionKind } from '../domain/model';
import { NoticeKind } from '../domain/notices';
import { formatDuration } from '../notify/render';
import { HistoryEntryType, readHistory, type HistoryEntry } from '../usecases/history';
import { flagOption, RECORD_OPTION, targetOf, type Command } from './command';
import { columns, printJson } from './format';
import { kindsOption, recordOption, referenceOption, sinceOption } from './options';

const KINDS: readonly string[] = [...Object.values(TransitionKind), ...Object.values(NoticeKind), HistoryEntryType.TEST];
const DEFAULT_SINCE = '30d';

export const historyCommand: Command = {
  name: 'history',
  summary: 'transitions and notices, newest first, with their SNS message ids and references; test alerts marked TEST',
  reads: true,
  options: {
    ...RECORD_OPTION,
    since: { type: 'string', value: '<duration>', description: `only what was recorded this long ago or since, such as 90d (default ${DEFAULT_SINCE}; with --ref, all of it)` },
    kind: { type: 'string', value: '<kinds>', description: `only these kinds, comma-separated: ${KINDS.join(', ')}` },
    ref: { type: 'string', value: '<XXXX-XXXX>', description: 'the entry whose message ends with this reference' },
  },
  notes: ['Example: failwatch history --stage prod --ref 7K2M-9QXA   (the reference at the end of an email or Slack message)'],
  async run(parsed, context) {
    const now = context.clock.now();
    const reference = referenceOption(parsed);
    const record = recordOption(parsed);
    const kinds = kindsOption(parsed, KINDS);
    // A reference is looked up in the whole history unless a window is asked for.
    const since = sinceOption(parsed, now, reference === undefined ? DEFAULT_SINCE : undefined);
    const connection = context.connect(targetOf(parsed));
    const entries = await readHistory(
      { pairs: connection.pairs, history: connection.history, testAlerts: connection.testAlerts },
      { ...(record === undefined ? {} : { record }), ...(since === undefined ? {} : { since }), ...(kinds === undefined ? {} : { kinds }), ...(reference === undefined ? {} : { reference }), where: connection.where },
    );
    if (flagOption(parsed, 'json')) {
      printJson(context, entries);
      return 0;
    }
    const scope = `${since ? ` since ${since.toISOString()}` : ''}${reference ? ` with reference ${reference}` : ''}`;
    if (entries.length === 0) {
      context.print(`Nothing recorded in ${connection.where}${scope}.`);
      return 0;
    }
    context.print(`${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} in ${connection.where}${scope}, newest first:`);
    context.print('');
    for (const line of columns([['TIME', 'PAIR', 'KIND', 'CHANGE', 'PREVIOUSLY', 'TRIGGER', 'STATUS', 'SNS MESSAGE', 'REF', 'NOTE'], ...entries.map(row)])) context.print(line);
    return 0;
  },
};

function row(entry: HistoryEntry): string[] {
  const change = entry.type === HistoryEntryType.TRANSITION ? `${entry.from} -> ${entry.to}` : entry.to ? `on ${entry.to}` : '-';
  const previously =
    entry.previousSeconds === undefined
      ? '-'
      : entry.type === HistoryEntryType.TRANSITION
        ? `${formatDuration(entry.previousSeconds)} ${entry.from === entry.to ? 'in last state' : `on ${entry.from?.toLowerCase()}`}`
        : `lasted ${formatDuration(entry.previousSeconds)}`;
  const note = entry.silenced ? `silenced: ${entry.silenced.reason} (${entry.silenced.id})` : entry.held ? `held: ${entry.held}` : entry.type === HistoryEntryType.TEST ? 'TEST alert, never counted in reports' : '';
  return [entry.at, entry.pair, entry.type === HistoryEntryType.TEST ? `TEST ${entry.kind}` : entry.kind, change, previously, entry.trigger, entry.status, entry.snsMessageId ?? '-', entry.reference, note];
}
