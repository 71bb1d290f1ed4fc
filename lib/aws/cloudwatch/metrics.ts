/**
 * HealthMetricSource on CloudWatch: Route 53's own verdict, `AWS/Route53 HealthCheckStatus`
 * (Minimum per minute), read with GetMetricData in batches of up to 500 queries (metric-data.ts).
 * The client must be in us-east-1, the only region these metrics exist in (see createCloudWatchClient).
 */
import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricReading } from '../../domain/model';
import type { HealthMetricSource } from '../../ports';
import { METRIC_PERIOD_SECONDS, readLatestDatapoints } from './metric-data';

export { METRIC_PERIOD_SECONDS, METRIC_QUERIES_PER_CALL, METRIC_WINDOW_MS, metricDataCallsNeeded } from './metric-data';

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

export class CloudWatchHealthMetricSource implements HealthMetricSource {
  constructor(private readonly client: CloudWatchClient) {}

  async readHealthMetrics(healthCheckIds: readonly string[], at: Date): Promise<ReadonlyMap<string, MetricReading>> {
    // Health check ids are UUIDs, which query Ids (^[a-z][a-zA-Z0-9_]*$) cannot hold: number them instead.
    const unique = [...new Set(healthCheckIds)];
    const latest = await readLatestDatapoints(this.client, unique.map((id, index) => statusQuery(`h${index}`, id)), at);
    return new Map(
      unique.map((id, index): [string, MetricReading] => {
        const reading = latest.get(`h${index}`) ?? { kind: 'UNAVAILABLE', reason: 'CloudWatch returned no result for this metric' };
        return [id, reading.kind === 'VALUE' ? { kind: 'VALUE', status: reading.value < 1 ? 0 : 1, timestamp: reading.timestamp } : reading];
      }),
    );
  }
}
