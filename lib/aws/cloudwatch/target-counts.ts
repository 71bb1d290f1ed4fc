/**
 * TargetCountSource on CloudWatch: load balancers' HealthyHostCount and UnHealthyHostCount, in each
 * balancer's own region (AWS/ApplicationELB, AWS/NetworkELB, AWS/ELB), read with GetMetricData in
 * batches of up to 500 queries per region (metric-data.ts). Metrics serve where the ELB API would need a
 * DescribeTargetHealth call per target group per sweep; they lag by their one-minute period.
 *
 * "The Minimum and Maximum statistics reflect the minimum and maximum reported by the individual load
 * balancer nodes" (ELB user guide, CloudWatch metrics): healthy targets are read as the Minimum and
 * unhealthy ones as the Maximum, the least healthy any node saw in the minute, as HealthCheckStatus is
 * read as its Minimum. A Classic Load Balancer's healthy instances are read as the Maximum: it is
 * unhealthy only when no node sees a healthy instance.
 */
import type { CloudWatchClient, Dimension, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { LoadBalancerType, TargetCount, type TargetCountQuery, type TargetCountReading } from '../../domain/load-balancer-health';
import type { TargetCountSource } from '../../ports';
import { METRIC_PERIOD_SECONDS, readLatestDatapoints } from './metric-data';

const NAMESPACES: Readonly<Record<LoadBalancerType, string>> = {
  APPLICATION: 'AWS/ApplicationELB',
  NETWORK: 'AWS/NetworkELB',
  CLASSIC: 'AWS/ELB',
};

export function targetCountMetricQuery(queryId: string, query: TargetCountQuery): MetricDataQuery {
  const classic = query.loadBalancerType === LoadBalancerType.CLASSIC;
  const dimensions: Dimension[] = classic
    ? [{ Name: 'LoadBalancerName', Value: query.loadBalancer }]
    : [
        { Name: 'TargetGroup', Value: query.targetGroup ?? '' },
        { Name: 'LoadBalancer', Value: query.loadBalancer },
      ];
  if (query.availabilityZone !== undefined) dimensions.push({ Name: 'AvailabilityZone', Value: query.availabilityZone });
  const healthy = query.count === TargetCount.HEALTHY;
  return {
    Id: queryId,
    MetricStat: {
      Metric: { Namespace: NAMESPACES[query.loadBalancerType], MetricName: healthy ? 'HealthyHostCount' : 'UnHealthyHostCount', Dimensions: dimensions },
      Period: METRIC_PERIOD_SECONDS,
      Stat: healthy && !classic ? 'Minimum' : 'Maximum',
    },
    ReturnData: true,
  };
}

export class CloudWatchTargetCountSource implements TargetCountSource {
  /** `clientIn(region)`: a CloudWatch client in that region (the metrics live in the balancer's region). */
  constructor(private readonly clientIn: (region: string) => CloudWatchClient) {}

  async readTargetCounts(queries: readonly TargetCountQuery[], at: Date): Promise<ReadonlyMap<string, TargetCountReading>> {
    const byRegion = new Map<string, TargetCountQuery[]>();
    for (const query of queries) byRegion.set(query.region, [...(byRegion.get(query.region) ?? []), query]);
    const regions = await Promise.all(
      [...byRegion].map(async ([region, inRegion]) => {
        // Query Ids must match ^[a-z][a-zA-Z0-9_]*$: numbered, then mapped back to the domain's ids.
        const latest = await readLatestDatapoints(this.clientIn(region), inRegion.map((query, index) => targetCountMetricQuery(`t${index}`, query)), at);
        return inRegion.map((query, index): [string, TargetCountReading] => [query.id, latest.get(`t${index}`) ?? { kind: 'UNAVAILABLE', reason: 'CloudWatch returned no result for this metric' }]);
      }),
    );
    return new Map(regions.flat());
  }
}
