/**
 * No lost notification: a transition is written (PENDING) before it is published, and its record carries
 * the publish status. While SNS fails (throttled, 5xx, timeout) it stays pending; the next run that
 * reaches SNS publishes it (the outbox), each exactly once and in sequence order, with the transition id
 * as a message attribute so subscribers can deduplicate the rare second delivery.
 */
import { InternalErrorException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsNotifier } from '../../lib/aws/sns/notifier';
import { pairKey } from '../../lib/domain/model';
import { NotifierError } from '../../lib/errors';
import type { OutgoingNotification } from '../../lib/ports';
import type { RunResult } from '../../lib/usecases/run-result';
import { TEST_TOPIC_ARN, loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, generatedAccount, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { dynamoError, injectDynamoFault, isClaim, isForPair, isMarkPublished } from './dynamo-faults';
import { deliveryProblems, historyOf, historyProblems, pairIdOf, stateOf } from './invariants';
import { alarmEventFor } from './invocations';

const PAIR_ID = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' } as const;
const PAIR_KEY = pairKey(PAIR_ID);
const START = Date.UTC(2026, 10, 25, 8, 0);
/** Only the outbox is under test: every transition is sent on its own. */
const SETTINGS = { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 0, publishLeaseSeconds: 60 } as const;

const minutesIn = (minutes: number): Date => new Date(START + minutes * 60_000);

/** The ways SNS Publish fails that the next run must recover from, as the SDK reports each. */
const SNS_FAILURES: readonly (readonly [string, () => Error])[] = [
  ['throttled (HTTP 400 Throttled)', () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
  ['a server error (HTTP 500)', () => new InternalErrorException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } })],
  ['a timeout (no answer)', () => Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })],
];

async function sweep(harness: Harness, account: SimulatedAws, minutes: number, primaryHealthy: boolean): Promise<RunResult> {
  account.setHealthy(REFERENCE.primaryCheckId, primaryHealthy);
  harness.clock.set(minutesIn(minutes));
  return harness.poll(loadEvent('scheduled.json'));
}

async function statuses(harness: Harness): Promise<string[][]> {
  return (await historyOf(harness, PAIR_ID)).map((t) => [t.kind, t.publishStatus]);
}

describe('SNS down for several runs while the pair fails over and back', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const runs: Record<string, RunResult> = {};

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { start: minutesIn(0), settings: SETTINGS });
    runs['first'] = await sweep(harness, account, 0, true);
  });

  afterAll(() => harness.stop());

  it.each(SNS_FAILURES.map(([label], index) => [label, index] as const))('SNS failing with %s: the transitions stay recorded as PENDING', async (_label, index) => {
    account.publishFailure = SNS_FAILURES[index]![1];
    const sentBefore = account.calls.sns;
    // Run 1 fails over, run 2 sees no change, run 3 fails back: each tries the outbox again.
    const primaryHealthy = [false, false, true][index] as boolean;
    const run = await sweep(harness, account, index + 1, primaryHealthy);

    const expected = [['FAILOVER', 'PENDING'], ...(index === 2 ? [['FAILBACK', 'PENDING']] : [])];
    expect(await statuses(harness)).toEqual(expected);
    expect(run).toMatchObject({ transitionsRecorded: index === 1 ? 0 : 1, notificationsSent: 0, notificationsPending: expected.length, unfinishedPairs: [] });
    // Each run tries SNS again, oldest first; what comes after a failed one waits (order is kept).
    expect(account.calls.sns - sentBefore).toBe(1);
    expect(account.published).toHaveLength(0);
    expect((await stateOf(harness, PAIR_ID))?.pendingSequences).toEqual(expected.map((_, i) => i + 1));
  });

  it('SNS back: two overlapping runs (sweep and alarm) publish each transition exactly once, in sequence order', async () => {
    account.publishFailure = undefined;
    harness.clock.set(minutesIn(4));
    const [sweepRun, alarmRun] = await Promise.all([harness.poll(loadEvent('scheduled.json')), harness.alarm(alarmEventFor(REFERENCE.primaryCheckId, 'OK'))]);

    expect(account.published.map((m) => [m.attributes['kind'], m.attributes['transitionId']])).toEqual([
      ['FAILOVER', `${PAIR_KEY}#1`],
      ['FAILBACK', `${PAIR_KEY}#2`],
    ]);
    const sent = [sweepRun, alarmRun].map((r) => ('notificationsSent' in r ? r.notificationsSent : 0));
    expect(sent[0]! + sent[1]!).toBe(2);
    const history = await historyOf(harness, PAIR_ID);
    expect(history.map((t) => [t.kind, t.publishStatus, t.snsMessageId])).toEqual([
      ['FAILOVER', 'PUBLISHED', account.published[0]!.messageId],
      ['FAILBACK', 'PUBLISHED', account.published[1]!.messageId],
    ]);
    expect((await stateOf(harness, PAIR_ID))?.pendingSequences).toEqual([]);
    expect([...historyProblems(PAIR_ID, history, await stateOf(harness, PAIR_ID)), ...deliveryProblems(PAIR_ID, history, account.published, { allSent: true })]).toEqual([]);
  });

  it('later runs send nothing again', async () => {
    await sweep(harness, account, 5, true);
    await harness.alarm(alarmEventFor(REFERENCE.primaryCheckId, 'OK'));
    expect(account.published).toHaveLength(2);
  });

  it('the SNS message carries the transition id as a message attribute, for downstream dedup', () => {
    expect(account.published[0]!.attributes).toMatchObject({ transitionId: `${PAIR_KEY}#1`, kind: 'FAILOVER', zone: REFERENCE.zoneId });
    expect(account.published[1]!.attributes).toMatchObject({ transitionId: `${PAIR_KEY}#2`, kind: 'FAILBACK' });
  });
});

describe('publishing in order', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { start: minutesIn(0), settings: SETTINGS });
    await sweep(harness, account, 0, true);
    account.publishFailure = SNS_FAILURES[0]![1];
    await sweep(harness, account, 1, false);
    await sweep(harness, account, 2, true);
    account.publishFailure = undefined;
    expect(await statuses(harness)).toEqual([['FAILOVER', 'PENDING'], ['FAILBACK', 'PENDING']]);
  });

  afterEach(() => harness.stop());

  it('a publish that fails again holds back the pair\'s later transitions: a FAILBACK never goes out before its FAILOVER', async () => {
    // SNS fails once more, for the first message of the run only.
    account.publishFailure = () => {
      account.publishFailure = undefined;
      return SNS_FAILURES[1]![1]();
    };
    const run = await sweep(harness, account, 3, true);
    expect(account.published.map((m) => m.attributes['kind'])).toEqual([]);
    expect(run).toMatchObject({ notificationsSent: 0, notificationsPending: 2 });

    await sweep(harness, account, 4, true);
    expect(account.published.map((m) => m.attributes['kind'])).toEqual(['FAILOVER', 'FAILBACK']);
    expect(await statuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'PUBLISHED']]);
  });

  it('a transition sent but not marked published is not sent again while its lease runs, and is sent again (same transitionId) after, still before its FAILBACK', async () => {
    let failMarks = 1;
    const heal = injectDynamoFault(harness.clients.dynamo, (request) =>
      isMarkPublished(request) && failMarks-- > 0 ? dynamoError('InternalServerError', 'Internal server error', 500) : undefined,
    );
    try {
      // The FAILOVER goes out but is not marked: the FAILBACK waits, so the repeat can never follow it.
      const run = await sweep(harness, account, 3, true);
      expect(run).toMatchObject({ notificationsSent: 0, notificationsPending: 2 });
      expect(await statuses(harness)).toEqual([['FAILOVER', 'PENDING'], ['FAILBACK', 'PENDING']]);

      // Within the lease: the claim of the run that sent it still holds.
      await sweep(harness, account, 3.5, true);
      expect(account.published.map((m) => m.attributes['transitionId'])).toEqual([`${PAIR_KEY}#1`]);

      // After the lease: at least once, so it goes again, with the same id for subscribers to drop; then the FAILBACK.
      await sweep(harness, account, 4.5, true);
      expect(account.published.map((m) => m.attributes['transitionId'])).toEqual([`${PAIR_KEY}#1`, `${PAIR_KEY}#1`, `${PAIR_KEY}#2`]);
      expect(await statuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'PUBLISHED']]);
      const failover = (await historyOf(harness, PAIR_ID))[0];
      expect(failover?.snsMessageId).toBe(account.published[1]!.messageId);
    } finally {
      heal();
    }
  });
});

describe('a DynamoDB failure while publishing', () => {
  it('leaves that transition pending and reported, publishes the other pairs, and the next run sends it', async () => {
    const { account, pairs } = generatedAccount({ healthChecks: 4 });
    const harness = await startHarness(account, { start: minutesIn(0), settings: SETTINGS });
    try {
      harness.clock.set(minutesIn(0));
      await harness.poll(loadEvent('scheduled.json'));
      const [first, second] = pairs.map(pairIdOf);
      for (const pair of pairs) account.setHealthy(pair.primaryCheckId, false);
      // Both fail over while SNS is down: recorded, left pending and unclaimed for the next run to claim.
      account.publishFailure = SNS_FAILURES[0]![1];
      harness.clock.set(minutesIn(1));
      expect(await harness.poll(loadEvent('scheduled.json'))).toMatchObject({ transitionsRecorded: 2, notificationsSent: 0, notificationsPending: 2 });
      account.publishFailure = undefined;
      let failedClaims = 0;
      const heal = injectDynamoFault(harness.clients.dynamo, (request) =>
        isClaim(request) && isForPair(request, first!) && ++failedClaims > 0
          ? dynamoError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.')
          : undefined,
      );
      harness.clock.set(minutesIn(2));
      const run = await harness.poll(loadEvent('scheduled.json'));
      heal();

      expect(failedClaims).toBe(1);
      expect(run).toMatchObject({ transitionsRecorded: 0, notificationsSent: 1, notificationsPending: 1, unfinishedPairs: [] });
      expect(account.published.map((m) => m.attributes['transitionId'])).toEqual([`${pairKey(second!)}#1`]);
      expect((await historyOf(harness, first!)).map((t) => t.publishStatus)).toEqual(['PENDING']);

      harness.clock.set(minutesIn(3));
      await harness.poll(loadEvent('scheduled.json'));
      expect(account.published.map((m) => m.attributes['transitionId'])).toEqual([`${pairKey(second!)}#1`, `${pairKey(first!)}#1`]);
      for (const pairId of [first!, second!]) {
        const history = await historyOf(harness, pairId);
        expect(deliveryProblems(pairId, history, account.published, { allSent: true })).toEqual([]);
      }
    } finally {
      await harness.stop();
    }
  });
});

describe('SnsNotifier: every failure the outbox retries is reported as retryable', () => {
  const sns = mockClient(SNSClient);
  afterAll(() => sns.restore());

  const notification: OutgoingNotification = {
    transitionId: `${PAIR_KEY}#1`,
    subject: 'FAILOVER app.example.com A',
    text: 'failed over',
    payload: {},
    attributes: { transitionId: `${PAIR_KEY}#1` },
  };

  it.each(SNS_FAILURES)('%s → NotifierError, retryable', async (_label, makeError) => {
    sns.reset();
    sns.on(PublishCommand).rejects(makeError());
    const publishing = new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TEST_TOPIC_ARN).publish(notification);
    await expect(publishing).rejects.toBeInstanceOf(NotifierError);
    await expect(publishing).rejects.toMatchObject({ retryable: true });
  });

  it('sends the transition id as the transitionId message attribute', async () => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TEST_TOPIC_ARN).publish(notification);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toMatchObject({ transitionId: { DataType: 'String', StringValue: `${PAIR_KEY}#1` } });
  });
});
