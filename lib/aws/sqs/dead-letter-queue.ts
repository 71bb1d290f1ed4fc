/**
 * DeadLetterQueue on Amazon SQS: the stage's dead-letter queue, found by the name the stack gives it
 * (GetQueueUrl), counted (GetQueueAttributes), read (ReceiveMessage, each letter hidden from other
 * readers while it is handled), made visible again (ChangeMessageVisibility to 0) and deleted
 * (DeleteMessage). IAM: sqs:GetQueueUrl, sqs:GetQueueAttributes, sqs:ReceiveMessage,
 * sqs:ChangeMessageVisibility and sqs:DeleteMessage on failwatch-<stage>-dead-letters.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { ConsoleReadError, DeadLetterError } from '../../errors';
import type { DeadLetter, DeadLetterQueue } from '../../usecases/console-ports';
import { clientConfig, type AwsClientOptions } from '../client-config';
import { describeSdkError, failedCallMessage, sdkErrorFacts } from '../sdk-errors';

/** The SQS client the operator console uses: the retries and timeouts every Failwatch client shares, in AWS_REGION. */
export function createSqsClient(options: AwsClientOptions = {}): SQSClient {
  return new SQSClient(clientConfig(options));
}

/** Both spellings: the SDK's exception name (JSON protocol) and the query protocol's code. */
const QUEUE_MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);
/** A receipt handle from an earlier receive, or a letter no longer hidden: someone else has it now. */
const RECEIPT_STALE = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight']);
/**
 * Long polling for one second: a short poll asks only some of SQS's servers and may answer nothing while
 * letters wait, which would end a listing early. An empty queue costs that one second once.
 */
const RECEIVE_WAIT_SECONDS = 1;

type Action = 'GetQueueUrl' | 'GetQueueAttributes' | 'ReceiveMessage' | 'ChangeMessageVisibility' | 'DeleteMessage';

export class SqsDeadLetterQueue implements DeadLetterQueue {
  private url: Promise<string> | undefined;

  constructor(
    private readonly client: SQSClient,
    private readonly queueName: string,
  ) {}

  async countWaiting(): Promise<{ readonly visible: number; readonly inFlight: number }> {
    const queueUrl = await this.queueUrl(consoleReadError);
    let attributes: Partial<Record<string, string>>;
    try {
      const output = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      attributes = output.Attributes ?? {};
    } catch (error) {
      throw this.failure('GetQueueAttributes', error, consoleReadError);
    }
    return {
      visible: count(attributes['ApproximateNumberOfMessages'], 'ApproximateNumberOfMessages', this.queueName),
      inFlight: count(attributes['ApproximateNumberOfMessagesNotVisible'], 'ApproximateNumberOfMessagesNotVisible', this.queueName),
    };
  }

  async receive(max: number, hideSeconds: number): Promise<readonly DeadLetter[]> {
    const queueUrl = await this.queueUrl(deadLetterError);
    try {
      const output = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          VisibilityTimeout: hideSeconds,
          WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        }),
      );
      return (output.Messages ?? []).flatMap((message) => letterOf(message));
    } catch (error) {
      throw this.failure('ReceiveMessage', error, deadLetterError);
    }
  }

  async release(letters: readonly DeadLetter[]): Promise<void> {
    const queueUrl = await this.queueUrl(deadLetterError);
    const failed: string[] = [];
    let first: unknown;
    // Each letter, even when one fails: the others must not stay hidden for the rest of their timeout.
    for (const letter of letters) {
      try {
        await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: letter.receiptHandle, VisibilityTimeout: 0 }));
      } catch (error) {
        // Someone else received it since: it is theirs now, and visible to them.
        if (RECEIPT_STALE.has(sdkErrorFacts(error).name)) continue;
        failed.push(letter.messageId);
        first ??= error;
      }
    }
    if (first !== undefined) {
      const facts = sdkErrorFacts(first);
      throw new DeadLetterError(
        `${failedCallMessage('sqs:ChangeMessageVisibility', `queue ${this.queueName}`, facts)}: letters ${failed.join(', ')} stay hidden until their visibility timeout ends, then wait in the queue again`,
        facts.retryable,
        { cause: first },
      );
    }
  }

  async delete(letter: DeadLetter): Promise<void> {
    const queueUrl = await this.queueUrl(deadLetterError);
    try {
      await this.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: letter.receiptHandle }));
    } catch (error) {
      const facts = sdkErrorFacts(error);
      if (RECEIPT_STALE.has(facts.name)) {
        throw new DeadLetterError(`Letter ${letter.messageId} was received again by someone else (${describeSdkError(facts)}): it stays in queue ${this.queueName}; list the letters again`, false, {
          cause: error,
        });
      }
      throw this.failure('DeleteMessage', error, deadLetterError);
    }
  }

  /** Looked up once; a failed lookup is asked again next time. */
  private queueUrl(asError: ErrorOf): Promise<string> {
    this.url ??= this.lookUpUrl();
    const url = this.url;
    return url.catch((error: unknown) => {
      if (this.url === url) this.url = undefined;
      throw this.failure('GetQueueUrl', error, asError);
    });
  }

  private async lookUpUrl(): Promise<string> {
    const output = await this.client.send(new GetQueueUrlCommand({ QueueName: this.queueName }));
    if (output.QueueUrl === undefined) throw new Error(`SQS answered no URL for queue ${this.queueName}`);
    return output.QueueUrl;
  }

  private failure(action: Action, error: unknown, asError: ErrorOf): Error {
    const facts = sdkErrorFacts(error);
    if (QUEUE_MISSING.has(facts.name)) {
      return asError(
        `Queue ${this.queueName} does not exist in this region (${describeSdkError(facts)}): check --stage and --region; the stage's stack creates it, so deploy the stage again if it was removed`,
        false,
        error,
      );
    }
    return asError(failedCallMessage(`sqs:${action}`, `queue ${this.queueName}`, facts), facts.retryable, error);
  }
}

type ErrorOf = (message: string, retryable: boolean, cause: unknown) => Error;

const deadLetterError: ErrorOf = (message, retryable, cause) => new DeadLetterError(message, retryable, { cause });
const consoleReadError: ErrorOf = (message, retryable, cause) => new ConsoleReadError(message, retryable, { cause });

/** SQS answers each count as a string of digits; anything else is said, not taken as 0. */
function count(attribute: string | undefined, name: string, queueName: string): number {
  if (attribute !== undefined && /^\d+$/.test(attribute)) return Number(attribute);
  throw new ConsoleReadError(`sqs:GetQueueAttributes on queue ${queueName} answered ${name} = ${JSON.stringify(attribute)}, not a count`, true);
}

/** A message without an id or receipt handle cannot be handled (SQS always gives both): left out. */
function letterOf(message: Message): DeadLetter[] {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) return [];
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    // EventBridge's and Lambda's attributes are all strings; a binary one is not Failwatch's.
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  const sent = Number(message.Attributes?.SentTimestamp);
  const received = Number(message.Attributes?.ApproximateReceiveCount);
  return [
    {
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body ?? '',
      attributes,
      ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
      ...(Number.isFinite(received) && received > 0 ? { receiveCount: received } : {}),
    },
  ];
}
