import { GetHealthCheckStatusCommand, NoSuchHealthCheck, Route53Client, Route53ServiceException } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { Route53CheckerStatusSource } from '../../lib/aws/route53/checkers';

const route53 = mockClient(Route53Client);
const source = () => new Route53CheckerStatusSource(new Route53Client({}));

beforeEach(() => route53.reset());

describe('Route53CheckerStatusSource', () => {
  it('maps each checker observation to region, IP, status report and ISO checked time', async () => {
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-1' }).resolves({
      $metadata: {},
      HealthCheckObservations: [
        { Region: 'us-east-1', IPAddress: '15.177.2.1', StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date('2026-11-25T08:00:01.000Z') } },
        { Region: 'eu-west-1', IPAddress: '15.177.62.1', StatusReport: { Status: 'Failure: Connection timed out.', CheckedTime: new Date('2026-11-25T08:00:07.250Z') } },
      ],
    });
    await expect(source().readCheckerReports('hc-1')).resolves.toEqual({
      kind: 'REPORTS',
      reports: [
        { region: 'us-east-1', ipAddress: '15.177.2.1', statusReport: 'Success: HTTP Status Code 200, OK', checkedTime: '2026-11-25T08:00:01.000Z' },
        { region: 'eu-west-1', ipAddress: '15.177.62.1', statusReport: 'Failure: Connection timed out.', checkedTime: '2026-11-25T08:00:07.250Z' },
      ],
    });
    expect(route53.commandCalls(GetHealthCheckStatusCommand).map((c) => c.args[0].input)).toEqual([{ HealthCheckId: 'hc-1' }]);
  });

  it('an observation without a status report is not counted as a checker', async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({
      $metadata: {},
      HealthCheckObservations: [
        { Region: 'us-west-2', IPAddress: '15.177.10.1' },
        { Region: 'sa-east-1', IPAddress: '15.177.40.1', StatusReport: { Status: 'Success: HTTP Status Code 200, OK', CheckedTime: new Date('2026-11-25T08:00:00Z') } },
      ],
    });
    const readings = await source().readCheckerReports('hc-1');
    expect(readings.kind === 'REPORTS' ? readings.reports.map((r) => r.region) : readings).toEqual(['sa-east-1']);
  });

  it('no observations (a CALCULATED check) → REPORTS with an empty list', async () => {
    route53.on(GetHealthCheckStatusCommand).resolves({ $metadata: {}, HealthCheckObservations: [] });
    await expect(source().readCheckerReports('hc-calc')).resolves.toEqual({ kind: 'REPORTS', reports: [] });
  });

  it('NoSuchHealthCheck → UNAVAILABLE saying the check does not exist, without throwing', async () => {
    route53.on(GetHealthCheckStatusCommand).rejects(new NoSuchHealthCheck({ $metadata: { httpStatusCode: 404 }, message: 'A health check with id hc-gone does not exist.' }));
    await expect(source().readCheckerReports('hc-gone')).resolves.toEqual({
      kind: 'UNAVAILABLE',
      reason: expect.stringMatching(/^Health check hc-gone does not exist \(NoSuchHealthCheck: .*HTTP 404/),
    });
  });

  it.each([
    ['throttling after retries', new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 5 }, message: 'Rate exceeded' }), /kept throttling GetHealthCheckStatus .*5 attempts/],
    ['access denied', new Route53ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }), /grant route53:GetHealthCheckStatus on healthcheck\/hc-1/],
    ['a network failure', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'Error' }), /GetHealthCheckStatus on healthcheck\/hc-1 failed \(Error: connect ECONNREFUSED/],
  ])('%s → UNAVAILABLE with the reason, without throwing', async (_label, error, reason) => {
    route53.on(GetHealthCheckStatusCommand).rejects(error);
    const readings = await source().readCheckerReports('hc-1');
    expect(readings).toEqual({ kind: 'UNAVAILABLE', reason: expect.stringMatching(reason) });
  });
});
