/**
 * The only reader of process.env: environment → validated, typed settings, read once per container.
 * The SDK reads its own standard variables (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
 */
import { createHash } from 'node:crypto';
import * as z from '../zod';
import type { NoticeSettings } from '../domain/notice-policy';
import { normalizeRecordName, type Silence } from '../domain/silences';
import { ConfigurationError } from '../errors';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A decimal number written out: coercion alone reads '' and ' ' as 0 (an empty --param would turn a
 * setting off) and '0x10' as 16.
 */
const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * The numeric rules are built once and shared by every setting they apply to: every schema built is
 * work each cold start pays, and a rule per setting was about 100 of them (now about 40). A message
 * names its setting from the issue's path.
 */
const mustBe = (what: string) => ({ error: (issue: { readonly path?: readonly PropertyKey[] | undefined }) => `${String(issue.path?.[0])} must be ${what}` });
const decimal = (what: string, ...checks: z.core.$ZodCheck<number>[]) => z.pipe(z.string().check(z.regex(DECIMAL, mustBe(what))), z.coerce.number<string>(mustBe(what)).check(...checks));

const POSITIVE = decimal('a number', z.positive(mustBe('above 0')));
const NON_NEGATIVE = decimal('a number', z.gte(0, mustBe('0 or more')));
const wholeNumbersAtLeast = new Map<number, ReturnType<typeof decimal>>();

const positiveNumber = (fallback: number) => z._default(POSITIVE, fallback);
const nonNegativeNumber = (fallback: number) => z._default(NON_NEGATIVE, fallback);
function wholeNumber(fallback: number, min: number) {
  let rule = wholeNumbersAtLeast.get(min);
  if (rule === undefined) wholeNumbersAtLeast.set(min, (rule = decimal('a whole number', z.int(mustBe('a whole number')), z.gte(min, mustBe(`at least ${min}`)))));
  return z._default(rule, fallback);
}

const zoneIds = z.pipe(
  z.pipe(
    z._default(z.string(), ''),
    z.transform((raw: string) => raw.split(',').map((id) => id.trim().replace(/^\/?hostedzone\//, '')).filter(Boolean)),
  ),
  z.array(z.string().check(z.regex(/^[A-Z0-9]{1,32}$/, 'each hosted zone id looks like Z0123456789ABC'))),
);

const isoInstant = (what: string) =>
  z
    .string({ error: `${what} must be an ISO date such as 2026-12-01T06:00:00Z` })
    .check(z.refine<string>((value) => !Number.isNaN(Date.parse(value)), `${what} must be an ISO date such as 2026-12-01T06:00:00Z`));

// Strict: a misspelt key (zoneID, form) would otherwise be dropped and widen the silence.
const silenceEntry = z.strictObject({
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a silence id is 1-64 letters, digits or _.:-'))),
  record: z.string({ error: 'record is required: a record name such as app.example.com, or * for every pair' }).check(z.minLength(1, 'record must not be empty')),
  zoneId: z.optional(z.string().check(z.regex(/^[A-Z0-9]{1,32}$/, 'zoneId looks like Z0123456789ABC'))),
  from: z.optional(isoInstant('from')),
  until: isoInstant('until'),
  reason: z.string({ error: 'reason is required: say why the pair is silenced' }).check(z.minLength(1, 'reason must not be empty')),
});

const silences = z.pipe(
  z.pipe(
    z._default(z.string(), '[]'),
    z.transform((raw: string, context) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        // zod/mini's transform context has no addIssue: the issue full zod's addIssue would record.
        context.issues.push({
          code: 'custom',
          message: 'FAILWATCH_SILENCES must be a JSON array such as [{"record":"app.example.com","until":"2026-12-01T06:00:00Z","reason":"DR drill"}]',
          input: raw,
        });
        return z.NEVER;
      }
    }),
  ),
  z.array(silenceEntry, { error: 'FAILWATCH_SILENCES must be a JSON array of silences' }),
);

/** What a managed alarms' prefix may be: the name leaves room for "-<health check id>" (37 characters) within CloudWatch's 255, and is an IAM ARN pattern's prefix. */
export const ALARM_PREFIX = /^[A-Za-z0-9_.-]{1,200}$/;

const watchSchema = z.object({
  FAILWATCH_TABLE: z.string({ error: 'FAILWATCH_TABLE is not set: name the DynamoDB table' }).check(z.minLength(1, 'FAILWATCH_TABLE is empty: name the DynamoDB table')),
  // Either the full ARN, or the topic's name in the function's own partition, region and account
  // (the ARN is then built from the function's ARN: see topicArnOf).
  FAILWATCH_TOPIC_ARN: z.optional(
    z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'FAILWATCH_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)')),
  ),
  FAILWATCH_TOPIC_NAME: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'FAILWATCH_TOPIC_NAME must be an SNS topic name (1-256 letters, digits, _ or -) such as failwatch-prod-alerts'))),
  FAILWATCH_ZONE_IDS: zoneIds,
  FAILWATCH_ROUTE53_RPS: positiveNumber(5),
  FAILWATCH_STATUS_RPS: positiveNumber(1),
  FAILWATCH_HISTORY_DAYS: wholeNumber(400, 0),
  FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: wholeNumber(15, 0),
  FAILWATCH_CONFIRMATIONS: wholeNumber(1, 1),
  FAILWATCH_FLAP_CHANGES: wholeNumber(4, 0),
  FAILWATCH_FLAP_WINDOW_MINUTES: wholeNumber(60, 1),
  FAILWATCH_REMINDER_HOURS: nonNegativeNumber(4),
  FAILWATCH_DEGRADED_AFTER_MINUTES: wholeNumber(15, 0),
  FAILWATCH_SILENCES: silences,
  FAILWATCH_MANAGE_ALARMS: z.pipe(
    z._default(z.enum(['true', 'false'], { error: 'FAILWATCH_MANAGE_ALARMS must be true or false' }), 'true'),
    z.transform((value: 'true' | 'false') => value === 'true'),
  ),
  FAILWATCH_ALARM_PREFIX: z.pipe(
    z._default(z.string(), 'failwatch'),
    z.string().check(z.regex(ALARM_PREFIX, 'FAILWATCH_ALARM_PREFIX must be 1-200 letters, digits or _.- such as failwatch-prod')),
  ),
  FAILWATCH_ALARM_RECONCILE_MINUTES: wholeNumber(15, 0),
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
  /**
   * Minutes a container reuses its listing of zones, record sets and health checks before listing
   * Route 53 again (an alarm naming a check the listing does not know lists sooner); 0 lists every run.
   */
  readonly discoveryMaxAgeMinutes: number;
  /** Hysteresis, flap damping, reminders and the watch-degraded warning. */
  readonly notices: NoticeSettings;
  /** Maintenance windows from FAILWATCH_SILENCES (the CLI adds more in the table). */
  readonly silences: readonly Silence[];
  /** Managed alarms (lib/usecases/reconcile-alarms.ts): one CloudWatch alarm per watched health check, reconciled by `poll`. */
  readonly alarms: {
    /** FAILWATCH_MANAGE_ALARMS; false for users who bring their own alarms. */
    readonly manage: boolean;
    /** FAILWATCH_ALARM_PREFIX: alarms are `<prefix>-<health check id>`, tagged failwatch:managed-by=<prefix>. */
    readonly prefix: string;
    /** FAILWATCH_ALARM_RECONCILE_MINUTES: longest time between two reconciles of a container; 0 reconciles every sweep. */
    readonly reconcileMinutes: number;
  };
}

const slackSchema = z.object({
  FAILWATCH_SLACK_WEBHOOK_PARAMETER: z
    .string({ error: 'FAILWATCH_SLACK_WEBHOOK_PARAMETER is not set: name the SSM SecureString parameter holding the Slack webhook URL' })
    // A full path: the slack role's ARN for it (serverless.yml) is "parameter" followed by the path.
    .check(z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'FAILWATCH_SLACK_WEBHOOK_PARAMETER must be an SSM parameter path starting with / such as /failwatch/prod/slack-webhook')),
  FAILWATCH_SLACK_TIMEOUT_MS: wholeNumber(5000, 100),
});

export interface SlackConfig {
  readonly webhookParameterName: string;
  readonly timeoutMs: number;
}

function parse<T extends z.ZodMiniType>(schema: T, env: Env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    // A nested field (an entry of FAILWATCH_SILENCES) is named by its path; a variable by its message.
    const problems = result.error.issues.map((issue) => (issue.path.length > 1 ? `${formatIssuePath(issue.path)}: ${issue.message}` : issue.message)).join('; ');
    throw new ConfigurationError(`Invalid configuration: ${problems}`);
  }
  return result.data;
}

/** What the config needs of the running Lambda: the handler passes its first invocation's context. */
export interface FunctionIdentity {
  /** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<alias or version>]`. */
  readonly invokedFunctionArn?: string | undefined;
}

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$/;

/**
 * FAILWATCH_TOPIC_ARN when set; otherwise FAILWATCH_TOPIC_NAME in the function's own partition,
 * region and account, read from its ARN (a deployed stage's topic lives in the function's stack).
 */
function topicArnOf(parsed: { FAILWATCH_TOPIC_ARN?: string | undefined; FAILWATCH_TOPIC_NAME?: string | undefined }, fn: FunctionIdentity | undefined): string {
  if (parsed.FAILWATCH_TOPIC_ARN !== undefined) return parsed.FAILWATCH_TOPIC_ARN;
  if (parsed.FAILWATCH_TOPIC_NAME === undefined) {
    throw new ConfigurationError(
      'Invalid configuration: FAILWATCH_TOPIC_ARN is not set: give the SNS topic ARN, or set FAILWATCH_TOPIC_NAME to the topic\'s name in the function\'s own account and region',
    );
  }
  const match = FUNCTION_ARN.exec(fn?.invokedFunctionArn ?? '');
  if (!match) {
    throw new ConfigurationError(
      `Invalid configuration: FAILWATCH_TOPIC_ARN is not set, and FAILWATCH_TOPIC_NAME (${parsed.FAILWATCH_TOPIC_NAME}) needs the function's ARN to build it from, ` +
        `which this invocation does not have (${fn?.invokedFunctionArn === undefined ? 'none given' : `got ${fn.invokedFunctionArn}`}): set FAILWATCH_TOPIC_ARN to the SNS topic ARN`,
    );
  }
  const [, partition, region, account] = match;
  return `arn:${partition}:sns:${region}:${account}:${parsed.FAILWATCH_TOPIC_NAME}`;
}

/**
 * `env` defaults to process.env. `fn` is the running Lambda (its context): needed only when the
 * topic is given by name (FAILWATCH_TOPIC_NAME) rather than by ARN.
 */
export function loadWatchConfig(env: Env = process.env, fn?: FunctionIdentity): WatchConfig {
  const parsed = parse(watchSchema, env);
  return {
    tableName: parsed.FAILWATCH_TABLE,
    topicArn: topicArnOf(parsed, fn),
    zoneIds: parsed.FAILWATCH_ZONE_IDS,
    route53RequestsPerSecond: parsed.FAILWATCH_ROUTE53_RPS,
    statusRequestsPerSecond: parsed.FAILWATCH_STATUS_RPS,
    historyDays: parsed.FAILWATCH_HISTORY_DAYS,
    discoveryMaxAgeMinutes: parsed.FAILWATCH_DISCOVERY_MAX_AGE_MINUTES,
    notices: {
      confirmations: parsed.FAILWATCH_CONFIRMATIONS,
      flapChanges: parsed.FAILWATCH_FLAP_CHANGES,
      flapWindowSeconds: parsed.FAILWATCH_FLAP_WINDOW_MINUTES * 60,
      reminderIntervalSeconds: Math.round(parsed.FAILWATCH_REMINDER_HOURS * 3_600),
      degradedAfterSeconds: parsed.FAILWATCH_DEGRADED_AFTER_MINUTES * 60,
    },
    silences: parsed.FAILWATCH_SILENCES.map(toSilence),
    alarms: { manage: parsed.FAILWATCH_MANAGE_ALARMS, prefix: parsed.FAILWATCH_ALARM_PREFIX, reconcileMinutes: parsed.FAILWATCH_ALARM_RECONCILE_MINUTES },
  };
}

/** A configured silence keeps the same id across deployments as long as it says the same thing. */
function toSilence(entry: z.infer<typeof silenceEntry>): Silence {
  const record = entry.record === '*' ? '*' : normalizeRecordName(entry.record);
  const fingerprint = createHash('sha256').update(JSON.stringify([record, entry.zoneId, entry.from, entry.until, entry.reason])).digest('hex');
  return {
    id: entry.id ?? `config-${fingerprint.slice(0, 10)}`,
    record,
    ...(entry.zoneId === undefined ? {} : { zoneId: entry.zoneId }),
    ...(entry.from === undefined ? {} : { from: new Date(entry.from).toISOString() }),
    until: new Date(entry.until).toISOString(),
    reason: entry.reason,
  };
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** What the `failwatch` CLI needs of a deployment: its table and topic, its configured silences, its history retention. */
export interface DeploymentSettings {
  readonly tableName: string;
  /** Absent when nothing names it (a local run without FAILWATCH_TOPIC_ARN); only `test-alert` needs it. */
  readonly topicArn?: string;
  /** FAILWATCH_SILENCES, as the functions read it. */
  readonly silences: readonly Silence[];
  readonly historyDays: number;
}

const cliSchema = z.object({
  FAILWATCH_TABLE: z.optional(watchSchema.shape.FAILWATCH_TABLE),
  FAILWATCH_TOPIC_ARN: watchSchema.shape.FAILWATCH_TOPIC_ARN,
  FAILWATCH_SILENCES: watchSchema.shape.FAILWATCH_SILENCES,
  FAILWATCH_HISTORY_DAYS: watchSchema.shape.FAILWATCH_HISTORY_DAYS,
});

/**
 * The CLI without --stage: the environment names the deployment, as it does for the functions (a local run:
 * `npm run local-aws` writes FAILWATCH_TABLE and FAILWATCH_TOPIC_ARN to .local-aws.env). Undefined when
 * FAILWATCH_TABLE is not set. AWS_REGION and the credentials are the SDK's.
 */
export function loadCliEnvironment(env: Env = process.env): DeploymentSettings | undefined {
  const parsed = parse(cliSchema, env);
  if (parsed.FAILWATCH_TABLE === undefined) return undefined;
  return {
    tableName: parsed.FAILWATCH_TABLE,
    ...(parsed.FAILWATCH_TOPIC_ARN === undefined ? {} : { topicArn: parsed.FAILWATCH_TOPIC_ARN }),
    silences: parsed.FAILWATCH_SILENCES.map(toSilence),
    historyDays: parsed.FAILWATCH_HISTORY_DAYS,
  };
}

export function loadSlackConfig(env: Env = process.env): SlackConfig {
  const parsed = parse(slackSchema, env);
  return { webhookParameterName: parsed.FAILWATCH_SLACK_WEBHOOK_PARAMETER, timeoutMs: parsed.FAILWATCH_SLACK_TIMEOUT_MS };
}
