import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { nativeModelRow } from '../../bench/aws-native-model';
import { countsOf } from '../../bench/child/runtime';
import type { StepFigures } from '../../bench/stand';
import { listingCompleted, maxListingSweeps } from '../../bench/sweep-bench';
import { createTestDocumentClient, createTestTable } from '../../local/dynalite';
import { dynamoCommandOf, isDefinitionOperation, isDynamoWrite, startDynamoStandIn } from '../../local/stand-ins/dynamo';
import { Traffic } from '../../local/stand-ins/traffic';

const step = (over: Partial<StepFigures>): StepFigures => ({
  wallMs: 1,
  route53Calls: 0,
  route53Throttled: 0,
  route53ThrottledUnretried: 0,
  route53ByOperation: {},
  cloudWatchCalls: 0,
  cloudWatchThrottled: 0,
  dynamoCalls: 0,
  dynamoWrites: 0,
  dynamoDefinitionCalls: 0,
  dynamoDefinitionWrites: 0,
  dynamoByOperation: {},
  snsCalls: 0,
  heapPeakMb: 0,
  peakRssMb: 0,
  result: {},
  ...over,
});

describe('when the bench counts a listing as complete', () => {
  test.each([
    ['the run result says complete', { result: { 'listing.complete': 1 } }, true],
    ['the run result says incomplete, even without an error', { result: { 'listing.complete': 0 } }, false],
    ['no listing field: a sweep that returned', {}, true],
    ['no listing field: a sweep ended by the timeout', { timedOut: true, error: 'Task timed out after 60.00 seconds' }, false],
    ['no listing field: a sweep that threw', { error: 'Throttling: Rate exceeded' }, false],
  ])('%s', (_name, over, expected) => {
    expect(listingCompleted(step(over))).toBe(expected);
  });

  test('gives a resumable listing one sweep more than 5,000 checks a run needs', () => {
    expect([10, 5000, 5001, 20_000].map(maxListingSweeps)).toEqual([2, 2, 3, 5]);
  });
});

test("a handler's result is flattened one level, booleans as 1/0 and lists as their length", () => {
  expect(countsOf({ transitionsRecorded: 2, changes: [{}, {}, {}], listing: { complete: true, pages: 4, name: 'x' }, definitions: { written: 5, deep: { n: 1 } } })).toEqual({
    transitionsRecorded: 2,
    changes: 3,
    'listing.complete': 1,
    'listing.pages': 4,
    'definitions.written': 5,
  });
});

test('the alarm-per-check model prices one standard alarm per check and a metric per check a sweep', () => {
  const row = nativeModelRow(1000);
  expect(row.alarmsMonthlyUsd).toBeCloseTo(100);
  // 43,200 sweeps a month × 1,000 metrics × $0.01 per 1,000
  expect(row.pollEveryMinuteMonthlyUsd).toBeCloseTo(432);
  expect(row.failwatchDefaultMonthlyUsd).toBeCloseTo(100 + 86.4);
});

describe('the DynamoDB stand-in', () => {
  test('counts requests about pair definitions apart from the others, and writes as writes', async () => {
    const traffic = new Traffic();
    const server = await startDynamoStandIn(traffic);
    const client = createTestDocumentClient(server.endpoint);
    try {
      const table = await createTestTable(server.endpoint, 'bench-accounting');
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'PAIR#a', sk: 'STATE', serving: 'PRIMARY' } }));
      await client.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: 'PAIR#a', sk: 'DEFINITION', hash: 'h' } } }] } }));
      await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [{ pk: 'PAIR#a', sk: 'DEFINITION' }] } } }));
      const counted = traffic.snapshot().services.dynamodb;
      expect(Object.fromEntries(Object.entries(counted).map(([op, c]) => [op, c.requests]))).toEqual({
        CreateTable: 1,
        DescribeTable: 1,
        UpdateTimeToLive: 1,
        PutItem: 1,
        'BatchWriteItem (definitions)': 1,
        'BatchGetItem (definitions)': 1,
      });
      expect(Object.keys(counted).filter(isDefinitionOperation).sort()).toEqual(['BatchGetItem (definitions)', 'BatchWriteItem (definitions)']);
      expect(Object.keys(counted).filter(isDynamoWrite).sort()).toEqual(['BatchWriteItem (definitions)', 'PutItem']);
      expect(dynamoCommandOf('BatchGetItem (definitions)')).toBe('BatchGetItem');
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
