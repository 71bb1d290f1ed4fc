/** `failwatch report [--month 2026-11 | --since 90d] [--html FILE]`: the DR report per pair and in total. */
import { resolve } from 'node:path';
import { describeError } from '../errors';
import { REPORT_COLUMNS, renderReportPage } from '../notify/report-page';
import { buildStageReport, type StageReport } from '../usecases/report';
import { CliUsageError, ExitCode, flagOption, RECORD_OPTION, targetOf, textOption, type CliContext, type Command } from './command';
import { columns, printJson } from './format';
import { monthWindow, recordOption, sinceOption } from './options';

const DEFAULT_SINCE = '30d';

export const reportCommand: Command = {
  name: 'report',
  summary: 'failovers, time on the secondary, time to failback, all-unhealthy and standby-lost time, flapping, primary availability; --html draws the timelines',
  reads: true,
  options: {
    month: { type: 'string', value: '<YYYY-MM>', description: 'a calendar month in UTC, such as 2026-11 (up to now, if it is this month)' },
    since: { type: 'string', value: '<duration>', description: `the last 90d, 12h, ... up to now (default ${DEFAULT_SINCE})` },
    ...RECORD_OPTION,
    html: { type: 'string', value: '<file>', description: 'also write the report as one self-contained page (timelines and table) to this file' },
  },
  notes: [
    'Episodes that cross the window\'s edges are counted with their part inside it. Unknown time: the pair could not be',
    'read (WATCH_DEGRADED until WATCH_RESTORED), or was not watched yet. Test alerts are never counted.',
  ],
  async run(parsed, context) {
    const month = textOption(parsed, 'month');
    if (month !== undefined && textOption(parsed, 'since') !== undefined) throw new CliUsageError('report takes --month or --since, not both');
    const now = context.clock.now();
    const window = month !== undefined ? monthWindow(month) : { start: sinceOption(parsed, now, DEFAULT_SINCE)!.toISOString(), end: now.toISOString() };
    const record = recordOption(parsed);
    const html = textOption(parsed, 'html');
    const connection = context.connect(targetOf(parsed));
    const configured = await connection.deployment().then(
      (settings) => ({ silences: settings.silences, warning: undefined }),
      (error: unknown) => ({ silences: [], warning: `configured silences could not be read, so they are not shaded: ${describeError(error)}` }),
    );
    const report = await buildStageReport(connection, { window, now, ...(record === undefined ? {} : { record }), configuredSilences: configured.silences, where: connection.where });
    if (html !== undefined) {
      const path = resolve(html);
      await context.writeFile(path, renderReportPage(report, { source: connection.where, generatedAt: now.toISOString() }));
      if (!flagOption(parsed, 'json')) context.print(`Report page written to ${path}`);
    }
    if (flagOption(parsed, 'json')) printJson(context, report);
    else printReport(context, report, connection.where);
    if (configured.warning !== undefined) context.warn(`failwatch: ${configured.warning}`);
    return configured.warning === undefined ? ExitCode.OK : ExitCode.FAILED;
  },
};

function printReport(context: CliContext, report: StageReport, where: string): void {
  context.print(`Report for ${report.window.start} to ${report.window.end} (UTC), ${report.pairs.length} ${report.pairs.length === 1 ? 'pair' : 'pairs'} in ${where}:`);
  context.print('');
  const rows = [
    ['PAIR', ...REPORT_COLUMNS.map((column) => column.heading.toUpperCase())],
    ...report.pairs.map((pair) => [pair.pair, ...REPORT_COLUMNS.map((column) => column.format(pair.figures))]),
    ['TOTAL', ...REPORT_COLUMNS.map((column) => column.format(report.total))],
  ];
  for (const line of columns(rows)) context.print(line);
}
