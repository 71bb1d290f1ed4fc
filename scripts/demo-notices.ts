/**
 * The demo's second and third acts, on the same pair after the reference scenario, with the default
 * settings. First the notices: a failover seen by the sweep and the alarm at once, a reminder, a flapping
 * spell, a maintenance window set from the CLI, and a spell where the watch cannot read the pair. Then the
 * maintenance path, late enough that its side changes do not count towards the flapping above: the
 * primary's check disabled and inverted (a FAILOVER Route 53 makes at once, seen by the next sweep while
 * discovery is still cached), enabled again (FAILBACK), then disabled without inverting it (a DR hole:
 * Route 53 can no longer fail over) and enabled (closed). Each returns a row per step and the problems
 * found against what docs/guarantees.md promises.
 */
import { createHandler as createPollHandler } from '../handlers/poll';
import { runCli } from '../lib/cli/run';
import { isConfigNotice } from '../lib/domain/config-notices';
import { harnessConnection, localCliContext } from '../local/console';
import type { HealthMetricSource } from '../lib/ports';
import { loadEvent, type Harness } from '../local/harness';
import { REFERENCE, type SimulatedAws } from '../local/simulated-aws';

export interface TimelineRow {
  readonly at: string;
  readonly what: string;
  readonly recorded: string;
  readonly sent: string;
}

/** The primary's check as an operator sets it (UpdateHealthCheck) before a sweep. */
interface CheckSetting {
  readonly Disabled: boolean;
  readonly Inverted: boolean;
}

type Step = { readonly at: string; readonly what: string; readonly expectSent: string } & (
  | { readonly kind: 'sweep'; readonly healthy: boolean; readonly readable?: boolean; readonly check?: CheckSetting }
  | { readonly kind: 'sweep+alarm'; readonly healthy: boolean }
  | { readonly kind: 'cli'; readonly argv: readonly string[] }
);

const MAINTENANCE_STEPS: readonly Step[] = [
  { at: '20:00', kind: 'sweep', healthy: true, check: { Disabled: true, Inverted: true }, what: "maintenance: primary's check disabled + inverted", expectSent: 'FAILOVER' },
  { at: '20:05', kind: 'sweep', healthy: true, what: 'maintenance goes on', expectSent: '-' },
  { at: '20:20', kind: 'sweep', healthy: true, check: { Disabled: false, Inverted: false }, what: 'maintenance over: check enabled, not inverted', expectSent: 'FAILBACK' },
  { at: '20:30', kind: 'sweep', healthy: true, check: { Disabled: true, Inverted: false }, what: 'check disabled, NOT inverted (never fails over)', expectSent: 'DR_HOLE' },
  { at: '20:35', kind: 'sweep', healthy: true, what: 'still disabled', expectSent: '-' },
  { at: '20:40', kind: 'sweep', healthy: true, check: { Disabled: false, Inverted: false }, what: 'check enabled again', expectSent: 'DR_HOLE_CLOSED' },
];

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
  { at: '17:00', kind: 'cli', argv: ['silence', '--record', 'app.example.com', '--for', '1h', '--reason', 'DR drill'], what: 'failwatch silence --record app.example.com --for 1h --reason "DR drill"', expectSent: '-' },
  { at: '17:10', kind: 'sweep', healthy: false, what: 'drill: primary taken down', expectSent: '-' },
  { at: '17:40', kind: 'sweep', healthy: true, what: 'drill: primary back', expectSent: '-' },
  { at: '18:00', kind: 'sweep', healthy: true, what: 'the window has ended', expectSent: 'SILENCE_SUMMARY' },
  { at: '19:00', kind: 'sweep', healthy: true, readable: false, what: 'CloudWatch unreadable (throttled)', expectSent: '-' },
  { at: '19:15', kind: 'sweep', healthy: true, readable: false, what: 'still unreadable, 15 min on', expectSent: 'WATCH_DEGRADED' },
  { at: '19:30', kind: 'sweep', healthy: true, what: 'readable again', expectSent: 'WATCH_RESTORED' },
];

/** The maintenance path: disable + invert, enable; then disable alone (a DR hole), enable. */
export function runMaintenanceTimeline(harness: Harness, account: SimulatedAws): Promise<{ rows: TimelineRow[]; problems: string[] }> {
  return runTimeline(harness, account, MAINTENANCE_STEPS);
}

export function runNoticeTimeline(harness: Harness, account: SimulatedAws): Promise<{ rows: TimelineRow[]; problems: string[] }> {
  return runTimeline(harness, account, STEPS);
}

async function runTimeline(harness: Harness, account: SimulatedAws, steps: readonly Step[]): Promise<{ rows: TimelineRow[]; problems: string[] }> {
  const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
  let readable = true;
  const metrics: HealthMetricSource = {
    readHealthMetrics: async (ids, at) =>
      readable ? harness.deps.metrics.readHealthMetrics(ids, at) : new Map(ids.map((id) => [id, { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' }] as const)),
  };
  const poll = createPollHandler(() => ({ ...harness.deps, metrics }));
  const cli = localCliContext(harnessConnection(harness), { clock: harness.clock, print: () => undefined, newId: () => 'demo0001' });
  const rows: TimelineRow[] = [];
  const problems: string[] = [];
  for (const step of steps) {
    const [hours, minutes] = step.at.split(':').map(Number);
    harness.clock.set(new Date(Date.UTC(2026, 10, 25, hours ?? 0, minutes ?? 0)));
    const before = { transitions: (await harness.store.listTransitions(pairId, 1000)).length, notices: new Set((await harness.store.listNotices(pairId, 1000)).map((n) => n.key)), sent: account.published.length };
    if (step.kind === 'sweep' && step.check !== undefined) account.updateHealthCheck(REFERENCE.primaryCheckId, step.check);
    if (step.kind === 'cli') {
      await runCli(step.argv, cli);
    } else {
      account.setHealthy(REFERENCE.primaryCheckId, step.healthy);
      readable = step.kind === 'sweep' ? step.readable ?? true : true;
      if (step.kind === 'sweep+alarm') await Promise.all([poll(loadEvent('scheduled.json')), harness.alarm(loadEvent('alarm-alarm.json'))]);
      else await poll(loadEvent('scheduled.json'));
    }
    const transitions = await harness.store.listTransitions(pairId, 1000);
    const fresh = transitions.slice(0, transitions.length - before.transitions).reverse();
    // Configuration notices are recorded on their own (no transition): shown beside the transitions.
    const configNotices = (await harness.store.listNotices(pairId, 1000)).filter((n) => !before.notices.has(n.key) && isConfigNotice(n)).map((n) => n.kind);
    const row: TimelineRow = {
      at: step.at,
      what: step.what,
      recorded: [...fresh.map((t) => (t.publishStatus === 'HELD' || t.publishStatus === 'SILENCED' ? `${t.kind} (${t.publishStatus})` : t.kind)), ...configNotices].join(', ') || '-',
      sent: account.published.slice(before.sent).map((m) => m.attributes['kind']).join(', ') || '-',
    };
    rows.push(row);
    if (row.sent !== step.expectSent) problems.push(`${step.at} (${step.what}): sent "${row.sent}", expected "${step.expectSent}"`);
  }
  return { rows, problems };
}
