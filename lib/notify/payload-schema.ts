/**
 * Recognises a Failwatch notification in an SNS message. Anyone allowed to publish to the topic
 * can send anything, so the message is checked before it is rendered.
 */
import * as z from '../zod';
import { DnsAgreement, Severity } from '../domain/model';
import { NOTIFICATION_SCHEMA, type NotificationPayload } from './payload';
import { cloudWatchAlarmMessageSchema, type CloudWatchAlarmMessage } from './slack-alarm';

const count = z.number().check(z.int(), z.gte(0));

const evidenceSchema = z.object({
  checkersHealthy: z.optional(count),
  checkersTotal: z.optional(count),
  percentageHealthy: z.optional(z.number().check(z.gte(0), z.lte(100))),
  checkersNotRead: z.optional(z.string()),
  failingRegions: z.array(z.object({ region: z.string(), statusReport: z.string() })),
});

export const notificationPayloadSchema = z.object({
  schema: z.literal(NOTIFICATION_SCHEMA),
  id: z.nonEmptyString,
  reference: z.optional(z.nonEmptyString),
  kind: z.nonEmptyString,
  severity: z.enum(Severity),
  subject: z.nonEmptyString,
  summary: z.string(),
  text: z.string(),
  pair: z.optional(z.object({ zoneId: z.string(), name: z.string(), type: z.string(), zoneName: z.string() })),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  evidence: z.array(
    z.object({ side: z.enum(['primary', 'secondary']), healthCheckId: z.optional(z.string()), evidence: evidenceSchema }),
  ),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
  covered: z.optional(z.array(z.string())),
  risk: z.optional(
    z.object({
      kind: z.nonEmptyString,
      reason: z.nonEmptyString,
      id: z.nonEmptyString,
      side: z.optional(z.enum(['PRIMARY', 'SECONDARY'])),
      healthCheckId: z.optional(z.string()),
      problem: z.string(),
      fix: z.string(),
      status: z.enum(['OPEN', 'CLOSED']),
      openSince: z.nonEmptyString,
      lastedSeconds: count,
    }),
  ),
  dnsAnswer: z.optional(z.object({ status: z.enum(DnsAgreement), values: z.optional(z.array(z.string())), sentence: z.string() })),
  observedAt: z.nonEmptyString,
  test: z.optional(z.boolean()),
}) satisfies z.ZodMiniType<NotificationPayload>;

/** What an SNS message turned out to be. */
export type SnsMessageContent =
  | { readonly kind: 'payload'; readonly payload: NotificationPayload }
  /** Claims to be a Failwatch notification but does not match the schema (a version skew or a bug). */
  | { readonly kind: 'invalid-payload'; readonly problems: string }
  /** A CloudWatch alarm's notification (Failwatch's own alarms, through its ops topic). */
  | { readonly kind: 'alarm'; readonly alarm: CloudWatchAlarmMessage }
  | { readonly kind: 'plain' };

export function readSnsMessageContent(message: string): SnsMessageContent {
  const json = parseJson(message);
  if (isObject(json) && json.schema === undefined && 'AlarmName' in json) {
    const alarm = cloudWatchAlarmMessageSchema.safeParse(json);
    if (alarm.success) return { kind: 'alarm', alarm: alarm.data };
  }
  if (!isObject(json) || json.schema !== NOTIFICATION_SCHEMA) return { kind: 'plain' };
  const result = notificationPayloadSchema.safeParse(json);
  if (result.success) return { kind: 'payload', payload: result.data };
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
  return { kind: 'invalid-payload', problems };
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(root)';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
