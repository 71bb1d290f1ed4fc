/**
 * DynamoDB's batch operations may do part of a request and hand the rest back (UnprocessedKeys,
 * UnprocessedItems) when throughput runs short; AWS asks for the rest to be sent again after an
 * exponential backoff. Failwatch waits as the client's own retry strategy waits after a throttled
 * request, so one setting (the client's attempts and backoff, lib/aws/client-config.ts) bounds both.
 */
import type { RetryStrategy, RetryStrategyV2, RetryToken } from '@smithy/types';

export interface RetryingClient {
  readonly config: { readonly retryStrategy: () => Promise<RetryStrategy | RetryStrategyV2> };
}

/**
 * Sends `work`, then whatever each answer leaves unprocessed, until nothing is left; throws
 * `giveUp(left, attempts)` when the client's retry strategy allows no further attempt.
 */
export async function sendUntilProcessed<T>(
  client: RetryingClient,
  operation: string,
  work: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  giveUp: (left: number, attempts: number) => Error,
): Promise<void> {
  const strategy = await client.config.retryStrategy();
  let token = isTokenStrategy(strategy) ? await strategy.acquireInitialRetryToken(operation) : undefined;
  let pending = work;
  for (let attempt = 1; ; attempt++) {
    pending = await send(pending);
    if (pending.length === 0) {
      if (token !== undefined && isTokenStrategy(strategy)) strategy.recordSuccess(token);
      return;
    }
    token = await nextAttempt(strategy, token, () => giveUp(pending.length, attempt));
  }
}

function isTokenStrategy(strategy: RetryStrategy | RetryStrategyV2): strategy is RetryStrategyV2 {
  return 'acquireInitialRetryToken' in strategy;
}

/**
 * Waits as the strategy says for a throttled request and returns its new token; throws `giveUp()` when
 * it allows no more attempts (or is a legacy strategy, which cannot be asked).
 */
async function nextAttempt(strategy: RetryStrategy | RetryStrategyV2, token: RetryToken | undefined, giveUp: () => Error): Promise<RetryToken> {
  if (token === undefined || !isTokenStrategy(strategy)) throw giveUp();
  let next: RetryToken;
  try {
    next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
  } catch {
    throw giveUp();
  }
  const delayMs = next.getRetryDelay();
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return next;
}
