/** Small pieces every handler shares: build dependencies once per container, and the time budget. */
import type { Context } from 'aws-lambda';

/** Builds on first use and keeps the result; a failed build (bad configuration) is retried next time. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/** Leave this much of the Lambda's time to write what was decided and publish it. */
const SAFETY_MARGIN_MS = 10_000;

export function deadlineFrom(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined, now: Date): Date | undefined {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  return new Date(now.getTime() + Math.max(0, context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS));
}
