/**
 * `failwatch alarms list|remove` on CloudWatch as moto serves it: the real adapter lists by prefix and
 * proves ownership by tag; remove deletes only this stage's tagged alarms, even when a tag is removed
 * between the listing and the deletion.
 */
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, UntagResourceCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';
import { ALARM_OWNER_TAG } from '../../lib/domain/alarm-plan';
import type { AlarmManager } from '../../lib/ports';
import { listStageAlarms, removeStageAlarms } from '../../lib/usecases/alarms';
import { startMoto, type MotoServer } from '../support/moto';

const PREFIX = 'failwatch-prod';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const D = '44444444-4444-4444-8444-444444444444';

let moto: MotoServer;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  moto = await startMoto();
  cloudwatch = new CloudWatchClient({});
});
afterAll(async () => {
  cloudwatch.destroy();
  await moto.stop();
});
beforeEach(() => moto.reset());

async function putAlarm(name: string, healthCheckId: string | undefined, owner: string | undefined): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: healthCheckId === undefined ? 'AWS/SQS' : 'AWS/Route53',
      MetricName: healthCheckId === undefined ? 'ApproximateNumberOfMessagesVisible' : 'HealthCheckStatus',
      Dimensions: [healthCheckId === undefined ? { Name: 'QueueName', Value: `${PREFIX}-dead-letters` } : { Name: 'HealthCheckId', Value: healthCheckId }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      ...(owner === undefined ? {} : { Tags: [{ Key: ALARM_OWNER_TAG, Value: owner }] }),
    }),
  );
}

/** Two of this stage's alarms, one untagged of the same shape, one tagged by another stage, the stack's dead-letter alarm and another stage's alarm. */
async function anAccount(): Promise<void> {
  await putAlarm(`${PREFIX}-${A}`, A, PREFIX);
  await putAlarm(`${PREFIX}-${B}`, B, PREFIX);
  await putAlarm(`${PREFIX}-${C}`, C, undefined);
  await putAlarm(`${PREFIX}-${D}`, D, 'failwatch-dev');
  await putAlarm(`${PREFIX}-dead-letters`, undefined, undefined);
  await putAlarm(`failwatch-dev-${A}`, A, 'failwatch-dev');
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: `${PREFIX}-${B}`, StateValue: 'ALARM', StateReason: 'Threshold Crossed' }));
}

async function alarmNames(): Promise<string[]> {
  return ((await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []).map((alarm) => alarm.AlarmName ?? '').sort();
}

const manager = () => new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: PREFIX });

describe('alarms on moto', () => {
  it('list: this stage\'s tagged alarms with where each stands; same-named ones without its tag apart; nothing else', async () => {
    await anAccount();

    const listed = await listStageAlarms({ alarms: manager() }, { prefix: PREFIX });

    expect(listed.managed.map((alarm) => [alarm.name, alarm.healthCheckId, alarm.standing?.state])).toEqual([
      [`${PREFIX}-${A}`, A, 'OK'],
      [`${PREFIX}-${B}`, B, 'ALARM'],
    ]);
    expect(listed.foreign.map((alarm) => alarm.name)).toEqual([`${PREFIX}-${C}`, `${PREFIX}-${D}`]);
  });

  it('remove all: deletes only this stage\'s tagged alarms', async () => {
    await anAccount();

    const removal = await removeStageAlarms({ alarms: manager() }, { prefix: PREFIX, selection: { kind: 'ALL' } });

    expect(removal).toEqual({ prefix: PREFIX, removed: [`${PREFIX}-${A}`, `${PREFIX}-${B}`], refused: [], notFound: [] });
    expect(await alarmNames()).toEqual([`failwatch-dev-${A}`, `${PREFIX}-${C}`, `${PREFIX}-${D}`, `${PREFIX}-dead-letters`]);
  });

  it('remove named: the untagged alarm and another stage\'s are refused and stay', async () => {
    await anAccount();

    const removal = await removeStageAlarms({ alarms: manager() }, { prefix: PREFIX, selection: { kind: 'NAMED', names: [A, `${PREFIX}-${C}`, D, `${PREFIX}-dead-letters`] } });

    expect(removal.removed).toEqual([`${PREFIX}-${A}`]);
    expect(removal.refused.map((refusal) => refusal.name)).toEqual([`${PREFIX}-${C}`, `${PREFIX}-${D}`, `${PREFIX}-dead-letters`]);
    expect(await alarmNames()).toEqual([`failwatch-dev-${A}`, `${PREFIX}-${B}`, `${PREFIX}-${C}`, `${PREFIX}-${D}`, `${PREFIX}-dead-letters`]);
  });

  it('a tag removed after the listing: its tags are read again before the deletion, and the alarm stays', async () => {
    await anAccount();
    const real = manager();
    const racing: AlarmManager = {
      listAlarms: async () => {
        const listing = await real.listAlarms();
        // Someone takes alarm A over between the listing and the deletion.
        await cloudwatch.send(new UntagResourceCommand({ ResourceARN: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${PREFIX}-${A}`, TagKeys: [ALARM_OWNER_TAG] }));
        return listing;
      },
      confirmOwnership: (name) => real.confirmOwnership(name),
      putAlarm: (spec) => real.putAlarm(spec),
      deleteAlarms: (names) => real.deleteAlarms(names),
    };

    const removal = await removeStageAlarms({ alarms: racing }, { prefix: PREFIX, selection: { kind: 'ALL' } });

    expect(removal.removed).toEqual([`${PREFIX}-${B}`]);
    expect(removal.refused).toEqual([{ name: `${PREFIX}-${A}`, reason: `carries no ${ALARM_OWNER_TAG}=${PREFIX} tag: not Failwatch's, left alone` }]);
    expect(await alarmNames()).toContain(`${PREFIX}-${A}`);
  });
});
