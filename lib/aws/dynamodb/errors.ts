/** DynamoDB SDK failures → Failwatch errors: the store's callers never see an SDK exception. */
import { FailwatchError, StoreError } from '../../errors';
import { sdkErrorFacts } from '../sdk-errors';

/** Throttling and server faults the SDK gave up retrying: trying again later may work. */
const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
]);

export function isConditionalCheckFailed(error: unknown): boolean {
  // By name, not instanceof: a second copy of the SDK in the bundle must still be recognised.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Wraps any failure of `action` (e.g. "writing the state of <pair>") as a StoreError; our own errors pass through. */
export function toStoreError(error: unknown, action: string): FailwatchError {
  if (error instanceof FailwatchError) return error;
  // sdkErrorFacts: throttling, a server fault, `$retryable`, or no answer at all (timeout, reset) may pass on a later try.
  const facts = sdkErrorFacts(error);
  return new StoreError(`DynamoDB failed while ${action}: ${facts.name}: ${facts.message}`, facts.retryable || RETRYABLE_ERROR_NAMES.has(facts.name), { cause: error });
}

/** Runs one SDK call, turning any failure into a StoreError that names `action`. */
export async function withStoreError<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error, action);
  }
}
