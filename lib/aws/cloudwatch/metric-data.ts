/**
 * The one way Failwatch reads CloudWatch metrics: GetMetricData in batches of up to 500 queries, every
 * NextToken page followed, the latest datapoint of each query kept. Used for Route 53's HealthCheckStatus
 * (metrics.ts) and for load balancers' target counts (target-counts.ts).
 */
import { paginateGetMetricData, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { chunksOf, mapBounded } from '../../batches';
import { describeSdkError, isAccessDenied, sdkErrorFacts } from '../sdk-errors';

/** GetMetricData's limit on queries per call. */
export const METRIC_QUERIES_PER_CALL = 500;
export const METRIC_PERIOD_SECONDS = 60;
export const METRIC_WINDOW_MS = 5 * 60_000;
/**
 * GetMetricData calls in flight at once: a 5,000-check sweep's 10 calls no longer wait on each other, well inside
 * the API's 50 transactions a second per account and region.
 */
export const METRIC_CALLS_AT_ONCE = 4;

/** GetMetricData calls `queryCount` queries take (before any NextToken pages). */
export function metricDataCallsNeeded(queryCount: number): number {
  return Math.ceil(Math.max(0, queryCount) / METRIC_QUERIES_PER_CALL);
}

/** A query's latest datapoint in the window, or why there is none. */
export type LatestDatapoint =
  | { readonly kind: 'VALUE'; readonly value: number; readonly timestamp: string }
  | { readonly kind: 'NO_DATA' }
  | { readonly kind: 'UNAVAILABLE'; readonly reason: string };

function failureReason(error: unknown): string {
  const facts = sdkErrorFacts(error);
  const what = describeSdkError(facts);
  return isAccessDenied(facts)
    ? `CloudWatch refused GetMetricData (${what}): grant cloudwatch:GetMetricData to the function's role`
    : `CloudWatch GetMetricData failed (${what})`;
}

/**
 * The latest datapoint of each query (by its Id) over the `METRIC_WINDOW_MS` before `at`. Never throws:
 * one failed call makes its whole batch UNAVAILABLE, since a partial answer could look like NO_DATA.
 */
export async function readLatestDatapoints(client: CloudWatchClient, queries: readonly MetricDataQuery[], at: Date): Promise<Map<string, LatestDatapoint>> {
  const batches = await mapBounded(chunksOf(queries, METRIC_QUERIES_PER_CALL), METRIC_CALLS_AT_ONCE, (batch) => readBatch(client, batch, at));
  return new Map(batches.flatMap((batch) => [...batch]));
}

async function readBatch(client: CloudWatchClient, queries: readonly MetricDataQuery[], at: Date): Promise<Map<string, LatestDatapoint>> {
  const ids = queries.map((query) => query.Id ?? '');
  const latest = new Map<string, { timestamp: Date; value: number }>();
  const problems = new Map<string, string>();
  const answered = new Set<string>();
  try {
    const pages = paginateGetMetricData(
      { client },
      { MetricDataQueries: [...queries], StartTime: new Date(at.getTime() - METRIC_WINDOW_MS), EndTime: at, ScanBy: 'TimestampDescending' },
    );
    for await (const page of pages) {
      for (const result of page.MetricDataResults ?? []) {
        const id = result.Id ?? '';
        if (!ids.includes(id)) continue;
        answered.add(id);
        const values = result.Values ?? [];
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          const value = values[index];
          const known = latest.get(id);
          if (value !== undefined && (known === undefined || timestamp > known.timestamp)) latest.set(id, { timestamp, value });
        });
        if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
          const messages = (result.Messages ?? []).map((m) => m.Value ?? m.Code).filter(Boolean).join('; ');
          problems.set(id, `CloudWatch answered ${result.StatusCode} for this metric${messages !== '' ? `: ${messages}` : ''}`);
        }
      }
    }
  } catch (error) {
    const reason = failureReason(error);
    return new Map(ids.map((id) => [id, { kind: 'UNAVAILABLE', reason }]));
  }
  return new Map(
    ids.map((id): [string, LatestDatapoint] => {
      const found = latest.get(id);
      if (found !== undefined) return [id, { kind: 'VALUE', value: found.value, timestamp: found.timestamp.toISOString() }];
      const problem = problems.get(id) ?? (answered.has(id) ? undefined : 'CloudWatch returned no result for this metric');
      return [id, problem !== undefined ? { kind: 'UNAVAILABLE', reason: problem } : { kind: 'NO_DATA' }];
    }),
  );
}
