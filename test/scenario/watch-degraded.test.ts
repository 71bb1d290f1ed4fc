/**
 * A pair whose status cannot be read (CloudWatch unavailable) is never reported as failed over: the
 * UNKNOWN observations change nothing, one WATCH_DEGRADED warning follows after
 * FAILWATCH_DEGRADED_AFTER_MINUTES (default 15), and a short WATCH_RESTORED when it can be read again.
 */
import { createHandler as createPollHandler } from '../../handlers/poll';
import type { HealthMetricSource } from '../../lib/ports';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { history, kinds, minutesIn, notices } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type PublishedMessage, type SimulatedAws } from '../../local/simulated-aws';

describe('WATCH_DEGRADED: the watch cannot read the pair', () => {
  let account: SimulatedAws;
  let harness: Harness;
  let blind = false;
  const sent = new Map<number, PublishedMessage[]>();

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    const real = harness.deps.metrics;
    const metrics: HealthMetricSource = {
      readHealthMetrics: async (ids, at) => (blind ? new Map(ids.map((id) => [id, { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' }] as const)) : real.readHealthMetrics(ids, at)),
    };
    const poll = createPollHandler(() => ({ ...harness.deps, metrics }));
    // minute → [metric readable, primary healthy]: the primary fails while nobody can see it.
    const plan: readonly [number, boolean, boolean][] = [[0, true, true], [1, false, false], [15, false, false], [16, false, false], [17, false, false], [40, false, false], [41, true, true]];
    for (const [minute, readable, healthy] of plan) {
      blind = !readable;
      account.setHealthy(REFERENCE.primaryCheckId, healthy);
      harness.clock.set(minutesIn(minute));
      const before = account.published.length;
      await poll(loadEvent('scheduled.json'));
      sent.set(minute, account.published.slice(before));
    }
  });

  afterAll(() => harness.stop());

  it.each([
    [1, []],
    [15, []],
    [16, ['WATCH_DEGRADED']],
    [17, []],
    [40, []],
    [41, ['WATCH_RESTORED']],
  ])('at minute %i: sends %j', (minute, expected) => {
    expect(kinds(sent.get(minute)!)).toEqual(expected);
  });

  it('never reports the unreadable pair as failed over: no transition at all', async () => {
    expect(await history(harness)).toEqual([]);
  });

  it('the warning says how long and why, at warning severity; the all-clear is info', () => {
    const [degraded] = sent.get(16)!;
    expect(degraded?.subject).toBe('WATCH_DEGRADED app.example.com A: health unreadable for 15m, last known on primary 10.0.0.1');
    expect(degraded?.attributes).toMatchObject({ kind: 'WATCH_DEGRADED', severity: 'warning' });
    expect(degraded?.text).toContain('GetMetricData: ThrottlingException');
    expect(sent.get(41)![0]?.attributes).toMatchObject({ kind: 'WATCH_RESTORED', severity: 'info' });
  });

  it('both notices are in the pair history, published once', async () => {
    expect((await notices(harness)).map((n) => [n.kind, n.publishStatus]).sort()).toEqual([
      ['WATCH_DEGRADED', 'PUBLISHED'],
      ['WATCH_RESTORED', 'PUBLISHED'],
    ]);
  });
});
