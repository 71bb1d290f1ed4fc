/**
 * A simulated AWS account at the SDK boundary (aws-sdk-client-mock): hosted zones, record sets and
 * health checks for Route 53, the HealthCheckStatus metric for CloudWatch, load balancers in any region
 * (local/simulated-load-balancers.ts: Elastic Load Balancing and their metrics), and an SNS topic that
 * keeps what it was sent. DynamoDB is NOT simulated here: tests and the demo use dynalite for it.
 *
 * The world is driven by `setHealthy(checkId, boolean)` and `loadBalancers.setHealthy(name, boolean)`;
 * every answer is derived from that state the way AWS would give it (pages follow markers, checkers report
 * per region, the metric is 1/0, TestDNSAnswer answers what Route 53 chooses now).
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  ResourceNotFoundException,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
  type MetricDataQuery,
  type PutMetricAlarmCommandInput,
  type Tag,
} from '@aws-sdk/client-cloudwatch';
import {
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  NoSuchHealthCheck,
  Route53Client,
  TestDNSAnswerCommand,
  type HealthCheck,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { SimulatedLoadBalancers } from './simulated-load-balancers';

export const CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;

export interface SimulatedZone {
  readonly id: string;
  readonly name: string;
  readonly records: ResourceRecordSet[];
  /** A private hosted zone: TestDNSAnswer refuses it, as Route 53 does. */
  readonly private?: boolean;
}

interface SimulatedCheck {
  readonly definition: HealthCheck;
  healthy: boolean;
  /** false: CloudWatch has no datapoint yet (a new check). */
  publishesMetric: boolean;
  /** Spans with no `HealthCheckStatus` datapoint (a delay in the metric), from inclusive, until exclusive, in ms. */
  readonly metricGaps: { readonly fromMs: number; readonly untilMs: number }[];
  /** What its checkers report, when set (`setCheckerReports`); otherwise one checker per region, all alike. */
  checkers?: { readonly total: number; readonly succeeding: number };
}

export interface PublishedMessage {
  readonly subject: string | undefined;
  readonly text: string;
  readonly payload: unknown;
  readonly attributes: Record<string, string>;
  readonly messageId: string;
}

export interface SimulatedAwsOptions {
  /** Page size the simulated Route 53 uses (small values exercise the markers). */
  readonly pageSize?: number;
  /**
   * Per-listing page sizes: the most a page holds, below Route 53's own caps (ROUTE53_PAGE_CAPS), to
   * exercise the markers. A page is never larger than MaxItems asks, nor than the cap.
   */
  readonly pageSizes?: { readonly hostedZones?: number; readonly recordSets?: number; readonly healthChecks?: number };
}

/**
 * The most a page holds whatever MaxItems asks, per the Route 53 API reference: ListHostedZones "returns a
 * maximum of 100 items in each response", ListResourceRecordSets "returns up to 300 resource record sets at
 * a time", ListHealthChecks "returns a maximum of 1000 items" (API_ListHostedZones,
 * API_ListResourceRecordSets, API_ListHealthChecks).
 */
export const ROUTE53_PAGE_CAPS = { hostedZones: 100, recordSets: 300, healthChecks: 1000 } as const;
/**
 * A page when MaxItems is absent. The current reference states no default; older versions of it say 100 for
 * each listing, and 100 is within every cap. Failwatch always asks for the cap, so it never relies on this.
 */
export const ROUTE53_DEFAULT_PAGE = 100;

/** The page a listing answers: what MaxItems asks (the default when absent), within the configured size and the cap. */
function pageSizeFor(maxItems: number | undefined, configured: number, cap: number): number {
  const asked = maxItems === undefined || !(maxItems > 0) ? ROUTE53_DEFAULT_PAGE : maxItems;
  return Math.min(asked, configured, cap);
}

export interface ListHostedZonesInput {
  readonly Marker?: string;
  readonly MaxItems?: number;
}
export interface ListResourceRecordSetsInput {
  readonly HostedZoneId: string;
  readonly MaxItems?: number;
  readonly StartRecordName?: string;
  readonly StartRecordType?: string;
  readonly StartRecordIdentifier?: string;
}

// The stubs' generic types differ per client; `any` keeps one list for restore() (no behaviour hangs on it).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

export class SimulatedAws {
  readonly zones: SimulatedZone[] = [];
  readonly checks = new Map<string, SimulatedCheck>();
  readonly published: PublishedMessage[] = [];
  readonly calls = { route53: 0, getHealthCheckStatus: 0, cloudwatch: 0, sns: 0 };
  readonly loadBalancers = new SimulatedLoadBalancers();
  /** Set to make SNS Publish fail, e.g. a throttling error, for the next calls. */
  publishFailure: (() => Error) | undefined;
  /** Set to make CloudWatch GetMetricData fail (the whole call), e.g. a 500, for the next calls; returning undefined lets a call through. */
  metricDataFailure: (() => Error | undefined) | undefined;
  /** Set to make GetHealthCheckStatus fail, e.g. with `Throttling`, for the next calls; returning undefined lets a call through. */
  checkerStatusFailure: (() => Error | undefined) | undefined;
  /** Set to make Route 53's listings (ListHostedZones, ListResourceRecordSets, ListHealthChecks) fail for the next calls; returning undefined lets a call through. */
  listingFailure: (() => Error | undefined) | undefined;
  /** CloudWatch alarms in the account (us-east-1), by name, with their tags; anyone's, Failwatch's or not. */
  readonly alarms = new Map<string, { alarm: MetricAlarm; tags: Tag[] }>();
  /** Route 53 requests by operation (ListHealthChecks, ListResourceRecordSets, ...), apart from `calls` (whose shape tests compare whole). */
  readonly route53Operations: Record<string, number> = {};
  /** CloudWatch alarm calls, apart from `calls` (whose shape tests compare whole). */
  readonly alarmCalls = { describeAlarms: 0, putMetricAlarm: 0, deleteAlarms: 0, listTagsForResource: 0 };
  /** Set to make the alarm calls (DescribeAlarms, PutMetricAlarm, DeleteAlarms, ListTagsForResource) fail; returning undefined lets a call through. */
  alarmFailure: ((operation: string) => Error | undefined) | undefined;
  /** Per check, health changes that take effect at an instant (see `setHealthyFrom`), in time order. */
  private readonly healthChanges = new Map<string, { readonly atMs: number; readonly healthy: boolean }[]>();
  private readonly pageSizes: { readonly hostedZones: number; readonly recordSets: number; readonly healthChecks: number };
  private readonly stubs: AnyStub[] = [];
  /** Answers TestDNSAnswer keeps giving while Route 53's change has not propagated (`holdDnsAnswer`). */
  private readonly heldAnswers = new Map<string, string[]>();
  private messageCounter = 0;
  private alarmVersion = 0;

  constructor(options: SimulatedAwsOptions = {}) {
    this.pageSizes = {
      hostedZones: options.pageSizes?.hostedZones ?? options.pageSize ?? ROUTE53_PAGE_CAPS.hostedZones,
      recordSets: options.pageSizes?.recordSets ?? options.pageSize ?? ROUTE53_PAGE_CAPS.recordSets,
      healthChecks: options.pageSizes?.healthChecks ?? options.pageSize ?? ROUTE53_PAGE_CAPS.healthChecks,
    };
  }

  addZone(zone: SimulatedZone): this {
    this.zones.push(zone);
    return this;
  }

  addHealthCheck(definition: HealthCheck, healthy = true): this {
    this.checks.set(definition.Id!, { definition, healthy, publishesMetric: true, metricGaps: [] });
    return this;
  }

  /**
   * Changes a check's configuration as UpdateHealthCheck would (`Disabled`, `Inverted`, ...): ListHealthChecks
   * shows it at once. Its metric goes on showing the endpoint's health (`setHealthy`): what Route 53 publishes
   * for a disabled check is not documented, so the simulation keeps the value that would mislead most.
   */
  updateHealthCheck(healthCheckId: string, changes: Partial<NonNullable<HealthCheck['HealthCheckConfig']>>): void {
    const check = this.checkOf(healthCheckId);
    Object.assign(check.definition, { HealthCheckConfig: { ...check.definition.HealthCheckConfig, ...changes }, HealthCheckVersion: (check.definition.HealthCheckVersion ?? 1) + 1 });
  }

  /** No `HealthCheckStatus` datapoint with a timestamp from `from` (inclusive) until `until` (exclusive): a delay in the metric. */
  addMetricGap(healthCheckId: string, from: Date, until: Date): void {
    this.checkOf(healthCheckId).metricGaps.push({ fromMs: from.getTime(), untilMs: until.getTime() });
  }

  /** From now on GetHealthCheckStatus answers `total` checkers, the first `succeeding` of them reporting success. */
  setCheckerReports(healthCheckId: string, total: number, succeeding: number): void {
    if (!Number.isInteger(total) || !Number.isInteger(succeeding) || succeeding < 0 || succeeding > total) throw new Error(`checker reports need 0 <= succeeding (${succeeding}) <= total (${total})`);
    this.checkOf(healthCheckId).checkers = { total, succeeding };
  }

  /** false: the check publishes no `HealthCheckStatus` at all (new, or its metric lost); true: it does again. */
  setPublishesMetric(healthCheckId: string, publishes: boolean): void {
    this.checkOf(healthCheckId).publishesMetric = publishes;
  }

  /** Replaces the record set of `zoneId` named by its set identifier with `record` (ChangeResourceRecordSets UPSERT). */
  replaceRecord(zoneId: string, setIdentifier: string, record: ResourceRecordSet): void {
    const zone = this.zones.find((z) => z.id === zoneId);
    const index = zone?.records.findIndex((r) => r.SetIdentifier === setIdentifier) ?? -1;
    if (!zone || index < 0) throw new Error(`simulated zone ${zoneId} has no record set '${setIdentifier}'`);
    zone.records[index] = record;
  }

  private checkOf(healthCheckId: string): SimulatedCheck {
    const check = this.checks.get(healthCheckId);
    if (!check) throw new Error(`simulated account has no health check ${healthCheckId}`);
    return check;
  }

  setHealthy(healthCheckId: string, healthy: boolean): void {
    const check = this.checks.get(healthCheckId);
    if (!check) throw new Error(`simulated account has no health check ${healthCheckId}`);
    check.healthy = healthy;
  }

  /**
   * From `at` on, the HealthCheckStatus metric of the check shows `healthy`: a GetMetricData read for an
   * earlier instant still shows the health before. Lets runs observing different instants race.
   * Only the metric follows it (GetHealthCheckStatus and `dnsAnswer` show the `setHealthy` health).
   */
  setHealthyFrom(healthCheckId: string, at: Date, healthy: boolean): void {
    if (!this.checks.has(healthCheckId)) throw new Error(`simulated account has no health check ${healthCheckId}`);
    const changes = [...(this.healthChanges.get(healthCheckId) ?? []), { atMs: at.getTime(), healthy }];
    this.healthChanges.set(healthCheckId, changes.sort((a, b) => a.atMs - b.atMs));
  }

  /** The metric's health of a check at an instant: the last `setHealthyFrom` change at or before it, else `setHealthy`'s. */
  metricHealthyAt(healthCheckId: string, at: Date): boolean {
    const check = this.checks.get(healthCheckId);
    if (!check) throw new Error(`simulated account has no health check ${healthCheckId}`);
    const applied = (this.healthChanges.get(healthCheckId) ?? []).filter((change) => change.atMs <= at.getTime());
    return applied.at(-1)?.healthy ?? check.healthy;
  }

  /**
   * What Route 53 answers for a failover name: the primary if healthy, else a healthy secondary, else the
   * primary. A record is healthy when its health check is and, for an alias to a load balancer evaluating
   * target health, when the balancer is; an alias answers the balancer's addresses.
   */
  dnsAnswer(zoneId: string, name: string, type: string): string[] {
    const held = this.heldAnswers.get(`${zoneId}|${name}|${type}`);
    if (held) return [...held];
    const zone = this.zones.find((z) => z.id === zoneId);
    const members = zone?.records.filter((r) => r.Name === name && r.Type === type) ?? [];
    const balancerOf = (r: ResourceRecordSet) => (r.AliasTarget?.DNSName ? this.loadBalancers.byDnsName(r.AliasTarget.DNSName) : undefined);
    // Route 53's order for a check: its raw status (a disabled check's is healthy), then inversion.
    const checkHealthy = (id: string) => {
      const check = this.checks.get(id);
      const config = check?.definition.HealthCheckConfig;
      return check === undefined || ((config?.Disabled === true || check.healthy) !== (config?.Inverted === true));
    };
    const healthyRecord = (r: ResourceRecordSet) => {
      const balancer = r.AliasTarget?.EvaluateTargetHealth ? balancerOf(r) : undefined;
      return (!r.HealthCheckId || checkHealthy(r.HealthCheckId)) && (!balancer || this.loadBalancers.isHealthy(balancer));
    };
    const primary = members.find((r) => r.Failover === 'PRIMARY');
    const secondary = members.find((r) => r.Failover === 'SECONDARY');
    const chosen = primary && healthyRecord(primary) ? primary : secondary && healthyRecord(secondary) ? secondary : primary;
    const balancer = chosen && balancerOf(chosen);
    if (balancer) return this.loadBalancers.answer(balancer);
    return chosen?.ResourceRecords?.map((rr) => rr.Value ?? '') ?? [];
  }

  /** From now on TestDNSAnswer keeps answering what it answers now, as while a change propagates; `releaseDnsAnswer` ends it. */
  holdDnsAnswer(zoneId: string, name: string, type: string): void {
    this.heldAnswers.set(`${zoneId}|${name}|${type}`, this.dnsAnswer(zoneId, name, type));
  }

  releaseDnsAnswer(zoneId: string, name: string, type: string): void {
    this.heldAnswers.delete(`${zoneId}|${name}|${type}`);
  }

  /** Answers at the SDK boundary (aws-sdk-client-mock); the same answers the methods below give. */
  install(): this {
    const route53 = mockClient(Route53Client);
    const cloudWatch = mockClient(CloudWatchClient);
    const sns = mockClient(SNSClient);
    const elb = mockClient(ElasticLoadBalancingV2Client);
    const classic = mockClient(ElasticLoadBalancingClient);
    this.stubs.push(route53, cloudWatch, sns, elb, classic);
    // Regional answers: the region is the calling client's.
    const regionOf = async (getClient: () => { config: { region: unknown } }): Promise<string> => {
      const region = getClient().config.region;
      return String(typeof region === 'function' ? await (region as () => Promise<string>)() : region);
    };
    const balancers = this.loadBalancers;
    elb.on(DescribeLoadBalancersCommand).callsFake(async (input, getClient) => balancers.describeV2(input, await regionOf(getClient)));
    elb.on(DescribeLoadBalancerAttributesCommand).callsFake(async (input, getClient) => balancers.describeLoadBalancerAttributes(input, await regionOf(getClient)));
    elb.on(DescribeTargetGroupsCommand).callsFake(async (input, getClient) => balancers.describeTargetGroups(input, await regionOf(getClient)));
    elb.on(DescribeTargetGroupAttributesCommand).callsFake(async (input, getClient) => balancers.describeTargetGroupAttributes(input, await regionOf(getClient)));
    classic.on(DescribeClassicLoadBalancersCommand).callsFake(async (input, getClient) => balancers.describeClassic(input, await regionOf(getClient)));
    route53.on(ListHostedZonesCommand).callsFake((input: ListHostedZonesInput) => this.listHostedZones(input));
    route53.on(GetHostedZoneCommand).callsFake((input: { Id: string }) => this.getHostedZone(input));
    route53.on(ListResourceRecordSetsCommand).callsFake((input: ListResourceRecordSetsInput) => this.listResourceRecordSets(input));
    route53.on(ListHealthChecksCommand).callsFake((input: { Marker?: string; MaxItems?: number }) => this.listHealthChecks(input));
    route53.on(GetHealthCheckStatusCommand).callsFake((input: { HealthCheckId: string }) => this.getHealthCheckStatus(input));
    route53.on(TestDNSAnswerCommand).callsFake((input: { HostedZoneId: string; RecordName: string; RecordType: string }) => this.testDnsAnswer(input));
    cloudWatch.on(GetMetricDataCommand).callsFake(async (input: { MetricDataQueries?: MetricDataQuery[]; StartTime?: Date; EndTime?: Date }, getClient) => this.getMetricData(input, await regionOf(getClient)));
    cloudWatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => this.describeAlarms(input));
    cloudWatch.on(PutMetricAlarmCommand).callsFake((input: PutMetricAlarmCommandInput) => this.putMetricAlarm(input));
    cloudWatch.on(DeleteAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => this.deleteAlarms(input));
    cloudWatch.on(ListTagsForResourceCommand).callsFake((input: { ResourceARN?: string }) => this.listTagsForResource(input));
    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => this.publish(input));
    return this;
  }

  listHostedZones(input: ListHostedZonesInput) {
    this.countRoute53('ListHostedZones');
    this.failIf(this.listingFailure);
    const pageSize = pageSizeFor(input.MaxItems, this.pageSizes.hostedZones, ROUTE53_PAGE_CAPS.hostedZones);
    const start = input.Marker ? Number(input.Marker) : 0;
    const page = this.zones.slice(start, start + pageSize);
    const next = start + pageSize;
    return {
      HostedZones: page.map((z) => ({ Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: z.id, Config: { PrivateZone: z.private === true } })),
      IsTruncated: next < this.zones.length,
      NextMarker: next < this.zones.length ? String(next) : undefined,
      MaxItems: pageSize,
      Marker: input.Marker ?? '',
    };
  }

  getHostedZone(input: { Id: string }) {
    this.countRoute53('GetHostedZone');
    const zone = this.zones.find((z) => z.id === input.Id.replace('/hostedzone/', ''));
    if (!zone) throw Object.assign(new Error(`No hosted zone found with ID: ${input.Id}`), { name: 'NoSuchHostedZone' });
    return { HostedZone: { Id: `/hostedzone/${zone.id}`, Name: zone.name, CallerReference: zone.id, Config: { PrivateZone: zone.private === true } } };
  }

  listResourceRecordSets(input: ListResourceRecordSetsInput) {
    this.countRoute53('ListResourceRecordSets');
    this.failIf(this.listingFailure);
    const pageSize = pageSizeFor(input.MaxItems, this.pageSizes.recordSets, ROUTE53_PAGE_CAPS.recordSets);
    const zone = this.zones.find((z) => z.id === input.HostedZoneId.replace('/hostedzone/', ''));
    if (!zone) throw Object.assign(new Error(`No hosted zone found with ID: ${input.HostedZoneId}`), { name: 'NoSuchHostedZone' });
    let start = 0;
    if (input.StartRecordName) {
      start = zone.records.findIndex(
        (r) => r.Name === input.StartRecordName && r.Type === input.StartRecordType && (input.StartRecordIdentifier === undefined || r.SetIdentifier === input.StartRecordIdentifier),
      );
      if (start < 0) start = zone.records.length;
    }
    const page = zone.records.slice(start, start + pageSize);
    const next = zone.records[start + pageSize];
    return {
      ResourceRecordSets: page,
      IsTruncated: next !== undefined,
      NextRecordName: next?.Name,
      NextRecordType: next?.Type,
      NextRecordIdentifier: next?.SetIdentifier,
      MaxItems: pageSize,
    };
  }

  listHealthChecks(input: { Marker?: string; MaxItems?: number }) {
    this.countRoute53('ListHealthChecks');
    this.failIf(this.listingFailure);
    const pageSize = pageSizeFor(input.MaxItems, this.pageSizes.healthChecks, ROUTE53_PAGE_CAPS.healthChecks);
    const all = [...this.checks.values()].map((c) => c.definition);
    const start = input.Marker ? Number(input.Marker) : 0;
    const next = start + pageSize;
    return {
      HealthChecks: all.slice(start, next),
      IsTruncated: next < all.length,
      NextMarker: next < all.length ? String(next) : undefined,
      Marker: input.Marker ?? '',
      MaxItems: pageSize,
    };
  }

  getHealthCheckStatus(input: { HealthCheckId: string }) {
    this.countRoute53('GetHealthCheckStatus');
    this.calls.getHealthCheckStatus++;
    this.failIf(this.checkerStatusFailure);
    const check = this.checks.get(input.HealthCheckId);
    if (!check) throw new NoSuchHealthCheck({ message: `A health check with id ${input.HealthCheckId} does not exist.`, $metadata: {} });
    const config = check.definition.HealthCheckConfig;
    const endpointHealthy = check.healthy !== (config?.Inverted ?? false);
    // One checker per region, or as many as set, several per region (a region runs more than one checker).
    const total = check.checkers?.total ?? CHECKER_REGIONS.length;
    return {
      HealthCheckObservations: Array.from({ length: total }, (_, index) => ({
        Region: CHECKER_REGIONS[index % CHECKER_REGIONS.length],
        IPAddress: `15.177.${index}.10`,
        StatusReport: {
          Status: (check.checkers === undefined ? endpointHealthy : index < check.checkers.succeeding)
            ? 'Success: HTTP Status Code 200, OK'
            : `Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.`,
          CheckedTime: new Date('2026-11-25T08:00:00Z'),
        },
      })),
    };
  }

  testDnsAnswer(input: { HostedZoneId: string; RecordName: string; RecordType: string }) {
    this.countRoute53('TestDNSAnswer');
    if (this.zones.find((z) => z.id === input.HostedZoneId)?.private) {
      throw Object.assign(new Error('TestDNSAnswer is not supported for private hosted zones'), { name: 'InvalidInput' });
    }
    const name = input.RecordName.endsWith('.') ? input.RecordName : `${input.RecordName}.`;
    return { Nameserver: 'ns-1.awsdns-01.org', RecordName: input.RecordName, RecordType: input.RecordType, RecordData: this.dnsAnswer(input.HostedZoneId, name, input.RecordType), ResponseCode: 'NOERROR', Protocol: 'UDP' };
  }

  /**
   * HealthCheckStatus (in us-east-1 only, as Route 53 publishes it): the latest minute's datapoint in the
   * window, if any, one a minute, none inside a metric gap; and the load balancers' target counts (in their own regions).
   */
  getMetricData(input: { MetricDataQueries?: readonly MetricDataQuery[]; StartTime?: Date; EndTime?: Date }, region = 'us-east-1') {
    this.calls.cloudwatch++;
    this.failIf(this.metricDataFailure);
    const at = input.EndTime ?? new Date();
    const startMs = input.StartTime?.getTime() ?? at.getTime() - 5 * 60_000;
    return {
      MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
        const metric = query.MetricStat?.Metric;
        if (metric?.Namespace !== 'AWS/Route53') {
          const dimensions = new Map((metric?.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
          const value = this.loadBalancers.metricValue(metric?.Namespace ?? '', metric?.MetricName ?? '', dimensions, region);
          const points = value === undefined ? [] : [{ at: new Date(at.getTime() - 60_000), value }];
          return { Id: query.Id, Label: metric?.MetricName, StatusCode: 'Complete', Timestamps: points.map((p) => p.at), Values: points.map((p) => p.value) };
        }
        const id = metric.Dimensions?.find((d) => d.Name === 'HealthCheckId')?.Value ?? '';
        const check = this.checks.get(id);
        const latest = region === 'us-east-1' && check?.publishesMetric ? latestDatapoint(check, startMs, at.getTime()) : undefined;
        return {
          Id: query.Id,
          Label: 'HealthCheckStatus',
          StatusCode: 'Complete',
          Timestamps: latest === undefined ? [] : [new Date(latest)],
          Values: latest === undefined ? [] : [this.metricHealthyAt(id, at) ? 1 : 0],
        };
      }),
    };
  }

  /** Pages of at most MaxRecords (default 50, as CloudWatch) metric alarms, in name order. */
  describeAlarms(input: DescribeAlarmsCommandInput) {
    this.alarmCalls.describeAlarms++;
    this.failIf(() => this.alarmFailure?.('DescribeAlarms'));
    const matching = [...this.alarms.values()]
      .map((entry) => entry.alarm)
      .filter((alarm) => (alarm.AlarmName ?? '').startsWith(input.AlarmNamePrefix ?? ''))
      .sort((a, b) => (a.AlarmName ?? '').localeCompare(b.AlarmName ?? ''));
    const start = Number(input.NextToken ?? '0');
    const size = input.MaxRecords ?? 50;
    const page = matching.slice(start, start + size);
    return { MetricAlarms: page, ...(start + size < matching.length ? { NextToken: String(start + size) } : {}) };
  }

  /** Creates or replaces the alarm; tags apply only when it is created (as CloudWatch does). */
  putMetricAlarm(input: PutMetricAlarmCommandInput) {
    this.alarmCalls.putMetricAlarm++;
    this.failIf(() => this.alarmFailure?.('PutMetricAlarm'));
    const name = input.AlarmName ?? '';
    const existing = this.alarms.get(name);
    const { Tags: tags = [], ...config } = input;
    const alarm: MetricAlarm = { ...config, AlarmArn: alarmArn(name), AlarmConfigurationUpdatedTimestamp: new Date(Date.UTC(2026, 10, 25, 0, 0, ++this.alarmVersion)) } as MetricAlarm;
    this.alarms.set(name, { alarm, tags: existing?.tags ?? tags });
    return {};
  }

  /** Adds an alarm as someone else would (a console user, another tool): any name, any tags. */
  addAlarm(name: string, options: { healthCheckId?: string; tags?: Tag[] } = {}): this {
    this.alarms.set(name, {
      alarm: {
        AlarmName: name,
        AlarmArn: alarmArn(name),
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: options.healthCheckId ? [{ Name: 'HealthCheckId', Value: options.healthCheckId }] : [],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        AlarmConfigurationUpdatedTimestamp: new Date(Date.UTC(2026, 10, 25, 0, 0, ++this.alarmVersion)),
      },
      tags: options.tags ?? [],
    });
    return this;
  }

  deleteAlarms(input: { AlarmNames?: string[] }) {
    this.alarmCalls.deleteAlarms++;
    this.failIf(() => this.alarmFailure?.('DeleteAlarms'));
    if ((input.AlarmNames ?? []).length > 100) throw new Error('DeleteAlarms takes at most 100 names');
    for (const name of input.AlarmNames ?? []) this.alarms.delete(name);
    return {};
  }

  listTagsForResource(input: { ResourceARN?: string }) {
    this.alarmCalls.listTagsForResource++;
    this.failIf(() => this.alarmFailure?.('ListTagsForResource'));
    const entry = [...this.alarms.values()].find((candidate) => candidate.alarm.AlarmArn === input.ResourceARN);
    if (!entry) throw new ResourceNotFoundException({ message: `no alarm ${input.ResourceARN ?? ''}`, $metadata: { httpStatusCode: 404 } });
    return { Tags: entry.tags };
  }

  publish(input: PublishCommandInput) {
    this.calls.sns++;
    if (this.publishFailure) throw this.publishFailure();
    const messageId = `sns-${String(++this.messageCounter).padStart(4, '0')}`;
    const parts = input.MessageStructure === 'json' ? (JSON.parse(input.Message ?? '{}') as Record<string, string>) : { default: input.Message ?? '' };
    this.published.push({
      subject: input.Subject,
      text: parts['email'] ?? parts['default'] ?? '',
      payload: parts['lambda'] ? JSON.parse(parts['lambda']) : undefined,
      attributes: Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ''])),
      messageId,
    });
    return { MessageId: messageId };
  }

  private countRoute53(operation: string): void {
    this.calls.route53++;
    this.route53Operations[operation] = (this.route53Operations[operation] ?? 0) + 1;
  }

  private failIf(failure: (() => Error | undefined) | undefined): void {
    const error = failure?.();
    if (error) throw error;
  }

  restore(): void {
    for (const stub of this.stubs.splice(0)) stub.restore();
  }
}

/** Datapoints fall on whole minutes, the latest a minute before the read; a gap holds none. */
function latestDatapoint(check: SimulatedCheck, startMs: number, endMs: number): number | undefined {
  const inGap = (ms: number) => check.metricGaps.some((gap) => ms >= gap.fromMs && ms < gap.untilMs);
  for (let ms = Math.floor((endMs - 60_000) / 60_000) * 60_000; ms >= startMs; ms -= 60_000) if (!inGap(ms)) return ms;
  return undefined;
}

const alarmArn = (name: string): string => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;

/** The spec's reference pair: primary 10.0.0.1 with a health check, secondary 10.0.1.1 without one. */
export const REFERENCE = {
  zoneId: 'Z0EXAMPLE12345',
  zoneName: 'example.com.',
  recordName: 'app.example.com.',
  primaryIp: '10.0.0.1',
  secondaryIp: '10.0.1.1',
  primaryCheckId: '11111111-2222-3333-4444-555555555555',
} as const;

export function referenceAccount(options: SimulatedAwsOptions = {}): SimulatedAws {
  return new SimulatedAws(options)
    .addHealthCheck({
      Id: REFERENCE.primaryCheckId,
      CallerReference: 'failwatch-demo',
      HealthCheckVersion: 1,
      HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'primary.example.com', IPAddress: REFERENCE.primaryIp, Port: 443, ResourcePath: '/health', FailureThreshold: 3, RequestInterval: 30, Inverted: false, Disabled: false },
    })
    .addZone({
      id: REFERENCE.zoneId,
      name: REFERENCE.zoneName,
      records: [
        { Name: REFERENCE.zoneName, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
        { Name: REFERENCE.zoneName, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
        { Name: REFERENCE.recordName, Type: 'A', SetIdentifier: 'app-primary', Failover: 'PRIMARY', TTL: 60, HealthCheckId: REFERENCE.primaryCheckId, ResourceRecords: [{ Value: REFERENCE.primaryIp }] },
        { Name: REFERENCE.recordName, Type: 'A', SetIdentifier: 'app-secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: REFERENCE.secondaryIp }] },
      ],
    });
}

export interface GeneratedAccountOptions extends SimulatedAwsOptions {
  /** Health checks in the account, two per failover pair (one on the primary, one on the secondary): N/2 pairs. */
  readonly healthChecks: number;
  /** Failover pairs per hosted zone; default 250 (502 record sets with the NS and SOA: two pages at Route 53's 300). */
  readonly pairsPerZone?: number;
}

export interface GeneratedPair {
  readonly zoneId: string;
  readonly zoneName: string;
  /** Fully qualified, lower case, with the trailing dot, as the inventory names it. */
  readonly name: string;
  readonly type: 'A';
  readonly primaryCheckId: string;
  readonly secondaryCheckId: string;
}

/** A deterministic, UUID-shaped health check id for the n-th generated check. */
export function generatedCheckId(index: number): string {
  return `b0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/**
 * An account of `healthChecks` HTTPS health checks and half as many failover pairs, spread over zones
 * of `pairsPerZone` pairs; every check starts healthy. For benchmarks and size-dependent tests.
 */
export function generatedAccount(options: GeneratedAccountOptions): { readonly account: SimulatedAws; readonly pairs: readonly GeneratedPair[] } {
  const pairCount = Math.floor(options.healthChecks / 2);
  const pairsPerZone = options.pairsPerZone ?? 250;
  const account = new SimulatedAws(options);
  const pairs: GeneratedPair[] = [];
  const check = (index: number, ip: string): string => {
    const id = generatedCheckId(index);
    account.addHealthCheck({
      Id: id,
      CallerReference: `failwatch-generated-${index}`,
      HealthCheckVersion: 1,
      HealthCheckConfig: { Type: 'HTTPS', IPAddress: ip, Port: 443, ResourcePath: '/health', FailureThreshold: 3, RequestInterval: 30, Inverted: false, Disabled: false },
    });
    return id;
  };
  for (let zoneIndex = 0; zoneIndex * pairsPerZone < pairCount; zoneIndex++) {
    const zoneId = `Z${String(zoneIndex + 1).padStart(8, '0')}GENERATED`;
    const zoneName = `zone${zoneIndex}.example.com.`;
    const records: ResourceRecordSet[] = [
      { Name: zoneName, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] },
      { Name: zoneName, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
    ];
    for (let p = zoneIndex * pairsPerZone; p < Math.min(pairCount, (zoneIndex + 1) * pairsPerZone); p++) {
      const name = `app${p}.${zoneName}`;
      const octets = `${(p >> 8) & 255}.${p & 255}`;
      const primaryCheckId = check(2 * p, `10.0.${octets}`);
      const secondaryCheckId = check(2 * p + 1, `10.1.${octets}`);
      records.push(
        { Name: name, Type: 'A', SetIdentifier: `${name}primary`, Failover: 'PRIMARY', TTL: 60, HealthCheckId: primaryCheckId, ResourceRecords: [{ Value: `10.0.${octets}` }] },
        { Name: name, Type: 'A', SetIdentifier: `${name}secondary`, Failover: 'SECONDARY', TTL: 60, HealthCheckId: secondaryCheckId, ResourceRecords: [{ Value: `10.1.${octets}` }] },
      );
      pairs.push({ zoneId, zoneName, name, type: 'A', primaryCheckId, secondaryCheckId });
    }
    account.addZone({ id: zoneId, name: zoneName, records });
  }
  return { account, pairs };
}
