/** One line for a run summary or log field: `Name: message` for an Error, the value itself otherwise. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Every error Failwatch raises on purpose. The message says what to fix. */
export class FailwatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A mistake in what the user gave us, not in our code: the message says what to fix, and a stack
 * trace would only bury it, so the stack is the message alone.
 */
abstract class UserInputError extends FailwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stack = `${this.name}: ${message}`;
  }
}

/** An event or request of the wrong shape. Nothing was written or sent. */
export class InvalidEventError extends UserInputError {}

/** A missing or invalid setting. Nothing was written or sent. */
export class ConfigurationError extends UserInputError {}

/** Another run recorded this pair first; reload the state and decide again. */
export class StaleStateError extends FailwatchError {
  constructor(readonly pairKey: string, detail: string) {
    super(`State of ${pairKey} changed under us (${detail}); reload and decide again.`);
  }
}

/** A call to an outside service failed. `retryable` says whether trying again may help. */
abstract class FailingCallError extends FailwatchError {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A store call failed for a reason other than a lost race. */
export class StoreError extends FailingCallError {}

/** A health source (Route 53, CloudWatch) could not be read. */
export class HealthSourceError extends FailingCallError {}

/** A notification could not be delivered. */
export class NotifierError extends FailingCallError {}

/** Managed alarms could not be listed, created or deleted. */
export class AlarmManagerError extends FailingCallError {}
