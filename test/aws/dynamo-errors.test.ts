/**
 * DynamoDB failures as the store's callers see them (lib/aws/dynamodb/table.ts): a StoreError naming what
 * was being done, retryable when trying again later may help. Real SDK errors from a DynamoDB client
 * against a loopback server: one that answers with each error, one that never answers.
 */
import { createServer } from 'node:http';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../lib/aws/client-config';
import { withStoreError } from '../../lib/aws/dynamodb/table';
import { StoreError } from '../../lib/errors';
import { listenOnLoopback, type RunningServer } from '../../local/stand-ins/http';

const credentials = { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' };
let answering: RunningServer;
let silent: RunningServer;

beforeAll(async () => {
  answering = await listenOnLoopback(
    createServer((request, response) => {
      request.resume();
      const [status, type] = (request.headers['x-test-answer'] as string).split(' ');
      response.writeHead(Number(status), { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `stand-in ${type}` }));
    }),
  );
  // Takes each request and never answers.
  silent = await listenOnLoopback(createServer(() => undefined));
});

afterAll(async () => {
  await answering.stop();
  await silent.stop();
});

async function storeErrorFrom(endpoint: string, answer?: string): Promise<StoreError> {
  const client = new DynamoDBClient({ ...clientConfig({ endpoint, credentials, region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 300 }) });
  if (answer !== undefined) {
    client.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-test-answer'] = answer;
      return next(args);
    }, { step: 'build' });
  }
  try {
    await withStoreError('reading the state of zone/app.example.com/A', () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } })));
    throw new Error('the call did not fail');
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return error;
  } finally {
    client.destroy();
  }
}

describe('DynamoDB failures', () => {
  it('no answer at all (the SDK\'s TimeoutError, with $metadata but no HTTP status): retryable', async () => {
    const error = await storeErrorFrom(silent.endpoint);
    expect(error.message).toMatch(/^DynamoDB failed while reading the state of zone\/app\.example\.com\/A: TimeoutError: /);
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['400 ProvisionedThroughputExceededException', true],
    ['400 ThrottlingException', true],
    ['400 TransactionConflictException', true],
    ['500 InternalServerError', true],
    ['400 ConditionalCheckFailedException', false],
    ['400 ResourceNotFoundException', false],
    ['400 AccessDeniedException', false],
    ['400 ValidationException', false],
  ])('%s: retryable %s', async (answer, retryable) => {
    const error = await storeErrorFrom(answering.endpoint, answer);
    expect(error.message).toContain(`${answer.split(' ')[1]}: stand-in`);
    expect(error.retryable).toBe(retryable);
  });
});
