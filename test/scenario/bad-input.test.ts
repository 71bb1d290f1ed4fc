/**
 * Bad input ends in one clear error (or a clean skip) and never in a partial write or a notification.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { ConfigurationError, InvalidEventError } from '../../lib/errors';
import { buildWatchDepsFromEnvironment } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { logsOf } from '../robustness/logs';

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

  type AlarmEvent = { detail: { alarmName: string; configuration: { metrics: { id?: string; metricStat: { metric: { namespace: string; name: string; dimensions: Record<string, string> } } }[] } } };
  /** events/alarm-alarm.json naming these health checks, one metric each. */
  function alarmOn(healthCheckIds: readonly string[]): AlarmEvent {
    const event = loadEvent<AlarmEvent>('alarm-alarm.json');
    const [template] = event.detail.configuration.metrics;
    event.detail.configuration.metrics = healthCheckIds.map((id, index) => ({ ...structuredClone(template!), id: `m${index}`, metricStat: { metric: { namespace: 'AWS/Route53', name: 'HealthCheckStatus', dimensions: { HealthCheckId: id } } } }));
    return event;
  }
  const checkId = (n: number): string => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

  it.each([
    ['a control character', `${REFERENCE.primaryCheckId}\u0000`],
    ['a path', `../${REFERENCE.primaryCheckId}`],
    ['not a UUID', 'my-health-check'],
    ['empty', ''],
    ['a megabyte', 'a'.repeat(1024 * 1024)],
  ])('a HealthCheckId that is %s ends in InvalidEventError before any AWS call, its value quoted only in part', async (_label, id) => {
    const { result, lines } = await logsOf(() => harness.alarm(alarmOn([id])));
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toMatch(/HealthCheckId: .* is not a Route 53 health check id \(a UUID/);
    expect(error.message.length).toBeLessThan(400);
    expect(Math.max(...lines.map((line) => JSON.stringify(line).length))).toBeLessThan(1000);
    nothingTouched();
    expect(await tableItems()).toBe(0);
  });

  it('an alarm naming 10 health checks (a metric-math alarm\'s most) is taken; 11 end in InvalidEventError before any AWS call', async () => {
    await expect(harness.alarm(alarmOn(Array.from({ length: 10 }, (_, n) => checkId(n))))).resolves.toMatchObject({ pairsInScope: 0 });
    Object.assign(account.calls, { route53: 0, getHealthCheckStatus: 0, cloudwatch: 0, sns: 0 });
    await expect(harness.alarm(alarmOn(Array.from({ length: 11 }, (_, n) => checkId(n))))).rejects.toThrow(/names 11 health checks; an alarm reads at most 10 metrics/);
    nothingTouched();
  });

  it('an alarm event with 10,000 metrics (an alarm holds at most 20 queries) ends in InvalidEventError before any AWS call', async () => {
    const run = harness.alarm(alarmOn(Array.from({ length: 10_000 }, (_, n) => checkId(n))));
    await expect(run).rejects.toBeInstanceOf(InvalidEventError);
    await expect(harness.alarm(alarmOn(Array.from({ length: 10_000 }, (_, n) => checkId(n))))).rejects.toThrow(/detail\.configuration\.metrics: Too big/);
    nothingTouched();
    expect(await tableItems()).toBe(0);
  });

  it.each([
    ['256 characters (CloudWatch allows 255)', 256],
    ['a megabyte', 1024 * 1024],
  ])('an alarm name of %s ends in InvalidEventError before any AWS call, and no log line holds it whole', async (_label, length) => {
    const event = alarmOn([REFERENCE.primaryCheckId]);
    event.detail.alarmName = 'n'.repeat(length);
    const { result, lines } = await logsOf(() => harness.alarm(event));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InvalidEventError);
    expect((result as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/detail\.alarmName: Too big: expected string to have <=255 characters/) });
    expect(lines.length).toBeGreaterThan(0);
    expect(Math.max(...lines.map((line) => JSON.stringify(line).length))).toBeLessThan(1000);
    nothingTouched();
    expect(await tableItems()).toBe(0);
  });

  it('an alarm name of 255 characters is taken', async () => {
    const event = alarmOn([checkId(1)]);
    event.detail.alarmName = 'n'.repeat(255);
    await expect(harness.alarm(event)).resolves.toMatchObject({ pairsInScope: 0 });
  });

  it('a megabyte in the poll function\'s event (a detail-type, a Scheduler trigger name) ends in InvalidEventError, and no log line holds it whole', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    for (const event of [{ 'detail-type': huge }, { trigger: huge }]) {
      const { result, lines } = await logsOf(() => harness.poll(event));
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InvalidEventError);
      expect(Math.max(...lines.map((line) => JSON.stringify(line).length))).toBeLessThan(1000);
    }
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
