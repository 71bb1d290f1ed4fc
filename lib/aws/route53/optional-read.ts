/**
 * How an optional Route 53 read is made (checker evidence, TestDNSAnswer): read right before a commit,
 * so it must never hold one up nor spend the account's rate that other containers share. In order:
 * not asked when this container's own budget would hold it longer than the bound; not asked when the
 * account-wide gate (lib/aws/dynamodb/rate-gate.ts) says another container took this window, or cannot
 * say; otherwise asked once, abandoned once the bound has passed. What each outcome means to a message
 * is the caller's to say.
 */
import type { AccountRateGate } from '../dynamodb/rate-gate';
import { RateClaim } from '../dynamodb/rate-gate';
import type { RequestBudget } from '../request-budget';

export interface OptionalReadLimits {
  /** The container's own budgets the one-attempt client waits on. */
  readonly budgets: readonly RequestBudget[];
  /** The account-wide allowance for the operation. */
  readonly gate: AccountRateGate;
  readonly boundMs: number;
}

export type OptionalRead<T> =
  | { readonly kind: 'READ'; readonly value: T }
  | { readonly kind: 'BUDGET_SHORT'; readonly waitMs: number }
  | { readonly kind: 'RATE_SPENT' }
  | { readonly kind: 'GATE_FAILED'; readonly error: unknown }
  | { readonly kind: 'TIMED_OUT' }
  | { readonly kind: 'FAILED'; readonly error: unknown };

export async function readWithinAccountRate<T>(limits: OptionalReadLimits, read: (abortSignal: AbortSignal) => Promise<T>): Promise<OptionalRead<T>> {
  const waitMs = Math.max(0, ...limits.budgets.map((budget) => budget.waitMs()));
  if (waitMs > limits.boundMs) return { kind: 'BUDGET_SHORT', waitMs };
  try {
    if ((await limits.gate.claim()) === RateClaim.SPENT) return { kind: 'RATE_SPENT' };
  } catch (error) {
    return { kind: 'GATE_FAILED', error };
  }
  try {
    return { kind: 'READ', value: await read(AbortSignal.timeout(limits.boundMs)) };
  } catch (error) {
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return { kind: 'TIMED_OUT' };
    return { kind: 'FAILED', error };
  }
}
