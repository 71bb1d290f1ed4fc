/** Records everything written to stdout, stderr and the console while a test runs, and keeps it quiet. */
import { inspect } from 'node:util';

export interface OutputCapture {
  readonly text: () => string;
  /** Lines that parse as JSON (Powertools Logger writes one object per line). */
  readonly jsonLines: () => Record<string, unknown>[];
  readonly restore: () => void;
}

export function captureOutput(): OutputCapture {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => {
    chunks.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 20 }))).join(' '));
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (record(String(chunk)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (record(String(chunk)), true)),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => jest.spyOn(console, method).mockImplementation(record)),
  ];
  return {
    text: () => chunks.join('\n'),
    jsonLines: () =>
      chunks
        .join('\n')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Everything an error could show anyone: message, stack, own and hidden properties, the cause chain. */
export function everythingIn(error: unknown): string {
  return inspect(error, { depth: 20, showHidden: true });
}
