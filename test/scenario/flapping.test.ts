/** Flap damping through the poll handler: FAILWATCH_FLAP_CHANGES=2 within FAILWATCH_FLAP_WINDOW_MINUTES=60. */
import { historyReference } from '../../lib/notify/reference';
import { startHarness, type Harness } from '../../local/harness';
import { history, kinds, notices, sweepAt, type SweepResult } from '../support/notice-scenario';
import { referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

describe('flap damping through the poll handler', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const steps: SweepResult[] = [];
  // minute → primary healthy: five side changes within five minutes, then stable on the secondary.
  const sweeps: readonly [number, boolean][] = [[0, true], [1, false], [2, true], [3, false], [4, true], [5, false], [30, false], [64, false], [65, false], [66, false], [70, true]];

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { environment: { FAILWATCH_FLAP_CHANGES: '2', FAILWATCH_FLAP_WINDOW_MINUTES: '60' } });
    for (const [minute, healthy] of sweeps) steps.push(await sweepAt(harness, account, minute, healthy));
  });

  afterAll(() => harness.stop());

  it('changes 1 and 2 are sent; change 3 sends exactly one FLAPPING instead; changes 4 and 5 are recorded and not sent', () => {
    expect(steps.slice(0, 6).map((s) => [s.recorded, kinds(s.sent)])).toEqual([
      [[], []],
      [['FAILOVER'], ['FAILOVER']],
      [['FAILBACK'], ['FAILBACK']],
      [['FAILOVER'], ['FLAPPING']],
      [['FAILBACK'], []],
      [['FAILOVER'], []],
    ]);
    expect(steps[3]?.sent[0]?.subject).toBe('FLAPPING app.example.com A: 3 side changes within 1h, now on secondary 10.0.1.1; holding alerts');
    expect(steps[3]?.sent[0]?.attributes).toMatchObject({ kind: 'FLAPPING', severity: 'warning' });
  });

  it('history is complete: every change recorded, the held ones with status HELD', async () => {
    expect((await history(harness)).map((t) => [t.sequence, t.kind, t.publishStatus])).toEqual([
      [1, 'FAILOVER', 'PUBLISHED'],
      [2, 'FAILBACK', 'PUBLISHED'],
      [3, 'FAILOVER', 'HELD'],
      [4, 'FAILBACK', 'HELD'],
      [5, 'FAILOVER', 'HELD'],
      [6, 'FAILBACK', 'PUBLISHED'],
    ]);
  });

  it('nothing more while it settles; one FLAPPING_ENDED summary once stable for the whole window, listing the held changes', async () => {
    expect(steps.slice(6, 8).flatMap((s) => kinds(s.sent))).toEqual([]);
    const ended = steps[8]!;
    expect(kinds(ended.sent)).toEqual(['FLAPPING_ENDED']);
    expect(ended.sent[0]?.subject).toBe('FLAPPING_ENDED app.example.com A: stable on secondary 10.0.1.1 for 1h, 3 changes held');
    const held = (await history(harness)).filter((t) => t.publishStatus === 'HELD');
    expect(held.map((t) => t.sequence)).toEqual([3, 4, 5]);
    for (const t of held) expect(ended.sent[0]?.text).toContain(`${t.kind} at ${t.observedAt}: `);
    for (const t of held) expect(ended.sent[0]?.text).toContain(`reference ${historyReference(t.pairId, { sequence: t.sequence })}`);
    expect(kinds(steps[9]!.sent)).toEqual([]);
  });

  it('after the spell, a side change is sent on its own again', () => {
    expect(kinds(steps[10]!.sent)).toEqual(['FAILBACK']);
  });

  it('the notices are in the pair history too, each published once', async () => {
    expect((await notices(harness)).map((n) => [n.kind, n.publishStatus])).toEqual(
      expect.arrayContaining([
        ['FLAPPING', 'PUBLISHED'],
        ['FLAPPING_ENDED', 'PUBLISHED'],
      ]),
    );
    expect(kinds(account.published).filter((k) => k.startsWith('FLAPPING'))).toEqual(['FLAPPING', 'FLAPPING_ENDED']);
  });
});
