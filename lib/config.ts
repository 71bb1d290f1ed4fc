/**
 * The only reader of process.env: environment → validated, typed settings, read once per container.
 * The SDK reads its own standard variables (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
 */
import { z } from 'zod';
import { ConfigurationError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

const positiveNumber = (name: string, fallback: number) =>
  z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be above 0`).default(fallback);
const wholeNumber = (name: string, fallback: number, min: number) =>
  z.coerce.number({ error: `${name} must be a whole number` }).int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).default(fallback);

const zoneIds = z
  .string()
  .default('')
  .transform((raw) => raw.split(',').map((id) => id.trim().replace(/^\/?hostedzone\//, '')).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Z0-9]{1,32}$/, 'each hosted zone id looks like Z0123456789ABC')));

const watchSchema = z.object({
  FAILWATCH_TABLE: z.string({ error: 'FAILWATCH_TABLE is not set: name the DynamoDB table' }).min(1, 'FAILWATCH_TABLE is empty: name the DynamoDB table'),
  FAILWATCH_TOPIC_ARN: z
    .string({ error: 'FAILWATCH_TOPIC_ARN is not set: give the SNS topic ARN' })
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'FAILWATCH_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)'),
  FAILWATCH_ZONE_IDS: zoneIds,
  FAILWATCH_ROUTE53_RPS: positiveNumber('FAILWATCH_ROUTE53_RPS', 5),
  FAILWATCH_STATUS_RPS: positiveNumber('FAILWATCH_STATUS_RPS', 1),
  FAILWATCH_HISTORY_DAYS: wholeNumber('FAILWATCH_HISTORY_DAYS', 400, 0),
});

export interface WatchConfig {
  readonly tableName: string;
  readonly topicArn: string;
  /** Hosted zones to watch; empty means every zone in the account. */
  readonly zoneIds: readonly string[];
  /** Route 53 requests per second this function may use of the account-wide budget. */
  readonly route53RequestsPerSecond: number;
  /** `GetHealthCheckStatus` calls per second (AWS: a burst of 4, then 1 a second). */
  readonly statusRequestsPerSecond: number;
  /** Days a transition stays in history before DynamoDB TTL removes it; 0 keeps it forever. */
  readonly historyDays: number;
}

const slackSchema = z.object({
  FAILWATCH_SLACK_WEBHOOK_PARAMETER: z
    .string({ error: 'FAILWATCH_SLACK_WEBHOOK_PARAMETER is not set: name the SSM SecureString parameter holding the Slack webhook URL' })
    .regex(/^\/?[A-Za-z0-9_.\-/]+$/, 'FAILWATCH_SLACK_WEBHOOK_PARAMETER must be an SSM parameter name such as /failwatch/prod/slack-webhook'),
  FAILWATCH_SLACK_TIMEOUT_MS: wholeNumber('FAILWATCH_SLACK_TIMEOUT_MS', 5000, 100),
});

export interface SlackConfig {
  readonly webhookParameterName: string;
  readonly timeoutMs: number;
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigurationError(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

export function loadWatchConfig(env: Env = process.env): WatchConfig {
  const parsed = parse(watchSchema, env);
  return {
    tableName: parsed.FAILWATCH_TABLE,
    topicArn: parsed.FAILWATCH_TOPIC_ARN,
    zoneIds: parsed.FAILWATCH_ZONE_IDS,
    route53RequestsPerSecond: parsed.FAILWATCH_ROUTE53_RPS,
    statusRequestsPerSecond: parsed.FAILWATCH_STATUS_RPS,
    historyDays: parsed.FAILWATCH_HISTORY_DAYS,
  };
}

export function loadSlackConfig(env: Env = process.env): SlackConfig {
  const parsed = parse(slackSchema, env);
  return { webhookParameterName: parsed.FAILWATCH_SLACK_WEBHOOK_PARAMETER, timeoutMs: parsed.FAILWATCH_SLACK_TIMEOUT_MS };
}
