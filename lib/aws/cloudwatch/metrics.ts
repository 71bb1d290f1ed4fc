/**
 * HealthMetricSource on CloudWatch: Route 53's own verdict, `AWS/Route53 HealthCheckStatus`
 * (Minimum per minute), read with GetMetricData in batches of up to 500 queries.
 * The client must be in us-east-1, the only region these metrics exist in (see createCloudWatchClient).
 */
import { paginateGetMetricData, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { chunksOf } from '../../batches';
import type { MetricReading } from '../../domain/model';
import type { HealthMetricSource } from '../../ports';
import { describeSdkError, isAccessDenied, sdkErrorFacts } from '../sdk-errors';

/** GetMetricData's limit on queries per call. */
export const METRIC_QUERIES_PER_CALL = 500;
export const METRIC_PERIOD_SECONDS = 60;
export const METRIC_WINDOW_MS = 5 * 60_000;

/** GetMetricData calls a sweep of `healthCheckCount` checks makes (before any NextToken pages). */
export function metricDataCallsNeeded(healthCheckCount: number): number {
  return Math.ceil(Math.max(0, healthCheckCount) / METRIC_QUERIES_PER_CALL);
}

function statusQuery(queryId: string, healthCheckId: string): MetricDataQuery {
  return {
    Id: queryId,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: [{ Name: 'HealthCheckId', Value: healthCheckId }],
      },
      Period: METRIC_PERIOD_SECONDS,
      Stat: 'Minimum',
    },
    ReturnData: true,
  };
}

function failureReason(error: unknown): string {
  const facts = sdkErrorFacts(error);
  const what = describeSdkError(facts);
  return isAccessDenied(facts)
    ? `CloudWatch refused GetMetricData (${what}): grant cloudwatch:GetMetricData to the function's role`
    : `CloudWatch GetMetricData failed (${what})`;
}

interface Latest {
  timestamp: Date;
  value: number;
}

export class CloudWatchHealthMetricSource implements HealthMetricSource {
  constructor(private readonly client: CloudWatchClient) {}

  async readHealthMetrics(healthCheckIds: readonly string[], at: Date): Promise<ReadonlyMap<string, MetricReading>> {
    const unique = [...new Set(healthCheckIds)];
    const readings = new Map<string, MetricReading>();
    for (const batch of chunksOf(unique, METRIC_QUERIES_PER_CALL)) {
      for (const [id, reading] of await this.readBatch(batch, at)) readings.set(id, reading);
    }
    return readings;
  }

  /** One failed call makes the whole batch UNAVAILABLE: a partial answer could look like NO_DATA. */
  private async readBatch(healthCheckIds: readonly string[], at: Date): Promise<Map<string, MetricReading>> {
    // Health check ids are UUIDs, which query Ids (^[a-z][a-zA-Z0-9_]*$) cannot hold: number them instead.
    const idByQuery = new Map<string, string>(healthCheckIds.map((id, index) => [`h${index}`, id]));
    const latest = new Map<string, Latest>();
    const problems = new Map<string, string>();
    const answered = new Set<string>();
    try {
      const pages = paginateGetMetricData(
        { client: this.client },
        {
          MetricDataQueries: [...idByQuery].map(([queryId, id]) => statusQuery(queryId, id)),
          StartTime: new Date(at.getTime() - METRIC_WINDOW_MS),
          EndTime: at,
          ScanBy: 'TimestampDescending',
        },
      );
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) {
          const id = idByQuery.get(result.Id ?? '');
          if (id === undefined) continue;
          answered.add(id);
          const timestamps = result.Timestamps ?? [];
          const values = result.Values ?? [];
          timestamps.forEach((timestamp, index) => {
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
      return new Map(healthCheckIds.map((id) => [id, { kind: 'UNAVAILABLE', reason }]));
    }
    return new Map(
      healthCheckIds.map((id): [string, MetricReading] => {
        const found = latest.get(id);
        if (found !== undefined) {
          return [id, { kind: 'VALUE', status: found.value < 1 ? 0 : 1, timestamp: found.timestamp.toISOString() }];
        }
        const problem = problems.get(id) ?? (answered.has(id) ? undefined : 'CloudWatch returned no result for this metric');
        return [id, problem !== undefined ? { kind: 'UNAVAILABLE', reason: problem } : { kind: 'NO_DATA' }];
      }),
    );
  }
}
