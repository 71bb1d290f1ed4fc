/**
 * An endpoint check whose metric has no data is judged from its checkers (the fallback read); when that
 * read cannot be made in this run (too little time left, or more such checks than the run reads) the
 * check is unknown, never "new, so healthy": that would report a FAILBACK while Route 53 still serves
 * the secondary.
 */
import type { Context } from 'aws-lambda';
import type { WatchSettings } from '../../lib/usecases/watch';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { kinds, minutesIn, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

/** A Lambda context with `ms` left: deadlineFrom gives now + (ms - 10 s). */
const contextWith = (ms: number) => ({ getRemainingTimeInMillis: () => ms }) as unknown as Context;

describe('a check with no metric data whose checkers were not read', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const start = async (settings: Partial<WatchSettings> = {}) => {
    account = referenceAccount();
    harness = await startHarness(account, { start: minutesIn(0), settings });
    await sweepAt(harness, account, 0, true);
    await sweepAt(harness, account, 1, false); // FAILOVER recorded and sent
    // The primary is still down (checkers fail, DNS answers the secondary), but its metric has no data now.
    account.checks.get(REFERENCE.primaryCheckId)!.publishesMetric = false;
    harness.clock.set(minutesIn(2));
  };
  afterEach(async () => harness.stop());

  it('control: with time left, the checker fallback says unhealthy and nothing is sent', async () => {
    await start();
    await harness.poll(loadEvent('scheduled.json'), contextWith(60_000));
    expect(kinds(account.published)).toEqual(['FAILOVER']);
  });

  it('15 s left (deadline 5 s away, evidence cutoff already passed): no FAILBACK is recorded or sent', async () => {
    await start();
    expect(account.dnsAnswer(REFERENCE.zoneId, REFERENCE.recordName, 'A')).toEqual([REFERENCE.secondaryIp]);
    const result = await harness.poll(loadEvent('scheduled.json'), contextWith(15_000));
    expect(result.transitionsRecorded).toBe(0);
    expect(result.unknownPairs).toEqual([`${REFERENCE.zoneId}|${REFERENCE.recordName}|A`]);
    expect(kinds(account.published)).toEqual(['FAILOVER']);
  });

  it('more such checks than a run reads (here none): a verdict that would change is read as evidence first, so no FAILBACK', async () => {
    await start({ maxFallbackStatusReads: 0 });
    const result = await harness.poll(loadEvent('scheduled.json'), contextWith(60_000));
    expect(result.transitionsRecorded).toBe(0);
    expect(kinds(account.published)).toEqual(['FAILOVER']);
  });
});
