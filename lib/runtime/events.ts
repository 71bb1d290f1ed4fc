/**
 * Incoming events → what to watch. Schema-validated at the edge: a malformed event ends in one
 * InvalidEventError naming what is wrong, before anything is read, written or sent.
 */
import * as z from '../zod';
import { parsePairHint, type PairHint } from '../domain/alarm-plan';
import { TriggerKind, type Trigger } from '../domain/model';
import { InvalidEventError } from '../errors';

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

const scheduledEnvelope = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.nonEmptyString,
  id: z.nonEmptyString,
  time: z.nonEmptyString,
  resources: z._default(z.array(z.string()), []),
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
        `The poll function takes schedule events, but got detail-type ${JSON.stringify(detailType)}; route alarm events to the alarm function.`,
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
  id: z.nonEmptyString,
  region: z.nonEmptyString,
  time: z.nonEmptyString,
  detail: z.object({
    alarmName: z.nonEmptyString,
    state: z.object({ value: ALARM_STATE, reason: z.optional(z.string()), timestamp: z.optional(z.string()) }),
    previousState: z.optional(z.object({ value: ALARM_STATE })),
    // The description is only a hint (lib/domain/alarm-plan.ts): whatever it holds, the event is not rejected for it.
    configuration: z.optional(z.object({ description: z.optional(z.unknown()), metrics: z.optional(z.array(metricQuery)) })),
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
  const healthCheckIds = [
    ...new Set(
      (detail.configuration?.metrics ?? []).flatMap((query) => {
        const metric = query.metricStat?.metric;
        const id = metric?.dimensions?.['HealthCheckId'];
        return metric?.namespace === 'AWS/Route53' && metric.name === 'HealthCheckStatus' && id ? [id] : [];
      }),
    ),
  ];
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

function pairHintOf(description: unknown): PairHint | undefined {
  if (description === undefined || description === null) return undefined;
  if (typeof description !== 'string') return { kind: 'MALFORMED', reason: `the description is ${Array.isArray(description) ? 'an array' : typeof description}, not text` };
  return parsePairHint(description);
}
