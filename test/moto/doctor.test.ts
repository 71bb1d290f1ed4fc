/**
 * `failwatch doctor` against a stage made in moto, through the real adapters, wired as the CLI wires
 * them: the deployment read from the functions, the stored pairs from moto's DynamoDB, the managed
 * alarms, the topic's subscriptions, Slack's parameter, the dead-letter queue and the SweepsCompleted
 * metric.
 */
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { SubscribeCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { CloudWatchSweepMetrics } from '../../lib/aws/cloudwatch/sweep-metrics';
import { DynamoPairDefinitionWriter } from '../../lib/aws/dynamodb/pair-definition-writer';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { DynamoStoredPairCatalog } from '../../lib/aws/dynamodb/stored-pairs';
import { createDynamoDocumentClient } from '../../lib/aws/dynamodb/table';
import { createLambdaClient, LambdaStageDeployment } from '../../lib/aws/lambda/functions';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';
import { createSnsClient } from '../../lib/aws/sns/notifier';
import { SnsTopicInspector } from '../../lib/aws/sns/subscriptions';
import { SsmParameterInspector } from '../../lib/aws/ssm/parameters';
import { createSqsClient, SqsDeadLetterQueue } from '../../lib/aws/sqs/dead-letter-queue';
import { alarmDescriptionFor, alarmNameFor, DEFAULT_ALARM_SETTINGS } from '../../lib/domain/alarm-plan';
import { definePair } from '../../lib/domain/pair-definition';
import { createSsmClient } from '../../lib/slack/ssm-webhook-url-source';
import { CheckStatus, DoctorCheck, runDoctor, type DoctorReport } from '../../lib/usecases/doctor';
import { judgedState } from '../../lib/ports';
import { firstState, nextTransition } from '../aws/dynamo-state-store-fixtures';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { startMoto, type MotoServer } from '../support/moto';
import { createStageOnMoto } from '../support/moto-stage';

const STAGE = 'prod';
const PREFIX = 'failwatch-prod';
const PARAMETER = '/failwatch/prod/slack-webhook';
const CHECK_A = '11111111-1111-4111-8111-111111111111';
const CHECK_B = '22222222-2222-4222-8222-222222222222';

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());
beforeEach(() => moto.reset());

interface Breakage {
  readonly alarmMissing?: boolean;
  readonly alarmWithoutData?: boolean;
  readonly nobodySubscribed?: boolean;
  readonly parameterType?: 'String' | 'none';
  readonly stuckNotification?: boolean;
  readonly noSweeps?: boolean;
  readonly deadLetter?: boolean;
}

/** The stage as a running deployment leaves it, with what `broken` says changed; returns when it was looked at. */
async function aStage(broken: Breakage = {}): Promise<Date> {
  const now = new Date();
  const stage = await createStageOnMoto(STAGE, { slackWebhookParameter: PARAMETER });
  const dynamo = createDynamoDocumentClient();
  const cloudwatch = new CloudWatchClient({});
  const sns = new SNSClient({});
  const ssm = new SSMClient({});
  const sqs = new SQSClient({});
  try {
    const definitions = [CHECK_A, CHECK_B].map((id, index) => {
      const pair = aPair({ primary: { name: `app${index}.example.com.`, healthCheckId: id } });
      return definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id })));
    });
    await new DynamoPairDefinitionWriter({ client: dynamo, tableName: stage.tableName }).writeDefinitions({ put: definitions, remove: [] });
    const store = new DynamoStateStore({ client: dynamo, tableName: stage.tableName, historyDays: 0 });
    const [first, second] = definitions.map((definition) => definition.pair.id);
    const start = new Date(now.getTime() - 3_600_000).toISOString();
    await store.record({ expected: undefined, next: firstState(first!, start), transitions: [], expectedRevision: undefined });
    const recorded = await store.record({ expected: undefined, next: firstState(second!, start), transitions: [], expectedRevision: undefined });
    if (broken.stuckNotification) {
      const judged = judgedState(recorded);
      if (judged === undefined) throw new Error('the first record of a judged pair must hold its serving state');
      const { transition, next } = nextTransition(judged, new Date(now.getTime() - 11 * 60_000).toISOString());
      await store.record({ expected: judged, next, transitions: [transition], expectedRevision: judged.revision });
    }
    // The managed alarms, as poll's reconcile creates them.
    const alarms = new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: PREFIX });
    for (const id of [CHECK_A, CHECK_B]) await alarms.putAlarm({ name: alarmNameFor(PREFIX, id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, id) });
    if (broken.alarmMissing) await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarmNameFor(PREFIX, CHECK_B)] }));
    if (broken.alarmWithoutData) await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmNameFor(PREFIX, CHECK_A), StateValue: 'INSUFFICIENT_DATA', StateReason: 'Insufficient Data' }));
    if (!broken.nobodySubscribed) await sns.send(new SubscribeCommand({ TopicArn: stage.topicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }));
    if (broken.parameterType !== 'none') await ssm.send(new PutParameterCommand({ Name: PARAMETER, Type: broken.parameterType ?? 'SecureString', Value: 'https://hooks.slack.com/services/T/B/x' }));
    if (broken.deadLetter) await sqs.send(new SendMessageCommand({ QueueUrl: stage.deadLetterQueueUrl, MessageBody: '{"detail-type":"Scheduled Event"}' }));
    if (!broken.noSweeps) {
      for (const minutesAgo of [2, 7, 12]) {
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: 'Failwatch',
            MetricData: [{ MetricName: 'SweepsCompleted', Value: 1, Unit: 'Count', Timestamp: new Date(now.getTime() - minutesAgo * 60_000), Dimensions: [{ Name: 'service', Value: 'failwatch-prod' }, { Name: 'function', Value: 'poll' }] }],
          }),
        );
      }
    }
  } finally {
    for (const client of [dynamo, cloudwatch, sns, ssm, sqs]) client.destroy();
  }
  return now;
}

/** Wired as the CLI wires it: the deployment first, then the adapters it names. */
async function doctor(now: Date): Promise<DoctorReport> {
  const deployment = await new LambdaStageDeployment(createLambdaClient()).readDeployment(STAGE);
  return runDoctor(
    {
      pairs: new DynamoStoredPairCatalog({ client: createDynamoDocumentClient(), tableName: deployment.tableName }),
      alarms: new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: deployment.alarms.prefix }),
      topic: new SnsTopicInspector(createSnsClient()),
      parameters: new SsmParameterInspector(createSsmClient()),
      deadLetters: new SqsDeadLetterQueue(createSqsClient(), deployment.names.deadLetterQueue),
      sweeps: new CloudWatchSweepMetrics(createCloudWatchClient()),
    },
    { deployment, now, sweepIntervalSeconds: 300 },
  );
}

describe('doctor on moto', () => {
  it('a stage with nothing wrong: every check passes', async () => {
    const report = await doctor(await aStage());

    expect(report.findings).toEqual([]);
    expect(report.checks.map((check) => [check.check, check.status])).toEqual([
      [DoctorCheck.STORED_PAIRS, CheckStatus.PASSED],
      [DoctorCheck.DR_CONFIGURATION, CheckStatus.PASSED],
      [DoctorCheck.ALARM_COVERAGE, CheckStatus.PASSED],
      [DoctorCheck.ALARM_DATA, CheckStatus.PASSED],
      [DoctorCheck.TOPIC, CheckStatus.PASSED],
      [DoctorCheck.SLACK, CheckStatus.PASSED],
      [DoctorCheck.PENDING_NOTIFICATIONS, CheckStatus.PASSED],
      [DoctorCheck.DEAD_LETTERS, CheckStatus.PASSED],
      [DoctorCheck.SWEEPS, CheckStatus.PASSED],
    ]);
    expect(report.checks.find((check) => check.check === DoctorCheck.SWEEPS)?.summary).toBe('3 sweeps completed in the last 15m');
    expect(report).toMatchObject({ hasCritical: false, incomplete: false });
  });

  it('a stage broken in every way moto can show: each finding, critical ones first', async () => {
    const report = await doctor(await aStage({ alarmMissing: true, alarmWithoutData: true, nobodySubscribed: true, parameterType: 'none', stuckNotification: true, noSweeps: true, deadLetter: true }));

    expect(report.findings.map((finding) => [finding.severity, finding.check, finding.problem.slice(0, 60)])).toEqual([
      ['critical', DoctorCheck.TOPIC, 'Topic arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts has no subscription'.slice(0, 60)],
      ['critical', DoctorCheck.SLACK, `Slack is on, but its webhook parameter ${PARAMETER} does not exist`.slice(0, 60)],
      ['critical', DoctorCheck.PENDING_NOTIFICATIONS, 'app1.example.com A (zone Z0FAILWATCH): FAILOVER #1, observed '.slice(0, 60)],
      ['critical', DoctorCheck.SWEEPS, 'No sweep completed in the last 15m (3 × the 5m schedule): Failwatch is not watching'.slice(0, 60)],
      ['warning', DoctorCheck.ALARM_COVERAGE, `Health check ${CHECK_B} (used by app1.example.com A (zone Z0FAILWATCH)) has no managed alarm`.slice(0, 60)],
      ['warning', DoctorCheck.ALARM_DATA, `Managed alarm ${PREFIX}-${CHECK_A} has been INSUFFICIENT_DATA since`.slice(0, 60)],
      ['warning', DoctorCheck.DEAD_LETTERS, '1 dead letter waits in failwatch-prod-dead-letters: deliveries that failed for good'.slice(0, 60)],
    ]);
    expect(report).toMatchObject({ hasCritical: true, incomplete: false });
  });

  it('Slack\'s parameter stored as a String: a warning', async () => {
    const report = await doctor(await aStage({ parameterType: 'String' }));
    expect(report.findings.map((finding) => [finding.severity, finding.check])).toEqual([['warning', DoctorCheck.SLACK]]);
  });
});
