/**
 * The operator console's adapters where moto cannot go (test/moto/console-adapters.test.ts has the rest):
 * a subscription pending confirmation, an invoke refused or of a missing function, a dead letter refused or
 * taken by someone else, and every SDK failure
 * turned into a typed error that says what to grant or set. With the SDK's own client mock.
 */
import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { DescribeParametersCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchSweepMetrics } from '../../lib/aws/cloudwatch/sweep-metrics';
import { LambdaFunctionInvoker, LambdaStageDeployment } from '../../lib/aws/lambda/functions';
import { SnsTopicInspector } from '../../lib/aws/sns/subscriptions';
import { SqsDeadLetterQueue } from '../../lib/aws/sqs/dead-letter-queue';
import { SsmParameterInspector } from '../../lib/aws/ssm/parameters';
import { ConsoleReadError, DeadLetterError } from '../../lib/errors';

const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const cloudwatch = mockClient(CloudWatchClient);
const config = { region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts';

type ExceptionClass = new (options: { name: string; $fault: 'client' | 'server'; message: string; $metadata: { httpStatusCode: number } }) => Error;
const serviceError = (exception: ExceptionClass, name: string, httpStatusCode: number) =>
  new exception({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: `${name} happened`, $metadata: { httpStatusCode } });

beforeEach(() => {
  for (const mock of [lambda, sns, ssm, cloudwatch]) mock.reset();
});

describe('SnsTopicInspector', () => {
  it('a subscription SNS shows as PendingConfirmation is not confirmed; every page is read', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC })
      .resolvesOnce({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:1a2b`, Protocol: 'email', Endpoint: 'oncall@example.com' }], NextToken: 'page-2' })
      .resolvesOnce({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'pager@example.com' }] });

    expect(await new SnsTopicInspector(new SNSClient(config)).listSubscriptions(TOPIC)).toEqual([
      { protocol: 'email', endpoint: 'oncall@example.com', confirmed: true },
      { protocol: 'email', endpoint: 'pager@example.com', confirmed: false },
    ]);
  });

  it('refused: a ConsoleReadError naming the action to grant', async () => {
    sns.on(ListSubscriptionsByTopicCommand).rejects(serviceError(SNSServiceException, 'AuthorizationError', 403));
    const reading = new SnsTopicInspector(new SNSClient(config)).listSubscriptions(TOPIC);
    await expect(reading).rejects.toBeInstanceOf(ConsoleReadError);
    await expect(reading).rejects.toThrow(`AWS refused sns:ListSubscriptionsByTopic on topic ${TOPIC} (AuthorizationError: AuthorizationError happened (HTTP 403)): grant sns:ListSubscriptionsByTopic to the identity running the command`);
  });
});

describe('LambdaFunctionInvoker', () => {
  it.each<[string, () => void, RegExp, boolean]>([
    ['a function that does not exist', () => lambda.on(InvokeCommand).rejects(serviceError(LambdaServiceException, 'ResourceNotFoundException', 404)), /^Function failwatch-prod-slack does not exist .*: the letter stays in the queue; deploy the function \(for slack: slackEnabled=true\)/, false],
    ['refused', () => lambda.on(InvokeCommand).rejects(serviceError(LambdaServiceException, 'AccessDeniedException', 403)), /^Lambda refused to invoke failwatch-prod-slack .*: grant lambda:InvokeFunction on it/, false],
    ['throttled', () => lambda.on(InvokeCommand).rejects(serviceError(LambdaServiceException, 'TooManyRequestsException', 429)), /^Invoking failwatch-prod-slack failed \(TooManyRequestsException/, true],
    ['answered, but not queued', () => lambda.on(InvokeCommand).resolves({ StatusCode: 200 }), /^Lambda did not queue the invocation of failwatch-prod-slack \(HTTP 200, expected 202\)$/, true],
  ])('%s: a DeadLetterError that says what to do', async (_what, arrange, message, retryable) => {
    arrange();
    const invoking = new LambdaFunctionInvoker(new LambdaClient(config)).invokeAsync('failwatch-prod-slack', {});
    await expect(invoking).rejects.toBeInstanceOf(DeadLetterError);
    await expect(invoking).rejects.toMatchObject({ message: expect.stringMatching(message), retryable });
  });

  it('sends the payload as JSON, asynchronously', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await new LambdaFunctionInvoker(new LambdaClient(config)).invokeAsync('failwatch-prod-alarm', { detail: { alarmName: 'a' } });
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input).toMatchObject({ FunctionName: 'failwatch-prod-alarm', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(call?.args[0].input.Payload as Uint8Array).toString('utf8'))).toEqual({ detail: { alarmName: 'a' } });
  });
});

describe('reads that fail say what to grant', () => {
  it.each<[string, () => void, () => Promise<unknown>, string]>([
    [
      'GetFunctionConfiguration',
      () => lambda.on(GetFunctionConfigurationCommand).rejects(serviceError(LambdaServiceException, 'AccessDeniedException', 403)),
      () => new LambdaStageDeployment(new LambdaClient(config)).readDeployment('prod'),
      'grant lambda:GetFunctionConfiguration to the identity running the command',
    ],
    [
      'DescribeParameters',
      () => ssm.on(DescribeParametersCommand).rejects(serviceError(SSMServiceException, 'AccessDeniedException', 400)),
      () => new SsmParameterInspector(new SSMClient(config)).parameterType('/failwatch/prod/slack-webhook'),
      'grant ssm:DescribeParameters to the identity running the command',
    ],
    [
      'GetMetricData',
      () => cloudwatch.on(GetMetricDataCommand).rejects(serviceError(CloudWatchServiceException, 'AccessDenied', 403)),
      () => new CloudWatchSweepMetrics(new CloudWatchClient(config)).sweepsCompleted('failwatch-prod', new Date(0), new Date(900_000)),
      'grant cloudwatch:GetMetricData to the identity running the command',
    ],
  ])('%s refused: a ConsoleReadError', async (_operation, arrange, read, advice) => {
    arrange();
    const reading = read();
    await expect(reading).rejects.toBeInstanceOf(ConsoleReadError);
    await expect(reading).rejects.toThrow(advice);
  });

  it('no credentials at all: what to set', async () => {
    ssm.on(DescribeParametersCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    await expect(new SsmParameterInspector(new SSMClient(config)).parameterType('/p')).rejects.toThrow(/^No AWS credentials to call ssm:DescribeParameters on parameter \/p: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/);
  });
});

describe('SqsDeadLetterQueue', () => {
  const sqs = mockClient(SQSClient);
  const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/failwatch-prod-dead-letters';
  const queue = () => new SqsDeadLetterQueue(new SQSClient(config), 'failwatch-prod-dead-letters');
  const letter = (messageId: string) => ({ messageId, receiptHandle: `${messageId}-receipt`, body: '{}', attributes: {} });

  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueUrlCommand, { QueueName: 'failwatch-prod-dead-letters' }).resolves({ QueueUrl: QUEUE_URL });
  });

  it('a receive refused: a DeadLetterError naming the action to grant', async () => {
    sqs.on(ReceiveMessageCommand).rejects(serviceError(SQSServiceException, 'AccessDenied', 403));
    const receiving = queue().receive(10, 30);
    await expect(receiving).rejects.toBeInstanceOf(DeadLetterError);
    await expect(receiving).rejects.toThrow(
      'AWS refused sqs:ReceiveMessage on queue failwatch-prod-dead-letters (AccessDenied: AccessDenied happened (HTTP 403)): grant sqs:ReceiveMessage to the identity running the command',
    );
  });

  it('the count refused: a ConsoleReadError (doctor marks its check FAILED)', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(serviceError(SQSServiceException, 'AccessDenied', 403));
    const counting = queue().countWaiting();
    await expect(counting).rejects.toBeInstanceOf(ConsoleReadError);
    await expect(counting).rejects.toThrow('AWS refused sqs:GetQueueAttributes on queue failwatch-prod-dead-letters (AccessDenied: AccessDenied happened (HTTP 403)): grant sqs:GetQueueAttributes to the identity running the command');
  });

  it('a count SQS does not answer is said, not taken as 0', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    await expect(queue().countWaiting()).rejects.toThrow('sqs:GetQueueAttributes on queue failwatch-prod-dead-letters answered ApproximateNumberOfMessagesNotVisible = undefined, not a count');
  });

  it('a letter received again by someone else since: its deletion says to list again', async () => {
    sqs.on(DeleteMessageCommand).rejects(serviceError(SQSServiceException, 'ReceiptHandleIsInvalid', 400));
    await expect(queue().delete(letter('m-1'))).rejects.toThrow(/^Letter m-1 was received again by someone else \(ReceiptHandleIsInvalid: .*\): it stays in queue failwatch-prod-dead-letters; list the letters again$/);
  });

  it('release makes every letter visible again even when one fails, then names those that stay hidden', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand, { ReceiptHandle: 'm-2-receipt' }).rejects(serviceError(SQSServiceException, 'InternalError', 500));
    const releasing = queue().release([letter('m-1'), letter('m-2'), letter('m-3')]);
    await expect(releasing).rejects.toBeInstanceOf(DeadLetterError);
    await expect(releasing).rejects.toThrow(/letters m-2 stay hidden until their visibility timeout ends, then wait in the queue again$/);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => [call.args[0].input.ReceiptHandle, call.args[0].input.VisibilityTimeout])).toEqual([
      ['m-1-receipt', 0],
      ['m-2-receipt', 0],
      ['m-3-receipt', 0],
    ]);
  });

  it('the queue URL is looked up once; a failed lookup is asked again', async () => {
    sqs.on(GetQueueUrlCommand).rejectsOnce(serviceError(SQSServiceException, 'InternalError', 500)).resolves({ QueueUrl: QUEUE_URL });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });
    const dead = queue();
    await expect(dead.countWaiting()).rejects.toThrow(/^sqs:GetQueueUrl on queue failwatch-prod-dead-letters failed \(InternalError/);
    expect(await dead.countWaiting()).toEqual({ visible: 2, inFlight: 1 });
    expect(await dead.countWaiting()).toEqual({ visible: 2, inFlight: 1 });
    expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(2);
  });
});
