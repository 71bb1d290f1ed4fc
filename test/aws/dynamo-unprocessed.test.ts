/**
 * What DynamoDB hands back unprocessed is sent again as the client's retry strategy says, for reads
 * (BatchGetItem) as for writes (BatchWriteItem, in dynamo-pair-definitions.test.ts): same attempts, same
 * backoff, one setting.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { RETRY_DEFAULTS } from '../../lib/aws/client-config';
import { batchGetItems } from '../../lib/aws/dynamodb/reads';
import { createDynamoDocumentClient, sendUntilProcessed } from '../../lib/aws/dynamodb/table';
import { StoreError } from '../../lib/errors';

const tableName = 'failwatch-unprocessed';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const keys = Array.from({ length: 4 }, (_, i) => ({ pk: `PAIR#${i}`, sk: 'STATE' }));

type BatchGetInput = { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> };

describe('sendUntilProcessed', () => {
  it('sends what is left until nothing is, then stops', async () => {
    const client = createDynamoDocumentClient({ region: 'us-east-1', credentials, backoffBaseMs: 0 });
    const sent: number[][] = [];
    await sendUntilProcessed(client, 'test', [1, 2, 3, 4], async (pending) => (sent.push([...pending]), pending.slice(2)), () => new Error('gave up'));
    expect(sent).toEqual([[1, 2, 3, 4], [3, 4]]);
  });

  it('gives up when the strategy allows no more attempts, with how much was left after how many attempts', async () => {
    const client = createDynamoDocumentClient({ region: 'us-east-1', credentials, maxAttempts: 3, backoffBaseMs: 0 });
    let calls = 0;
    const failure = sendUntilProcessed(client, 'test', ['a', 'b'], async (pending) => (calls++, pending), (left, attempts) => new Error(`${left} left after ${attempts}`));
    await expect(failure).rejects.toThrow('2 left after 3');
    expect(calls).toBe(3);
  });

  it('waits between attempts as the client backs off after throttling', async () => {
    const client = createDynamoDocumentClient({ region: 'us-east-1', credentials, maxAttempts: 3, backoffBaseMs: 40, random: () => 0.5 });
    const waits = jest.spyOn(global, 'setTimeout');
    try {
      await sendUntilProcessed(client, 'test', [1, 2, 3], async (pending) => pending.slice(1), () => new Error('gave up'));
      // Full jitter, random 0.5: half of 40 ms before the second attempt, half of 80 ms before the third.
      expect(waits.mock.calls.map(([, ms]) => ms)).toEqual([20, 40]);
    } finally {
      waits.mockRestore();
    }
  });
});

describe('batchGetItems: keys DynamoDB leaves unprocessed', () => {
  const client = createDynamoDocumentClient({ region: 'us-east-1', credentials, backoffBaseMs: 0 });
  const mock = mockClient(client);
  afterAll(() => mock.restore());
  beforeEach(() => mock.reset());

  it('are asked again until every item is read', async () => {
    let calls = 0;
    mock.on(BatchGetCommand).callsFake((input: BatchGetInput) => {
      calls++;
      const asked = input.RequestItems[tableName]?.Keys ?? [];
      const [first, ...rest] = asked;
      return { Responses: { [tableName]: first ? [{ ...first, n: calls }] : [] }, UnprocessedKeys: rest.length > 0 ? { [tableName]: { Keys: rest } } : {} };
    });
    const items = await batchGetItems({ client, tableName }, keys, 'reading pair states');
    expect(items.map((item) => item.pk)).toEqual(keys.map((key) => key.pk));
    expect(mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[tableName]?.Keys?.length)).toEqual([4, 3, 2, 1]);
  });

  it(`still unread after the client's ${RETRY_DEFAULTS.maxAttempts} attempts: a retryable StoreError naming what was left`, async () => {
    mock.on(BatchGetCommand).callsFake((input: BatchGetInput) => ({ Responses: { [tableName]: [] }, UnprocessedKeys: { [tableName]: input.RequestItems[tableName] } }));
    const failure = batchGetItems({ client, tableName }, keys, 'reading pair states');
    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toMatchObject({ retryable: true, message: `DynamoDB left 4 keys unread while reading pair states after ${RETRY_DEFAULTS.maxAttempts} attempts (throughput exhausted); try again later` });
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(RETRY_DEFAULTS.maxAttempts);
  });
});
