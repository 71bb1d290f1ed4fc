/**
 * DnsAnswerSource on Route 53 TestDNSAnswer: what Route 53 answers for a pair's name and type now.
 * Optional evidence, so it never waits long: skipped when the Route 53 request budget (shared with the
 * listings and GetHealthCheckStatus, lib/aws/request-budget.ts) would make it queue longer than its bound
 * (a storm of changes), and abandoned once the bound has passed. The call itself takes a token of that
 * budget like any other Route 53 call (the client's middleware); the wiring gives it the one-attempt client,
 * so a throttled answer is not retried into the account's rate that 50 alarming containers share.
 * Each container's budget is its own, so the call also needs the account-wide gate's grant
 * (lib/aws/dynamodb/rate-gate.ts): in a storm, 500 containers asking at once would otherwise fill the
 * account's Route 53 rate that an operator needs for DNS changes during the incident.
 */
import { TestDNSAnswerCommand, type Route53Client, type RRType } from '@aws-sdk/client-route-53';
import type { DnsAnswer } from '../../domain/dns-answer';
import type { PairId } from '../../domain/model';
import { describeError } from '../../errors';
import type { DnsAnswerSource } from '../../ports';
import { rateInWords, type AccountRateGate } from '../dynamodb/rate-gate';
import type { RequestBudget } from '../request-budget';
import { route53FailureReason } from './errors';
import { readWithinAccountRate } from './optional-read';

const OPERATION = 'TestDNSAnswer';

/** About 2 s: the answer is asked for right before a commit, which must not wait on it for long. */
export const DNS_ANSWER_BOUND_MS = 2_000;

/** The account-wide share for DNS answers: 2 calls a second, at most half of FAILWATCH_ROUTE53_RPS, the rest left for listings, verdicts and people. */
const DNS_ANSWERS_PER_SECOND = 2;

/** TestDNSAnswer calls a second the whole account allows Failwatch's alarms (the gate's rate), from FAILWATCH_ROUTE53_RPS. */
export function dnsAnswersPerSecond(route53RequestsPerSecond: number): number {
  return Math.min(DNS_ANSWERS_PER_SECOND, route53RequestsPerSecond / 2);
}

export interface DnsAnswerOptions {
  /** Built with `maxAttempts: 1`: a throttled answer is not retried into the rate other alarms share. */
  readonly client: Route53Client;
  /** The container's shared Route 53 budget the client waits on. */
  readonly budget: RequestBudget;
  /** The account-wide allowance for TestDNSAnswer. */
  readonly gate: AccountRateGate;
  readonly boundMs?: number;
}

export class Route53DnsAnswerSource implements DnsAnswerSource {
  private readonly boundMs: number;

  constructor(private readonly options: DnsAnswerOptions) {
    this.boundMs = options.boundMs ?? DNS_ANSWER_BOUND_MS;
  }

  async askDnsAnswer(pairId: PairId, at: Date): Promise<DnsAnswer> {
    const { client, budget, gate } = this.options;
    const outcome = await readWithinAccountRate({ budgets: [budget], gate, boundMs: this.boundMs }, (abortSignal) =>
      client.send(new TestDNSAnswerCommand({ HostedZoneId: pairId.zoneId, RecordName: pairId.name, RecordType: pairId.type as RRType }), { abortSignal }),
    );
    switch (outcome.kind) {
      case 'READ':
        return { kind: 'ANSWERED', values: outcome.value.RecordData ?? [], responseCode: outcome.value.ResponseCode ?? 'NOERROR', askedAt: at.toISOString() };
      case 'BUDGET_SHORT':
        return { kind: 'SKIPPED', reason: `the Route 53 request budget is short (a request would wait ${(outcome.waitMs / 1000).toFixed(1)} s, more than ${this.boundMs / 1000} s): other changes and listings come first` };
      case 'RATE_SPENT':
        return { kind: 'SKIPPED', reason: `Route 53's rate for DNS answers (${rateInWords(gate)} for the whole account) was spent by other changes at the same moment` };
      case 'GATE_FAILED':
        return { kind: 'UNAVAILABLE', reason: `the account's ${OPERATION} allowance could not be claimed (${describeError(outcome.error)})` };
      case 'TIMED_OUT':
        return { kind: 'UNAVAILABLE', reason: `${OPERATION} gave no answer within ${this.boundMs / 1000} s` };
      case 'FAILED':
        return { kind: 'UNAVAILABLE', reason: route53FailureReason(outcome.error, { operation: OPERATION, resource: '*' }) };
    }
  }
}
