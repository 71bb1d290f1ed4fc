/** Every Failwatch SDK client shares one retry policy and bounded HTTP attempts (lib/aws/client-config.ts). */
import { createServer, type IncomingMessage } from 'node:http';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig, HTTP_TIMEOUT_DEFAULTS, RETRY_DEFAULTS, RetryWithinDeadline } from '../../lib/aws/client-config';
import { createDynamoDocumentClient } from '../../lib/aws/dynamodb/table';
import { createCloudWatchClient, createRoute53Client } from '../../lib/aws/sdk-clients';
import { createSnsClient } from '../../lib/aws/sns/notifier';
import { ConfigurationError } from '../../lib/errors';
import { createSsmClient } from '../../lib/slack/ssm-webhook-url-source';
import { listenOnLoopback, type RunningServer } from '../../local/stand-ins/http';

const credentials = { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' };

describe('clientConfig', () => {
  it('defaults: 5 attempts with full-jitter backoff, 3 s to connect, 10 s for an answer, a late answer an error', async () => {
    const config = clientConfig();
    expect(config.maxAttempts).toBe(RETRY_DEFAULTS.maxAttempts);
    expect(config.requestHandler).toEqual({ connectionTimeout: HTTP_TIMEOUT_DEFAULTS.connectionTimeoutMs, requestTimeout: HTTP_TIMEOUT_DEFAULTS.requestTimeoutMs, throwOnRequestTimeout: true });
    expect(config.retryStrategy).toBeInstanceOf(RetryWithinDeadline);
  });

  it.each([
    [{ requestTimeoutMs: 0 }, /HTTP timeouts must be above 0/],
    [{ connectionTimeoutMs: -5 }, /HTTP timeouts must be above 0/],
    [{ maxAttempts: 1.5 }, /maxAttempts must be a whole number/],
  ])('rejects %j with a ConfigurationError', (options, message) => {
    expect(() => clientConfig(options)).toThrow(ConfigurationError);
    expect(() => clientConfig(options)).toThrow(message);
  });

  it('every client the functions and the CLI build takes it: Route 53, CloudWatch, DynamoDB, SNS, SSM', async () => {
    const clients = [createRoute53Client(), createCloudWatchClient(), createDynamoDocumentClient(), createSnsClient(), createSsmClient()];
    try {
      for (const client of clients) await expect(client.config.maxAttempts()).resolves.toBe(RETRY_DEFAULTS.maxAttempts);
    } finally {
      for (const client of clients) client.destroy();
    }
  });
});

describe('an endpoint that takes the request and never answers', () => {
  let server: RunningServer;
  const received: string[] = [];

  beforeAll(async () => {
    // Reads each request and leaves it hanging; stop() closes what is left open.
    server = await listenOnLoopback(createServer((request: IncomingMessage) => void received.push(request.headers['amz-sdk-request'] as string)));
  });
  afterAll(() => server.stop());
  beforeEach(() => (received.length = 0));

  const options = () => ({ endpoint: server.endpoint, region: 'us-east-1', credentials, requestTimeoutMs: 150, maxAttempts: 2, backoffBaseMs: 0 });
  type Sender = { send(command: never): Promise<unknown>; destroy(): void };
  const calls: [string, () => Sender, unknown][] = [
    ['DynamoDB', () => createDynamoDocumentClient(options()), new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } })],
    ['SNS', () => createSnsClient(options()), new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' })],
    ['SSM', () => createSsmClient(options()), new GetParameterCommand({ Name: '/p' })],
  ];

  it.each(calls)('%s: each attempt ends at the request timeout and is retried, then the call fails', async (_service, create, command) => {
    const client = create();
    try {
      await expect(client.send(command as never)).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      client.destroy();
    }
    expect(received).toEqual(['attempt=1; max=2', 'attempt=2; max=2']);
  });
});
