/**
 * An account-wide allowance for an API whose rate every Lambda container shares (GetHealthCheckStatus:
 * Route 53 refills its bucket at 1 call a second for the whole account; TestDNSAnswer: a share of the
 * account's Route 53 rate, lib/aws/route53/dns-answer.ts). Each container has its own
 * client-side budget, so 50 alarm containers at once would send 50 times the rate; this gate lets at most
 * one call per window through for all of them: one conditional PutItem on the window's item (partition
 * `RATE#<operation>`, sort key the window's start as an ISO time), which only the first claimant of the window can write.
 * One call per window stays inside a token bucket of burst ≥ 2 refilled once per window, whatever the
 * clocks' skew within a window, so the calls granted here are never throttled by the rate they share.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigurationError } from '../../errors';
import type { Clock } from '../../ports';
import { isConditionalCheckFailed, PARTITION_KEY, SORT_KEY, toStoreError, TTL_ATTRIBUTE } from './table';

export const RATE_GATE_PARTITION_PREFIX = 'RATE#';
/** A window's item is useless once the window has passed; TTL removes it (within days, which costs nothing). */
const KEEP_WINDOW_ITEM_SECONDS = 3_600;

export const RateClaim = { GRANTED: 'GRANTED', SPENT: 'SPENT' } as const;
export type RateClaim = (typeof RateClaim)[keyof typeof RateClaim];

/** What an optional evidence read needs of the gate (DynamoRateGate; tests may hand a failing one). */
export interface AccountRateGate {
  readonly windowMs: number;
  claim(): Promise<RateClaim>;
}

/** The gate's rate as a message says it: "about 2 calls a second", "about 1 call every 2 s". */
export function rateInWords(gate: Pick<AccountRateGate, 'windowMs'>): string {
  const perSecond = Number((1000 / gate.windowMs).toFixed(1));
  if (perSecond >= 1) return `about ${perSecond} call${perSecond === 1 ? '' : 's'} a second`;
  return `about 1 call every ${Number((gate.windowMs / 1000).toFixed(1))} s`;
}

export interface RateGateOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The API operation the allowance is for: `GetHealthCheckStatus` or `TestDNSAnswer`. */
  readonly operation: string;
  /** Calls a second the account allows it (FAILWATCH_STATUS_RPS; for TestDNSAnswer see dnsAnswersPerSecond); one window lasts 1 / callsPerSecond. */
  readonly callsPerSecond: number;
  readonly clock: Clock;
}

export class DynamoRateGate implements AccountRateGate {
  readonly windowMs: number;
  /** This container already knows the window ending here is spent: no call to learn it again. */
  private spentUntilMs = 0;

  constructor(private readonly options: RateGateOptions) {
    if (!Number.isFinite(options.callsPerSecond) || options.callsPerSecond <= 0) {
      throw new ConfigurationError(`A rate gate needs callsPerSecond above 0, got ${String(options.callsPerSecond)}`);
    }
    this.windowMs = Math.ceil(1000 / options.callsPerSecond);
  }

  /** GRANTED: the caller may make one call now. SPENT: another container (or this one) took this window. Throws a StoreError when DynamoDB fails. */
  async claim(): Promise<RateClaim> {
    const nowMs = this.options.clock.now().getTime();
    if (nowMs < this.spentUntilMs) return RateClaim.SPENT;
    const windowStart = Math.floor(nowMs / this.windowMs) * this.windowMs;
    // Granted or not, this window is gone for this container.
    this.spentUntilMs = windowStart + this.windowMs;
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            [PARTITION_KEY]: `${RATE_GATE_PARTITION_PREFIX}${this.options.operation}`,
            [SORT_KEY]: new Date(windowStart).toISOString(),
            [TTL_ATTRIBUTE]: Math.ceil((windowStart + this.windowMs) / 1000) + KEEP_WINDOW_ITEM_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        }),
      );
      return RateClaim.GRANTED;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return RateClaim.SPENT;
      throw toStoreError(error, `claiming the account's ${this.options.operation} allowance`);
    }
  }
}
