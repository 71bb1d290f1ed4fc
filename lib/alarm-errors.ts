/** The managed-alarms error, beside lib/errors.ts's family (kept apart while that file is not ours to edit). */
import { FailwatchError } from './errors';

/** Managed alarms could not be listed, created or deleted. `retryable` says whether trying again may help. */
export class AlarmManagerError extends FailwatchError {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}
