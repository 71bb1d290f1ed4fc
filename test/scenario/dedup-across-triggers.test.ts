/**
 * The scheduled sweep and the alarm event seeing the same change produce one transition and one
 * notification: both race for the same per-pair sequence with single-item conditional writes.
 */
import { loadEvent, startHarness, type Harness } from '../support/harness';
import { history, kinds, minutesIn, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../support/simulated-aws';

describe('one change seen by the sweep and by the alarm → one transition, one SNS publish', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await sweepAt(harness, account, 0, true);
    account.setHealthy(REFERENCE.primaryCheckId, false);
  });

  afterEach(() => harness.stop());

  async function expectOneFailover(): Promise<void> {
    expect((await history(harness)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect(kinds(account.published)).toEqual(['FAILOVER']);
    expect(account.calls.sns).toBe(1);
  }

  it('concurrently (Promise.all), at the same instant', async () => {
    harness.clock.set(minutesIn(1));
    const [sweep, alarm] = await Promise.all([harness.poll(loadEvent('scheduled.json')), harness.alarm(loadEvent('alarm-alarm.json'))]);
    await expectOneFailover();
    expect([sweep, alarm].map((r) => ('transitionsRecorded' in r ? r.transitionsRecorded : 0)).sort()).toEqual([0, 1]);
  });

  it('one after the other: the alarm first, the sweep a minute later', async () => {
    harness.clock.set(minutesIn(1));
    await harness.alarm(loadEvent('alarm-alarm.json'));
    harness.clock.set(minutesIn(2));
    await harness.poll(loadEvent('scheduled.json'));
    await expectOneFailover();
  });

  it('one after the other: the sweep first, the alarm (delivered late) after', async () => {
    harness.clock.set(minutesIn(1));
    await harness.poll(loadEvent('scheduled.json'));
    harness.clock.set(minutesIn(1.5));
    await harness.alarm(loadEvent('alarm-alarm.json'));
    await expectOneFailover();
  });
});
