/**
 * What a dead letter is, and how to send it back to the function that failed (README, "Dead letters"):
 *   - EventBridge target (a RULE_ARN attribute): the body is the event. A poll event needs no replay
 *     (the next sweep did its work): it is discarded. An alarm event goes back to the alarm function.
 *   - Lambda invocation record (the body has requestContext): `requestPayload`, the original event,
 *     goes back to the function `requestContext.functionArn` names.
 *   - SNS redrive (the body is `"Type": "Notification"`): wrapped as Lambda receives it from SNS, for
 *     the slack function.
 * Only this stage's own functions are ever invoked; a letter naming another, or of a shape none of
 * these, is kept, with the reason.
 */
import type { DeadLetter, StageNames } from './console-ports';

export const DeadLetterSource = {
  EVENT_TARGET: 'EVENT_TARGET',
  FAILED_INVOCATION: 'FAILED_INVOCATION',
  SNS_DELIVERY: 'SNS_DELIVERY',
  UNKNOWN: 'UNKNOWN',
} as const;
export type DeadLetterSource = (typeof DeadLetterSource)[keyof typeof DeadLetterSource];

export type ReplayPlan =
  | { readonly kind: 'INVOKE'; readonly functionName: string; readonly payload: unknown }
  /** Nothing to replay: delete it. */
  | { readonly kind: 'DISCARD'; readonly reason: string }
  /** Cannot be replayed safely: leave it in the queue. */
  | { readonly kind: 'KEEP'; readonly reason: string };

/** A dead letter as a person reads it. */
export interface DeadLetterReading {
  readonly source: DeadLetterSource;
  /** The function it was meant for, when it says. */
  readonly functionName?: string;
  /** Why it failed, when it says (EventBridge's ERROR_CODE and ERROR_MESSAGE, the function's error). */
  readonly error?: string;
  /** What it is about, in a few words: the event's type and alarm, or the notification's subject. */
  readonly about?: string;
  readonly replay: ReplayPlan;
}

/** EventBridge's attributes on a message it could not deliver to a target. */
const RULE_ARN = 'RULE_ARN';
const TARGET_ARN = 'TARGET_ARN';
const ERROR_CODE = 'ERROR_CODE';
const ERROR_MESSAGE = 'ERROR_MESSAGE';
/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]` */
const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$/;
/** `arn:<partition>:events:<region>:<account>:rule/[<bus>/]<name>` */
const RULE_NAME = /:rule\/(?:[^/]+\/)?([^/]+)$/;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseBody(body: string): Json | undefined {
  try {
    return asObject(JSON.parse(body));
  } catch {
    return undefined;
  }
}

export function functionNameOf(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : FUNCTION_ARN.exec(arn)?.[1];
}

/** What an event (as a function receives it) is about: an alarm event's alarm and state, an SNS event's subject. */
function describeEvent(event: Json | undefined): string | undefined {
  if (event === undefined) return undefined;
  const detail = asObject(event['detail']);
  const alarm = text(detail?.['alarmName']);
  if (alarm !== undefined) return `${text(event['detail-type']) ?? 'event'}: ${alarm} → ${text(asObject(detail?.['state'])?.['value']) ?? '?'}`;
  const detailType = text(event['detail-type']);
  if (detailType !== undefined) return detailType;
  const records = event['Records'];
  const sns = Array.isArray(records) ? asObject(asObject(records[0])?.['Sns']) : undefined;
  return sns === undefined ? undefined : describeNotification(sns);
}

function describeNotification(notification: Json): string {
  return `notification: ${text(notification['Subject']) ?? text(notification['MessageId']) ?? '(no subject)'}`;
}

export function readDeadLetter(letter: DeadLetter, names: StageNames): DeadLetterReading {
  const body = parseBody(letter.body);
  const ruleArn = letter.attributes[RULE_ARN];
  if (ruleArn !== undefined) return readEventTarget(letter, body, ruleArn, names);
  const requestContext = asObject(body?.['requestContext']);
  if (body !== undefined && requestContext !== undefined) return readFailedInvocation(body, requestContext, names);
  if (body !== undefined && body['Type'] === 'Notification') {
    return {
      source: DeadLetterSource.SNS_DELIVERY,
      functionName: names.functions.slack,
      about: describeNotification(body),
      replay: { kind: 'INVOKE', functionName: names.functions.slack, payload: { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: body }] } },
    };
  }
  return {
    source: DeadLetterSource.UNKNOWN,
    replay: { kind: 'KEEP', reason: 'not a shape Failwatch sends to its dead-letter queue (an EventBridge event with RULE_ARN, a Lambda invocation record, or an SNS notification)' },
  };
}

function readEventTarget(letter: DeadLetter, body: Json | undefined, ruleArn: string, names: StageNames): DeadLetterReading {
  const code = letter.attributes[ERROR_CODE];
  const message = letter.attributes[ERROR_MESSAGE];
  const error = code === undefined && message === undefined ? undefined : [code, message].filter((part) => part !== undefined).join(': ');
  // The target's ARN names the function; the rule's name says it too, for a letter without TARGET_ARN.
  const rule = RULE_NAME.exec(ruleArn)?.[1];
  const functionName =
    functionNameOf(letter.attributes[TARGET_ARN]) ?? (rule === names.rules.poll ? names.functions.poll : rule === names.rules.alarm ? names.functions.alarm : undefined);
  const reading = { source: DeadLetterSource.EVENT_TARGET, ...(functionName === undefined ? {} : { functionName }), ...(error === undefined ? {} : { error }) };
  const about = describeEvent(body);
  const described = about === undefined ? reading : { ...reading, about };
  if (functionName === names.functions.poll) return { ...described, replay: { kind: 'DISCARD', reason: 'a missed sweep needs no replay: the next sweep looked at every pair' } };
  if (functionName !== names.functions.alarm) return { ...described, replay: { kind: 'KEEP', reason: notThisStage(functionName ?? `the target of rule ${ruleArn}`, names) } };
  if (body === undefined) return { ...described, replay: { kind: 'KEEP', reason: 'its body is not the JSON event EventBridge sent' } };
  return { ...described, replay: { kind: 'INVOKE', functionName, payload: body } };
}

function readFailedInvocation(body: Json, requestContext: Json, names: StageNames): DeadLetterReading {
  const functionName = functionNameOf(text(requestContext['functionArn']));
  const response = asObject(body['responsePayload']);
  const failure = [text(response?.['errorType']), text(response?.['errorMessage'])].filter((part) => part !== undefined).join(': ');
  const condition = text(requestContext['condition']);
  const error = [failure, condition === undefined ? undefined : `(${condition})`].filter((part) => part !== undefined && part !== '').join(' ');
  const payload = body['requestPayload'];
  const about = describeEvent(asObject(payload));
  const reading = {
    source: DeadLetterSource.FAILED_INVOCATION,
    ...(functionName === undefined ? {} : { functionName }),
    ...(error === '' ? {} : { error }),
    ...(about === undefined ? {} : { about }),
  };
  if (functionName === names.functions.poll) return { ...reading, replay: { kind: 'DISCARD', reason: 'a failed sweep needs no replay: the next sweep looked at every pair' } };
  if (functionName !== names.functions.alarm && functionName !== names.functions.slack) {
    return { ...reading, replay: { kind: 'KEEP', reason: notThisStage(functionName ?? 'no function (requestContext.functionArn is missing)', names) } };
  }
  if (payload === undefined) return { ...reading, replay: { kind: 'KEEP', reason: 'the record has no requestPayload to replay' } };
  return { ...reading, replay: { kind: 'INVOKE', functionName, payload } };
}

function notThisStage(what: string, names: StageNames): string {
  return `it names ${what}, not one of stage ${names.stage}'s functions (${names.functions.alarm}, ${names.functions.slack})`;
}
