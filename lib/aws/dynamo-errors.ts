/** DynamoDB SDK failures → Failwatch errors: the store's callers never see an SDK exception. */
import { FailwatchError, StoreError } from '../errors';

/** Throttling and server faults the SDK gave up retrying: trying again later may work. */
const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: unknown;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  // By name, not instanceof: a second copy of the SDK in the bundle must still be recognised.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function isRetryable(error: SdkErrorShape): boolean {
  if (error.$retryable !== undefined || error.$fault === 'server') return true;
  if (typeof error.name === 'string' && RETRYABLE_ERROR_NAMES.has(error.name)) return true;
  // No service response at all (connection reset, timeout): the request may not even have arrived.
  return error.$metadata === undefined;
}

/** Wraps any failure of `action` (e.g. "writing the state of <pair>") as a StoreError; our own errors pass through. */
export function toStoreError(error: unknown, action: string): FailwatchError {
  if (error instanceof FailwatchError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? error : {};
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  return new StoreError(`DynamoDB failed while ${action}: ${name}: ${message}`, isRetryable(shape), { cause: error });
}

/** Runs one SDK call, turning any failure into a StoreError that names `action`. */
export async function withStoreError<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error, action);
  }
}
