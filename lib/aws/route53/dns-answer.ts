/**
 * DnsAnswerSource on Route 53 TestDNSAnswer: what Route 53 answers for a pair's name and type now.
 * Optional evidence, so it never waits long: skipped when the Route 53 request budget (shared with the
 * listings and GetHealthCheckStatus, lib/aws/request-budget.ts) would make it queue longer than its bound
 * (a storm of changes), and abandoned once the bound has passed. The call itself takes a token of that
 * budget like any other Route 53 call (the client's middleware); the wiring gives it the one-attempt client,
 * so a throttled answer is not retried into the account's rate that 50 alarming containers share.
 */
import { TestDNSAnswerCommand, type Route53Client, type RRType } from '@aws-sdk/client-route-53';
import type { DnsAnswer } from '../../domain/dns-answer';
import type { PairId } from '../../domain/model';
import type { DnsAnswerSource } from '../../ports';
import type { RequestBudget } from '../request-budget';
import { route53FailureReason } from './errors';

/** About 2 s: the answer is asked for right before a commit, which must not wait on it for long. */
export const DNS_ANSWER_BOUND_MS = 2_000;

export class Route53DnsAnswerSource implements DnsAnswerSource {
  constructor(
    private readonly client: Route53Client,
    private readonly budget: RequestBudget,
    private readonly boundMs: number = DNS_ANSWER_BOUND_MS,
  ) {}

  async askDnsAnswer(pairId: PairId, at: Date): Promise<DnsAnswer> {
    const waitMs = this.budget.waitMs();
    if (waitMs > this.boundMs) {
      return { kind: 'SKIPPED', reason: `the Route 53 request budget is short (a request would wait ${(waitMs / 1000).toFixed(1)} s, more than ${this.boundMs / 1000} s): other changes and listings come first` };
    }
    try {
      const output = await this.client.send(
        new TestDNSAnswerCommand({ HostedZoneId: pairId.zoneId, RecordName: pairId.name, RecordType: pairId.type as RRType }),
        { abortSignal: AbortSignal.timeout(this.boundMs) },
      );
      return { kind: 'ANSWERED', values: output.RecordData ?? [], responseCode: output.ResponseCode ?? 'NOERROR', askedAt: at.toISOString() };
    } catch (error) {
      if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
        return { kind: 'UNAVAILABLE', reason: `TestDNSAnswer gave no answer within ${this.boundMs / 1000} s` };
      }
      return { kind: 'UNAVAILABLE', reason: route53FailureReason(error, { operation: 'TestDNSAnswer', resource: '*' }) };
    }
  }
}
