/** What Failwatch needs to know about an SDK failure, read from `unknown` without trusting its shape. */
import { ConsoleReadError } from '../errors';

export interface SdkErrorFacts {
  /** The service's error code (`Throttling`, `AccessDenied`, `NoSuchHostedZone`) or the JS error name. */
  readonly name: string;
  readonly message: string;
  readonly httpStatus?: number;
  /** HTTP attempts the SDK made before giving up, when it says. */
  readonly attempts?: number;
  /** Whether calling again later may help. */
  readonly retryable: boolean;
  /**
   * The endpoint answered with something the SDK could not read as the service's answer: a page of a proxy,
   * or of an emulator that lacks the operation (moto answers its HTML 404 page for TestDNSAnswer).
   */
  readonly unreadableAnswer?: true;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorized']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequestsException', 'PriorRequestNotComplete']);

/** The SDK's default credential chain found nothing: no request was sent. */
const MISSING_CREDENTIALS = 'CredentialsProviderError';

/** What to set when no credentials were found, for every adapter's message. */
export const MISSING_CREDENTIALS_ADVICE =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile of ~/.aws/config (run `aws sso login` first for an SSO profile); Lambda provides its own';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function numberField(value: unknown, key: string): number | undefined {
  const found = field(value, key);
  return typeof found === 'number' ? found : undefined;
}

export function sdkErrorFacts(error: unknown): SdkErrorFacts {
  const rawName = field(error, 'name');
  const rawMessage = field(error, 'message');
  const name = typeof rawName === 'string' && rawName !== '' ? rawName : 'Error';
  const message = typeof rawMessage === 'string' && rawMessage !== '' ? rawMessage : String(error);
  const metadata = field(error, '$metadata');
  // The SDK hangs the raw answer on every error that came from one; only those it could read as the
  // service's own error carry a fault (client or server).
  const unreadableAnswer = field(error, '$response') !== undefined && field(error, '$fault') === undefined;
  const httpStatus = numberField(metadata, 'httpStatusCode');
  const attempts = numberField(metadata, 'attempts');
  // No HTTP status means the request never got an answer (network, timeout): worth another try.
  const answeredRetryable = httpStatus === undefined ? !ACCESS_DENIED.has(name) && name !== MISSING_CREDENTIALS : httpStatus >= 500;
  const retryable = THROTTLED.has(name) || field(error, '$retryable') !== undefined || answeredRetryable;
  return {
    name,
    // The SDK's own hint on a second line ("Deserialization error: ... inspect {error}.$response") means nothing to the reader of a message.
    message: unreadableAnswer ? (message.split('\n')[0] ?? message) : message,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    retryable,
    ...(unreadableAnswer ? { unreadableAnswer } : {}),
  };
}

export function isAccessDenied(facts: Pick<SdkErrorFacts, 'name' | 'httpStatus'>): boolean {
  return ACCESS_DENIED.has(facts.name) || facts.httpStatus === 403;
}

export function isMissingCredentials(facts: Pick<SdkErrorFacts, 'name'>): boolean {
  return facts.name === MISSING_CREDENTIALS;
}

export function isThrottled(facts: Pick<SdkErrorFacts, 'name'>): boolean {
  return THROTTLED.has(facts.name);
}

/** `Throttling: Rate exceeded (HTTP 400, 3 attempts)`; an unreadable answer: `HTTP 404 answer that is no AWS response (the SDK could not read it: ...)`. */
export function describeSdkError(facts: SdkErrorFacts): string {
  if (facts.unreadableAnswer) return `HTTP ${facts.httpStatus ?? 'status unknown'} answer that is no AWS response (the SDK could not read it: ${facts.message})`;
  const details = [
    ...(facts.httpStatus !== undefined ? [`HTTP ${facts.httpStatus}`] : []),
    ...(facts.attempts !== undefined && facts.attempts > 1 ? [`${facts.attempts} attempts`] : []),
  ];
  return `${facts.name}: ${facts.message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * A failed read of the operator console (`action` is the IAM action, e.g. `sns:ListSubscriptionsByTopic`)
 * as a ConsoleReadError whose message says what to grant or set.
 */
export function consoleReadError(action: string, what: string, error: unknown): ConsoleReadError {
  const facts = sdkErrorFacts(error);
  return new ConsoleReadError(failedCallMessage(action, what, facts), facts.retryable, { cause: error });
}

/** What the operator console says of a failed call: no credentials, refused (what to grant), or failed (why). */
export function failedCallMessage(action: string, what: string, facts: SdkErrorFacts): string {
  const detail = describeSdkError(facts);
  return isMissingCredentials(facts)
    ? `No AWS credentials to call ${action} on ${what}: ${MISSING_CREDENTIALS_ADVICE}`
    : isAccessDenied(facts)
      ? `AWS refused ${action} on ${what} (${detail}): grant ${action} to the identity running the command`
      : `${action} on ${what} failed (${detail})`;
}
