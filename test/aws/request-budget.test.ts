import { RequestBudget } from '../../lib/aws/request-budget';
import { ConfigurationError } from '../../lib/errors';

/** A manual clock: `sleep` resolves only when the test advances time past its deadline. */
class ManualClock {
  private nowMs = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  readonly now = (): number => this.nowMs;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.nowMs + ms, resolve });
    });

  /** Moves time forward in 1 ms steps, letting woken waiters run between steps. */
  async advance(ms: number): Promise<void> {
    for (let step = 0; step < ms; step += 1) {
      this.nowMs += 1;
      const due = this.timers.filter((t) => t.at <= this.nowMs);
      this.timers = this.timers.filter((t) => t.at > this.nowMs);
      due.forEach((t) => t.resolve());
      await flush();
    }
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};

/** Starts `count` acquires at once and records the clock time at which each one is granted. */
function acquireAll(budget: RequestBudget, clock: ManualClock, count: number): number[] {
  const grantedAt: number[] = new Array<number>(count).fill(Number.NaN);
  for (let i = 0; i < count; i += 1) {
    void budget.acquire().then(() => {
      grantedAt[i] = clock.now();
    });
  }
  return grantedAt;
}

describe('RequestBudget', () => {
  it('5 rps with burst 1: the 11th of 11 simultaneous acquires is granted 2 s later, each 200 ms after the previous', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ requestsPerSecond: 5, now: clock.now, sleep: clock.sleep });
    const grantedAt = acquireAll(budget, clock, 11);
    await flush();
    await clock.advance(2_500);
    expect(grantedAt).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
  });

  it('5 rps with burst 10: ten acquires go at once and the 11th waits one token, 200 ms', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ requestsPerSecond: 5, burst: 10, now: clock.now, sleep: clock.sleep });
    const grantedAt = acquireAll(budget, clock, 11);
    await flush();
    expect(grantedAt.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect(grantedAt[10]).toBeNaN();
    await clock.advance(199);
    expect(grantedAt[10]).toBeNaN();
    await clock.advance(1);
    expect(grantedAt[10]).toBe(200);
  });

  it('the default GetHealthCheckStatus shape (burst 4, then 1/s): 4 at once, then one a second', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ requestsPerSecond: 1, burst: 4, now: clock.now, sleep: clock.sleep });
    const grantedAt = acquireAll(budget, clock, 7);
    await flush();
    await clock.advance(3_500);
    expect(grantedAt).toEqual([0, 0, 0, 0, 1000, 2000, 3000]);
  });

  it('a quiet spell refills the bucket only up to the burst', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ requestsPerSecond: 5, burst: 3, now: clock.now, sleep: clock.sleep });
    await clock.advance(1_000); // far more than 3 tokens' worth of refill
    const grantedAt = acquireAll(budget, clock, 5);
    await flush();
    await clock.advance(1_000);
    expect(grantedAt).toEqual([1000, 1000, 1000, 1200, 1400]);
  });

  it('tokens used while waiting are paid back over time: a later acquire after the queue drains goes at once', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ requestsPerSecond: 10, now: clock.now, sleep: clock.sleep });
    const first = acquireAll(budget, clock, 3);
    await flush();
    await clock.advance(300);
    expect(first).toEqual([0, 100, 200]);
    const later = acquireAll(budget, clock, 1);
    await flush();
    expect(later).toEqual([300]);
  });

  it('the real clock: a burst-1 budget at 50 rps spaces three acquires by about 20 ms', async () => {
    const budget = new RequestBudget({ requestsPerSecond: 50 });
    const started = Date.now();
    await Promise.all([budget.acquire(), budget.acquire(), budget.acquire()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(38);
  });

  it.each([
    [{ requestsPerSecond: 0 }, /requestsPerSecond above 0/],
    [{ requestsPerSecond: Number.NaN }, /requestsPerSecond above 0/],
    [{ requestsPerSecond: 5, burst: 0 }, /burst of at least 1/],
    [{ requestsPerSecond: 5, burst: 1.5 }, /burst of at least 1/],
  ])('rejects %j with a ConfigurationError naming the setting', (options, message) => {
    expect(() => new RequestBudget(options)).toThrow(ConfigurationError);
    expect(() => new RequestBudget(options)).toThrow(message);
  });
});
