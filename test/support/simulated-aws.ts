/**
 * A simulated AWS account at the SDK boundary (aws-sdk-client-mock): hosted zones, record sets and
 * health checks for Route 53, the HealthCheckStatus metric for CloudWatch, and an SNS topic that keeps
 * what it was sent. DynamoDB is NOT simulated here: tests and the demo use dynalite for it.
 *
 * The world is driven by `setHealthy(checkId, boolean)`; every answer is derived from that state the
 * way Route 53 would give it (pages follow markers, checkers report per region, the metric is 1/0).
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
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
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export const CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'] as const;

export interface SimulatedZone {
  readonly id: string;
  readonly name: string;
  readonly records: ResourceRecordSet[];
}

interface SimulatedCheck {
  readonly definition: HealthCheck;
  healthy: boolean;
  /** false: CloudWatch has no datapoint yet (a new check). */
  publishesMetric: boolean;
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
}

// The stubs' generic types differ per client; `any` keeps one list for restore() (no behaviour hangs on it).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsStub<any, any, any>;

export class SimulatedAws {
  readonly zones: SimulatedZone[] = [];
  readonly checks = new Map<string, SimulatedCheck>();
  readonly published: PublishedMessage[] = [];
  readonly calls = { route53: 0, getHealthCheckStatus: 0, cloudwatch: 0, sns: 0 };
  /** Set to make SNS Publish fail, e.g. a throttling error, for the next calls. */
  publishFailure: (() => Error) | undefined;
  private readonly pageSize: number;
  private readonly stubs: AnyStub[] = [];
  private messageCounter = 0;

  constructor(options: SimulatedAwsOptions = {}) {
    this.pageSize = options.pageSize ?? 100;
  }

  addZone(zone: SimulatedZone): this {
    this.zones.push(zone);
    return this;
  }

  addHealthCheck(definition: HealthCheck, healthy = true): this {
    this.checks.set(definition.Id!, { definition, healthy, publishesMetric: true });
    return this;
  }

  setHealthy(healthCheckId: string, healthy: boolean): void {
    const check = this.checks.get(healthCheckId);
    if (!check) throw new Error(`simulated account has no health check ${healthCheckId}`);
    check.healthy = healthy;
  }

  /** What Route 53 answers for a failover name: the primary if healthy, else a healthy secondary, else the primary. */
  dnsAnswer(zoneId: string, name: string, type: string): string[] {
    const zone = this.zones.find((z) => z.id === zoneId);
    const members = zone?.records.filter((r) => r.Name === name && r.Type === type) ?? [];
    const healthyRecord = (r: ResourceRecordSet) => !r.HealthCheckId || this.checks.get(r.HealthCheckId)?.healthy !== false;
    const primary = members.find((r) => r.Failover === 'PRIMARY');
    const secondary = members.find((r) => r.Failover === 'SECONDARY');
    const chosen = primary && healthyRecord(primary) ? primary : secondary && healthyRecord(secondary) ? secondary : primary;
    return chosen?.ResourceRecords?.map((rr) => rr.Value ?? '') ?? [];
  }

  install(): this {
    const route53 = mockClient(Route53Client);
    const cloudWatch = mockClient(CloudWatchClient);
    const sns = mockClient(SNSClient);
    this.stubs.push(route53, cloudWatch, sns);

    route53.on(ListHostedZonesCommand).callsFake((input: { Marker?: string }) => {
      this.calls.route53++;
      const start = input.Marker ? Number(input.Marker) : 0;
      const page = this.zones.slice(start, start + this.pageSize);
      const next = start + this.pageSize;
      return {
        HostedZones: page.map((z) => ({ Id: `/hostedzone/${z.id}`, Name: z.name, CallerReference: z.id })),
        IsTruncated: next < this.zones.length,
        NextMarker: next < this.zones.length ? String(next) : undefined,
        MaxItems: this.pageSize,
        Marker: input.Marker ?? '',
      };
    });
    route53.on(GetHostedZoneCommand).callsFake((input: { Id: string }) => {
      this.calls.route53++;
      const zone = this.zones.find((z) => z.id === input.Id.replace('/hostedzone/', ''));
      if (!zone) throw Object.assign(new Error(`No hosted zone found with ID: ${input.Id}`), { name: 'NoSuchHostedZone' });
      return { HostedZone: { Id: `/hostedzone/${zone.id}`, Name: zone.name, CallerReference: zone.id } };
    });
    route53.on(ListResourceRecordSetsCommand).callsFake((input: { HostedZoneId: string; StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string }) => {
      this.calls.route53++;
      const zone = this.zones.find((z) => z.id === input.HostedZoneId.replace('/hostedzone/', ''));
      if (!zone) throw Object.assign(new Error(`No hosted zone found with ID: ${input.HostedZoneId}`), { name: 'NoSuchHostedZone' });
      let start = 0;
      if (input.StartRecordName) {
        start = zone.records.findIndex(
          (r) => r.Name === input.StartRecordName && r.Type === input.StartRecordType && (input.StartRecordIdentifier === undefined || r.SetIdentifier === input.StartRecordIdentifier),
        );
        if (start < 0) start = zone.records.length;
      }
      const page = zone.records.slice(start, start + this.pageSize);
      const next = zone.records[start + this.pageSize];
      return {
        ResourceRecordSets: page,
        IsTruncated: next !== undefined,
        NextRecordName: next?.Name,
        NextRecordType: next?.Type,
        NextRecordIdentifier: next?.SetIdentifier,
        MaxItems: this.pageSize,
      };
    });
    route53.on(ListHealthChecksCommand).callsFake((input: { Marker?: string }) => {
      this.calls.route53++;
      const all = [...this.checks.values()].map((c) => c.definition);
      const start = input.Marker ? Number(input.Marker) : 0;
      const next = start + this.pageSize;
      return {
        HealthChecks: all.slice(start, next),
        IsTruncated: next < all.length,
        NextMarker: next < all.length ? String(next) : undefined,
        Marker: input.Marker ?? '',
        MaxItems: this.pageSize,
      };
    });
    route53.on(GetHealthCheckStatusCommand).callsFake((input: { HealthCheckId: string }) => {
      this.calls.route53++;
      this.calls.getHealthCheckStatus++;
      const check = this.checks.get(input.HealthCheckId);
      if (!check) throw new NoSuchHealthCheck({ message: `A health check with id ${input.HealthCheckId} does not exist.`, $metadata: {} });
      const config = check.definition.HealthCheckConfig;
      const endpointHealthy = check.healthy !== (config?.Inverted ?? false);
      return {
        HealthCheckObservations: CHECKER_REGIONS.map((region, index) => ({
          Region: region,
          IPAddress: `15.177.${index}.10`,
          StatusReport: {
            Status: endpointHealthy
              ? 'Success: HTTP Status Code 200, OK'
              : `Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.`,
            CheckedTime: new Date('2026-11-25T08:00:00Z'),
          },
        })),
      };
    });
    route53.on(TestDNSAnswerCommand).callsFake((input: { HostedZoneId: string; RecordName: string; RecordType: string }) => {
      this.calls.route53++;
      const name = input.RecordName.endsWith('.') ? input.RecordName : `${input.RecordName}.`;
      return { Nameserver: 'ns-1.awsdns-01.org', RecordName: input.RecordName, RecordType: input.RecordType, RecordData: this.dnsAnswer(input.HostedZoneId, name, input.RecordType), ResponseCode: 'NOERROR', Protocol: 'UDP' };
    });

    cloudWatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: MetricDataQuery[]; EndTime?: Date }) => {
      this.calls.cloudwatch++;
      const at = input.EndTime ?? new Date();
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
          const id = query.MetricStat?.Metric?.Dimensions?.find((d) => d.Name === 'HealthCheckId')?.Value ?? '';
          const check = this.checks.get(id);
          const publishes = check?.publishesMetric ?? false;
          return {
            Id: query.Id,
            Label: 'HealthCheckStatus',
            StatusCode: 'Complete',
            Timestamps: publishes ? [new Date(at.getTime() - 60_000)] : [],
            Values: publishes ? [check!.healthy ? 1 : 0] : [],
          };
        }),
      };
    });

    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
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
    });
    return this;
  }

  restore(): void {
    for (const stub of this.stubs.splice(0)) stub.restore();
  }
}

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
