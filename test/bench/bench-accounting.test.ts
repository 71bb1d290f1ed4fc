import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { nativeModelRow } from '../../bench/aws-native-model';
import { countsOf, statusesOf } from '../../bench/child/runtime';
import type { StepFigures } from '../../bench/stand';
import { judgedFrom, listingCompleted, maxListingSweeps, settled } from '../../bench/sweep-bench';
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

const underWay = { phase: 'RECORDS', zonesDone: 3, zones: 40, healthChecks: 20_000, runs: 2 } as const;

describe('when the bench counts a listing as complete', () => {
  test.each([
    ['a result without discovery: judged from a complete listing, none under way', {}, true],
    ['judged from STORED, nothing under way any more', { discovery: { judgedFrom: 'STORED' } }, true],
    ['a listing still under way, even without an error', { discovery: { judgedFrom: 'PARTIAL', listing: underWay } }, false],
    ['judged from STORED while its own listing is under way', { discovery: { judgedFrom: 'STORED', listing: underWay } }, false],
    ['a failed listing call', { discovery: { judgedFrom: 'COMPLETE', error: { message: 'Throttling', retryable: true } } }, false],
    ['a sweep ended by the timeout', { timedOut: true, error: 'Task timed out after 60.00 seconds' }, false],
    ['a sweep that threw', { error: 'Throttling: Rate exceeded' }, false],
  ] as const)('%s', (_name, over, expected) => {
    expect(listingCompleted(step(over))).toBe(expected);
  });

  test('reads where a sweep was judged from, COMPLETE when the result has no discovery, nothing when there is no result', () => {
    expect([step({}), step({ discovery: { judgedFrom: 'STORED', listing: underWay } }), step({ error: 'Task timed out' })].map(judgedFrom)).toEqual(['COMPLETE', 'STORED', undefined]);
  });

  test('gives a resumable listing one sweep more than 5,000 checks a run needs', () => {
    expect([10, 5000, 5001, 20_000].map(maxListingSweeps)).toEqual([2, 2, 3, 5]);
  });
});

describe('when the bench counts a sweep as settled (the next one may be measured as steady)', () => {
  test.each([
    ['nothing written, definitions not due', { statuses: { definitions: 'NOT_DUE' } }, true],
    ['definitions all stored, nothing written', { statuses: { definitions: 'SYNCED' } }, true],
    ['the first store spilled: definitions unfinished', { statuses: { definitions: 'UNFINISHED' } }, false],
    ['definitions waiting for the listing', { statuses: { definitions: 'WAITING_FOR_LISTING' } }, false],
    ['it wrote (the rest of the definitions, or history)', { dynamoWrites: 22, statuses: { definitions: 'SYNCED' } }, false],
    ['a listing under way', { discovery: { judgedFrom: 'STORED', listing: underWay } }, false],
  ] as const)('%s', (_name, over, expected) => {
    expect(settled(step(over))).toBe(expected);
  });
});

test("a handler's statuses are kept by the field holding them", () => {
  expect(statusesOf({ trigger: 'scheduled x', definitions: { status: 'UNFINISHED', written: 3 }, alarms: { status: 'OFF' }, discovery: { judgedFrom: 'STORED' } })).toEqual({ definitions: 'UNFINISHED', alarms: 'OFF' });
  expect(statusesOf({ transitionsRecorded: 0 })).toBeUndefined();
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
