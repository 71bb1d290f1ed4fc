/**
 * A sweep ends within its Lambda timeout whatever happens at once. The poll handler's deadline is the
 * Lambda's end less 10 s; evidence reads (GetHealthCheckStatus, 1 a second) stop 10 s before it, the pairs
 * are recorded, and publishing stops at it: what is left stays pending, its claims released, for the next
 * run. Time is modelled on the harness's clock: 1 s per GetHealthCheckStatus (its documented rate), 50 ms
 * per SNS Publish, one after another (the clock does not model publishing pairs at once); DynamoDB costs
 * no time here.
 */
import type { Context } from 'aws-lambda';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

const LAMBDA_TIMEOUT_MS = 60_000; // serverless.yml: poll timeout 60

let harness: Harness;
let account: SimulatedAws;
let pairs: readonly GeneratedPair[];

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 1000 }));
  harness = await startHarness(account);
  // First observation: states stored, nothing sent.
  await harness.poll(loadEvent('scheduled.json'));
}, 120_000);
afterAll(() => harness.stop());

function costs(target: SimulatedAws, clock: Harness['clock']): void {
  const self = target as unknown as Record<string, (input: unknown) => unknown>;
  for (const [operation, ms] of [['getHealthCheckStatus', 1_000], ['publish', 50]] as const) {
    const original = self[operation]!.bind(target);
    self[operation] = (input: unknown) => {
      clock.set(new Date(clock.now().getTime() + ms));
      return original(input);
    };
  }
}

it('a region-wide failover of 500 pairs: the sweep ends before the Lambda timeout', async () => {
  for (const pair of pairs) account.setHealthy(pair.primaryCheckId, false);
  harness.clock.advanceSeconds(300);
  costs(account, harness.clock);
  const started = harness.clock.now().getTime();
  const context = { getRemainingTimeInMillis: () => LAMBDA_TIMEOUT_MS } as unknown as Context;

  const result = await harness.poll(loadEvent('scheduled.json'), context);

  const tookMs = harness.clock.now().getTime() - started;
  expect(result.transitionsRecorded).toBe(500);
  // Lambda would kill the invocation at 60 s: the sweep ends by its deadline (50 s), give or take the
  // publishes already in flight then.
  expect(tookMs).toBeLessThanOrEqual(LAMBDA_TIMEOUT_MS - 10_000 + 1_000);
  expect(result.notificationsSent).toBeGreaterThan(0);
  expect(result.notificationsSent + result.notificationsPending).toBe(500);

  // The next sweep sends the rest, each once.
  harness.clock.advanceSeconds(300);
  const next = await harness.poll(loadEvent('scheduled.json'), context);
  expect(next.notificationsSent).toBe(result.notificationsPending);
  const sent = account.published.map((message) => message.attributes['transitionId']);
  expect(new Set(sent).size).toBe(sent.length);
  expect(sent).toHaveLength(500);
}, 120_000);
