/**
 * A client-side request budget: a token bucket every HTTP attempt waits on.
 * Route 53's request rate is account-wide and shared with deployment tools, so Failwatch spends
 * only the share it is given instead of discovering the limit through `Throttling` errors.
 */
import type { FinalizeHandlerArguments, FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { ConfigurationError } from '../errors';

export interface RequestBudgetOptions {
  /** Tokens added per second. */
  readonly requestsPerSecond: number;
  /** Most tokens the bucket holds: how many requests may go at once after a quiet spell. Default 1. */
  readonly burst?: number;
  /** Milliseconds since any fixed origin (tests pass a fake clock). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RequestBudget {
  readonly requestsPerSecond: number;
  readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** May go negative: each waiter reserves its token up front, which keeps waiters in arrival order. */
  private tokens: number;
  private updatedAt: number;

  constructor(options: RequestBudgetOptions) {
    const { requestsPerSecond, burst = 1 } = options;
    if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
      throw new ConfigurationError(`A request budget needs requestsPerSecond above 0, got ${String(requestsPerSecond)}`);
    }
    if (!Number.isInteger(burst) || burst < 1) {
      throw new ConfigurationError(`A request budget needs a whole burst of at least 1, got ${String(burst)}`);
    }
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.tokens = burst;
    this.updatedAt = this.now();
  }

  /** Resolves when the caller may send one request. */
  async acquire(): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    await this.sleep(Math.ceil((-this.tokens * 1000) / this.requestsPerSecond));
  }

  /**
   * How long a request asked for now would wait, without taking a token: what a caller that would rather
   * skip an optional call than queue behind a storm of others looks at.
   */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.requestsPerSecond);
  }

  private refill(): void {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.requestsPerSecond) / 1000);
    this.updatedAt = now;
  }
}

export interface AttachRequestBudgetOptions {
  /** Unique in the client's stack; attach several budgets under different names. */
  readonly name?: string;
  /** Only these commands (`GetHealthCheckStatusCommand`) wait on the budget; default every command. */
  readonly commandNames?: readonly string[];
}

/**
 * Makes every HTTP attempt of `client` wait for a token, retries included: the middleware sits right
 * after the SDK's `retryMiddleware`, inside its retry loop and before signing.
 */
export function attachRequestBudget<Input extends object, Output extends MetadataBearer>(
  client: { readonly middlewareStack: MiddlewareStack<Input, Output> },
  budget: RequestBudget,
  options: AttachRequestBudgetOptions = {},
): void {
  const only = options.commandNames === undefined ? undefined : new Set(options.commandNames);
  const middleware: FinalizeRequestMiddleware<Input, Output> =
    (next, context) =>
    async (args: FinalizeHandlerArguments<Input>) => {
      if (only === undefined || only.has(context.commandName ?? '')) await budget.acquire();
      return next(args);
    };
  client.middlewareStack.addRelativeTo(middleware, {
    name: options.name ?? 'failwatchRequestBudget',
    relation: 'after',
    toMiddleware: 'retryMiddleware',
  });
}
