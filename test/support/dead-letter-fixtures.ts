/**
 * Dead letters of stage `prod` in the shapes the README describes, built from the sample events in
 * events/, so that a replayed letter is checked against what the functions accept.
 */
import { loadEvent } from '../../local/harness';
import type { DeadLetter } from '../../lib/usecases/console-ports';

const ACCOUNT = '123456789012';
export const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const RULE_ARN = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/${name}`;

export type LetterContent = Omit<DeadLetter, 'receiptHandle'>;

/** What EventBridge sends to the dead-letter queue when it could not invoke a rule's target. */
export function eventTargetLetter(messageId: string, rule: string, target: string | undefined, event: unknown): LetterContent {
  return {
    messageId,
    body: JSON.stringify(event),
    attributes: {
      RULE_ARN: RULE_ARN(rule),
      ...(target === undefined ? {} : { TARGET_ARN: FUNCTION_ARN(target) }),
      ERROR_CODE: 'Throttling',
      ERROR_MESSAGE: 'Rate Exceeded.',
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
    },
    sentAt: '2026-11-25T08:12:00.000Z',
  };
}

/** What Lambda sends to an onFailure destination after a function's last retry failed. */
export function invocationRecordLetter(messageId: string, functionArn: string, requestPayload: unknown): LetterContent {
  return {
    messageId,
    body: JSON.stringify({
      version: '1.0',
      timestamp: '2026-11-25T08:20:00.000Z',
      requestContext: { requestId: 'c0ffee00-1111-2222-3333-444444444444', functionArn, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'StoreError', errorMessage: 'DynamoDB failed while reading pair states: ThrottlingException' },
    }),
    attributes: {},
    sentAt: '2026-11-25T08:20:01.000Z',
  };
}

/** The SNS message (what SNS hands a queue) that SNS could not deliver to the slack function. */
export function snsMessage(): Record<string, unknown> {
  const { Sns } = loadEvent<{ Records: [{ Sns: Record<string, unknown> }] }>('sns-notification.json').Records[0];
  return Sns;
}

export function snsRedriveLetter(messageId: string): LetterContent {
  return { messageId, body: JSON.stringify(snsMessage()), attributes: {}, sentAt: '2026-11-25T08:30:00.000Z' };
}

export const alarmEvent = () => loadEvent<Record<string, unknown>>('alarm-alarm.json');
export const scheduledEvent = () => loadEvent<Record<string, unknown>>('scheduled.json');
export const snsEvent = () => loadEvent<Record<string, unknown>>('sns-notification.json');
