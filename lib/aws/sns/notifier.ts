/**
 * Notifier on Amazon SNS. One publish per notification with a per-protocol message:
 * people (email) get the plain text, the Slack function and queues get the structured payload.
 */
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { NotifierError } from '../../errors';
import type { Notifier, OutgoingNotification } from '../../ports';
import { clientConfig, type AwsClientOptions } from '../client-config';

/** SNS's limit for the whole message, in bytes. */
export const MAX_SNS_MESSAGE_BYTES = 256 * 1024;

// Both spellings: SNS's wire codes (`Throttled`) and the SDK's exception names (`ThrottledException`), which
// are what `error.name` holds for an answer the SDK parsed.
const RETRYABLE_ERRORS = new Set([
  'Throttled',
  'ThrottledException',
  'ThrottlingException',
  'Throttling',
  'InternalError',
  'InternalErrorException',
  'KMSThrottling',
  'KMSThrottlingException',
  'ServiceUnavailable',
]);

/** The SNS client the functions use: the retries and timeouts every Failwatch client shares, in AWS_REGION. */
export function createSnsClient(options: AwsClientOptions = {}): SNSClient {
  return new SNSClient(clientConfig(options));
}

export function buildSnsMessage(notification: OutgoingNotification): string {
  const payload = JSON.stringify(notification.payload);
  return JSON.stringify({
    default: notification.text,
    email: notification.text,
    lambda: payload,
    sqs: payload,
    https: payload,
    http: payload,
  });
}

/** What to fix, for the errors whose cause is known; undefined for the others. */
function hintFor(error: SNSServiceException, topicArn: string): string | undefined {
  switch (error.name) {
    case 'NotFound':
    case 'NotFoundException':
      return `topic ${topicArn} does not exist: check the stage's topicArn setting (stages/<stage>.yml), or that the stack's alert topic was not deleted`;
    case 'AuthorizationError':
    case 'AuthorizationErrorException':
      return `the function's role may not sns:Publish to ${topicArn}`;
    case 'KMSAccessDenied':
    case 'KMSAccessDeniedException':
    case 'KMSDisabled':
    case 'KMSDisabledException':
      return `the topic's KMS key refuses the function's role: allow kms:GenerateDataKey and kms:Decrypt`;
    default:
      return undefined;
  }
}

export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: OutgoingNotification): Promise<{ messageId: string }> {
    const message = buildSnsMessage(notification);
    const bytes = Buffer.byteLength(message, 'utf8');
    if (bytes > MAX_SNS_MESSAGE_BYTES) {
      throw new NotifierError(`Notification ${notification.transitionId} is ${bytes} bytes, over SNS's 256 KiB limit.`, false);
    }
    try {
      const result = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: notification.subject,
          MessageStructure: 'json',
          Message: message,
          MessageAttributes: Object.fromEntries(
            Object.entries(notification.attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
          ),
        }),
      );
      if (!result.MessageId) throw new NotifierError(`SNS accepted ${notification.transitionId} but returned no MessageId.`, true);
      return { messageId: result.MessageId };
    } catch (error) {
      if (error instanceof NotifierError) throw error;
      if (error instanceof SNSServiceException) {
        const retryable = RETRYABLE_ERRORS.has(error.name) || (error.$metadata.httpStatusCode ?? 0) >= 500;
        // SNS's own code and message first (what a person searches for), then what to fix when it is known.
        const hint = hintFor(error, this.topicArn);
        throw new NotifierError(`Publishing ${notification.transitionId} to SNS failed (${error.name}: ${error.message})${hint === undefined ? '' : `: ${hint}`}`, retryable, { cause: error, code: error.name });
      }
      // Network errors and timeouts carry no service name; the next run retries them from the outbox.
      const reason = error instanceof Error ? error.message : String(error);
      throw new NotifierError(`Publishing ${notification.transitionId} to SNS failed: ${reason}`, true, { cause: error, code: error instanceof Error ? error.name : 'Error' });
    }
  }
}
