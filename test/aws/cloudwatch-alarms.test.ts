import {
  CloudWatchClient,
  CloudWatchServiceException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  ResourceNotFoundException,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { AlarmManagerError } from '../../lib/errors';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { alarmDescriptionFor, DEFAULT_ALARM_SETTINGS } from '../../lib/domain/alarm-plan';

const cloudwatch = mockClient(CloudWatchClient);
const PREFIX = 'failwatch-prod';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const arn = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
const manager = () => new CloudWatchAlarmManager(new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 }), { prefix: PREFIX });

function anAlarm(name: string, healthCheckId: string | undefined, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: arn(name),
    Namespace: 'AWS/Route53',
    MetricName: 'HealthCheckStatus',
    Dimensions: healthCheckId === undefined ? [] : [{ Name: 'HealthCheckId', Value: healthCheckId }],
    Statistic: 'Minimum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'LessThanThreshold',
    TreatMissingData: 'missing',
    AlarmConfigurationUpdatedTimestamp: new Date('2026-11-25T00:00:00Z'),
    ...overrides,
  };
}

const serviceError = (name: string, httpStatusCode: number) => new CloudWatchServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: `${name} happened`, $metadata: { httpStatusCode } });

beforeEach(() => cloudwatch.reset());

describe('CloudWatchAlarmManager.listAlarms', () => {
  const owned = `${PREFIX}-${A}`;
  const untagged = `${PREFIX}-${B}`;
  const otherDeployment = `${PREFIX}-${C}`;
  // Under the prefix, but not `<prefix>-<health check id>`: never this deployment's.
  const deadLetters = `${PREFIX}-dead-letters`;
  const longerPrefix = `${PREFIX}-eu-${A}`;
  // The paginator reuses one input object across pages: keep a copy of each as sent.
  let inputs: DescribeAlarmsCommandInput[];

  beforeEach(() => {
    inputs = [];
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      inputs.push({ ...input });
      return input.NextToken === undefined
        ? { MetricAlarms: [anAlarm(owned, A), anAlarm(untagged, B)], NextToken: 'page-2' }
        : { MetricAlarms: [anAlarm(otherDeployment, C), anAlarm(deadLetters, undefined), anAlarm(longerPrefix, A)] };
    });
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(owned) }).resolves({ Tags: [{ Key: 'failwatch:managed-by', Value: PREFIX }] });
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(untagged) }).resolves({ Tags: [{ Key: 'team', Value: 'sre' }] });
    // Failwatch's tag, but another deployment's prefix: not ours either.
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(otherDeployment) }).resolves({ Tags: [{ Key: 'failwatch:managed-by', Value: 'failwatch-dev' }] });
  });

  it('says where each alarm stands when DescribeAlarms does (state, reason, since), and nothing when it does not', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        anAlarm(owned, A, { StateValue: 'INSUFFICIENT_DATA', StateReason: 'no datapoints', StateUpdatedTimestamp: new Date('2026-11-25T08:00:00Z') }),
        anAlarm(untagged, B, { StateValue: 'ALARM', StateReason: 'below 1', StateUpdatedTimestamp: new Date('2026-11-25T09:00:00Z') }),
        anAlarm(otherDeployment, C),
      ],
    });
    const { managed, foreign } = await manager().listAlarms();
    expect(managed.map((alarm) => [alarm.name, alarm.standing])).toEqual([[owned, { state: 'INSUFFICIENT_DATA', reason: 'no datapoints', since: '2026-11-25T08:00:00.000Z' }]]);
    expect(foreign).toEqual([{ name: untagged, standing: { state: 'ALARM', reason: 'below 1', since: '2026-11-25T09:00:00.000Z' } }, { name: otherDeployment }]);
  });

  it('follows every page of DescribeAlarms, asking for metric alarms under "<prefix>-" only', async () => {
    await manager().listAlarms();
    expect(inputs).toEqual([
      { AlarmNamePrefix: `${PREFIX}-`, AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
      { AlarmNamePrefix: `${PREFIX}-`, AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: 'page-2' },
    ]);
  });

  it('an alarm is Failwatch\'s only with failwatch:managed-by=<prefix>; the rest are foreign', async () => {
    const { managed, foreign } = await manager().listAlarms();
    expect(managed).toEqual([{ name: owned, healthCheckId: A, settings: DEFAULT_ALARM_SETTINGS }]);
    expect(foreign).toEqual([{ name: untagged }, { name: otherDeployment }]);
  });

  it('names other than <prefix>-<health check id> (another stage\'s <prefix>-eu-<id>, <prefix>-dead-letters) are skipped: no tag read, not foreign', async () => {
    const { managed, foreign, complete } = await manager().listAlarms();
    expect([...managed, ...foreign].map((alarm) => alarm.name).sort()).toEqual([otherDeployment, owned, untagged].sort());
    expect(complete).toBe(true);
    const asked = cloudwatch.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input.ResourceARN);
    expect(asked.sort()).toEqual([arn(otherDeployment), arn(owned), arn(untagged)].sort());
  });

  it('past the deadline, stops before the next page and the next tag read, and says the listing is not complete', async () => {
    const listing = await manager().listAlarms(() => true);
    expect(listing).toEqual({ managed: [], foreign: [], complete: false });
    expect(inputs).toHaveLength(1);
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it('an alarm this container created is taken as proven at the next listing, without reading its tags', async () => {
    const D = '44444444-4444-4444-8444-444444444444';
    const created = `${PREFIX}-${D}`;
    const alarms = manager();
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await alarms.putAlarm({ name: created, healthCheckId: D, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, D) });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [anAlarm(created, D, { AlarmConfigurationUpdatedTimestamp: new Date('2026-11-25T08:00:01Z') })] });
    const { managed } = await alarms.listAlarms();
    expect(managed.map((alarm) => alarm.name)).toEqual([created]);
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it('confirmOwnership reads the tags again, even of an alarm proven before: NOT_OURS once the tag is gone, GONE once the alarm is', async () => {
    const alarms = manager();
    expect((await alarms.listAlarms()).managed.map((alarm) => alarm.name)).toEqual([owned]);
    expect(await alarms.confirmOwnership(owned)).toBe('OURS');
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(owned) }).resolves({ Tags: [] });
    expect(await alarms.confirmOwnership(owned)).toBe('NOT_OURS');
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(owned) }).rejects(new ResourceNotFoundException({ message: 'no such alarm', $metadata: { httpStatusCode: 404 } }));
    expect(await alarms.confirmOwnership(owned)).toBe('GONE');
    // A name the last listing did not show cannot be proven.
    expect(await alarms.confirmOwnership(`${PREFIX}-55555555-5555-4555-8555-555555555555`)).toBe('NOT_OURS');
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand).filter((call) => call.args[0].input.ResourceARN === arn(owned))).toHaveLength(4);
  });

  it('an alarm found untagged by confirmOwnership has its tags read again at the next listing', async () => {
    const alarms = manager();
    await alarms.listAlarms();
    cloudwatch.on(ListTagsForResourceCommand, { ResourceARN: arn(owned) }).resolves({ Tags: [] });
    expect(await alarms.confirmOwnership(owned)).toBe('NOT_OURS');
    const { managed, foreign } = await alarms.listAlarms();
    expect(managed).toEqual([]);
    expect(foreign).toContainEqual({ name: owned });
  });

  it('an alarm\'s description is read as it is, for the planner to compare', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [anAlarm(owned, A, { AlarmDescription: 'said by hand' })] });
    const { managed } = await manager().listAlarms();
    expect(managed[0]?.description).toBe('said by hand');
  });

  it('an alarm of ours changed to watch several dimensions has no health check of its own (so the planner rewrites it)', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [anAlarm(owned, A, { Dimensions: [{ Name: 'HealthCheckId', Value: A }, { Name: 'Extra', Value: 'x' }] })] });
    const { managed } = await manager().listAlarms();
    expect(managed[0]?.healthCheckId).toBeUndefined();
  });
});

describe('CloudWatchAlarmManager.putAlarm and deleteAlarms', () => {
  it('PutMetricAlarm: the HealthCheckStatus alarm of one check, described with its pairs, no actions, tagged as Failwatch\'s', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    const description = alarmDescriptionFor(PREFIX, A, ['Z1|app.example.com.|A']);
    await manager().putAlarm({ name: `${PREFIX}-${A}`, healthCheckId: A, settings: DEFAULT_ALARM_SETTINGS, description });
    const [input] = cloudwatch.commandCalls(PutMetricAlarmCommand).map((call) => call.args[0].input);
    expect(input).toEqual({
      AlarmName: `${PREFIX}-${A}`,
      AlarmDescription: description,
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: A }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
      Tags: [{ Key: 'failwatch:managed-by', Value: PREFIX }],
    });
    expect(input).not.toHaveProperty('AlarmActions');
  });

  it.each([
    [0, 0],
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('DeleteAlarms: %d names → %d calls of at most 100', async (count, calls) => {
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    const names = Array.from({ length: count }, (_, i) => `${PREFIX}-${i}`);
    await manager().deleteAlarms(names);
    const batches = cloudwatch.commandCalls(DeleteAlarmsCommand).map((call) => call.args[0].input.AlarmNames ?? []);
    expect(batches).toHaveLength(calls);
    expect(batches.every((batch) => batch.length <= 100)).toBe(true);
    expect(batches.flat()).toEqual(names);
  });
});

describe('CloudWatchAlarmManager errors say what to fix', () => {
  it.each([
    ['DescribeAlarms', () => cloudwatch.on(DescribeAlarmsCommand).rejects(serviceError('AccessDenied', 403)), (m: CloudWatchAlarmManager) => m.listAlarms(), /refused DescribeAlarms.*grant cloudwatch:DescribeAlarms.*manageAlarms=false/, false],
    [
      'ListTagsForResource',
      () => {
        cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [anAlarm(`${PREFIX}-${A}`, A)] });
        cloudwatch.on(ListTagsForResourceCommand).rejects(serviceError('AccessDenied', 403));
      },
      (m: CloudWatchAlarmManager) => m.listAlarms(),
      /refused ListTagsForResource.*grant cloudwatch:ListTagsForResource/,
      false,
    ],
    ['PutMetricAlarm over the alarm quota', () => cloudwatch.on(PutMetricAlarmCommand).rejects(serviceError('LimitExceededFault', 400)), (m: CloudWatchAlarmManager) => m.putAlarm({ name: `${PREFIX}-${A}`, healthCheckId: A, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, A) }), /alarm quota is reached; raise it in Service Quotas/, false],
    ['DeleteAlarms throttled', () => cloudwatch.on(DeleteAlarmsCommand).rejects(serviceError('Throttling', 400)), (m: CloudWatchAlarmManager) => m.deleteAlarms([`${PREFIX}-${A}`]), /CloudWatch DeleteAlarms failed on 1 alarm\(s\).*Throttling/, true],
  ] as const)('%s → AlarmManagerError', async (_, arrange, act, message, retryable) => {
    arrange();
    const error = await act(manager()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AlarmManagerError);
    expect((error as AlarmManagerError).message).toMatch(message);
    expect((error as AlarmManagerError).retryable).toBe(retryable);
  });
});
