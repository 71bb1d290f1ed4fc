/**
 * SNS subscriber: posts each Failwatch notification (or any plain message on the topic) to Slack.
 * parse the SNS event → render → post → log. A failed post throws, so SNS retries and then uses
 * the subscription's dead-letter queue.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadSlackConfig, type SlackConfig } from '../lib/runtime/config';
import { InvalidEventError, NotifierError } from '../lib/errors';
import { withinInvocation } from '../lib/runtime/invocation';
import { boundedText, once } from '../lib/runtime/lambda';
import { logger } from '../lib/runtime/logger';
import { FailwatchMetric, MetricsFunction } from '../lib/metric-names';
import { metrics, publishInvocationMetrics } from '../lib/runtime/metrics';
import { formatPath, readSnsMessageContent } from '../lib/notify/payload-schema';
import { renderAlarmSlackMessage } from '../lib/notify/slack-alarm';
import { renderPlainSlackMessage, renderSlackMessage, type SlackMessage } from '../lib/notify/slack-message';
import { HttpSlackWebhook } from '../lib/slack/http-slack-webhook';
import type { SlackPoster } from '../lib/slack/slack-ports';
import { createSsmClient, SsmWebhookUrlSource, type SsmParameterReader } from '../lib/slack/ssm-webhook-url-source';
import * as z from '../lib/zod';

/**
 * One small read: an attempt gets 1 s to connect and 3 s to answer, so that within the function's 10 s
 * a throttled or failed read can still be retried (a retry is made only if a whole attempt fits before
 * the timeout; the default 3 s + 10 s never would).
 */
const ssm = createSsmClient({ connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });

export type SlackLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface SlackHandlerDeps {
  readonly poster: SlackPoster;
  readonly logger: SlackLogger;
  /** Receives each invocation's NotificationsSent (posted) and PublishFailures (a failed post); none: not measured. */
  readonly metrics?: Metrics;
}

export interface SlackSummary {
  readonly posted: number;
}

export type SlackHandler = (event: unknown, context?: Context) => Promise<SlackSummary>;

const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.optional(z.literal('aws:sns')),
        Sns: z.object({
          MessageId: z.string().check(z.minLength(1)),
          Message: z.string(),
          // SNS sends null when the publisher gave no subject.
          Subject: z.nullish(z.string()),
          MessageAttributes: z.nullish(z.record(z.string(), z.object({ Type: z.string(), Value: z.string() }))),
        }),
      }),
    )
    .check(z.minLength(1)),
});

type SnsRecord = z.infer<typeof snsEventSchema>['Records'][number];

/** How much of a list of schema problems goes into an error or a log line. */
const PROBLEMS_MAX_LENGTH = 600;

export function parseSnsEvent(event: unknown): readonly SnsRecord[] {
  const result = snsEventSchema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
    throw new InvalidEventError(`Not an SNS event: ${boundedText(problems, PROBLEMS_MAX_LENGTH)}`);
  }
  return result.data.Records;
}

export function createHandler(deps: SlackHandlerDeps): SlackHandler {
  return async (event) => {
    let records: readonly SnsRecord[];
    try {
      records = parseSnsEvent(event);
    } catch (error) {
      deps.logger.error('Rejected an event that is not an SNS notification; nothing was posted', { outcome: 'rejected', error: asLoggable(error) });
      throw error;
    }
    let posted = 0;
    let failed = 0;
    try {
      for (const record of records) {
        await postRecord(record, deps).catch((error: unknown) => {
          failed += 1;
          throw error;
        });
        posted += 1;
      }
    } finally {
      if (deps.metrics) publishInvocationMetrics(deps.metrics, MetricsFunction.SLACK, { [FailwatchMetric.NOTIFICATIONS_SENT]: posted, [FailwatchMetric.PUBLISH_FAILURES]: failed });
    }
    return { posted };
  };
}

async function postRecord(record: SnsRecord, { poster, logger: log }: SlackHandlerDeps): Promise<void> {
  const { MessageId: messageId, Message, Subject } = record.Sns;
  const content = readSnsMessageContent(Message);
  // Whoever may publish to the topic writes these: bounded before they reach a log line.
  const details =
    content.kind === 'payload'
      ? { messageId: boundedText(messageId), notificationId: boundedText(content.payload.id), kind: boundedText(content.payload.kind), severity: content.payload.severity }
      : content.kind === 'alarm'
        ? { messageId: boundedText(messageId), kind: 'alarm', alarmName: boundedText(content.alarm.AlarmName), state: content.alarm.NewStateValue }
        : { messageId: boundedText(messageId), kind: boundedText(record.Sns.MessageAttributes?.kind?.Value ?? 'plain') };
  if (content.kind === 'invalid-payload') {
    // Posted as text rather than dropped: the people on call still learn something happened.
    log.warn('SNS message claims to be a Failwatch notification but does not match the schema; posting it as text', {
      ...details,
      problems: boundedText(content.problems, PROBLEMS_MAX_LENGTH),
    });
  }
  const message: SlackMessage =
    content.kind === 'payload' ? renderSlackMessage(content.payload) : content.kind === 'alarm' ? renderAlarmSlackMessage(content.alarm) : renderPlainSlackMessage(Subject ?? undefined, Message);
  try {
    await poster.post(message);
  } catch (error) {
    const retryable = error instanceof NotifierError ? error.retryable : undefined;
    log.error('Slack post failed', { ...details, outcome: 'failed', retryable, error: asLoggable(error) });
    throw error;
  }
  log.info('Posted to Slack', { ...details, format: content.kind, outcome: 'posted' });
}

function asLoggable(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}

export function buildDeps(config: SlackConfig, clients: { readonly ssm: SsmParameterReader }, log: SlackLogger = logger, sink: Metrics = metrics): SlackHandlerDeps {
  const urlSource = new SsmWebhookUrlSource(clients.ssm, config.webhookParameterName);
  const poster = new HttpSlackWebhook(urlSource, { timeoutMs: config.timeoutMs, webhookName: `SSM parameter ${config.webhookParameterName}` });
  return { poster, logger: log, metrics: sink };
}

const buildFromEnvironment = once(() => createHandler(buildDeps(loadSlackConfig(process.env), { ssm })));

/** Built on first use, so a configuration error is one clear failure of the invocation. */
export const handler: SlackHandler = async (event, context) => {
  if (context) logger.addContext(context);
  let handle: SlackHandler;
  try {
    handle = buildFromEnvironment();
  } catch (error) {
    logger.error('Slack function is misconfigured', { error: asLoggable(error) });
    throw error;
  }
  return withinInvocation(context, () => handle(event, context));
};
