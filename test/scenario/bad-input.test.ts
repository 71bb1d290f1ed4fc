/**
 * Bad input ends in one clear error (or a clean skip) and never in a partial write or a notification.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { ConfigurationError, InvalidEventError } from '../../lib/errors';
import { buildWatchDepsFromEnvironment } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

describe('bad input', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
  });
  afterAll(() => harness.stop());

  async function tableItems(): Promise<number> {
    const { Items } = await harness.clients.dynamo.send(new ScanCommand({ TableName: harness.config.tableName }));
    return Items?.length ?? 0;
  }

  function nothingTouched(): void {
    expect(account.calls).toEqual({ route53: 0, getHealthCheckStatus: 0, cloudwatch: 0, sns: 0 });
  }

  beforeEach(() => {
    Object.assign(account.calls, { route53: 0, getHealthCheckStatus: 0, cloudwatch: 0, sns: 0 });
  });

  it('a malformed alarm event fails with one error naming the bad fields, and reads, writes and sends nothing', async () => {
    const run = harness.alarm(loadEvent('malformed.json'));
    await expect(run).rejects.toBeInstanceOf(InvalidEventError);
    await expect(harness.alarm(loadEvent('malformed.json'))).rejects.toThrow(/Malformed CloudWatch Alarm State Change event: .*detail\.state/);
    // Readable words, not zod's bare "Invalid input": the messages come with the validation library's locale.
    await expect(harness.alarm(loadEvent('malformed.json'))).rejects.toThrow(/id: missing \(expected string\); .*detail\.state: Invalid input: expected object, received string/);
    nothingTouched();
    expect(await tableItems()).toBe(0);
  });

  it('an alarm on another metric is skipped cleanly without any AWS call', async () => {
    const result = await harness.alarm(loadEvent('alarm-other-metric.json'));
    expect(result).toEqual({ skipped: expect.stringMatching(/does not watch AWS\/Route53 HealthCheckStatus/) });
    nothingTouched();
    expect(await tableItems()).toBe(0);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
  ])('the poll function rejects %s as its event', async (_label, event) => {
    await expect(harness.poll(event)).rejects.toThrow(/takes a Scheduled Event or an EventBridge Scheduler JSON object/);
    nothingTouched();
  });

  it('the poll function rejects an alarm event and says where to route it', async () => {
    await expect(harness.poll(loadEvent('alarm-alarm.json'))).rejects.toThrow(/route alarm events to the alarm function/);
    nothingTouched();
  });

  it('a Scheduled Event missing its id is rejected with the field named', async () => {
    const event = loadEvent<Record<string, unknown>>('scheduled.json');
    delete event['id'];
    await expect(harness.poll(event)).rejects.toThrow(/Malformed Scheduled Event: id/);
    nothingTouched();
  });

  it('an alarm on a health check no pair uses records nothing', async () => {
    const event = loadEvent<{ detail: { configuration: { metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] } } }>('alarm-alarm.json');
    event.detail.configuration.metrics[0]!.metricStat.metric.dimensions['HealthCheckId'] = '99999999-0000-0000-0000-000000000000';
    const result = await harness.alarm(event);
    expect(result).toMatchObject({ pairsInScope: 0, transitionsRecorded: 0, notificationsSent: 0 });
    expect(account.calls.sns).toBe(0);
    expect(await tableItems()).toBe(0);
  });

  it('an EventBridge Scheduler payload of any JSON object is accepted and names the run', async () => {
    const result = await harness.poll(loadEvent('scheduler.json'));
    expect(result.trigger).toMatch(/^SCHEDULE /);
    expect(result.pairsInScope).toBe(1);
  });

  it('a missing setting fails the invocation with the variable named, before anything is read', async () => {
    const saved = process.env['FAILWATCH_TOPIC_ARN'];
    delete process.env['FAILWATCH_TOPIC_ARN'];
    try {
      const handler = createPollHandler(buildWatchDepsFromEnvironment);
      const run = handler(loadEvent('scheduled.json'));
      await expect(run).rejects.toBeInstanceOf(ConfigurationError);
      await expect(handler(loadEvent('scheduled.json'))).rejects.toThrow(/FAILWATCH_TOPIC_ARN is not set/);
    } finally {
      process.env['FAILWATCH_TOPIC_ARN'] = saved;
    }
    expect(account.calls.route53).toBe(0);
  });
});

describe('health check deleted between discovery and the status read', () => {
  it('leaves the pair unknown, not failed over, and says why', async () => {
    const fresh = referenceAccount();
    const local = await startHarness(fresh);
    try {
      await local.poll(loadEvent('scheduled.json'));
      // The check vanishes: its metric stops and GetHealthCheckStatus answers NoSuchHealthCheck.
      fresh.checks.get(REFERENCE.primaryCheckId)!.publishesMetric = false;
      fresh.checks.delete(REFERENCE.primaryCheckId);
      local.clock.advanceSeconds(60);
      const result = await local.poll(loadEvent('scheduled.json'));
      expect(result.transitionsRecorded).toBe(0);
      const pair = `${REFERENCE.zoneId}|${REFERENCE.recordName}|A`;
      expect(result.unknownPairs).toEqual([pair]);
      expect(result.unknownReasons).toEqual([{ pair, reason: expect.stringContaining(REFERENCE.primaryCheckId) }]);
      expect(fresh.published).toHaveLength(0);
    } finally {
      await local.stop();
    }
  });
});
