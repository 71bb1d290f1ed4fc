/**
 * Incoming events → what to watch. Schema-validated at the edge: a malformed event ends in one
 * InvalidEventError naming what is wrong, before anything is read, written or sent.
 */
import * as z from '../zod';
import { ALARM_DESCRIPTION_MAX_LENGTH, parsePairHint, type PairHint } from '../domain/alarm-plan';
import { isHealthCheckId, TriggerKind, type Trigger } from '../domain/model';
import { InvalidEventError } from '../errors';
import { quoteBounded } from './lambda';

const MAX_ISSUES_LISTED = 8;

function describeIssues(error: z.core.$ZodError): string {
  const listed = error.issues.slice(0, MAX_ISSUES_LISTED).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(event)';
    const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
    return `${where}: ${missing ? `missing (expected ${missing[1]})` : issue.message}`;
  });
  const more = error.issues.length - listed.length;
  return `${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

const ALARM_STATE = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/**
 * What AWS allows, so nothing longer reaches a log line, a stored transition or an AWS call: CloudWatch
 * alarm names are 1-255 characters; an alarm reads at most 10 metrics (a metric-math alarm's limit) in
 * at most 20 queries; an ARN is at most 2,048 characters. Event ids and times are far shorter than 128.
 */
const ALARM_NAME_MAX_LENGTH = 255;
const ALARM_METRIC_QUERIES_MAX = 20;
const ALARM_HEALTH_CHECKS_MAX = 10;
const ARN_MAX_LENGTH = 2048;
const SHORT_FIELD_MAX_LENGTH = 128;
/** The name an EventBridge Scheduler payload may give its runs (`trigger`), stored with each transition it records. */
const TRIGGER_NAME_MAX_LENGTH = 256;

const boundedString = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const shortField = boundedString(SHORT_FIELD_MAX_LENGTH);

const scheduledEnvelope = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: shortField,
  id: shortField,
  time: shortField,
  resources: z._default(z.array(boundedString(ARN_MAX_LENGTH)).check(z.maxLength(10)), []),
});

const schedulerPayload = z.record(z.string(), z.unknown());

/**
 * A schedule tick: the legacy EventBridge `Scheduled Event` envelope, or an EventBridge Scheduler
 * payload, which is whatever JSON object the user configured (an optional `trigger` string names it).
 */
export function parseScheduleEvent(event: unknown): Trigger {
  if (typeof event === 'object' && event !== null && 'detail-type' in event) {
    const detailType = (event as Record<string, unknown>)['detail-type'];
    if (detailType !== 'Scheduled Event') {
      throw new InvalidEventError(
        `The poll function takes schedule events, but got detail-type ${quoteBounded(detailType)}; route alarm events to the alarm function.`,
      );
    }
    const parsed = scheduledEnvelope.safeParse(event);
    if (!parsed.success) throw new InvalidEventError(`Malformed Scheduled Event: ${describeIssues(parsed.error)}`);
    return { kind: TriggerKind.SCHEDULE, source: parsed.data.resources[0] ?? parsed.data.id };
  }
  const payload = schedulerPayload.safeParse(event);
  if (!payload.success) {
    throw new InvalidEventError(
      `The poll function takes a Scheduled Event or an EventBridge Scheduler JSON object, but got ${Array.isArray(event) ? 'an array' : event === null ? 'null' : typeof event}.`,
    );
  }
  const name = payload.data['trigger'];
  if (typeof name === 'string' && name.length > TRIGGER_NAME_MAX_LENGTH) {
    throw new InvalidEventError(`The Scheduler payload's trigger is ${name.length} characters long; name the run in at most ${TRIGGER_NAME_MAX_LENGTH}: ${quoteBounded(name)}`);
  }
  return { kind: TriggerKind.SCHEDULE, source: typeof name === 'string' && name.length > 0 ? name : 'eventbridge-scheduler' };
}

const metricQuery = z.object({
  id: z.optional(z.string()),
  metricStat: z.optional(
    z.object({
      metric: z.object({
        namespace: z.string(),
        name: z.string(),
        dimensions: z.optional(z.record(z.string(), z.string())),
      }),
    }),
  ),
  expression: z.optional(z.string()),
});

const alarmStateChange = z.object({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  id: shortField,
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'not an AWS region such as us-east-1')),
  time: shortField,
  detail: z.object({
    alarmName: boundedString(ALARM_NAME_MAX_LENGTH),
    state: z.object({ value: ALARM_STATE, reason: z.optional(z.string()), timestamp: z.optional(z.string()) }),
    previousState: z.optional(z.object({ value: ALARM_STATE })),
    // The description is only a hint (lib/domain/alarm-plan.ts): whatever it holds, the event is not rejected for it.
    configuration: z.optional(z.object({ description: z.optional(z.unknown()), metrics: z.optional(z.array(metricQuery).check(z.maxLength(ALARM_METRIC_QUERIES_MAX))) })),
  }),
});

export type AlarmEventPlan =
  | {
      readonly kind: 'WATCH';
      readonly trigger: Trigger;
      readonly healthCheckIds: readonly string[];
      readonly alarmName: string;
      readonly state: string;
      readonly region: string;
      /** The pairs that depend on the checks, from a Failwatch alarm's description; absent for other alarms. */
      readonly pairHint?: PairHint;
    }
  | { readonly kind: 'SKIP'; readonly reason: string; readonly alarmName: string };

/** A `CloudWatch Alarm State Change` event → the Route 53 health checks to re-evaluate now. */
export function parseAlarmEvent(event: unknown): AlarmEventPlan {
  const parsed = alarmStateChange.safeParse(event);
  if (!parsed.success) throw new InvalidEventError(`Malformed CloudWatch Alarm State Change event: ${describeIssues(parsed.error)}`);
  const { detail } = parsed.data;
  const healthCheckIds = healthCheckIdsOf(detail.configuration?.metrics ?? []);
  if (healthCheckIds.length === 0) {
    return {
      kind: 'SKIP',
      alarmName: detail.alarmName,
      reason: `alarm ${detail.alarmName} does not watch AWS/Route53 HealthCheckStatus with a HealthCheckId dimension; nothing to re-evaluate`,
    };
  }
  const pairHint = pairHintOf(detail.configuration?.description);
  return {
    kind: 'WATCH',
    trigger: { kind: TriggerKind.ALARM, source: detail.alarmName },
    healthCheckIds,
    alarmName: detail.alarmName,
    state: detail.state.value,
    region: parsed.data.region,
    ...(pairHint === undefined ? {} : { pairHint }),
  };
}

/**
 * The Route 53 health checks the alarm's metrics name, each of Route 53's id shape (a UUID), at most 10:
 * anything else is not an alarm CloudWatch could have sent, and ends here, before any AWS call.
 */
function healthCheckIdsOf(queries: readonly z.infer<typeof metricQuery>[]): string[] {
  const ids = new Set<string>();
  for (const [index, query] of queries.entries()) {
    const metric = query.metricStat?.metric;
    if (metric?.namespace !== 'AWS/Route53' || metric.name !== 'HealthCheckStatus') continue;
    const id = metric.dimensions?.['HealthCheckId'];
    if (id === undefined) continue;
    if (!isHealthCheckId(id)) {
      throw new InvalidEventError(
        `Malformed CloudWatch Alarm State Change event: detail.configuration.metrics.${index}.metricStat.metric.dimensions.HealthCheckId: ${quoteBounded(id)} is not a Route 53 health check id (a UUID such as 11111111-2222-3333-4444-555555555555)`,
      );
    }
    ids.add(id);
  }
  if (ids.size > ALARM_HEALTH_CHECKS_MAX) {
    throw new InvalidEventError(`Malformed CloudWatch Alarm State Change event: it names ${ids.size} health checks; an alarm reads at most ${ALARM_HEALTH_CHECKS_MAX} metrics`);
  }
  return [...ids];
}

function pairHintOf(description: unknown): PairHint | undefined {
  if (description === undefined || description === null) return undefined;
  if (typeof description !== 'string') return { kind: 'MALFORMED', reason: `the description is ${Array.isArray(description) ? 'an array' : typeof description}, not text` };
  // Longer than CloudWatch allows: not one Failwatch wrote, and not worth reading (its list could name thousands of pairs).
  if (description.length > ALARM_DESCRIPTION_MAX_LENGTH) return { kind: 'MALFORMED', reason: `the description is ${description.length} characters, over CloudWatch's ${ALARM_DESCRIPTION_MAX_LENGTH}` };
  return parsePairHint(description);
}
