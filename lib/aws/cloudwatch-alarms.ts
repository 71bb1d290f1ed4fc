/**
 * AlarmManager on CloudWatch: Failwatch's alarms on `AWS/Route53 HealthCheckStatus`, listed by name
 * prefix with DescribeAlarms, proven Failwatch's own by the `failwatch:managed-by` tag
 * (ListTagsForResource), created and updated with PutMetricAlarm (tagged on creation), deleted with
 * DeleteAlarms. The client must be in us-east-1 (createCloudWatchClient): the metric exists only there.
 */
import {
  DeleteAlarmsCommand,
  ListTagsForResourceCommand,
  paginateDescribeAlarms,
  PutMetricAlarmCommand,
  type CloudWatchClient,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { chunksOf } from '../batches';
import { AlarmManagerError } from '../errors';
import { ALARM_OWNER_TAG, type AlarmSpec, type ForeignAlarm, type ManagedAlarm } from '../domain/alarm-plan';
import type { AlarmManager } from '../ports';
import { describeSdkError, isAccessDenied, sdkErrorFacts } from './sdk-errors';

/** DeleteAlarms takes at most 100 names a call. */
export const DELETE_ALARMS_BATCH = 100;
/** DescribeAlarms returns at most 100 alarms a page. */
export const DESCRIBE_ALARMS_PAGE = 100;

export interface CloudWatchAlarmManagerOptions {
  /** FAILWATCH_ALARM_PREFIX; alarms are `<prefix>-<health check id>`, tagged failwatch:managed-by=<prefix>. */
  readonly prefix: string;
}

function toAlarmManagerError(operation: string, error: unknown, what: string): AlarmManagerError {
  const facts = sdkErrorFacts(error);
  const detail = describeSdkError(facts);
  const message = isAccessDenied(facts)
    ? `CloudWatch refused ${operation} on ${what} (${detail}): grant cloudwatch:${operation} on the alarms named <prefix>-* to the poll function's role, or turn managed alarms off (manageAlarms=false)`
    : facts.name === 'LimitExceededFault' || facts.name === 'LimitExceeded'
      ? `CloudWatch refused ${operation} on ${what} (${detail}): the account's alarm quota is reached; raise it in Service Quotas or turn managed alarms off (manageAlarms=false)`
      : `CloudWatch ${operation} failed on ${what} (${detail})`;
  return new AlarmManagerError(message, facts.retryable, { cause: error });
}

function settingsOf(alarm: MetricAlarm): ManagedAlarm['settings'] {
  return {
    namespace: alarm.Namespace ?? '',
    metricName: alarm.MetricName ?? '',
    statistic: alarm.Statistic ?? '',
    periodSeconds: alarm.Period ?? 0,
    evaluationPeriods: alarm.EvaluationPeriods ?? 0,
    threshold: alarm.Threshold ?? Number.NaN,
    comparisonOperator: alarm.ComparisonOperator ?? '',
    treatMissingData: alarm.TreatMissingData ?? 'missing',
  };
}

export class CloudWatchAlarmManager implements AlarmManager {
  /**
   * Alarms already proven Failwatch's (by tag, or created here with it), keyed by ARN and configuration
   * time: tags are read once per alarm and container, not on every reconcile. A re-created alarm has a
   * new configuration time, so it is proven again.
   */
  private readonly proven = new Set<string>();

  constructor(
    private readonly client: CloudWatchClient,
    private readonly options: CloudWatchAlarmManagerOptions,
  ) {}

  async listAlarms(): Promise<{ managed: ManagedAlarm[]; foreign: ForeignAlarm[] }> {
    const candidates: MetricAlarm[] = [];
    try {
      const pages = paginateDescribeAlarms({ client: this.client, pageSize: DESCRIBE_ALARMS_PAGE }, { AlarmNamePrefix: `${this.options.prefix}-`, AlarmTypes: ['MetricAlarm'] });
      for await (const page of pages) candidates.push(...(page.MetricAlarms ?? []));
    } catch (error) {
      throw toAlarmManagerError('DescribeAlarms', error, `the alarms named ${this.options.prefix}-*`);
    }
    const managed: ManagedAlarm[] = [];
    const foreign: ForeignAlarm[] = [];
    for (const alarm of candidates) {
      const name = alarm.AlarmName ?? '';
      if (await this.isOurs(alarm)) {
        const healthCheckId = alarm.Dimensions?.find((dimension) => dimension.Name === 'HealthCheckId')?.Value;
        managed.push({
          name,
          healthCheckId: (alarm.Dimensions ?? []).length === 1 ? healthCheckId : undefined,
          settings: settingsOf(alarm),
          ...(alarm.AlarmDescription === undefined ? {} : { description: alarm.AlarmDescription }),
        });
      } else {
        foreign.push({ name });
      }
    }
    return { managed, foreign };
  }

  async putAlarm(spec: AlarmSpec): Promise<void> {
    try {
      await this.client.send(
        new PutMetricAlarmCommand({
          AlarmName: spec.name,
          // Ends with the pairs that depend on the check: the alarm function reads them from the event.
          AlarmDescription: spec.description,
          Namespace: spec.settings.namespace,
          MetricName: spec.settings.metricName,
          Dimensions: [{ Name: 'HealthCheckId', Value: spec.healthCheckId }],
          Statistic: spec.settings.statistic as 'Minimum',
          Period: spec.settings.periodSeconds,
          EvaluationPeriods: spec.settings.evaluationPeriods,
          Threshold: spec.settings.threshold,
          ComparisonOperator: spec.settings.comparisonOperator as 'LessThanThreshold',
          TreatMissingData: spec.settings.treatMissingData,
          // No actions: EventBridge receives every alarm state change without one.
          // Applied when the alarm is created (an update leaves existing tags as they are).
          Tags: [{ Key: ALARM_OWNER_TAG, Value: this.options.prefix }],
        }),
      );
    } catch (error) {
      throw toAlarmManagerError('PutMetricAlarm', error, `alarm ${spec.name}`);
    }
  }

  async deleteAlarms(names: readonly string[]): Promise<void> {
    for (const batch of chunksOf(names, DELETE_ALARMS_BATCH)) {
      try {
        await this.client.send(new DeleteAlarmsCommand({ AlarmNames: batch }));
      } catch (error) {
        throw toAlarmManagerError('DeleteAlarms', error, `${batch.length} alarm(s) from ${batch[0] ?? ''}`);
      }
    }
  }

  private async isOurs(alarm: MetricAlarm): Promise<boolean> {
    const arn = alarm.AlarmArn;
    if (arn === undefined) return false;
    const key = `${arn}@${alarm.AlarmConfigurationUpdatedTimestamp?.toISOString() ?? ''}`;
    if (this.proven.has(key)) return true;
    let tags;
    try {
      tags = (await this.client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? [];
    } catch (error) {
      throw toAlarmManagerError('ListTagsForResource', error, `alarm ${alarm.AlarmName ?? arn}`);
    }
    const ours = tags.some((tag) => tag.Key === ALARM_OWNER_TAG && tag.Value === this.options.prefix);
    if (ours) this.proven.add(key);
    return ours;
  }
}
