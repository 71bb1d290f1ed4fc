/**
 * `npm run demo`: the five-step reference scenario through the real poll handler, then the maintenance
 * path (the primary's check disabled + inverted, then enabled; disabled alone: a DR hole) and the
 * notices that keep it quiet but never silent (scripts/demo-notices.ts), with every email sent.
 *
 * Route 53, CloudWatch and SNS are simulated at the SDK boundary; DynamoDB is real (dynalite, in
 * memory, on 127.0.0.1); the primary and secondary sites are real HTTP servers on 127.0.0.1, so the
 * "request served by" column is an actual request to whatever address DNS answers with.
 * Needs no AWS account and no network. Exits 1 if the outcome differs from the expected table. It ends
 * with what the `failwatch` command shows of the run (status, history) and the report page's path.
 * `npm run demo -- --logs` also shows the handler's structured logs.
 */
import './quiet-logs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatDuration } from '../lib/notify/render';
import { historyReference } from '../lib/notify/reference';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../lib/cli/run';
import { harnessConnection, localCliContext } from '../local/console';
import { loadEvent, startHarness, type Harness } from '../local/harness';
import { runMaintenanceTimeline, runNoticeTimeline, type TimelineRow } from './demo-notices';
import { REFERENCE, referenceAccount } from '../local/simulated-aws';

/** Where the demo writes its report page (the system's temporary directory: nothing is left in the repository). */
const REPORT_PAGE = join(tmpdir(), 'failwatch-demo-report.html');

interface Row {
  step: number;
  primaryHealth: string;
  dnsRoute: string;
  servedBy: string;
  recorded: string;
  sent: string;
}

const EXPECTED: readonly Omit<Row, 'step' | 'primaryHealth'>[] = [
  { dnsRoute: 'primary 10.0.0.1', servedBy: 'primary', recorded: 'state stored', sent: '-' },
  { dnsRoute: 'primary 10.0.0.1', servedBy: 'primary', recorded: '-', sent: '-' },
  { dnsRoute: 'secondary 10.0.1.1', servedBy: 'secondary', recorded: 'FAILOVER', sent: 'FAILOVER' },
  { dnsRoute: 'secondary 10.0.1.1', servedBy: 'secondary', recorded: '-', sent: '-' },
  { dnsRoute: 'primary 10.0.0.1', servedBy: 'primary', recorded: 'FAILBACK', sent: 'FAILBACK' },
];

async function startSite(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.setHeader('connection', 'close');
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function printTable(rows: readonly Row[]): void {
  const header: Row = { step: 0, primaryHealth: 'primary health', dnsRoute: 'DNS route', servedBy: 'request served by', recorded: 'transition recorded', sent: 'notification sent' };
  const cells = (row: Row) => [row === header ? 'step' : String(row.step), row.primaryHealth, row.dnsRoute, row.servedBy, row.recorded, row.sent];
  const all = [header, ...rows].map(cells);
  const widths = all[0]!.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(format(all[0]!));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of all.slice(1)) console.log(format(line));
}

function printTimeline(rows: readonly TimelineRow[]): void {
  const all = [{ at: 'time', what: 'what happens', recorded: 'recorded', sent: 'notification sent' }, ...rows].map((r) => [r.at, r.what, r.recorded, r.sent]);
  const widths = all[0]!.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(format(all[0]!));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of all.slice(1)) console.log(format(line));
}

/** The end of the demo: what an operator sees of this run with the `failwatch` command, and the report page. */
async function showConsole(harness: Harness): Promise<void> {
  const cli = localCliContext(harnessConnection(harness), { clock: harness.clock, print: (line) => console.log(line) });
  const record = REFERENCE.recordName.replace(/\.$/, '');
  console.log(`\n----- failwatch status --record ${record} -----\n`);
  await runCli(['status', '--record', record], cli);
  console.log(`\n----- failwatch history --record ${record} --since 1d -----\n`);
  await runCli(['history', '--record', record, '--since', '1d'], cli);
  console.log(`\n----- failwatch report --since 12h --html ${REPORT_PAGE} -----\n`);
  await runCli(['report', '--since', '12h', '--html', REPORT_PAGE], cli);
}

async function main(): Promise<number> {
  const sites = new Map([
    [REFERENCE.primaryIp as string, await startSite('primary')],
    [REFERENCE.secondaryIp as string, await startSite('secondary')],
  ]);
  const account = referenceAccount();
  const harness = await startHarness(account);
  const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
  const rows: Row[] = [];
  try {
    for (const [index, healthy] of [true, true, false, false, true].entries()) {
      account.setHealthy(REFERENCE.primaryCheckId, healthy);
      harness.clock.set(new Date(Date.UTC(2026, 10, 25, 8, index)));
      const before = { transitions: (await harness.store.listTransitions(pairId)).length, sent: account.published.length, state: (await harness.store.loadStates([pairId])).size };
      await harness.poll(loadEvent('scheduled.json'));

      const answer = account.dnsAnswer(REFERENCE.zoneId, REFERENCE.recordName, 'A')[0] ?? '';
      const site = sites.get(answer);
      const servedBy = site ? await (await fetch(`http://127.0.0.1:${site.port}/`)).text() : 'nobody';
      const transitions = await harness.store.listTransitions(pairId);
      const fresh = transitions.slice(0, transitions.length - before.transitions).map((t) => t.kind);
      const stateCreated = before.state === 0 && (await harness.store.loadStates([pairId])).size === 1;
      rows.push({
        step: index + 1,
        primaryHealth: healthy ? 'healthy' : 'unhealthy',
        dnsRoute: `${answer === REFERENCE.primaryIp ? 'primary' : 'secondary'} ${answer}`,
        servedBy,
        recorded: fresh.length > 0 ? fresh.join(', ') : stateCreated ? 'state stored' : '-',
        sent: account.published.slice(before.sent).map((m) => m.attributes['kind']).join(', ') || '-',
      });
    }

    console.log('\nFailwatch reference scenario: primary 10.0.0.1 with a health check, secondary 10.0.1.1 without one\n');
    printTable(rows);

    const history = [...(await harness.store.listTransitions(pairId))].reverse();
    console.log(`\nHistory in DynamoDB (pair ${pairId.name} ${pairId.type} in zone ${pairId.zoneId}), each with the reference its email ends with:\n`);
    for (const t of history) {
      const evidence = t.primary.evidence;
      console.log(
        `  ${historyReference(t.pairId, { sequence: t.sequence })}  ${t.kind.padEnd(9)} ${t.from} -> ${t.to}  at ${t.observedAt} (${t.trigger.kind.toLowerCase()})  ` +
          `previous state lasted ${formatDuration(t.previousStateSeconds)}  primary ${t.primary.verdict} ` +
          `(${evidence.checkersHealthy ?? '?'}/${evidence.checkersTotal ?? '?'} checkers healthy)  sns ${t.snsMessageId ?? 'NOT SENT'}`,
      );
    }

    const timeline = await runNoticeTimeline(harness, account);
    console.log('\nThen, same pair, default settings: one alert when the sweep and an alarm see a change at once, reminders, flap damping, a maintenance window, a blind watch\n');
    printTimeline(timeline.rows);

    const maintenance = await runMaintenanceTimeline(harness, account);
    console.log("\nThen the maintenance path, same pair: the primary's health check disabled + inverted (Route 53 fails over at once; Failwatch lists the health check definitions every sweep while zones and records stay cached), enabled again, then disabled without inverting it (a DR hole)\n");
    printTimeline(maintenance.rows);

    for (const message of account.published) {
      console.log(`\n----- email sent through SNS (message ${message.messageId}, ${message.attributes['kind']}, severity ${message.attributes['severity']}) -----`);
      console.log(`Subject: ${message.subject}\n`);
      console.log(message.text);
    }

    const problems = [
      ...[...maintenance.problems, ...timeline.problems].map((problem) => `the notices differ from what docs/guarantees.md promises: ${problem}`),
      ...rows.flatMap((row, index) => {
        const expected = EXPECTED[index]!;
        return (Object.keys(expected) as (keyof typeof expected)[])
          .filter((column) => row[column] !== expected[column])
          .map((column) => `the outcome differs from the expected table: step ${row.step}: ${column} is "${row[column]}", expected "${expected[column]}"`);
      }),
    ];
    if (problems.length > 0) console.error(`\nDEMO FAILED:\n  ${problems.join('\n  ')}`);
    else console.log('\nOutcome as expected: one FAILOVER at step 3, one FAILBACK at step 5, nothing else; the maintenance FAILOVER/FAILBACK and the DR hole told once and closed; every notice after it as promised.');

    await showConsole(harness);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await harness.stop();
    for (const site of sites.values()) site.server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('DEMO FAILED:', error);
    process.exit(1);
  },
);
