/**
 * An SDK call does not outlive the Lambda invocation: a retry is made only while a whole attempt still
 * fits before the invocation's end (lib/aws/client-config.ts, lib/runtime/invocation.ts). A real HTTP server on
 * loopback takes each request and never answers; each attempt ends at its own timeout.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo } from '@smithy/types';
import { RetryWithinDeadline } from '../../lib/aws/client-config';
import { createSnsClient } from '../../lib/aws/sns/notifier';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { currentInvocationEnd, withinInvocation } from '../../lib/runtime/invocation';
import { listenOnLoopback, type RunningServer } from '../../local/stand-ins/http';

const credentials = { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' };
const publish = new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' });
const transient: RetryErrorInfo = { errorType: 'TRANSIENT' };

describe('RetryWithinDeadline', () => {
  it('retries as the SDK strategy does while a whole attempt fits before the end, then gives up', async () => {
    // The SDK's strategy waits out its backoff inside refreshRetryTokenForRetry: the clock read after it includes the wait.
    let now = 0;
    const strategy = new RetryWithinDeadline(new ConfiguredRetryStrategy(5, () => 0), 1_000, () => new Date(1_500), () => now);
    const first = await strategy.acquireInitialRetryToken('scope');
    const second = await strategy.refreshRetryTokenForRetry(first, transient); // 0 + 1,000 ≤ 1,500
    expect(second.getRetryCount()).toBe(1);
    now = 500; // 500 + 1,000 = 1,500: still fits
    const third = await strategy.refreshRetryTokenForRetry(second, transient);
    expect(third.getRetryCount()).toBe(2);
    now = 501;
    await expect(strategy.refreshRetryTokenForRetry(third, transient)).rejects.toThrow('no time left for another attempt');
  });

  it('a retry refused after the SDK\'s strategy granted it (its backoff ran past the end) gives back what it charged the quota', async () => {
    const inner = new ConfiguredRetryStrategy(2, () => 0);
    let reads = 0;
    // Each refresh reads the clock twice: before asking the SDK's strategy (fits), after its backoff (no longer fits).
    const refusing = new RetryWithinDeadline(inner, 600, () => new Date(600), () => (reads++ % 2 === 0 ? 0 : 1_000));
    // 150 throttling retries granted and refused: 750 units, more than the SDK's whole quota of 500.
    for (let i = 0; i < 150; i++) {
      const token = await refusing.acquireInitialRetryToken('scope');
      await expect(refusing.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow('no time left for another attempt');
    }
    const inTime = new RetryWithinDeadline(inner, 600, () => undefined);
    const token = await inTime.acquireInitialRetryToken('scope');
    expect((await inTime.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).getRetryCount()).toBe(1);
  });

  it('without an end, it is the SDK strategy: its own attempt limit stops it', async () => {
    const strategy = new RetryWithinDeadline(new ConfiguredRetryStrategy(2, () => 0), 1_000, () => undefined);
    const first = await strategy.acquireInitialRetryToken('scope');
    const second = await strategy.refreshRetryTokenForRetry(first, transient);
    await expect(strategy.refreshRetryTokenForRetry(second, transient)).rejects.toThrow();
  });
});

describe('the invocation\'s end', () => {
  it('is known inside withinInvocation only, and each concurrent invocation sees its own', async () => {
    expect(currentInvocationEnd()).toBeUndefined();
    const seen = await Promise.all(
      [60_000, 30_000].map((remaining) =>
        withinInvocation({ getRemainingTimeInMillis: () => remaining }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return (currentInvocationEnd()?.getTime() ?? 0) - Date.now();
        }),
      ),
    );
    expect(seen[0]).toBeGreaterThan(50_000);
    expect(seen[1]).toBeGreaterThan(20_000);
    expect(seen[1]).toBeLessThan(30_001);
    expect(currentInvocationEnd()).toBeUndefined();
    await expect(withinInvocation(undefined, async () => currentInvocationEnd())).resolves.toBeUndefined();
  });
});

describe('a client whose endpoint never answers', () => {
  let server: RunningServer;
  const received: string[] = [];
  /** Moved on by the server: every request it takes "costs" 200 ms of the client's clock. */
  let clock = 0;

  beforeAll(async () => {
    server = await listenOnLoopback(
      createServer((request: IncomingMessage) => {
        received.push(request.headers['amz-sdk-request'] as string);
        clock += 200;
      }),
    );
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    received.length = 0;
    clock = 0;
  });

  const options = { endpoint: '', region: 'us-east-1', credentials, connectionTimeoutMs: 100, requestTimeoutMs: 150, maxAttempts: 5, backoffBaseMs: 0 };

  it('stops retrying once another attempt (100 ms to connect + 150 ms to answer) would end past the deadline', async () => {
    // Attempt 1 brings the clock to 200: 200 + 250 ≤ 500, so a second; that brings it to 400: 400 + 250 > 500, so no third.
    const client = createSnsClient({ ...options, endpoint: server.endpoint, mustEndBy: () => new Date(500), now: () => clock });
    try {
      await expect(client.send(publish)).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 2 } });
    } finally {
      client.destroy();
    }
    expect(received).toEqual(['attempt=1; max=5', 'attempt=2; max=5']);
  });

  it('with no deadline, makes every attempt it is allowed', async () => {
    const client = createSnsClient({ ...options, endpoint: server.endpoint, mustEndBy: () => undefined, now: () => clock });
    try {
      await expect(client.send(publish)).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 5 } });
    } finally {
      client.destroy();
    }
    expect(received).toHaveLength(5);
  });

  it('by default, inside a Lambda invocation, its end is the deadline: far fewer than 5 attempts when 400 ms remain', async () => {
    const client = createSnsClient({ ...options, endpoint: server.endpoint });
    try {
      const error = await withinInvocation({ getRemainingTimeInMillis: () => 400 }, () => client.send(publish)).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'TimeoutError' });
      const attempts = (error as { $metadata: { attempts: number } }).$metadata.attempts;
      // Each attempt waits 150 ms for its timeout: a third would need 400 ms left after two.
      expect(attempts).toBeLessThanOrEqual(2);
      expect(received).toHaveLength(attempts);
    } finally {
      client.destroy();
    }
  });
});

describe('the handlers run their work knowing the invocation\'s end', () => {
  const context = { getRemainingTimeInMillis: () => 30_000 } as never;
  const loadEvent = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', '..', 'events', name), 'utf8'));

  it.each([
    ['poll', createPollHandler, 'scheduled.json'],
    ['alarm', createAlarmHandler, 'alarm-alarm.json'],
  ] as const)('%s: what it builds and calls sees the end Lambda gave it', async (_name, create, event) => {
    let seen: Date | undefined;
    const handler = create(() => {
      seen = currentInvocationEnd();
      throw new Error('stop here');
    });
    const before = Date.now();
    await expect(handler(loadEvent(event), context)).rejects.toThrow('stop here');
    expect(seen).toBeDefined();
    expect(seen!.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(seen!.getTime()).toBeLessThanOrEqual(Date.now() + 30_000);
    expect(currentInvocationEnd()).toBeUndefined();
  });
});

/** An SNS stand-in that answers the first attempt of every call 503 and the retry 200. */
describe('a client whose calls each need one retry', () => {
  let blipServer: RunningServer;
  beforeAll(async () => {
    blipServer = await listenOnLoopback(
      createServer((request: IncomingMessage, response: ServerResponse) => {
        request.resume();
        request.on('end', () => {
          if (String(request.headers['amz-sdk-request']).startsWith('attempt=1;')) {
            response.writeHead(503, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try again</Message></Error><RequestId>r</RequestId></ErrorResponse>');
            return;
          }
          response.writeHead(200, { 'content-type': 'text/xml' }).end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>');
        });
      }),
    );
  });
  afterAll(() => blipServer.stop());

  const nearTheEnd = { getRemainingTimeInMillis: () => 5_000 }; // less than one 13 s attempt left
  const freshInvocation = { getRemainingTimeInMillis: () => 60_000 }; // poll's whole timeout ahead

  async function attemptsOf(call: Promise<unknown>): Promise<{ ok: boolean; attempts: number | undefined }> {
    try {
      const output = (await call) as { $metadata: { attempts?: number } };
      return { ok: true, attempts: output.$metadata.attempts };
    } catch (error) {
      return { ok: false, attempts: (error as { $metadata?: { attempts?: number } }).$metadata?.attempts };
    }
  }

  describe('refused retries and the client\'s retry quota (found in review: refused retries used to spend it)', () => {
    it('control: the same blips outside an invocation are retried and leave the quota whole', async () => {
      const client = createSnsClient({ endpoint: blipServer.endpoint, region: 'us-east-1', credentials, backoffBaseMs: 0 });
      try {
        for (let i = 0; i < 40; i++) expect(await attemptsOf(client.send(publish))).toEqual({ ok: true, attempts: 2 });
        expect(await attemptsOf(withinInvocation(freshInvocation, () => client.send(publish)))).toEqual({ ok: true, attempts: 2 });
      } finally {
        client.destroy();
      }
    });

    it('calls refused near the end of earlier invocations must not cost a later invocation its retries', async () => {
      const client = createSnsClient({ endpoint: blipServer.endpoint, region: 'us-east-1', credentials, backoffBaseMs: 0 });
      try {
        // Near the end of an invocation: refusing the retry is the intended behaviour.
        for (let i = 0; i < 36; i++) {
          expect(await attemptsOf(withinInvocation(nearTheEnd, () => client.send(publish)))).toEqual({ ok: false, attempts: 1 });
        }
        // A later invocation, 60 s ahead of it, one 503: it should be retried (and succeed, as in the control).
        expect(await attemptsOf(withinInvocation(freshInvocation, () => client.send(publish)))).toEqual({ ok: true, attempts: 2 });
      } finally {
        client.destroy();
      }
    });
  });
});
