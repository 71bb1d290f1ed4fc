/**
 * CheckerStatusSource on Route 53 `GetHealthCheckStatus`: what each Route 53 checker last saw.
 * A diagnosis API with its own low rate (a burst of 4, then 1 call a second for the whole account):
 * - `Route53CheckerStatusSource`, for a verdict (the 18% fallback): a client from `createRoute53Client`,
 *   whose status budget every attempt waits on, retries included;
 * - `Route53CheckerEvidenceSource`, for an alert's evidence, which is optional: one attempt, never retried
 *   and never waited for, and only when the account-wide gate grants this second's call, so that 50
 *   containers alarming at once stay inside the rate instead of throttling each other (and every other
 *   Route 53 caller of the account). Otherwise it says why the evidence was not read.
 */
import { GetHealthCheckStatusCommand, type HealthCheckObservation, type Route53Client } from '@aws-sdk/client-route-53';
import type { CheckerReadings, CheckerReport } from '../../domain/model';
import { describeError } from '../../errors';
import type { CheckerStatusSource } from '../../ports';
import { rateInWords, type AccountRateGate } from '../dynamodb/rate-gate';
import type { RequestBudget } from '../request-budget';
import { isThrottled, sdkErrorFacts } from '../sdk-errors';
import { route53FailureReason } from './errors';
import { readWithinAccountRate } from './optional-read';

const OPERATION = 'GetHealthCheckStatus';

/** An observation without a status or time has not reported, so it is not counted as a checker. */
function toCheckerReport(observation: HealthCheckObservation): CheckerReport | undefined {
  const status = observation.StatusReport?.Status;
  const checkedTime = observation.StatusReport?.CheckedTime;
  if (status === undefined || checkedTime === undefined || Number.isNaN(checkedTime.getTime())) return undefined;
  return {
    region: observation.Region ?? 'unknown',
    ipAddress: observation.IPAddress ?? '',
    statusReport: status,
    checkedTime: checkedTime.toISOString(),
  };
}

export class Route53CheckerStatusSource implements CheckerStatusSource {
  constructor(private readonly client: Route53Client) {}

  async readCheckerReports(healthCheckId: string): Promise<CheckerReadings> {
    try {
      return await readReports(this.client, healthCheckId);
    } catch (error) {
      const reason = route53FailureReason(error, { operation: OPERATION, resource: `healthcheck/${healthCheckId}` });
      return { kind: 'UNAVAILABLE', reason };
    }
  }
}

async function readReports(client: Route53Client, healthCheckId: string, abortSignal?: AbortSignal): Promise<CheckerReadings> {
  const output = await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), abortSignal ? { abortSignal } : {});
  const reports = (output.HealthCheckObservations ?? []).flatMap((o) => toCheckerReport(o) ?? []);
  return { kind: 'REPORTS', reports };
}

/** About 2 s, as for TestDNSAnswer: evidence is read right before a commit, which must not wait on it. */
export const EVIDENCE_READ_BOUND_MS = 2_000;

export interface CheckerEvidenceOptions {
  /** Built with `maxAttempts: 1`: a throttled read is not retried into the rate other alarms share. */
  readonly client: Route53Client;
  /** The account-wide allowance the evidence reads share (lib/aws/dynamodb/rate-gate.ts). */
  readonly gate: AccountRateGate;
  /** The container's own budgets the client waits on (the status budget and the shared Route 53 one). */
  readonly budgets: readonly RequestBudget[];
  readonly boundMs?: number;
}

export class Route53CheckerEvidenceSource implements CheckerStatusSource {
  private readonly boundMs: number;

  constructor(private readonly options: CheckerEvidenceOptions) {
    this.boundMs = options.boundMs ?? EVIDENCE_READ_BOUND_MS;
  }

  async readCheckerReports(healthCheckId: string): Promise<CheckerReadings> {
    const { client, gate, budgets } = this.options;
    const outcome = await readWithinAccountRate({ budgets, gate, boundMs: this.boundMs }, (abortSignal) => readReports(client, healthCheckId, abortSignal));
    switch (outcome.kind) {
      case 'READ':
        return outcome.value;
      case 'BUDGET_SHORT':
        return unavailable(`this function's own Route 53 budget would hold the read ${(outcome.waitMs / 1000).toFixed(1)} s (more than ${this.boundMs / 1000} s): recording the change comes first`);
      case 'RATE_SPENT':
        return unavailable(`Route 53's ${OPERATION} rate (${rateInWords(gate)} for the whole account) was spent by other alarms at the same moment`);
      case 'GATE_FAILED':
        return unavailable(`the account's ${OPERATION} allowance could not be claimed (${describeError(outcome.error)})`);
      case 'TIMED_OUT':
        return unavailable(`Route 53 gave no answer to ${OPERATION} within ${this.boundMs / 1000} s`);
      case 'FAILED':
        if (isThrottled(sdkErrorFacts(outcome.error))) {
          return unavailable(`Route 53 throttled ${OPERATION} (${rateInWords(gate)} for the whole account, shared with other callers); not retried, so the alert is not delayed`);
        }
        return unavailable(route53FailureReason(outcome.error, { operation: OPERATION, resource: `healthcheck/${healthCheckId}` }));
    }
  }
}

function unavailable(reason: string): CheckerReadings {
  return { kind: 'UNAVAILABLE', reason };
}
