/** One line for a run summary or log field: `Name: message` for an Error, the value itself otherwise. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Gives an error class its name as written, for the deployed bundles, which are minified without
 * esbuild's keepNames (it costs every function in the bundle a rename call, ~5 ms of each cold start;
 * bench/README.md): on the class (what `serverless invoke local` reports as errorType) and on its
 * instances, through the prototype (what Lambda reports, logs and `describeError` print). Call it in
 * a static block of every error class, abstract ones included.
 */
export function nameErrorClass(errorClass: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(errorClass, 'name', { value: name });
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** Every error Failwatch raises on purpose. The message says what to fix. */
export class FailwatchError extends Error {
  static {
    nameErrorClass(this, 'FailwatchError');
  }
}

/**
 * A mistake in what the user gave us, not in our code: the message says what to fix, and a stack
 * trace would only bury it, so the stack is the message alone.
 */
abstract class UserInputError extends FailwatchError {
  static {
    nameErrorClass(this, 'UserInputError');
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stack = `${this.name}: ${message}`;
  }
}

/** An event or request of the wrong shape. Nothing was written or sent. */
export class InvalidEventError extends UserInputError {
  static {
    nameErrorClass(this, 'InvalidEventError');
  }
}

/** A missing or invalid setting. Nothing was written or sent. */
export class ConfigurationError extends UserInputError {
  static {
    nameErrorClass(this, 'ConfigurationError');
  }
}

/** A request names no recorded pair (a misspelt record, another zone), or several where it needs one. Nothing was sent. */
export class PairSelectionError extends UserInputError {
  static {
    nameErrorClass(this, 'PairSelectionError');
  }
}

/** Another run recorded this pair first; reload the state and decide again. */
export class StaleStateError extends FailwatchError {
  static {
    nameErrorClass(this, 'StaleStateError');
  }

  constructor(readonly pairKey: string, detail: string) {
    super(`State of ${pairKey} changed under us (${detail}); reload and decide again.`);
  }
}

/** A call to an outside service failed. `retryable` says whether trying again may help. */
abstract class FailingCallError extends FailwatchError {
  static {
    nameErrorClass(this, 'FailingCallError');
  }

  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A store call failed for a reason other than a lost race. */
export class StoreError extends FailingCallError {
  static {
    nameErrorClass(this, 'StoreError');
  }
}

/** A health source (Route 53, CloudWatch) could not be read. */
export class HealthSourceError extends FailingCallError {
  static {
    nameErrorClass(this, 'HealthSourceError');
  }
}

/** A notification could not be delivered. */
export class NotifierError extends FailingCallError {
  static {
    nameErrorClass(this, 'NotifierError');
  }

  /** What the channel called the failure (SNS `NotFoundException`, a network `TimeoutError`), for logs and metrics; absent when Failwatch refused to send. */
  readonly code?: string;

  constructor(message: string, retryable: boolean, options?: { cause?: unknown; code?: string }) {
    super(message, retryable, options);
    if (options?.code !== undefined) this.code = options.code;
  }
}

/** Managed alarms could not be listed, created or deleted. */
export class AlarmManagerError extends FailingCallError {
  static {
    nameErrorClass(this, 'AlarmManagerError');
  }
}

/**
 * What the operator console reads from AWS to look at a stage (its functions' configuration, its topic's
 * subscriptions, the Slack parameter's type, Failwatch's own metrics, the dead-letter queue's size) could
 * not be read.
 */
export class ConsoleReadError extends FailingCallError {
  static {
    nameErrorClass(this, 'ConsoleReadError');
  }
}

/** A dead letter could not be received, replayed to its function, or deleted. */
export class DeadLetterError extends FailingCallError {
  static {
    nameErrorClass(this, 'DeadLetterError');
  }
}
