/**
 * SweepMetricSource on CloudWatch: the `SweepsCompleted` metric the poll function reports after each
 * sweep it finishes (notes/METRICS.md: namespace `Failwatch`, dimensions `service` = failwatch-<stage>
 * and `function` = poll), summed with GetMetricData. Reading it writes nothing: a steady sweep stays
 * free of heartbeat writes. IAM: cloudwatch:GetMetricData ("*": it has no resource-level permission).
 */
import { paginateGetMetricData, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SweepMetricSource } from '../../usecases/console-ports';
import { FailwatchMetric, METRICS_NAMESPACE, MetricsDimension, MetricsFunction } from '../../metric-names';
import { consoleReadError } from '../sdk-errors';

/** CloudWatch takes periods in whole minutes. */
const MINUTE_SECONDS = 60;

export class CloudWatchSweepMetrics implements SweepMetricSource {
  constructor(private readonly client: CloudWatchClient) {}

  async sweepsCompleted(metricsService: string, from: Date, to: Date): Promise<number> {
    // One period covering the whole window: the sum of the datapoints returned is the window's sum.
    const period = Math.max(MINUTE_SECONDS, Math.ceil((to.getTime() - from.getTime()) / 1000 / MINUTE_SECONDS) * MINUTE_SECONDS);
    let sum = 0;
    try {
      const pages = paginateGetMetricData(
        { client: this.client },
        {
          StartTime: from,
          EndTime: to,
          MetricDataQueries: [
            {
              Id: 'sweeps',
              MetricStat: {
                Metric: {
                  Namespace: METRICS_NAMESPACE,
                  MetricName: FailwatchMetric.SWEEPS_COMPLETED,
                  Dimensions: [
                    { Name: MetricsDimension.SERVICE, Value: metricsService },
                    { Name: MetricsDimension.FUNCTION, Value: MetricsFunction.POLL },
                  ],
                },
                Period: period,
                Stat: 'Sum',
              },
            },
          ],
        },
      );
      for await (const page of pages) {
        for (const result of page.MetricDataResults ?? []) sum += (result.Values ?? []).reduce((total, value) => total + value, 0);
      }
    } catch (error) {
      throw consoleReadError('cloudwatch:GetMetricData', `metric ${METRICS_NAMESPACE}/${FailwatchMetric.SWEEPS_COMPLETED} of ${metricsService}`, error);
    }
    return sum;
  }
}
