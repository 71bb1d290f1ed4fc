/** Hysteresis through the poll handler: FAILWATCH_CONFIRMATIONS observations before a change is recorded. */
import { startHarness, type Harness } from '../../local/harness';
import { PAIR_ID, history, kinds, minutesIn, sweepAt } from '../support/notice-scenario';
import { referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

describe('hysteresis through the poll handler', () => {
  let account: SimulatedAws;
  let harness: Harness;

  afterEach(() => harness.stop());

  async function start(confirmations: string): Promise<void> {
    account = referenceAccount();
    harness = await startHarness(account, { environment: { FAILWATCH_CONFIRMATIONS: confirmations } });
    await sweepAt(harness, account, 0, true);
  }

  it('N = 1 (default): the first unhealthy sweep records FAILOVER and notifies', async () => {
    await start('1');
    const step = await sweepAt(harness, account, 1, false);
    expect(step.recorded).toEqual(['FAILOVER']);
    expect(kinds(step.sent)).toEqual(['FAILOVER']);
  });

  it('N = 3: one bad observation does not fail over; three do, with the time first seen and confirmed', async () => {
    await start('3');
    const steps = [await sweepAt(harness, account, 1, false), await sweepAt(harness, account, 2, true), await sweepAt(harness, account, 3, true)];
    expect(steps.flatMap((s) => [...s.recorded, ...kinds(s.sent)])).toEqual([]);

    const confirming = [await sweepAt(harness, account, 4, false), await sweepAt(harness, account, 5, false), await sweepAt(harness, account, 6, false)];
    expect(confirming.map((s) => s.recorded)).toEqual([[], [], ['FAILOVER']]);
    expect(confirming.map((s) => kinds(s.sent))).toEqual([[], [], ['FAILOVER']]);
    const [failover] = await history(harness);
    expect(failover).toMatchObject({
      kind: 'FAILOVER',
      observedAt: minutesIn(6).toISOString(),
      previousStateSeconds: 4 * 60,
      confirmation: { firstSeenAt: minutesIn(4).toISOString(), observations: 3 },
      publishStatus: 'PUBLISHED',
    });
    expect(confirming[2]?.sent[0]?.text).toContain(`on 3 consecutive observations, first seen ${minutesIn(4).toISOString()}`);
  });

  it('a steady sweep writes nothing to DynamoDB (and a pending candidate only when it changes)', async () => {
    await start('3');
    const revision = async () => (await harness.store.loadStateConsistent(PAIR_ID))?.revision;
    const steady = await revision();
    await sweepAt(harness, account, 1, true);
    expect(await revision()).toBe(steady);
    await sweepAt(harness, account, 2, false);
    expect(await revision()).toBe((steady ?? 0) + 1);
  });
});
