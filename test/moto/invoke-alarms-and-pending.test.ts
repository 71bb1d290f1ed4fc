/**
 * The bundled `alarm` function, and a publish to a topic that is gone, run by `serverless invoke local
 * --stage moto` against moto (the same pair, datapoints and subscribed queue as the reference scenario):
 * - a sweep stores the pair's definition and creates its managed alarm;
 * - with the stage's topic deleted, that alarm's event is judged from the stored definition (no Route 53
 *   listing): the FAILOVER is recorded, its failed publish logged as an error, the notification left pending;
 * - with the topic there again, an alarm of the user's own on the check is judged from Route 53's listing:
 *   the pending FAILOVER is sent, once, then the FAILBACK;
 * - an alarm on another metric is skipped, saying why, with nothing recorded or sent.
 * Each run is one `invoke local` (about 5 s), so the missing topic rides on the alarm runs rather than on
 * sweeps of its own.
 *
 * One story in order: each test runs on what the one before it left.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { loadEvent } from '../../local/harness';
import { alarmEvent } from '../support/containers';
import type { Invocation } from '../support/invoke-local';
import { historyOf, payloadOf, useReferenceStory } from '../support/moto-failover';

const STAGE = 'moto';
/** stages/moto.yml leaves alarmPrefix at its default, failwatch-<stage>. */
const ALARM_PREFIX = 'failwatch-moto';
const USERS_ALARM = 'app-team-primary-down';
const OTHER_METRIC_SKIP = 'alarm ServerCpuTooHigh does not watch AWS/Route53 HealthCheckStatus with a HealthCheckId dimension; nothing to re-evaluate';

/** The primary's HealthCheckStatus: healthy (sweep), unhealthy (managed alarm), healthy (user's alarm). */
const story = useReferenceStory(STAGE, 3);

async function invoked(name: 'poll' | 'alarm', event: unknown): Promise<Invocation> {
  const invocation = await story.functions.invoke(name, event);
  if (!invocation.succeeded) throw new Error(`${name} failed:\n${invocation.stdout}\n${invocation.stderr}`);
  return invocation;
}

/** The event CloudWatch sends when `alarmName` on the primary's check goes to `state`. */
function primaryAlarmEvent(alarmName: string, state: 'ALARM' | 'OK', description: string | undefined): unknown {
  const event = alarmEvent(alarmName, story.pair.healthCheckId, description) as { detail: { state: { value: string } } };
  event.detail.state.value = state;
  return event;
}

const logLine = (invocation: Invocation, message: string) => invocation.logs.find((line) => line.message === message);

describe('alarm events through the bundled alarm function, and a topic that is gone, on moto', () => {
  let managedAlarm: { name: string; description: string };

  it("a sweep stores the pair's definition and creates its managed alarm, named with the stage's prefix", async () => {
    await story.publishPrimaryStatus(1, true);
    const sweep = await invoked('poll', loadEvent('scheduled.json'));
    expect(sweep.result).toMatchObject({ transitionsRecorded: 0, definitions: { status: 'SYNCED', written: 1 }, alarms: { status: 'RECONCILED', created: 1 } });
    const cloudwatch = new CloudWatchClient({});
    try {
      const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${ALARM_PREFIX}-` }))).MetricAlarms ?? [];
      expect(alarms.map((alarm) => alarm.AlarmName)).toEqual([`${ALARM_PREFIX}-${story.pair.healthCheckId}`]);
      managedAlarm = { name: alarms[0]!.AlarmName!, description: alarms[0]!.AlarmDescription ?? '' };
    } finally {
      cloudwatch.destroy();
    }
    expect(managedAlarm.description).toContain(JSON.stringify([story.pair.key]));
  });

  it('the managed alarm goes to ALARM with the topic deleted: judged from the stored definition, the FAILOVER recorded, its failed publish logged as an error, left pending', async () => {
    await withSns((sns) => sns.send(new DeleteTopicCommand({ TopicArn: story.stage.topicArn })));
    await story.publishPrimaryStatus(2, false);
    const run = await invoked('alarm', primaryAlarmEvent(managedAlarm.name, 'ALARM', managedAlarm.description));
    expect(run.result).toMatchObject({ trigger: `ALARM ${managedAlarm.name}`, pairsInScope: 1, transitionsRecorded: 1, notificationsSent: 0, notificationsPending: 1, changes: [{ pair: story.pair.key, recorded: ['FAILOVER'] }] });
    expect(logLine(run, 'alarm evaluated')).toMatchObject({ level: 'INFO', alarmName: managedAlarm.name, state: 'ALARM', discovery: { source: 'PAIR_DEFINITIONS' } });
    expect(run.logs.filter((line) => line.level === 'ERROR')).toEqual([
      expect.objectContaining({
        message: 'a notification was not published; it stays pending and the next run retries it',
        pair: story.pair.key,
        kind: 'FAILOVER',
        errorCode: 'NotFoundException',
        errorMessage: expect.stringContaining(`topic ${story.stage.topicArn} does not exist: check the stage's topicArn setting`),
      }),
    ]);
    const [failover] = await historyOf(story.stage.tableName);
    expect(failover).toMatchObject({ kind: 'FAILOVER', status: 'PENDING', trigger: `alarm ${managedAlarm.name}` });
    expect(failover?.snsMessageId).toBeUndefined();
  });

  it("the topic there again, the user's own alarm on the check goes to OK: judged from Route 53's listing (its description not trusted); the pending FAILOVER sent once, then the FAILBACK", async () => {
    await withSns((sns) => sns.send(new CreateTopicCommand({ Name: `failwatch-${STAGE}-alerts` })));
    await story.queue.resubscribe();
    await story.publishPrimaryStatus(3, true);
    // A description in Failwatch's own words, naming the pair: only the stage's own alarms are trusted with it.
    const run = await invoked('alarm', primaryAlarmEvent(USERS_ALARM, 'OK', managedAlarm.description));
    expect(run.result).toMatchObject({ trigger: `ALARM ${USERS_ALARM}`, pairsInScope: 1, transitionsRecorded: 1, notificationsSent: 2, notificationsPending: 0, changes: [{ pair: story.pair.key, recorded: ['FAILBACK'] }] });
    expect(logLine(run, 'alarm evaluated')).toMatchObject({ alarmName: USERS_ALARM, state: 'OK', discovery: { source: 'INVENTORY' } });
    expect(run.logs.filter((line) => line.level === 'ERROR')).toEqual([]);
    const sent = await story.queue.drain();
    expect(sent.map((message) => payloadOf(message).kind)).toEqual(['FAILOVER', 'FAILBACK']);
    const history = await historyOf(story.stage.tableName);
    expect(history.map(({ kind, status, snsMessageId, trigger }) => ({ kind, status, snsMessageId, trigger }))).toEqual([
      { kind: 'FAILBACK', status: 'PUBLISHED', snsMessageId: sent[1]!.MessageId, trigger: `alarm ${USERS_ALARM}` },
      { kind: 'FAILOVER', status: 'PUBLISHED', snsMessageId: sent[0]!.MessageId, trigger: `alarm ${managedAlarm.name}` },
    ]);
  });

  it('an alarm on another metric: skipped, the reason returned and logged; nothing recorded or sent', async () => {
    const before = await historyOf(story.stage.tableName);
    const run = await invoked('alarm', loadEvent('alarm-other-metric.json'));
    expect(run.result).toEqual({ skipped: OTHER_METRIC_SKIP });
    expect(run.logs.map(({ level, message, alarmName, reason }) => ({ level, message, alarmName, reason }))).toEqual([
      { level: 'INFO', message: 'alarm skipped', alarmName: 'ServerCpuTooHigh', reason: OTHER_METRIC_SKIP },
    ]);
    expect(await historyOf(story.stage.tableName)).toEqual(before);
    expect(await story.queue.drain()).toEqual([]);
  });
});

async function withSns<T>(use: (sns: SNSClient) => Promise<T>): Promise<T> {
  const sns = new SNSClient({});
  try {
    return await use(sns);
  } finally {
    sns.destroy();
  }
}
