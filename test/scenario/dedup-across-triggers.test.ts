/**
 * The scheduled sweep and the alarm event seeing the same change produce one transition and one
 * notification: both race for the same per-pair sequence with single-item conditional writes. A notice,
 * keyed by what it is about, is sent once even if decided again after its first copy left the outbox.
 */
import { judgedState } from '../../lib/ports';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { PAIR_ID, history, kinds, minutesIn, notices, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

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

describe('a notice decided again after its first copy was moved to history', () => {
  it('is committed again (the commit cannot see history) but dropped unsent by the run that would send it; the first copy stands', async () => {
    const account = referenceAccount();
    const harness = await startHarness(account, { settings: { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 240 } });
    try {
      await sweepAt(harness, account, 0, true);
      await sweepAt(harness, account, 1, false);
      expect(kinds((await sweepAt(harness, account, 5, false)).sent)).toEqual(['REMINDER']);
      // The next sweep moves the published reminder to history, out of the outbox.
      await sweepAt(harness, account, 6, false);
      const [first] = await notices(harness);
      if (first === undefined) throw new Error('a reminder was expected');
      expect(first).toMatchObject({ kind: 'REMINDER', publishStatus: 'PUBLISHED' });
      expect((await harness.store.loadStateConsistent(PAIR_ID))?.outbox).toBeUndefined();

      // A run deciding the same reminder again (the domain does not, but the store must not rely on it).
      const state = judgedState(await harness.store.loadStateConsistent(PAIR_ID));
      if (state === undefined) throw new Error('a state was expected');
      await harness.store.record({ expected: state, next: { ...state, lastObservedAt: minutesIn(6.5).toISOString() }, transitions: [], notices: [{ ...first, lastedSeconds: 1 }], expectedRevision: state.revision });
      expect((await harness.store.loadStateConsistent(PAIR_ID))?.pendingNotices).toEqual([first.key]);

      const next = await sweepAt(harness, account, 7, false);

      expect(kinds(next.sent)).toEqual([]);
      expect(kinds(account.published)).toEqual(['FAILOVER', 'REMINDER']);
      expect((await harness.store.loadStateConsistent(PAIR_ID))?.pendingNotices).toBeUndefined();
      expect(await notices(harness)).toEqual([first]);
    } finally {
      await harness.stop();
    }
  });
});
