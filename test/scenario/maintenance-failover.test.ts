/**
 * The maintenance path, through the poll handler: an operator disables and inverts the primary's health
 * check to force traffic to the standby ("If you want the disabled health check to be considered
 * unhealthy, choose the Invert health check status check box" — health-checks-creating-values), then
 * enables it again. Route 53 fails over and back at once; Failwatch says so at the next sweep, while its
 * discovery cache of zones and records is still fresh (15 minutes by default), because it lists the
 * health check definitions every sweep. The simulated metric keeps saying healthy throughout (what Route
 * 53 publishes for a disabled check is not documented): only the definition can tell.
 */
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { PAIR_ID, history, kinds, minutesIn } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type PublishedMessage, type SimulatedAws } from '../../local/simulated-aws';
import type { PollResult } from '../../handlers/poll';

interface Sweep {
  readonly result: PollResult;
  readonly sent: PublishedMessage[];
  /** Route 53 requests this sweep made, by operation. */
  readonly route53: Record<string, number>;
}

describe('disable + invert the primary\'s check for maintenance, then enable it again', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const sweeps = new Map<number, Sweep>();

  async function sweepAt(minute: number): Promise<void> {
    harness.clock.set(minutesIn(minute));
    const before = { sent: account.published.length, route53: { ...account.route53Operations } };
    const result = (await harness.poll(loadEvent('scheduled.json'))) as PollResult;
    const route53 = Object.fromEntries(Object.entries(account.route53Operations).map(([operation, count]) => [operation, count - (before.route53[operation] ?? 0)]).filter(([, count]) => count !== 0));
    sweeps.set(minute, { result, sent: account.published.slice(before.sent), route53 });
  }

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await sweepAt(0);
    await sweepAt(1);
    account.updateHealthCheck(REFERENCE.primaryCheckId, { Disabled: true, Inverted: true });
    await sweepAt(2);
    await sweepAt(3);
    account.updateHealthCheck(REFERENCE.primaryCheckId, { Disabled: false, Inverted: false });
    await sweepAt(4);
    await sweepAt(5);
  });

  afterAll(() => harness.stop());

  it.each([
    [0, []],
    [1, []],
    [2, ['FAILOVER']],
    [3, []],
    [4, ['FAILBACK']],
    [5, []],
  ])('minute %i: sends %j', (minute, expected) => {
    expect(kinds(sweeps.get(minute)!.sent)).toEqual(expected);
  });

  it('judges the change at the next sweep from the definitions alone: zones and records stay cached, only ListHealthChecks is listed', () => {
    expect(sweeps.get(0)!.route53).toEqual({ ListHostedZones: 1, ListResourceRecordSets: 1, ListHealthChecks: 1 });
    // A steady sweep: one ListHealthChecks page (up to 1,000 checks), nothing else.
    expect(sweeps.get(1)!.route53).toEqual({ ListHealthChecks: 1 });
    // The disabled check gets no GetHealthCheckStatus: its checkers' reports say nothing of its verdict.
    // Recording the FAILOVER asks Route 53 what it answers now, once.
    expect(sweeps.get(2)!.route53).toEqual({ ListHealthChecks: 1, TestDNSAnswer: 1 });
    // Enabled again, its verdict changed: one evidence read, and the answer for the FAILBACK.
    expect(sweeps.get(4)!.route53).toEqual({ ListHealthChecks: 1, GetHealthCheckStatus: 1, TestDNSAnswer: 1 });
  });

  it('Route 53 answers the secondary while the check is disabled and inverted, as Failwatch decided, and the primary once enabled', () => {
    expect(sweeps.get(2)!.sent[0]?.text).toContain("Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided.");
    expect(sweeps.get(4)!.sent[0]?.text).toContain("Route 53 answers 10.0.0.1, the primary's address, as Failwatch decided.");
  });

  it('the FAILOVER is critical and says why: the check is disabled and inverted, whatever its metric says', () => {
    const [failover] = sweeps.get(2)!.sent;
    expect(failover?.attributes).toMatchObject({ kind: 'FAILOVER', severity: 'critical' });
    expect(failover?.text).toContain('Primary (10.0.0.1): UNHEALTHY');
    expect(failover?.text).toContain('inverted: disabled check healthy, so the check is unhealthy');
  });

  it('records FAILOVER then FAILBACK, and no DR hole: disabled and inverted is a failover on purpose, not a hole', async () => {
    expect((await history(harness)).map((t) => [t.kind, t.to])).toEqual([['FAILOVER', 'SECONDARY'], ['FAILBACK', 'PRIMARY']]);
    expect([...sweeps.values()].flatMap((sweep) => sweep.result.configNotices ?? [])).toEqual([]);
    expect((await harness.store.listNotices(PAIR_ID)).map((n) => n.kind)).toEqual([]);
  });
});

describe('disable without invert: a DR hole, said once, and closed when the check is enabled again', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const sent = new Map<number, PublishedMessage[]>();
  const results = new Map<number, PollResult>();

  beforeAll(async () => {
    account = referenceAccount();
    // Already disabled when Failwatch first looks: a configuration warning is not a transition, so a first look reports it.
    account.updateHealthCheck(REFERENCE.primaryCheckId, { Disabled: true });
    harness = await startHarness(account);
    for (const minute of [0, 1, 2, 3]) {
      if (minute === 2) account.updateHealthCheck(REFERENCE.primaryCheckId, { Disabled: false });
      harness.clock.set(minutesIn(minute));
      const before = account.published.length;
      results.set(minute, (await harness.poll(loadEvent('scheduled.json'))) as PollResult);
      sent.set(minute, account.published.slice(before));
    }
  });

  afterAll(() => harness.stop());

  it.each([
    [0, ['DR_HOLE']],
    [1, []],
    [2, ['DR_HOLE_CLOSED']],
    [3, []],
  ])('minute %i: sends %j', (minute, expected) => {
    expect(kinds(sent.get(minute)!)).toEqual(expected);
  });

  it('the DR hole is a warning that says what to change; the run summary lists it with its risk', () => {
    const [hole] = sent.get(0)!;
    expect(hole?.attributes).toMatchObject({ kind: 'DR_HOLE', severity: 'warning' });
    expect(hole?.subject).toBe('DR_HOLE app.example.com A: primary check disabled, not inverted: no failover possible');
    expect(hole?.text).toContain(`What to change: enable health check ${REFERENCE.primaryCheckId} again; to move traffic off the primary on purpose, invert it as well as disabling it.`);
    expect(results.get(0)!.configNotices).toEqual([{ pair: expect.any(String), kind: 'DR_HOLE', risk: `PRIMARY_CHECK_DISABLED#${REFERENCE.primaryCheckId}` }]);
    expect(results.get(1)!.configNotices).toBeUndefined();
  });

  it('the closing notice says how long it lasted; no transition was ever recorded (the pair served the primary throughout)', async () => {
    expect(sent.get(2)![0]?.subject).toBe('DR_HOLE_CLOSED app.example.com A: closed after 2m (primary check disabled, not inverted)');
    expect(await history(harness)).toEqual([]);
    expect((await harness.store.listNotices(PAIR_ID)).map((n) => [n.kind, n.publishStatus]).sort()).toEqual([['DR_HOLE', 'PUBLISHED'], ['DR_HOLE_CLOSED', 'PUBLISHED']]);
  });
});
