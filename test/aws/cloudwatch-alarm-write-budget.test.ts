/**
 * The managed-alarm write budget lives in the SDK's middleware stack, which aws-sdk-client-mock
 * bypasses, so these tests talk AWS JSON to a real HTTP server on 127.0.0.1 that plays CloudWatch.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';
import { ledgerBudget } from '../support/ledger-budget';

let server: Server;
let endpoint: string;
let seen: { readonly target: string }[];
const clients: CloudWatchClient[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ target: String(request.headers['x-amz-target'] ?? request.headers['smithy-protocol'] ?? request.url) });
    request.resume();
    response.setHeader('content-type', 'application/x-amz-json-1.0');
    response.writeHead(200).end(String(request.headers['x-amz-target'] ?? '').endsWith('GetMetricData') ? '{"MetricDataResults":[]}' : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  clients.forEach((client) => client.destroy());
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

function client(alarmWriteBudget: ReturnType<typeof ledgerBudget>['budget']): CloudWatchClient {
  const created = createCloudWatchClient({ endpoint, alarmWriteBudget, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' } });
  clients.push(created);
  return created;
}

const ALARM = {
  AlarmName: 'failwatch-test-abc',
  Namespace: 'AWS/Route53',
  MetricName: 'HealthCheckStatus',
  Statistic: 'Minimum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'LessThanThreshold',
} as const;

describe('CloudWatch client: managed-alarm writes are paced', () => {
  it('PutMetricAlarm and DeleteAlarms share one budget: four writes at 20 rps go 50 ms apart', async () => {
    const { budget, waits } = ledgerBudget(20);
    const cloudWatch = client(budget);
    await Promise.all([
      cloudWatch.send(new PutMetricAlarmCommand(ALARM)),
      cloudWatch.send(new PutMetricAlarmCommand({ ...ALARM, AlarmName: 'failwatch-test-def' })),
      cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['failwatch-test-old'] })),
      cloudWatch.send(new PutMetricAlarmCommand({ ...ALARM, AlarmName: 'failwatch-test-ghi' })),
    ]);
    expect(seen.map((r) => r.target).sort()).toEqual(['GraniteServiceVersion20100801.DeleteAlarms', ...Array<string>(3).fill('GraniteServiceVersion20100801.PutMetricAlarm')]);
    // The first goes at once; each of the others is held 50 ms after the one before.
    expect(waits).toEqual([50, 100, 150]);
  });

  it('GetMetricData never waits on it, even with the write budget drained', async () => {
    const { budget, waits } = ledgerBudget(1);
    const cloudWatch = client(budget);
    await cloudWatch.send(new PutMetricAlarmCommand(ALARM));
    await Promise.all(Array.from({ length: 3 }, () => cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date(60_000) }))));
    // Through the drained write budget the three would have been held 1, 2 and 3 s: they never asked it.
    expect(waits).toEqual([]);
    expect(seen.filter((r) => r.target.endsWith('GetMetricData'))).toHaveLength(3);
  });
});
