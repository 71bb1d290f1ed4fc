/** `failwatch status [--zone Z] [--record R]`: every watched pair as Failwatch last recorded it. */
import { describeError } from '../errors';
import { readStatus, type PairStatus, type SideStatus, type StatusReport } from '../usecases/status';
import { ExitCode, flagOption, RECORD_OPTION, targetOf, ZONE_OPTION, type CliContext, type Command } from './command';
import { columns, printJson, since } from './format';
import { recordOption, zoneOption } from './options';

export const statusCommand: Command = {
  name: 'status',
  summary: 'every watched pair: the side DNS serves and since when, health and evidence, pending notifications, silences, flapping, unknown pairs',
  reads: true,
  options: { ...ZONE_OPTION, ...RECORD_OPTION },
  notes: [
    'Read from the same stored state Failwatch decides from (notifications not yet sent included), not from Route 53:',
    'what it shows is what the last sweep or alarm recorded. Exit code 1 when part of it could not be read.',
  ],
  async run(parsed, context) {
    const record = recordOption(parsed);
    const zoneId = zoneOption(parsed);
    const connection = context.connect(targetOf(parsed));
    const configured = await connection.deployment().then(
      (settings) => ({ silences: settings.silences }),
      (error: unknown) => ({ silences: [], unavailable: describeError(error) }),
    );
    const report = await readStatus(connection, {
      now: context.clock.now(),
      ...(record === undefined ? {} : { record }),
      ...(zoneId === undefined ? {} : { zoneId }),
      configuredSilences: configured.silences,
      ...('unavailable' in configured ? { configuredSilencesUnavailable: configured.unavailable } : {}),
      where: connection.where,
    });
    if (flagOption(parsed, 'json')) printJson(context, report);
    else printStatus(context, report, connection.where);
    for (const warning of report.warnings) context.warn(`failwatch: ${warning}`);
    return report.warnings.length > 0 ? ExitCode.FAILED : ExitCode.OK;
  },
};

function printStatus(context: CliContext, report: StatusReport, where: string): void {
  const now = context.clock.now();
  const { counts } = report;
  context.print(
    `${report.pairs.length} ${report.pairs.length === 1 ? 'pair' : 'pairs'} in ${where}: ${counts.PRIMARY} on primary, ${counts.SECONDARY} on secondary, ` +
      `${counts.ALL_UNHEALTHY} all unhealthy, ${counts.UNKNOWN} unknown; ${counts.pending} ${counts.pending === 1 ? 'notification' : 'notifications'} pending.`,
  );
  for (const pair of report.pairs) {
    context.print('');
    for (const line of pairLines(pair, now)) context.print(line);
  }
}

export function pairLines(pair: PairStatus, now: Date): string[] {
  const zone = pair.zoneName ? `zone ${pair.zoneName.replace(/\.$/, '')}, ${pair.pairId.zoneId}` : `zone ${pair.pairId.zoneId}`;
  const rows: string[][] = [];
  if (pair.serving !== undefined && pair.servingSince !== undefined) {
    const side = pair.serving === 'SECONDARY' ? 'secondary' : 'primary';
    const note = pair.serving === 'ALL_UNHEALTHY' ? ' (both sides unhealthy: Route 53 fails open to the primary)' : '';
    rows.push(['DNS serves', `${side} ${pair.servingValues.join(', ') || '(addresses not recorded)'}${note} since ${since(pair.servingSince, now)}`]);
  }
  if (pair.primary) rows.push(['primary', sideLine(pair.primary, now)]);
  if (pair.secondary) rows.push(['secondary', sideLine(pair.secondary, now)]);
  if (pair.unknown) rows.push(['UNKNOWN', `${pair.unknown.since ? `health unreadable since ${since(pair.unknown.since, now)}: ` : ''}${pair.unknown.why}`]);
  if (pair.changing) rows.push(['changing', `to ${pair.changing.to} seen on ${pair.changing.seen} observation(s) since ${pair.changing.firstSeenAt}; recorded once confirmed`]);
  rows.push(['pending', pair.pending.length === 0 ? 'nothing' : pair.pending.map((p) => `${p.kind} ${p.reference} recorded ${since(p.recordedAt, now)}`).join('; ')]);
  if (pair.silences.length > 0) rows.push(['silenced', pair.silences.map((s) => `${s.id} "${s.reason}" until ${s.until} (${s.source === 'cli' ? 'set from the CLI' : 'configured'})`).join('; ')]);
  if (pair.silencedFromSequence !== undefined) rows.push(['', `transitions from #${pair.silencedFromSequence} were silenced: one summary goes out once no silence covers the pair`]);
  if (pair.flapping) rows.push(['FLAPPING', `since ${pair.flapping.since}: ${pair.flapping.held} side change(s) held from #${pair.flapping.fromSequence}; one summary once stable`]);
  if (pair.lastObservedAt) rows.push(['last seen', since(pair.lastObservedAt, now)]);
  return [`${pair.pair}  (${zone})`, ...columns(rows.map(([label, text]) => [`  ${label}`, text ?? '']))];
}

function sideLine(side: SideStatus, now: Date): string {
  const head = `${side.verdict}${side.since ? ` since ${since(side.since, now)}` : ''}`;
  return side.evidence ? `${head}; last evidence (${side.evidenceAt}): ${side.evidence}` : `${head}; no transition recorded yet, so no evidence stored`;
}
