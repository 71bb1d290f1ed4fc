/**
 * A month of history recorded by the real poll handler on the simulated account: a failover and its
 * failback, both sides down for an hour, the standby lost for six hours, three hours Failwatch could not
 * read the pair, a drill inside a configured maintenance window, and a failover still going at the month's
 * end. What the report page is checked against in a browser (test/browser) and drawn from for docs/report.png.
 */
import type { Harness } from './harness';
import { loadEvent } from './harness';
import { createHandler as createPollHandler } from '../handlers/poll';
import type { HealthMetricSource } from '../lib/ports';
import { REFERENCE, referenceAccount, type SimulatedAws } from './simulated-aws';

export const SECONDARY_CHECK_ID = '66666666-2222-3333-4444-555555555555';
export const SAMPLE_MONTH = '2026-11';
/** When the report is made: after the month. */
export const REPORT_AT = new Date('2026-12-02T00:00:00.000Z');

export const SAMPLE_SILENCE = { id: 'drill', record: 'app.example.com', from: '2026-11-25T00:00:00.000Z', until: '2026-11-25T12:00:00.000Z', reason: 'DR drill' };

/** The reference account, its secondary given a health check of its own (so it can be lost). */
export function sampleAccount(): SimulatedAws {
  const world = referenceAccount().addHealthCheck({
    Id: SECONDARY_CHECK_ID,
    CallerReference: 'secondary',
    HealthCheckVersion: 1,
    HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'secondary.example.com', IPAddress: REFERENCE.secondaryIp, Port: 443, ResourcePath: '/health', FailureThreshold: 3, RequestInterval: 30, Inverted: false, Disabled: false },
  });
  const secondary = world.zones[0]!.records.find((record) => record.Failover === 'SECONDARY')!;
  secondary.HealthCheckId = SECONDARY_CHECK_ID;
  return world;
}

/** FAILWATCH_SILENCES for the harness: the drill's maintenance window. */
export const SAMPLE_ENVIRONMENT = { FAILWATCH_SILENCES: JSON.stringify([SAMPLE_SILENCE]) };

/** [instant, primary healthy, secondary healthy, health readable] for each sweep. */
const SWEEPS: readonly (readonly [string, boolean, boolean, boolean])[] = [
  ['2026-11-02T00:00:00.000Z', true, true, true], // first observation
  ['2026-11-05T10:00:00.000Z', false, true, true], // FAILOVER
  ['2026-11-05T16:00:00.000Z', true, true, true], // FAILBACK after 6h
  ['2026-11-12T08:00:00.000Z', false, false, true], // ALL_UNHEALTHY
  ['2026-11-12T09:00:00.000Z', true, true, true], // ALL_UNHEALTHY_CLEARED (and STANDBY_RESTORED)
  ['2026-11-15T00:00:00.000Z', true, false, true], // STANDBY_LOST
  ['2026-11-15T06:00:00.000Z', true, true, true], // STANDBY_RESTORED
  ['2026-11-20T00:00:00.000Z', true, true, false], // unreadable from here
  ['2026-11-20T00:20:00.000Z', true, true, false], // WATCH_DEGRADED
  ['2026-11-20T03:00:00.000Z', true, true, true], // WATCH_RESTORED
  ['2026-11-25T02:00:00.000Z', false, true, true], // FAILOVER, silenced (DR drill)
  ['2026-11-25T04:00:00.000Z', true, true, true], // FAILBACK, silenced
  ['2026-11-25T12:00:00.000Z', true, true, true], // the window is over: SILENCE_SUMMARY
  ['2026-11-30T20:00:00.000Z', false, true, true], // FAILOVER, still failed over when the month ends
];

export async function recordSampleMonth(harness: Harness, world: SimulatedAws): Promise<void> {
  let readable = true;
  const metrics: HealthMetricSource = {
    readHealthMetrics: async (ids, at) =>
      readable ? harness.deps.metrics.readHealthMetrics(ids, at) : new Map(ids.map((id) => [id, { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' }] as const)),
  };
  const poll = createPollHandler(() => ({ ...harness.deps, metrics }));
  for (const [at, primary, secondary, canRead] of SWEEPS) {
    world.setHealthy(REFERENCE.primaryCheckId, primary);
    world.setHealthy(SECONDARY_CHECK_ID, secondary);
    readable = canRead;
    harness.clock.set(new Date(at));
    await poll(loadEvent('scheduled.json'));
  }
  harness.clock.set(REPORT_AT);
}
