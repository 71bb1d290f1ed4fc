/**
 * The running Lambda invocation, for code that outlives invocations. The SDK clients outlive them (one
 * set per container), so what they do within one reads it from here: their retries read its end (lib/aws/client-config.ts),
 * and the Route 53 client counts the throttled answers it got (Failwatch's Route53Throttles metric). It
 * is the async context of the call that made the request, so concurrent invocations in one process
 * (tests, the bench) each see their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

interface RunningInvocation {
  /** Undefined when Lambda gave no context (tests, tools). */
  readonly endsAt: Date | undefined;
  route53Throttles: number;
}

const invocation = new AsyncLocalStorage<RunningInvocation>();

/** The end of the invocation whose work is calling; undefined outside one, or when Lambda gave no context. */
export function currentInvocationEnd(): Date | undefined {
  return invocation.getStore()?.endsAt;
}

/** Counts one Route 53 answer `Throttling` against the invocation whose work got it (outside one: nowhere). */
export function countRoute53Throttle(): void {
  const running = invocation.getStore();
  if (running !== undefined) running.route53Throttles += 1;
}

/** How many Route 53 answers `Throttling` the running invocation has had so far (retried ones included). */
export function route53ThrottlesSoFar(): number {
  return invocation.getStore()?.route53Throttles ?? 0;
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
  return invocation.run({ endsAt: remainingMs === undefined ? undefined : new Date(Date.now() + remainingMs), route53Throttles: 0 }, work);
}
