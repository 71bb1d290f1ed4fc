import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchHealthMetricSource, metricDataCallsNeeded } from '../../lib/aws/cloudwatch/metrics';

const cloudwatch = mockClient(CloudWatchClient);
const at = new Date('2026-11-25T08:10:00.000Z');
const minute = (m: number) => new Date(`2026-11-25T08:0${m}:00.000Z`);
const source = () => new CloudWatchHealthMetricSource(new CloudWatchClient({}));
const ids = (count: number) => Array.from({ length: count }, (_, i) => `0f3b${String(i).padStart(4, '0')}-6a1e-4c2b-9d55-1b2c3d4e5f60`);

/** The health check id each query of a request asks about, by query Id. */
function queriedIds(input: GetMetricDataCommandInput): Map<string, string> {
  return new Map((input.MetricDataQueries ?? []).map((q) => [q.Id ?? '', q.MetricStat?.Metric?.Dimensions?.[0]?.Value ?? '']));
}

/** Answers every query from `series` (health check id → [minute, value][]), newest first. */
function answerFrom(series: Record<string, [number, number][]>) {
  return (input: GetMetricDataCommandInput): GetMetricDataCommandOutput => ({
    $metadata: {},
    MetricDataResults: [...queriedIds(input)].map(([queryId, id]): MetricDataResult => {
      const points = [...(series[id] ?? [])].sort((x, y) => y[0] - x[0]);
      return { Id: queryId, StatusCode: 'Complete', Timestamps: points.map(([m]) => minute(m)), Values: points.map(([, v]) => v) };
    }),
  });
}

beforeEach(() => cloudwatch.reset());

describe('CloudWatchHealthMetricSource', () => {
  it('1,201 ids → exactly 3 GetMetricData calls of at most 500 queries, each the HealthCheckStatus Minimum per minute over the last 5 minutes', async () => {
    const all = ids(1201);
    const inputs: GetMetricDataCommandInput[] = [];
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      inputs.push(structuredClone(input));
      return answerFrom({})(input);
    });
    const readings = await source().readHealthMetrics(all, at);

    expect(inputs.map((i) => i.MetricDataQueries?.length)).toEqual([500, 500, 201]);
    expect(metricDataCallsNeeded(1201)).toBe(3);
    expect(inputs.flatMap((i) => [...queriedIds(i).values()])).toEqual(all);
    for (const input of inputs) {
      expect(input).toMatchObject({ StartTime: new Date('2026-11-25T08:05:00.000Z'), EndTime: at, ScanBy: 'TimestampDescending' });
      expect(new Set(input.MetricDataQueries?.map((q) => q.Id)).size).toBe(input.MetricDataQueries?.length);
      for (const query of input.MetricDataQueries ?? []) {
        expect(query.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
        expect(query.MetricStat).toEqual({
          Metric: { Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: expect.any(String) }] },
          Period: 60,
          Stat: 'Minimum',
        });
      }
    }
    expect(readings.size).toBe(1201);
  });

  it('maps the latest datapoint: 1 → status 1, 0 → status 0, a fraction → 0, none → NO_DATA', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(
      answerFrom({ healthy: [[9, 1], [8, 0]], down: [[8, 1], [9, 0]], flapping: [[9, 0.5]], fresh: [] }),
    );
    const readings = await source().readHealthMetrics(['healthy', 'down', 'flapping', 'fresh'], at);
    expect(Object.fromEntries(readings)).toEqual({
      healthy: { kind: 'VALUE', status: 1, timestamp: '2026-11-25T08:09:00.000Z' },
      down: { kind: 'VALUE', status: 0, timestamp: '2026-11-25T08:09:00.000Z' },
      flapping: { kind: 'VALUE', status: 0, timestamp: '2026-11-25T08:09:00.000Z' },
      fresh: { kind: 'NO_DATA' },
    });
  });

  it('follows NextToken and keeps the newest datapoint seen on any page', async () => {
    const tokens: (string | undefined)[] = [];
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput): GetMetricDataCommandOutput => {
      tokens.push(input.NextToken);
      const [a, b] = [...queriedIds(input).keys()];
      return input.NextToken === undefined
        ? { $metadata: {}, NextToken: 'page-2', MetricDataResults: [{ Id: a, StatusCode: 'PartialData', Timestamps: [minute(9)], Values: [0] }, { Id: b, StatusCode: 'PartialData', Timestamps: [], Values: [] }] }
        : { $metadata: {}, MetricDataResults: [{ Id: a, StatusCode: 'Complete', Timestamps: [minute(8)], Values: [1] }, { Id: b, StatusCode: 'Complete', Timestamps: [minute(7)], Values: [1] }] };
    });
    const readings = await source().readHealthMetrics(['first', 'second'], at);
    expect(tokens).toEqual([undefined, 'page-2']);
    expect(readings.get('first')).toEqual({ kind: 'VALUE', status: 0, timestamp: '2026-11-25T08:09:00.000Z' });
    expect(readings.get('second')).toEqual({ kind: 'VALUE', status: 1, timestamp: '2026-11-25T08:07:00.000Z' });
  });

  it('a failed call makes exactly that batch UNAVAILABLE; the other batches keep their readings', async () => {
    const all = ids(1201);
    let call = 0;
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      call += 1;
      if (call === 2) {
        throw new CloudWatchServiceException({ name: 'InternalServiceFault', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 5 }, message: 'Internal failure' });
      }
      return answerFrom(Object.fromEntries(all.map((id) => [id, [[9, 1]] as [number, number][]])))(input);
    });
    const readings = await source().readHealthMetrics(all, at);
    const unavailable = all.filter((id) => readings.get(id)?.kind === 'UNAVAILABLE');
    expect(unavailable).toEqual(all.slice(500, 1000));
    expect(readings.get(all[500] ?? '')).toEqual({ kind: 'UNAVAILABLE', reason: expect.stringMatching(/GetMetricData failed \(InternalServiceFault: Internal failure \(HTTP 500, 5 attempts\)\)/) });
    expect(all.filter((id) => readings.get(id)?.kind === 'VALUE')).toHaveLength(701);
  });

  it('access denied → UNAVAILABLE telling which permission to grant, never a throw', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(new CloudWatchServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    const readings = await source().readHealthMetrics(['hc-1'], at);
    expect(readings.get('hc-1')).toEqual({ kind: 'UNAVAILABLE', reason: expect.stringMatching(/grant cloudwatch:GetMetricData/) });
  });

  it('a result CloudWatch marks Forbidden, or leaves out, is UNAVAILABLE rather than NO_DATA', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput): GetMetricDataCommandOutput => {
      const [a] = [...queriedIds(input).keys()];
      return { $metadata: {}, MetricDataResults: [{ Id: a, StatusCode: 'Forbidden', Timestamps: [], Values: [], Messages: [{ Code: 'Forbidden', Value: 'no access to AWS/Route53' }] }] };
    });
    const readings = await source().readHealthMetrics(['forbidden', 'missing'], at);
    expect(readings.get('forbidden')).toEqual({ kind: 'UNAVAILABLE', reason: 'CloudWatch answered Forbidden for this metric: no access to AWS/Route53' });
    expect(readings.get('missing')).toEqual({ kind: 'UNAVAILABLE', reason: 'CloudWatch returned no result for this metric' });
  });

  it('asks once per distinct id and makes no call for none', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(answerFrom({ a: [[9, 1]] }));
    expect((await source().readHealthMetrics([], at)).size).toBe(0);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    const readings = await source().readHealthMetrics(['a', 'a'], at);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries).toHaveLength(1);
    expect(readings.get('a')).toMatchObject({ kind: 'VALUE', status: 1 });
  });

  it.each([[0, 0], [1, 1], [500, 1], [501, 2], [1201, 3]])('metricDataCallsNeeded(%i) = %i', (count, calls) => {
    expect(metricDataCallsNeeded(count)).toBe(calls);
  });
});

describe('GetMetricData calls of one read', () => {
  it('run concurrently, at most 4 at once: 10 calls for 5,000 checks overlap instead of queuing', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    cloudwatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      return answerFrom({})(input);
    });
    const readings = await source().readHealthMetrics(ids(5000), at);

    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(10);
    expect(readings.size).toBe(5000);
    expect(mostInFlight).toBe(4);
  });
});
