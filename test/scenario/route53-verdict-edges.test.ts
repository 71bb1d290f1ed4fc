/**
 * Where Failwatch's verdict must stay Route 53's, through the poll handler:
 *   - a CLOUDWATCH_METRIC primary whose HealthCheckStatus has a 6-minute gap: no datapoint is UNKNOWN for
 *     a check that has had data, never "new, healthy" (which would report a FAILBACK Route 53 never made);
 *   - the 18% rule at its boundary, from the checkers' own reports when the metric has no data: "If more
 *     than 18% of health checkers report that an endpoint is healthy, Route 53 considers it healthy"
 *     (dns-failover-determining-health-of-endpoints), so exactly 18% (9 of 50) is unhealthy and 2 of 11
 *     (18.2%) healthy.
 */
import type { PollResult } from '../../handlers/poll';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { SimulatedAws, REFERENCE, referenceAccount, type PublishedMessage } from '../../local/simulated-aws';
import { history, kinds, minutesIn } from '../support/notice-scenario';

const ALARM_CHECK_ID = 'cccccccc-0000-4000-8000-00000000a1a2';

/** The reference pair, its primary judged by a CLOUDWATCH_METRIC check on an alarm (the documented way for private zones). */
function alarmCheckedAccount(): SimulatedAws {
  const account = referenceAccount();
  account.addHealthCheck({
    Id: ALARM_CHECK_ID,
    CallerReference: 'failwatch-alarm-check',
    HealthCheckVersion: 1,
    HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'eu-west-1', Name: 'db-primary-down' }, InsufficientDataHealthStatus: 'LastKnownStatus', Inverted: false, Disabled: false },
  });
  const primary = account.zones[0]!.records.find((record) => record.Failover === 'PRIMARY')!;
  account.replaceRecord(REFERENCE.zoneId, primary.SetIdentifier!, { ...primary, HealthCheckId: ALARM_CHECK_ID });
  return account;
}

describe('a CLOUDWATCH_METRIC primary with a 6-minute gap in HealthCheckStatus', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const runs = new Map<number, { result: PollResult; sent: PublishedMessage[] }>();

  beforeAll(async () => {
    account = alarmCheckedAccount();
    // WATCH_DEGRADED after 1 minute unreadable (default 15): the gap leaves the pair UNKNOWN for 2 sweeps.
    harness = await startHarness(account, { environment: { FAILWATCH_DEGRADED_AFTER_MINUTES: '1' } });
    // Minutes 10 to 15 publish nothing; a read looks back 5 minutes, so the sweeps at 15 and 16 see no datapoint.
    account.addMetricGap(ALARM_CHECK_ID, minutesIn(10), minutesIn(16));
    for (let minute = 0; minute <= 18; minute++) {
      // The primary's alarm fires at minute 3 and clears at minute 18; during the gap it is still firing.
      account.setHealthy(ALARM_CHECK_ID, minute < 3 || minute >= 18);
      harness.clock.set(minutesIn(minute));
      const before = account.published.length;
      const result = (await harness.poll(loadEvent('scheduled.json'))) as PollResult;
      runs.set(minute, { result, sent: account.published.slice(before) });
    }
  });

  afterAll(() => harness.stop());

  it('fails over when the alarm fires, and back only when it clears: no FAILBACK during the gap', async () => {
    expect((await history(harness)).map((t) => [t.kind, t.observedAt])).toEqual([
      ['FAILOVER', minutesIn(3).toISOString()],
      ['FAILBACK', minutesIn(18).toISOString()],
    ]);
  });

  it('the pair is UNKNOWN while no datapoint is in reach, and only then, with the gap as the reason', () => {
    const unknownAt = [...runs].filter(([, run]) => run.result.unknownPairs.length > 0).map(([minute]) => minute);
    expect(unknownAt).toEqual([15, 16]);
    expect(runs.get(15)!.result.unknownReasons?.[0]?.reason).toMatch(/no Route 53 HealthCheckStatus datapoint, though the check has had data before \(a gap, not a new check\)/);
  });

  it('warns once the pair has been unreadable for the delay, and says when it can see again; nothing else is sent during the gap', () => {
    expect([...runs].filter(([, run]) => run.sent.length > 0).map(([minute, run]) => [minute, kinds(run.sent)])).toEqual([
      [3, ['FAILOVER']],
      [16, ['WATCH_DEGRADED']],
      [17, ['WATCH_RESTORED']],
      [18, ['FAILBACK']],
    ]);
    expect(runs.get(16)!.sent[0]?.text).toContain('the last known state is the secondary 10.0.1.1');
  });
});

describe('the 18% rule at its boundary, from the checkers\' reports (the metric has no data)', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const sent = new Map<number, PublishedMessage[]>();

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    const steps: readonly [number, (() => void) | undefined][] = [
      [0, undefined],
      // Its metric lost: an endpoint check is judged by its checkers, 9 of 50 reporting success: 18%, not more.
      [1, () => (account.setPublishesMetric(REFERENCE.primaryCheckId, false), account.setCheckerReports(REFERENCE.primaryCheckId, 50, 9))],
      [2, () => account.setCheckerReports(REFERENCE.primaryCheckId, 11, 2)],
      [3, () => account.setCheckerReports(REFERENCE.primaryCheckId, 11, 1)],
    ];
    for (const [minute, change] of steps) {
      change?.();
      harness.clock.set(minutesIn(minute));
      const before = account.published.length;
      await harness.poll(loadEvent('scheduled.json'));
      sent.set(minute, account.published.slice(before));
    }
  });

  afterAll(() => harness.stop());

  it('exactly 18% (9 of 50) is unhealthy: FAILOVER; 2 of 11 (18.2%) is healthy: FAILBACK; 1 of 11 (9.1%): FAILOVER', () => {
    expect([1, 2, 3].map((minute) => kinds(sent.get(minute)!))).toEqual([['FAILOVER'], ['FAILBACK'], ['FAILOVER']]);
  });

  it('each message says the share and the rule it was held to', async () => {
    expect(sent.get(1)![0]?.text).toContain('9 of 50 checkers (18%) report success; Route 53 needs more than 18%');
    expect(sent.get(1)![0]?.text).toContain('Checkers reporting healthy: 9 of 50');
    expect(sent.get(2)![0]?.text).toContain('2 of 11 checkers (18.18%) report success; Route 53 needs more than 18%');
    expect((await history(harness)).map((t) => [t.kind, t.primary.evidence.checkersHealthy, t.primary.evidence.checkersTotal])).toEqual([
      ['FAILOVER', 9, 50],
      ['FAILBACK', 2, 11],
      ['FAILOVER', 1, 11],
    ]);
  });
});
