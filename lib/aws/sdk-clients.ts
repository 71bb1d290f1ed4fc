/**
 * The Route 53 and CloudWatch clients, configured once: region, retries with full-jitter backoff
 * through the SDK's own retry machinery, Route 53's request budgets and the managed-alarm write budget.
 * Endpoints come only from the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ROUTE_53,
 * AWS_ENDPOINT_URL_CLOUDWATCH) unless a caller passes `endpoint`.
 */
import { CloudWatchClient, type CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import { Route53Client, type Route53ClientConfig } from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { ConfigurationError } from '../errors';
import { attachRequestBudget, RequestBudget } from './request-budget';

/** Route 53 is a global service signed for us-east-1; `HealthCheckStatus` metrics exist only there. */
export const ROUTE53_REGION = 'us-east-1';
export const HEALTH_METRICS_REGION = 'us-east-1';

export const RETRY_DEFAULTS = { maxAttempts: 5, backoffBaseMs: 200, backoffCapMs: 10_000 } as const;
export const ROUTE53_BUDGET_DEFAULTS = { requestsPerSecond: 5, burst: 1 } as const;
/** AWS documents GetHealthCheckStatus at a burst of 4, then 1 call a second. */
export const STATUS_BUDGET_DEFAULTS = { requestsPerSecond: 1, burst: 4 } as const;
/**
 * Managed-alarm writes (PutMetricAlarm, DeleteAlarms): CloudWatch's quota for PutMetricAlarm is 3 a
 * second for the whole account and region; Failwatch takes 2, leaving the rest to deployment tools, so
 * the first reconcile of thousands of alarms spreads over sweeps instead of throttling everyone.
 */
export const ALARM_WRITE_BUDGET_DEFAULTS = { requestsPerSecond: 2, burst: 1 } as const;

export interface RetryOptions {
  /** Total HTTP attempts per call, the first included. */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** Returns [0, 1); tests make the jitter predictable. */
  readonly random?: () => number;
}

export interface AwsClientOptions extends RetryOptions {
  /** Only for tests and tools; production uses the SDK's standard endpoint variables. */
  readonly endpoint?: string;
  readonly credentials?: Route53ClientConfig['credentials'] & CloudWatchClientConfig['credentials'];
}

export interface Route53ClientOptions extends AwsClientOptions {
  /** This function's share of the account-wide Route 53 request rate (FAILWATCH_ROUTE53_RPS). */
  readonly requestsPerSecond?: number;
  readonly burst?: number;
  /** GetHealthCheckStatus's own rate (FAILWATCH_STATUS_RPS), on top of the shared budget. */
  readonly statusRequestsPerSecond?: number;
  readonly statusBurst?: number;
  /** Pass budgets to share them between clients, or to observe them in tests. */
  readonly budget?: RequestBudget;
  readonly statusBudget?: RequestBudget;
}

/**
 * Full jitter: delay = random(0, min(cap, base·2^n)), n counting retries from 0, so the first retry
 * waits at most `base`. The SDK calls this with the number of the retry about to happen (1, 2, ...).
 */
export function fullJitterBackoff(options: { baseMs: number; capMs: number; random?: () => number }): (retry: number) => number {
  const random = options.random ?? Math.random;
  return (retry) => Math.floor(random() * Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry - 1)));
}

function retryConfig(options: RetryOptions): { maxAttempts: number; retryStrategy: ConfiguredRetryStrategy } {
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
  // maxAttempts is also given to the client so the amz-sdk-request header reports the same maximum.
  return { maxAttempts, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, backoff) };
}

function connectionConfig(options: AwsClientOptions): { endpoint?: string; credentials?: AwsClientOptions['credentials'] } {
  return {
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
}

export function createRoute53Client(options: Route53ClientOptions = {}): Route53Client {
  const client = new Route53Client({ region: ROUTE53_REGION, ...retryConfig(options), ...connectionConfig(options) });
  const budget =
    options.budget ??
    new RequestBudget({
      requestsPerSecond: options.requestsPerSecond ?? ROUTE53_BUDGET_DEFAULTS.requestsPerSecond,
      burst: options.burst ?? ROUTE53_BUDGET_DEFAULTS.burst,
    });
  const statusBudget =
    options.statusBudget ??
    new RequestBudget({
      requestsPerSecond: options.statusRequestsPerSecond ?? STATUS_BUDGET_DEFAULTS.requestsPerSecond,
      burst: options.statusBurst ?? STATUS_BUDGET_DEFAULTS.burst,
    });
  // The stack runs the later-attached of two `after retryMiddleware` entries first: a status call waits
  // on its own budget before it takes a shared token, so no shared token is spent on a call still waiting.
  attachRequestBudget(client, budget, { name: 'failwatchRoute53Budget' });
  attachRequestBudget(client, statusBudget, { name: 'failwatchStatusBudget', commandNames: ['GetHealthCheckStatusCommand'] });
  return client;
}

export interface CloudWatchClientOptions extends AwsClientOptions {
  /** Paces PutMetricAlarm and DeleteAlarms attempts (retries included); GetMetricData is never held back by it. */
  readonly alarmWriteBudget?: RequestBudget;
}

export function createCloudWatchClient(options: CloudWatchClientOptions = {}): CloudWatchClient {
  const client = new CloudWatchClient({ region: HEALTH_METRICS_REGION, ...retryConfig(options), ...connectionConfig(options) });
  attachRequestBudget(client, options.alarmWriteBudget ?? new RequestBudget(ALARM_WRITE_BUDGET_DEFAULTS), {
    name: 'failwatchAlarmWriteBudget',
    commandNames: ['PutMetricAlarmCommand', 'DeleteAlarmsCommand'],
  });
  return client;
}
