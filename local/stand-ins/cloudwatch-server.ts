/**
 * CloudWatch GetMetricData on 127.0.0.1, for every region. The SDK's CloudWatch client speaks AWS JSON 1.0
 * (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, timestamps as epoch seconds), which is
 * easy to answer over HTTP, so the real client, retry included, runs as deployed.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { SimulatedAws } from '../simulated-aws';
import { invocationIdOf, latencySource, readBody, regionOf, startHttpServer, type LatencyRange, type RunningServer } from './http';
import { SlidingWindow } from './route53-server';
import { Service, type Traffic } from './traffic';

/** GetMetricData's documented limit. */
const MAX_QUERIES = 500;

export interface CloudWatchStandInOptions {
  readonly latency: LatencyRange;
  readonly seed: number;
  /** GetMetricData calls a second before `Throttling` (sliding one-second window; AWS's default quota is 50 TPS); none when absent. */
  readonly requestsPerSecond?: number;
}

interface GetMetricDataBody {
  readonly MetricDataQueries?: MetricDataQuery[];
  readonly EndTime?: number;
}

export function startCloudWatchStandIn(world: SimulatedAws, traffic: Traffic, options: CloudWatchStandInOptions): Promise<RunningServer> {
  const delay = latencySource(options.latency, options.seed);
  const window = options.requestsPerSecond === undefined ? undefined : new SlidingWindow(options.requestsPerSecond);
  return startHttpServer(async (request, response) => {
    const arrivedAt = performance.now();
    const body = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.split('.').pop() ?? 'Unknown';
    const throttled = window !== undefined && !window.tryAccept(arrivedAt);
    traffic.record(Service.CLOUDWATCH, operation, invocationIdOf(request), throttled);
    await delay();
    response.setHeader('content-type', 'application/x-amz-json-1.0');
    const fail = (type: string, message: string) => {
      response.setHeader('x-amzn-query-error', `${type};Sender`);
      response.writeHead(400).end(JSON.stringify({ __type: type, message }));
    };
    if (throttled) return fail('Throttling', 'Rate exceeded');
    if (operation !== 'GetMetricData') return fail('InvalidAction', `The stand-in does not implement ${target}`);
    const input = JSON.parse(body) as GetMetricDataBody;
    const queries = input.MetricDataQueries ?? [];
    if (queries.length > MAX_QUERIES) return fail('InvalidParameterValue', `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
    // Answered for the region the client signed for: HealthCheckStatus exists only in us-east-1, a load balancer's metrics in its own.
    const output = world.getMetricData({ MetricDataQueries: queries, EndTime: new Date((input.EndTime ?? Date.now() / 1000) * 1000) }, regionOf(request));
    const results = output.MetricDataResults.map((result) => ({ ...result, Timestamps: result.Timestamps.map((at) => at.getTime() / 1000) }));
    response.writeHead(200).end(JSON.stringify({ MetricDataResults: results, Messages: [] }));
  });
}
