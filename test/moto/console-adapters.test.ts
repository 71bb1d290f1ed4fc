/**
 * The operator console's adapters against moto: the stage's deployment read from its functions'
 * configuration, an asynchronous invoke, the topic's subscriptions, a parameter's type, the
 * SweepsCompleted metric, where a managed alarm stands, and every stored pair in one Scan.
 * What moto does not do (a subscription pending confirmation, an invoke of a function that does not
 * exist) is covered by test/aws/console-adapter-errors.test.ts.
 */
import { CloudWatchClient, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SubscribeCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { CloudWatchSweepMetrics } from '../../lib/aws/cloudwatch/sweep-metrics';
import { DynamoPairDefinitionWriter } from '../../lib/aws/dynamodb/pair-definition-writer';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { DynamoStoredPairCatalog } from '../../lib/aws/dynamodb/stored-pairs';
import { createDynamoDocumentClient } from '../../lib/aws/dynamodb/table';
import { createLambdaClient, LambdaFunctionInvoker, LambdaStageDeployment } from '../../lib/aws/lambda/functions';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';
import { createSnsClient } from '../../lib/aws/sns/notifier';
import { SnsTopicInspector } from '../../lib/aws/sns/subscriptions';
import { SsmParameterInspector } from '../../lib/aws/ssm/parameters';
import { alarmDescriptionFor, alarmNameFor, DEFAULT_ALARM_SETTINGS } from '../../lib/domain/alarm-plan';
import { definePair } from '../../lib/domain/pair-definition';
import { ConfigurationError } from '../../lib/errors';
import { createSsmClient } from '../../lib/slack/ssm-webhook-url-source';
import { stageNames } from '../../lib/usecases/console-ports';
import { firstState, freshPairId } from '../aws/dynamo-state-store-fixtures';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { useMoto } from '../support/moto';
import { createStageOnMoto } from '../support/moto-stage';

// Invoke answers without running the code (no Docker here).
useMoto({ lambda: { use_docker: false } });

describe('LambdaStageDeployment', () => {
  it('reads the stage from its deployed functions: table, topic ARN built from the function\'s ARN, alarms, Slack\'s parameter, configured silences', async () => {
    await createStageOnMoto('prod', {
      slackWebhookParameter: '/failwatch/prod/slack-webhook',
      silences: '[{"record":"app.example.com","until":"2026-12-24T00:00:00Z","reason":"migration","id":"s-mig"}]',
    });
    const lambda = createLambdaClient();

    const deployment = await new LambdaStageDeployment(lambda).readDeployment('prod');

    expect(deployment).toEqual({
      names: stageNames('prod'),
      tableName: 'failwatch-prod-history',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts',
      alarms: { manage: true, prefix: 'failwatch-prod' },
      slackWebhookParameter: '/failwatch/prod/slack-webhook',
      configuredSilences: [{ id: 's-mig', record: 'app.example.com', until: '2026-12-24T00:00:00.000Z', reason: 'migration' }],
      historyDays: 400,
    });
  });

  it('Slack off: no slack function, no parameter', async () => {
    await createStageOnMoto('dev', { manageAlarms: false });
    const deployment = await new LambdaStageDeployment(createLambdaClient()).readDeployment('dev');
    expect(deployment).toMatchObject({ slackWebhookParameter: undefined, alarms: { manage: false, prefix: 'failwatch-dev' } });
  });

  it('a stage that is not deployed is a ConfigurationError naming the function and the region', async () => {
    const reading = new LambdaStageDeployment(createLambdaClient()).readDeployment('nowhere');
    await expect(reading).rejects.toBeInstanceOf(ConfigurationError);
    await expect(reading).rejects.toThrow('Stage "nowhere" is not deployed in us-east-1: there is no function failwatch-nowhere-poll. Check the stage\'s name and the region');
  });

  it('a deployed configuration Failwatch cannot read says so, and to deploy again', async () => {
    await createStageOnMoto('odd', { silences: 'not json' });
    await expect(new LambdaStageDeployment(createLambdaClient()).readDeployment('odd')).rejects.toThrow(
      /^The deployed function failwatch-odd-poll has a configuration Failwatch cannot read \(ConfigurationError: Invalid configuration: FAILWATCH_SILENCES must be a JSON array.*\): deploy the stage again$/,
    );
  });
});

describe('LambdaFunctionInvoker', () => {
  it('queues an asynchronous invocation (HTTP 202)', async () => {
    await createStageOnMoto('prod');
    await expect(new LambdaFunctionInvoker(createLambdaClient()).invokeAsync('failwatch-prod-alarm', { detail: {} })).resolves.toBeUndefined();
  });
});

describe('SnsTopicInspector', () => {
  it('a topic\'s subscriptions; none for a new topic; undefined for a topic that does not exist', async () => {
    const stage = await createStageOnMoto('prod');
    const inspector = new SnsTopicInspector(createSnsClient());
    expect(await inspector.listSubscriptions(stage.topicArn)).toEqual([]);

    const sns = new SNSClient({});
    await sns.send(new SubscribeCommand({ TopicArn: stage.topicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }));
    sns.destroy();

    // moto confirms every subscription at once; a pending one is covered with the SDK's own client mock.
    expect(await inspector.listSubscriptions(stage.topicArn)).toEqual([{ protocol: 'email', endpoint: 'oncall@example.com', confirmed: true }]);
    expect(await inspector.listSubscriptions(`${stage.topicArn}-gone`)).toBeUndefined();
  });
});

describe('SsmParameterInspector', () => {
  it('the type of a parameter, never its value; undefined when it does not exist', async () => {
    const ssm = new SSMClient({});
    await ssm.send(new PutParameterCommand({ Name: '/failwatch/prod/slack-webhook', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T/B/secret' }));
    await ssm.send(new PutParameterCommand({ Name: '/failwatch/prod/slack-webhook-plain', Type: 'String', Value: 'https://hooks.slack.com/services/T/B/secret' }));
    ssm.destroy();
    const inspector = new SsmParameterInspector(createSsmClient());

    expect(await inspector.parameterType('/failwatch/prod/slack-webhook')).toBe('SecureString');
    expect(await inspector.parameterType('/failwatch/prod/slack-webhook-plain')).toBe('String');
    expect(await inspector.parameterType('/failwatch/prod/missing')).toBeUndefined();
  });
});

describe('CloudWatchSweepMetrics', () => {
  it('sums SweepsCompleted of the stage\'s poll function over the window, and nothing of another stage or function', async () => {
    const now = new Date();
    const cloudwatch = new CloudWatchClient({});
    const sweep = (service: string, fn: string, minutesAgo: number) =>
      cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Failwatch',
          MetricData: [{ MetricName: 'SweepsCompleted', Unit: 'Count', Value: 1, Timestamp: new Date(now.getTime() - minutesAgo * 60_000), Dimensions: [{ Name: 'service', Value: service }, { Name: 'function', Value: fn }] }],
        }),
      );
    // Back-dated a minute apart; moto's buckets start at the query's start.
    for (const minutesAgo of [2, 3, 4, 20]) await sweep('failwatch-prod', 'poll', minutesAgo);
    await sweep('failwatch-dev', 'poll', 2);
    await sweep('failwatch-prod', 'alarm', 2);
    cloudwatch.destroy();
    const metrics = new CloudWatchSweepMetrics(createCloudWatchClient());

    expect(await metrics.sweepsCompleted('failwatch-prod', new Date(now.getTime() - 15 * 60_000), now)).toBe(3);
    expect(await metrics.sweepsCompleted('failwatch-other', new Date(now.getTime() - 15 * 60_000), now)).toBe(0);
  });
});

describe('CloudWatchAlarmManager: where a listed alarm stands', () => {
  it('the state, its reason and since when, for a managed alarm', async () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const manager = new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: 'failwatch-prod' });
    await manager.putAlarm({ name: alarmNameFor('failwatch-prod', id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor('failwatch-prod', id) });
    const cloudwatch = new CloudWatchClient({});
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: `failwatch-prod-${id}`, StateValue: 'INSUFFICIENT_DATA', StateReason: 'Insufficient Data: 1 datapoint was unknown.' }));
    cloudwatch.destroy();

    const listing = await manager.listAlarms();

    expect(listing.managed).toEqual([
      expect.objectContaining({ name: `failwatch-prod-${id}`, healthCheckId: id, standing: { state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: 1 datapoint was unknown.', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } }),
    ]);
  });
});

describe('DynamoStoredPairCatalog on moto\'s DynamoDB', () => {
  it('every stored definition and state of the table', async () => {
    const stage = await createStageOnMoto('prod');
    const client = createDynamoDocumentClient();
    const pair = aPair({ primary: { name: 'shop.example.com.', healthCheckId: 'hc-shop' } });
    const definition = definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: 'hc-shop' })));
    await new DynamoPairDefinitionWriter({ client, tableName: stage.tableName }).writeDefinitions({ put: [definition], remove: [] });
    const pairId = freshPairId();
    await new DynamoStateStore({ client, tableName: stage.tableName, historyDays: 0 }).record({ expected: undefined, next: firstState(pairId), transitions: [], expectedRevision: undefined });

    const stored = await new DynamoStoredPairCatalog({ client, tableName: stage.tableName }).listStoredPairs();

    expect(stored.definitions).toEqual([definition]);
    expect(stored.states.map((state) => state.pairId)).toEqual([pairId]);
    expect(stored.unreadable).toEqual([]);
    client.destroy();
  });
});

describe('what the moto stage itself holds', () => {
  it('deleting the slack function turns Slack off for the console', async () => {
    await createStageOnMoto('prod', { slackWebhookParameter: '/failwatch/prod/slack-webhook' });
    const lambda = new LambdaClient({});
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'failwatch-prod-slack' }));
    lambda.destroy();
    expect((await new LambdaStageDeployment(createLambdaClient()).readDeployment('prod')).slackWebhookParameter).toBeUndefined();
  });
});
