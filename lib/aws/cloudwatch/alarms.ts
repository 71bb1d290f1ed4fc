/**
 * AlarmManager on CloudWatch: Failwatch's alarms on `AWS/Route53 HealthCheckStatus`, listed by name
 * prefix with DescribeAlarms (only names exactly `<prefix>-<health check id>` are kept), proven
 * Failwatch's own by the `failwatch:managed-by` tag (ListTagsForResource, read again right before an
 * update or a delete), created and updated with PutMetricAlarm (tagged on creation), deleted with
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
import { chunksOf } from '../../batches';
import { AlarmManagerError } from '../../errors';
import { ALARM_OWNER_TAG, isAlarmNameOf, type AlarmSpec, type AlarmStanding, type ForeignAlarm, type ManagedAlarm } from '../../domain/alarm-plan';
import { AlarmOwnership, type AlarmListing, type AlarmManager } from '../../ports';
import { describeSdkError, isAccessDenied, sdkErrorFacts } from '../sdk-errors';

/** DeleteAlarms takes at most 100 names a call. */
export const DELETE_ALARMS_BATCH = 100;
/** DescribeAlarms returns at most 100 alarms a page. */
export const DESCRIBE_ALARMS_PAGE = 100;
/** What ListTagsForResource answers for an alarm deleted since it was listed. */
const NOT_FOUND = new Set(['ResourceNotFoundException', 'ResourceNotFound']);

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

const ALARM_STATES: ReadonlySet<string> = new Set(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

function standingOf(alarm: MetricAlarm): AlarmStanding | undefined {
  const state = alarm.StateValue;
  if (state === undefined || !ALARM_STATES.has(state)) return undefined;
  return { state: state as AlarmStanding['state'], reason: alarm.StateReason ?? '', since: alarm.StateUpdatedTimestamp?.toISOString() ?? '' };
}

export class CloudWatchAlarmManager implements AlarmManager {
  /**
   * Alarms already proven Failwatch's by their tag: ARN → the configuration time (AlarmConfigurationUpdatedTimestamp)
   * they were proven at. Tags are read once per alarm and container, not on every reconcile; a re-created
   * or reconfigured alarm has a new configuration time, so it is proven again. Removing a tag does not
   * change that time, so the proof may be stale: every update and delete confirms ownership first.
   */
  private readonly proven = new Map<string, string>();
  /**
   * Alarms this container wrote with its tag (created, or updated right after confirming the tag): the
   * next listing takes each as proven at the configuration time it then shows, without reading its tags.
   */
  private readonly written = new Set<string>();
  /** Name → ARN of the alarms of the last listing, to confirm ownership by. */
  private readonly arns = new Map<string, string>();

  constructor(
    private readonly client: CloudWatchClient,
    private readonly options: CloudWatchAlarmManagerOptions,
  ) {}

  async listAlarms(pastDeadline: () => boolean = () => false): Promise<AlarmListing> {
    const prefix = this.options.prefix;
    const candidates: MetricAlarm[] = [];
    let complete = true;
    try {
      const pages = paginateDescribeAlarms({ client: this.client, pageSize: DESCRIBE_ALARMS_PAGE }, { AlarmNamePrefix: `${prefix}-`, AlarmTypes: ['MetricAlarm'] });
      for await (const page of pages) {
        // Another stage's `<prefix>-eu-<id>` or the stack's `<prefix>-dead-letters`: never ours, tags never read.
        candidates.push(...(page.MetricAlarms ?? []).filter((alarm) => isAlarmNameOf(prefix, alarm.AlarmName ?? '')));
        if (page.NextToken !== undefined && pastDeadline()) {
          complete = false;
          break;
        }
      }
    } catch (error) {
      throw toAlarmManagerError('DescribeAlarms', error, `the alarms named ${prefix}-*`);
    }
    this.arns.clear();
    const managed: ManagedAlarm[] = [];
    const foreign: ForeignAlarm[] = [];
    for (const alarm of candidates) {
      const name = alarm.AlarmName ?? '';
      const arn = alarm.AlarmArn;
      const standing = standingOf(alarm);
      const shown = standing === undefined ? {} : { standing };
      if (arn === undefined) {
        foreign.push({ name, ...shown });
        continue;
      }
      const configuredAt = alarm.AlarmConfigurationUpdatedTimestamp?.toISOString() ?? '';
      if (this.written.delete(name)) this.proven.set(arn, configuredAt);
      let ownership: AlarmOwnership = AlarmOwnership.OURS;
      if (this.proven.get(arn) !== configuredAt) {
        if (pastDeadline()) {
          complete = false;
          break;
        }
        ownership = await this.readOwnership(name, arn);
        if (ownership === AlarmOwnership.OURS) this.proven.set(arn, configuredAt);
        else this.proven.delete(arn);
      }
      if (ownership === AlarmOwnership.GONE) continue; // deleted since DescribeAlarms
      this.arns.set(name, arn);
      if (ownership === AlarmOwnership.OURS) {
        const healthCheckId = alarm.Dimensions?.find((dimension) => dimension.Name === 'HealthCheckId')?.Value;
        managed.push({
          name,
          healthCheckId: (alarm.Dimensions ?? []).length === 1 ? healthCheckId : undefined,
          settings: settingsOf(alarm),
          ...(alarm.AlarmDescription === undefined ? {} : { description: alarm.AlarmDescription }),
          ...shown,
        });
      } else {
        foreign.push({ name, ...shown });
      }
    }
    // What was written and not listed since (deleted meanwhile) is proven afresh if it comes back.
    if (complete) this.written.clear();
    return { managed, foreign, complete };
  }

  async confirmOwnership(name: string): Promise<AlarmOwnership> {
    const arn = this.arns.get(name);
    if (arn === undefined) return AlarmOwnership.NOT_OURS;
    const ownership = await this.readOwnership(name, arn);
    if (ownership !== AlarmOwnership.OURS) this.proven.delete(arn);
    if (ownership === AlarmOwnership.GONE) this.arns.delete(name);
    return ownership;
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
    this.written.add(spec.name);
  }

  async deleteAlarms(names: readonly string[]): Promise<void> {
    for (const batch of chunksOf(names, DELETE_ALARMS_BATCH)) {
      try {
        await this.client.send(new DeleteAlarmsCommand({ AlarmNames: batch }));
      } catch (error) {
        throw toAlarmManagerError('DeleteAlarms', error, `${batch.length} alarm(s) from ${batch[0] ?? ''}`);
      }
      for (const name of batch) {
        const arn = this.arns.get(name);
        if (arn !== undefined) this.proven.delete(arn);
        this.arns.delete(name);
        this.written.delete(name);
      }
    }
  }

  /** One ListTagsForResource: whether the alarm carries failwatch:managed-by=<prefix>. */
  private async readOwnership(name: string, arn: string): Promise<AlarmOwnership> {
    let tags;
    try {
      tags = (await this.client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? [];
    } catch (error) {
      if (NOT_FOUND.has(sdkErrorFacts(error).name)) return AlarmOwnership.GONE;
      throw toAlarmManagerError('ListTagsForResource', error, `alarm ${name}`);
    }
    return tags.some((tag) => tag.Key === ALARM_OWNER_TAG && tag.Value === this.options.prefix) ? AlarmOwnership.OURS : AlarmOwnership.NOT_OURS;
  }
}
