import { RequestBudget } from '../../lib/aws/request-budget';

/**
 * A request budget on a clock that stands still: an attempt that must wait records how long the budget
 * holds it, and goes at once. The waits say when each attempt is let go, whatever the machine's load
 * (timing arrivals at a server measures the machine as much as the budget).
 */
export function ledgerBudget(requestsPerSecond: number): { readonly budget: RequestBudget; readonly waits: number[] } {
  const waits: number[] = [];
  return { budget: new RequestBudget({ requestsPerSecond, burst: 1, now: () => 0, sleep: async (ms) => void waits.push(ms) }), waits };
}
