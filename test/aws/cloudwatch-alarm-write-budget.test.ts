/**
 * The managed-alarm write budget lives in the SDK's middleware stack, which aws-sdk-client-mock
 * bypasses, so these tests talk AWS JSON to a real HTTP server on 127.0.0.1 that plays CloudWatch.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RequestBudget } from '../../lib/aws/request-budget';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';

let server: Server;
let endpoint: string;
let seen: { readonly target: string; readonly at: number }[];
const clients: CloudWatchClient[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ target: String(request.headers['x-amz-target'] ?? request.headers['smithy-protocol'] ?? request.url), at: performance.now() });
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

function client(alarmWriteBudget: RequestBudget): CloudWatchClient {
  const created = createCloudWatchClient({ endpoint, alarmWriteBudget, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' } });
  clients.push(created);
  return created;
}

function gaps(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((at, index) => at - sorted[index]!);
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
  it('PutMetricAlarm and DeleteAlarms share one budget: four writes at 20 rps arrive at least 50 ms apart', async () => {
    const cloudWatch = client(new RequestBudget({ requestsPerSecond: 20, burst: 1 }));
    await Promise.all([
      cloudWatch.send(new PutMetricAlarmCommand(ALARM)),
      cloudWatch.send(new PutMetricAlarmCommand({ ...ALARM, AlarmName: 'failwatch-test-def' })),
      cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['failwatch-test-old'] })),
      cloudWatch.send(new PutMetricAlarmCommand({ ...ALARM, AlarmName: 'failwatch-test-ghi' })),
    ]);
    expect(seen.map((r) => r.target).sort()).toEqual(['GraniteServiceVersion20100801.DeleteAlarms', ...Array<string>(3).fill('GraniteServiceVersion20100801.PutMetricAlarm')]);
    // Without the budget the four arrive within a few ms of each other. Arrival jitters with signing and
    // the event loop, so each gap gets slack and the whole span is held to three intervals, less a little.
    const arrivals = seen.map((r) => r.at).sort((a, b) => a - b);
    for (const gap of gaps(arrivals)) expect(gap).toBeGreaterThanOrEqual(30);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(135);
  });

  it('GetMetricData never waits on it, even with the write budget drained', async () => {
    const budget = new RequestBudget({ requestsPerSecond: 1, burst: 1 });
    const cloudWatch = client(budget);
    await cloudWatch.send(new PutMetricAlarmCommand(ALARM));
    const started = performance.now();
    await Promise.all(Array.from({ length: 3 }, () => cloudWatch.send(new GetMetricDataCommand({ MetricDataQueries: [], StartTime: new Date(0), EndTime: new Date(60_000) }))));
    // Through the drained write budget the three would take at least 2 s.
    expect(performance.now() - started).toBeLessThan(900);
    expect(seen.filter((r) => r.target.endsWith('GetMetricData'))).toHaveLength(3);
  });
});
