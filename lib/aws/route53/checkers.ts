/**
 * CheckerStatusSource on Route 53 `GetHealthCheckStatus`: what each Route 53 checker last saw.
 * A diagnosis API with its own low rate: give it a client from `createRoute53Client`, whose status
 * budget every attempt of this call waits on.
 */
import { GetHealthCheckStatusCommand, type HealthCheckObservation, type Route53Client } from '@aws-sdk/client-route-53';
import type { CheckerReadings, CheckerReport } from '../../domain/model';
import type { CheckerStatusSource } from '../../ports';
import { route53FailureReason } from './errors';

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
      const output = await this.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
      const reports = (output.HealthCheckObservations ?? []).flatMap((o) => toCheckerReport(o) ?? []);
      return { kind: 'REPORTS', reports };
    } catch (error) {
      const reason = route53FailureReason(error, { operation: 'GetHealthCheckStatus', resource: `healthcheck/${healthCheckId}` });
      return { kind: 'UNAVAILABLE', reason };
    }
  }
}
