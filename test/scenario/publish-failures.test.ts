/**
 * A failed publish is never silent: with the topic gone (SNS answers NotFoundException), the run records
 * the FAILOVER, leaves it pending, logs one ERROR line naming the notification (pair, kind, reference) and
 * SNS's error (code and message), and its result carries the same. Through the real handlers.
 */
import { NotFoundException } from '@aws-sdk/client-sns';
import { pairKey } from '../../lib/domain/model';
import { historyReference } from '../../lib/notify/reference';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { logsOf } from '../robustness/logs';

const PAIR_ID = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' } as const;
const TOPIC_GONE = () => new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
const FAILURE_LINE = 'a notification was not published; it stays pending and the next run retries it';

describe('SNS refuses every publish: the topic does not exist', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await harness.poll(loadEvent('scheduled.json'));
    account.setHealthy(REFERENCE.primaryCheckId, false);
    harness.clock.advanceSeconds(60);
    account.publishFailure = TOPIC_GONE;
  });
  afterEach(() => harness.stop());

  async function failoverReference(): Promise<string> {
    const [failover] = await harness.store.listTransitions(PAIR_ID);
    expect(failover?.kind).toBe('FAILOVER');
    return historyReference(PAIR_ID, { sequence: failover!.sequence });
  }

  it.each([
    ['poll', (h: Harness) => h.poll(loadEvent('scheduled.json'))],
    ['alarm', (h: Harness) => h.alarm(loadEvent('alarm-alarm.json'))],
  ] as const)('%s: one ERROR line with SNS\'s code and message and what the notification was for; the run still succeeds', async (_name, run) => {
    const { result, lines } = await logsOf(() => run(harness));
    expect(result.status).toBe('fulfilled');
    const reference = await failoverReference();
    const errors = lines.filter((line) => line['level'] === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({
        message: FAILURE_LINE,
        pair: pairKey(PAIR_ID),
        kind: 'FAILOVER',
        reference,
        errorCode: 'NotFoundException',
        errorMessage: expect.stringContaining('Topic does not exist'),
      }),
    ]);
    // What to fix, for the person reading the line.
    expect(errors[0]?.['errorMessage']).toMatch(/does not exist: check the stage's topicArn setting/);
  });

  it('the run result carries the failure, the pending count and how long the oldest has waited', async () => {
    const first = await harness.poll(loadEvent('scheduled.json'));
    const reference = await failoverReference();
    expect(first).toMatchObject({ transitionsRecorded: 1, notificationsSent: 0, notificationsPending: 1, oldestPendingSeconds: 0 });
    expect(first.publishFailures).toEqual([
      { pair: pairKey(PAIR_ID), kind: 'FAILOVER', reference, transitionId: expect.stringMatching(/#1$/), errorCode: 'NotFoundException', errorMessage: expect.stringContaining('Topic does not exist') },
    ]);
    harness.clock.advanceSeconds(300);
    const next = await harness.poll(loadEvent('scheduled.json'));
    expect(next).toMatchObject({ transitionsRecorded: 0, notificationsPending: 1, oldestPendingSeconds: 300, publishFailures: [expect.objectContaining({ reference, errorCode: 'NotFoundException' })] });

    // The topic is back: the next run sends it, and nothing is reported any more.
    account.publishFailure = undefined;
    harness.clock.advanceSeconds(300);
    const recovered = await harness.poll(loadEvent('scheduled.json'));
    expect(recovered).toMatchObject({ notificationsSent: 1, notificationsPending: 0 });
    expect(recovered).not.toHaveProperty('publishFailures');
    expect(recovered).not.toHaveProperty('oldestPendingSeconds');
  });
});
