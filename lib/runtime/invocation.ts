/**
 * When the running Lambda invocation must end. The SDK clients outlive invocations (one set per
 * container), so what they do within one (their retries, lib/aws/client-config.ts) reads its end from
 * here: the async context of the call that made the request, so concurrent invocations in one process
 * (tests, the bench) each see their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

const invocation = new AsyncLocalStorage<{ readonly endsAt: Date }>();

/** The end of the invocation whose work is calling; undefined outside one, or when Lambda gave no context. */
export function currentInvocationEnd(): Date | undefined {
  return invocation.getStore()?.endsAt;
}

/** Milliseconds Lambda says the invocation has left; undefined without a Lambda context (tests, tools). */
export function remainingTimeOf(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): number | undefined {
  return context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
}

/**
 * Runs one invocation's work knowing when Lambda stops it: the time Lambda says remains, from the real
 * clock (what the SDK's retries are timed by; a handler's injected clock may be a fixed one).
 */
export function withinInvocation<T>(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined, work: () => Promise<T>): Promise<T> {
  const remainingMs = remainingTimeOf(context);
  return remainingMs === undefined ? work() : invocation.run({ endsAt: new Date(Date.now() + remainingMs) }, work);
}
