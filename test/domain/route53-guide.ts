/**
 * The Route 53 developer guide's sentences the domain rules follow, verbatim, with the page each comes
 * from (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/<page>.html; the API reference for
 * GetHealthCheckStatus). Tests name their table after the sentence a row follows, so a broken rule
 * points at the sentence it breaks.
 */
export interface GuideSentence {
  readonly page: string;
  readonly sentence: string;
}

const sentence = (page: string, text: string): GuideSentence => ({ page, sentence: text });

export const GUIDE = {
  disabledAlwaysHealthy: sentence(
    'health-checks-creating-values',
    'After you disable a health check, Route 53 considers the status of the health check to always be healthy.',
  ),
  disabledInvertToStopTraffic: sentence(
    'health-checks-creating-values',
    'If you want to stop routing traffic to a resource, change the value of Invert health check status.',
  ),
  disabledChildHealthy: sentence(
    'health-checks-creating-values',
    'If you disable a health check that a calculated health check is monitoring, Route 53 considers the disabled health check to be healthy as it calculates whether the calculated health check is healthy.',
  ),
  disabledChildInvert: sentence(
    'health-checks-creating-values',
    'If you want the disabled health check to be considered unhealthy, choose the Invert health check status check box.',
  ),
  invert: sentence(
    'health-checks-creating-values',
    'If you choose this option, Route 53 considers health checks to be unhealthy when the status is healthy and vice versa.',
  ),
  newCheck: sentence(
    'dns-failover-determining-health-of-endpoints',
    'Route 53 considers a new health check to be healthy until there\'s enough data to determine the actual status, healthy or unhealthy.',
  ),
  newInvertedCheck: sentence(
    'dns-failover-determining-health-of-endpoints',
    'If you chose the option to invert the health check status, Route 53 considers a new health check to be unhealthy until there\'s enough data.',
  ),
  moreThan18: sentence(
    'dns-failover-determining-health-of-endpoints',
    'If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it healthy.',
  ),
  atMost18: sentence(
    'dns-failover-determining-health-of-endpoints',
    'If 18% of health checkers or fewer report that an endpoint is healthy, Route 53 considers it unhealthy.',
  ),
  calculatedAbove: sentence(
    'health-checks-creating-values',
    'If you specify a number greater than the number of health checks in Health checks to monitor, Route 53 always considers this health check to be unhealthy.',
  ),
  calculatedZero: sentence('health-checks-creating-values', 'If you specify 0, Route 53 always considers this health check to be healthy.'),
  cloudwatchDataStream: sentence(
    'dns-failover-determining-health-of-endpoints',
    'If the data stream doesn\'t provide enough information to determine the state of the alarm, the health check status depends on the setting for Health check status: healthy, unhealthy, or last known status.',
  ),
  noCalculatedStatus: sentence(
    'API_GetHealthCheckStatus',
    'You can\'t use GetHealthCheckStatus to get the status of a calculated health check.',
  ),
  primaryHealthy: sentence(
    'health-checks-how-route-53-chooses-records',
    'If Route 53 considers the primary record healthy (if the health check endpoint is healthy), Route 53 returns only the primary record in response to a DNS query.',
  ),
  bothUnhealthy: sentence(
    'health-checks-how-route-53-chooses-records',
    'If Route 53 considers both the primary and secondary records unhealthy, Route 53 returns the primary record.',
  ),
  noCheckAlwaysHealthy: sentence(
    'health-checks-how-route-53-chooses-records',
    'If a record in a group of records that have the same name and type doesn\'t have an associated health check, Route 53 always considers it healthy and always includes it among possible responses to a query.',
  ),
  evaluateTargetHealth: sentence(
    'health-checks-how-route-53-chooses-records',
    'Alias record with Evaluate Target Health set to Yes – Route 53 checks the health status of the resource that the alias record references, for example, an ELB load balancer or another record in the same hosted zone.',
  ),
  primaryUnhealthySecondaryHealthy: sentence(
    'health-checks-how-route-53-chooses-records',
    'If Route 53 considers the primary record unhealthy and the secondary record healthy, Route 53 returns the secondary record instead.',
  ),
} as const;

/**
 * The sentences the load balancer rules follow (lib/domain/load-balancer-health.ts, alias-targets.ts,
 * dns-answer.ts), verbatim, each with its document and page: the Route 53 API reference (AliasTarget,
 * TestDNSAnswer, ChangeResourceRecordSets), the Route 53 developer guide, the Elastic Load Balancing user
 * guide (target-group-health, target-group-health-checks) and the ELB v2 API reference (TargetGroupAttribute).
 */
export const LOAD_BALANCER_DOCS = {
  albRule: sentence(
    'Route 53 API reference, AliasTarget',
    'For an Application or Network Load Balancer to be considered healthy, every target group that contains targets must contain at least one healthy target. If any target group contains only unhealthy targets, the load balancer is considered unhealthy, and Route 53 routes queries to other resources.',
  ),
  emptyTargetGroup: sentence('Route 53 API reference, AliasTarget', 'A target group that has no registered targets is considered unhealthy.'),
  classic: sentence(
    'Route 53 API reference, AliasTarget',
    'If you set EvaluateTargetHealth to true and either no EC2 instances are healthy or the load balancer itself is unhealthy, Route 53 routes queries to other resources.',
  ),
  classicDualstack: sentence('Route 53 API reference, AliasTarget', "If you're routing traffic to a Classic Load Balancer, get the value that begins with dualstack."),
  highlyAvailable: sentence(
    'Route 53 API reference, AliasTarget',
    'However, because API Gateway is highly available by design, EvaluateTargetHealth provides no operational benefit and Route 53 health checks are recommended instead for failover scenarios.',
  ),
  cloudFront: sentence('Route 53 API reference, AliasTarget', "You can't set EvaluateTargetHealth to true when the alias target is a CloudFront distribution."),
  checkAndTarget: sentence(
    'Route 53 developer guide, dns-failover-complex-configs',
    'You can associate a health check with an alias record instead of or in addition to setting the value of Evaluate Target Health to Yes.',
  ),
  checkMustPass: sentence('Route 53 developer guide, dns-failover-complex-configs', 'The health check associated with the latency alias record must pass.'),
  dnsFailover: sentence(
    'ELB user guide, target-group-health',
    'DNS failover – When the healthy targets in a zone fall below the threshold, we mark the IP addresses of the load balancer node for the zone as unhealthy in DNS.',
  ),
  eitherThreshold: sentence(
    'ELB user guide, target-group-health',
    'If you specify both types of thresholds for an action (count and percentage), the load balancer takes the action when either threshold is breached.',
  ),
  crossZoneOff: sentence(
    'ELB user guide, target-group-health',
    'If cross-zone load balancing is off, each node sends traffic only to the targets in its own zone, which means that the thresholds apply to the number of targets in each enabled zone separately.',
  ),
  crossZoneOn: sentence(
    'ELB user guide, target-group-health',
    'If cross-zone load balancing is on, each node sends traffic to all targets in all enabled zones, which means that the specified thresholds apply to the total number targets in all enabled zones.',
  ),
  allZonesUnhealthy: sentence(
    'ELB user guide, target-group-health',
    'With DNS failover, if all load balancer zones are considered unhealthy, the load balancer sends traffic to all zones, including the unhealthy zones.',
  ),
  failOpen: sentence(
    'ELB user guide, target-group-health-checks',
    'If a target group contains only unhealthy registered targets, the load balancer routes requests to all those targets, regardless of their health status.',
  ),
  countDefault: sentence(
    'ELB v2 API reference, TargetGroupAttribute',
    'If the number of healthy targets is below this value, mark the zone as unhealthy in DNS, so that traffic is routed only to healthy zones. The possible values are off or an integer from 1 to the maximum number of targets. The default is 1.',
  ),
  publicZonesOnly: sentence('Route 53 API reference, TestDNSAnswer', 'This call only supports querying public hosted zones.'),
  propagation: sentence(
    'Route 53 API reference, ChangeResourceRecordSets',
    'Changes generally propagate to all Route 53 name servers managing the hosted zone within 60 seconds.',
  ),
} as const;

/** `"<sentence>" (<page>)`: a describe title for the rows that follow one sentence. */
export function quoting(guide: GuideSentence): string {
  return `"${guide.sentence}" (${guide.page})`;
}
