/**
 * What every Failwatch SDK client shares, whatever the service: retries with full-jitter backoff through
 * the SDK's own retry strategy, and HTTP timeouts, so that a connection that never answers costs one
 * attempt, not the rest of the function's run. Service-specific factories build on this
 * (lib/aws/sdk-clients.ts for Route 53 and CloudWatch, createDynamoDocumentClient, createSnsClient, the
 * Slack function's SSM client). Endpoints come only from the SDK's standard variables unless a caller
 * passes `endpoint`.
 */
import { NoOpLogger } from '@smithy/core/client';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { ConfigurationError } from '../errors';
import { currentInvocationEnd } from '../runtime/invocation';

export const RETRY_DEFAULTS = { maxAttempts: 5, backoffBaseMs: 200, backoffCapMs: 10_000 } as const;
/**
 * Per attempt. A regional endpoint connects in well under a second and answers Failwatch's calls (a
 * page of a listing, 500 metric queries, one item) in a few: past these the attempt is abandoned and
 * retried as a transient error, like a throttled one.
 */
export const HTTP_TIMEOUT_DEFAULTS = { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000 } as const;

export interface RetryOptions {
  /** Total HTTP attempts per call, the first included. */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** Returns [0, 1); tests make the jitter predictable. */
  readonly random?: () => number;
}

export interface HttpTimeoutOptions {
  /** Until the TCP (and TLS) connection is up. */
  readonly connectionTimeoutMs?: number;
  /** From sending the request to the whole answer. */
  readonly requestTimeoutMs?: number;
}

export interface AwsClientOptions extends RetryOptions, HttpTimeoutOptions {
  /**
   * When the work calling must be done: a retry is made only if a whole attempt (connection and answer
   * timeouts) fits before it. Default: the running Lambda invocation's end (lib/runtime/invocation.ts).
   */
  readonly mustEndBy?: () => Date | undefined;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
  /** Only for tests and tools; production uses the SDK's standard endpoint variables. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Only for tests and tools; production uses AWS_REGION (Route 53 and CloudWatch are pinned to us-east-1). */
  readonly region?: string;
}

/**
 * Full jitter: delay = random(0, min(cap, base·2^n)), n counting retries from 0, so the first retry
 * waits at most `base`. The SDK calls this with the number of the retry about to happen (1, 2, ...).
 */
export function fullJitterBackoff(options: { baseMs: number; capMs: number; random?: () => number }): (retry: number) => number {
  const random = options.random ?? Math.random;
  return (retry) => Math.floor(random() * Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry - 1)));
}

/**
 * The SDK's retry strategy, except that it does not retry when the attempt could not end in time: a call
 * whose endpoint hangs (an AWS incident, when Failwatch matters most) gives up with its last error while
 * the function can still record and report what it did, instead of being cut off by Lambda's timeout.
 */
export class RetryWithinDeadline implements RetryStrategyV2 {
  constructor(
    private readonly inner: RetryStrategyV2,
    private readonly attemptMs: number,
    private readonly mustEndBy: () => Date | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.inner.acquireInitialRetryToken(retryTokenScope) as Promise<StandardRetryToken>;
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    // Asked first, so a retry that cannot fit neither waits out a backoff nor spends the client's retry
    // quota (which the SDK's strategy charges when it grants a retry, and which outlives the invocation).
    // Throwing makes the SDK throw the call's last error, as when retries run out.
    if (!this.fits(0)) throw new Error('no time left for another attempt');
    const next = (await this.inner.refreshRetryTokenForRetry(token, errorInfo)) as StandardRetryToken;
    // The SDK's strategy has waited out its backoff by now (getRetryDelay is what is left of it, 0 in this version).
    if (!this.fits(next.getRetryDelay())) {
      // Gives back exactly what granting this retry charged the quota.
      this.inner.recordSuccess(next);
      throw new Error('no time left for another attempt');
    }
    return next;
  }

  private fits(delayMs: number): boolean {
    const end = this.mustEndBy();
    return end === undefined || this.now() + delayMs + this.attemptMs <= end.getTime();
  }

  recordSuccess(token: StandardRetryToken): void {
    this.inner.recordSuccess(token);
  }
}

/** `attemptMs`: how long one attempt may take at most (the HTTP handler's connection and answer timeouts). */
function retryConfig(options: RetryOptions & Pick<AwsClientOptions, 'mustEndBy' | 'now'>, attemptMs: number): { maxAttempts: number; retryStrategy: RetryWithinDeadline } {
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const baseMs = options.backoffBaseMs ?? RETRY_DEFAULTS.backoffBaseMs;
  const capMs = options.backoffCapMs ?? RETRY_DEFAULTS.backoffCapMs;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ConfigurationError(`maxAttempts must be a whole number of at least 1, got ${String(maxAttempts)}`);
  }
  if (!(baseMs >= 0) || !(capMs >= 0)) {
    throw new ConfigurationError(`backoff base and cap must be 0 or more milliseconds, got ${String(baseMs)} and ${String(capMs)}`);
  }
  const backoff = fullJitterBackoff({ baseMs, capMs, ...(options.random ? { random: options.random } : {}) });
  const retryStrategy = new RetryWithinDeadline(new ConfiguredRetryStrategy(maxAttempts, backoff), attemptMs, options.mustEndBy ?? currentInvocationEnd, options.now);
  // maxAttempts is also given to the client so the amz-sdk-request header reports the same maximum.
  return { maxAttempts, retryStrategy };
}

function httpConfig(options: HttpTimeoutOptions): { requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true } } {
  const connectionTimeout = options.connectionTimeoutMs ?? HTTP_TIMEOUT_DEFAULTS.connectionTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? HTTP_TIMEOUT_DEFAULTS.requestTimeoutMs;
  if (!(connectionTimeout > 0) || !(requestTimeout > 0)) {
    throw new ConfigurationError(`HTTP timeouts must be above 0 milliseconds, got connection ${String(connectionTimeout)} and request ${String(requestTimeout)}`);
  }
  // Without throwOnRequestTimeout the SDK's handler only logs a warning when requestTimeout passes.
  return { requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true } };
}

/**
 * The SDK's default logger drops everything, and the SDK tells it apart by its class name to send its
 * own warnings (a request waiting for a free socket, a response it could not read) to console.warn
 * instead. The deployed bundles are minified without keepNames, which renames that class: those
 * warnings would be dropped too. This logger passes them on whatever the bundler names it, and stays
 * a NoOpLogger, so the SDK's per-call logging (a filtered copy of every input and output) stays off.
 */
class SdkWarningsLogger extends NoOpLogger {
  override warn(...content: unknown[]): void {
    console.warn(...content);
  }
}
const SDK_LOGGER = new SdkWarningsLogger();

/** The configuration every client is built with: pass it to a client's constructor, then add what the service needs. */
export function clientConfig(options: AwsClientOptions = {}) {
  const http = httpConfig(options);
  return {
    ...retryConfig(options, http.requestHandler.connectionTimeout + http.requestHandler.requestTimeout),
    ...http,
    logger: SDK_LOGGER,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.region !== undefined ? { region: options.region } : {}),
  };
}
