/**
 * A stage as its stack leaves it, made directly in moto for the operator console's suites: the table,
 * the topic, the dead-letter queue, the poll, alarm and (with Slack on) slack functions with the environment serverless.yml
 * gives them. (The issue-16 suite deploys the real template with `serverless deploy` instead.)
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { tableDefinition } from '../../lib/aws/dynamodb/table';
import { stageNames, type StageNames } from '../../lib/usecases/console-ports';
import type { LetterContent } from './dead-letter-fixtures';

/** An empty zip archive: moto stores the code, and never runs it (invocations answer without Docker). */
const EMPTY_ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');

export interface MotoStage {
  readonly names: StageNames;
  readonly tableName: string;
  readonly topicArn: string;
  readonly deadLetterQueueUrl: string;
}

export interface MotoStageOptions {
  readonly slackWebhookParameter?: string;
  readonly manageAlarms?: boolean;
  readonly silences?: string;
}

export async function createStageOnMoto(stage: string, options: MotoStageOptions = {}): Promise<MotoStage> {
  const names = stageNames(stage);
  const tableName = `failwatch-${stage}-history`;
  const topicName = `failwatch-${stage}-alerts`;
  const iam = new IAMClient({});
  const lambda = new LambdaClient({});
  const sns = new SNSClient({});
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  try {
    const role = await iam.send(new CreateRoleCommand({ RoleName: `failwatch-${stage}-role`, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
    const watchEnvironment = {
      FAILWATCH_TABLE: tableName,
      FAILWATCH_TOPIC_NAME: topicName,
      FAILWATCH_MANAGE_ALARMS: String(options.manageAlarms ?? true),
      FAILWATCH_ALARM_PREFIX: `failwatch-${stage}`,
      FAILWATCH_SILENCES: options.silences ?? '[]',
    };
    const create = (name: string, variables: Record<string, string>) =>
      lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: role.Role?.Arn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: variables } }));
    await create(names.functions.poll, watchEnvironment);
    await create(names.functions.alarm, watchEnvironment);
    if (options.slackWebhookParameter !== undefined) await create(names.functions.slack, { FAILWATCH_SLACK_WEBHOOK_PARAMETER: options.slackWebhookParameter });
    const topic = await sns.send(new CreateTopicCommand({ Name: topicName }));
    await dynamo.send(new CreateTableCommand(tableDefinition(tableName)));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueue }));
    return { names, tableName, topicArn: topic.TopicArn ?? '', deadLetterQueueUrl: queue.QueueUrl ?? '' };
  } finally {
    for (const client of [iam, lambda, sns, dynamo, sqs]) client.destroy();
  }
}

/** Sends each letter's body and attributes to the stage's dead-letter queue as AWS would (EventBridge's facts as string attributes); returns the message ids SQS gave them, in order. */
export async function sendDeadLetters(stage: MotoStage, letters: readonly LetterContent[]): Promise<string[]> {
  const sqs = new SQSClient({});
  try {
    const ids: string[] = [];
    for (const letter of letters) {
      const MessageAttributes = Object.fromEntries(Object.entries(letter.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: stage.deadLetterQueueUrl, MessageBody: letter.body, MessageAttributes }));
      ids.push(sent.MessageId ?? '');
    }
    return ids;
  } finally {
    sqs.destroy();
  }
}
