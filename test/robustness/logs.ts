/**
 * The handlers' log lines during `work`. Tests run with the shared logger SILENT (test/support/quiet-logs.ts):
 * it is turned up for the call and put back after, and nothing reaches the console.
 */
import { logger } from '../../lib/runtime/logger';
import { captureOutput } from '../support/output-capture';

export async function logsOf<T>(work: () => Promise<T>): Promise<{ readonly result: PromiseSettledResult<T>; readonly lines: Record<string, unknown>[] }> {
  const level = logger.getLevelName();
  const output = captureOutput();
  logger.setLogLevel('INFO');
  try {
    const [result] = await Promise.allSettled([work()]);
    return { result: result as PromiseSettledResult<T>, lines: output.jsonLines() };
  } finally {
    logger.setLogLevel(level);
    output.restore();
  }
}

/** The messages of the ERROR lines. */
export function errorMessages(lines: readonly Record<string, unknown>[]): unknown[] {
  return lines.filter((line) => line['level'] === 'ERROR').map((line) => line['message']);
}
