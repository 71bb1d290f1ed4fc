/**
 * The demo's second act: the same pair, after the reference scenario, with the default settings:
 * a failover seen by the sweep and the alarm at once, a reminder, a flapping spell, a maintenance window
 * set from the CLI, and a spell where the watch cannot read the pair. Returns a row per step and the
 * problems found against what docs/guarantees.md promises.
 */
import { createHandler as createPollHandler } from '../handlers/poll';
import { DynamoSilenceStore } from '../lib/aws/dynamodb/silences';
import { runCli } from '../lib/cli/cli';
import type { HealthMetricSource } from '../lib/ports';
import { loadEvent, type Harness } from '../local/harness';
import { REFERENCE, type SimulatedAws } from '../local/simulated-aws';

export interface TimelineRow {
  readonly at: string;
  readonly what: string;
  readonly recorded: string;
  readonly sent: string;
}

type Step = { readonly at: string; readonly what: string; readonly expectSent: string } & (
  | { readonly kind: 'sweep'; readonly healthy: boolean; readonly readable?: boolean }
  | { readonly kind: 'sweep+alarm'; readonly healthy: boolean }
  | { readonly kind: 'cli'; readonly argv: readonly string[] }
);

const STEPS: readonly Step[] = [
  { at: '09:00', kind: 'sweep+alarm', healthy: false, what: 'primary fails; sweep and alarm run at once', expectSent: 'FAILOVER' },
  { at: '12:59', kind: 'sweep', healthy: false, what: 'still on the secondary', expectSent: '-' },
  { at: '13:00', kind: 'sweep', healthy: false, what: 'still on the secondary, 4h on', expectSent: 'REMINDER' },
  { at: '13:30', kind: 'sweep', healthy: true, what: 'primary healthy again', expectSent: 'FAILBACK' },
  { at: '15:00', kind: 'sweep', healthy: false, what: 'flap 1', expectSent: 'FAILOVER' },
  { at: '15:01', kind: 'sweep', healthy: true, what: 'flap 2', expectSent: 'FAILBACK' },
  { at: '15:02', kind: 'sweep', healthy: false, what: 'flap 3', expectSent: 'FAILOVER' },
  { at: '15:03', kind: 'sweep', healthy: true, what: 'flap 4', expectSent: 'FAILBACK' },
  { at: '15:04', kind: 'sweep', healthy: false, what: 'flap 5: more than 4 in 60 min', expectSent: 'FLAPPING' },
  { at: '15:05', kind: 'sweep', healthy: true, what: 'flap 6 (held)', expectSent: '-' },
  { at: '16:05', kind: 'sweep', healthy: true, what: 'stable for 60 min', expectSent: 'FLAPPING_ENDED' },
  { at: '17:00', kind: 'cli', argv: ['silence', 'app.example.com', '--for', '1h', '--reason', 'DR drill'], what: 'npm run failwatch -- silence app.example.com --for 1h --reason "DR drill"', expectSent: '-' },
  { at: '17:10', kind: 'sweep', healthy: false, what: 'drill: primary taken down', expectSent: '-' },
  { at: '17:40', kind: 'sweep', healthy: true, what: 'drill: primary back', expectSent: '-' },
  { at: '18:00', kind: 'sweep', healthy: true, what: 'the window has ended', expectSent: 'SILENCE_SUMMARY' },
  { at: '19:00', kind: 'sweep', healthy: true, readable: false, what: 'CloudWatch unreadable (throttled)', expectSent: '-' },
  { at: '19:15', kind: 'sweep', healthy: true, readable: false, what: 'still unreadable, 15 min on', expectSent: 'WATCH_DEGRADED' },
  { at: '19:30', kind: 'sweep', healthy: true, what: 'readable again', expectSent: 'WATCH_RESTORED' },
];

export async function runNoticeTimeline(harness: Harness, account: SimulatedAws): Promise<{ rows: TimelineRow[]; problems: string[] }> {
  const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
  let readable = true;
  const metrics: HealthMetricSource = {
    readHealthMetrics: async (ids, at) =>
      readable ? harness.deps.metrics.readHealthMetrics(ids, at) : new Map(ids.map((id) => [id, { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' }] as const)),
  };
  const poll = createPollHandler(() => ({ ...harness.deps, metrics }));
  const silences = new DynamoSilenceStore({ client: harness.clients.dynamo, tableName: harness.config.tableName });
  const rows: TimelineRow[] = [];
  const problems: string[] = [];
  for (const step of STEPS) {
    const [hours, minutes] = step.at.split(':').map(Number);
    harness.clock.set(new Date(Date.UTC(2026, 10, 25, hours ?? 0, minutes ?? 0)));
    const before = { transitions: (await harness.store.listTransitions(pairId, 1000)).length, sent: account.published.length };
    if (step.kind === 'cli') {
      await runCli(step.argv, { silences, clock: harness.clock, newId: () => 's-demo0001', print: () => undefined });
    } else {
      account.setHealthy(REFERENCE.primaryCheckId, step.healthy);
      readable = step.kind === 'sweep' ? step.readable ?? true : true;
      if (step.kind === 'sweep+alarm') await Promise.all([poll(loadEvent('scheduled.json')), harness.alarm(loadEvent('alarm-alarm.json'))]);
      else await poll(loadEvent('scheduled.json'));
    }
    const transitions = await harness.store.listTransitions(pairId, 1000);
    const fresh = transitions.slice(0, transitions.length - before.transitions).reverse();
    const row: TimelineRow = {
      at: step.at,
      what: step.what,
      recorded: fresh.map((t) => (t.publishStatus === 'HELD' || t.publishStatus === 'SILENCED' ? `${t.kind} (${t.publishStatus})` : t.kind)).join(', ') || '-',
      sent: account.published.slice(before.sent).map((m) => m.attributes['kind']).join(', ') || '-',
    };
    rows.push(row);
    if (row.sent !== step.expectSent) problems.push(`${step.at} (${step.what}): sent "${row.sent}", expected "${step.expectSent}"`);
  }
  return { rows, problems };
}
