/**
 * Retries and request budgets live in the SDK's middleware stack, which aws-sdk-client-mock bypasses,
 * so these tests talk REST-XML to a real HTTP server on 127.0.0.1 that plays Route 53.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListHealthChecksCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { Route53CheckerStatusSource } from '../../lib/aws/route53/checkers';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { createRoute53Client, type Route53ClientOptions } from '../../lib/aws/sdk-clients';
import { HealthSourceError } from '../../lib/errors';
import { route53ThrottlesSoFar, withinInvocation } from '../../lib/runtime/invocation';
import { ledgerBudget } from '../support/ledger-budget';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const THROTTLING =
  `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>Throttling</Code>` +
  '<Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>';
const HEALTH_CHECKS =
  `<?xml version="1.0" encoding="UTF-8"?><ListHealthChecksResponse xmlns="${NS}"><HealthChecks><HealthCheck>` +
  '<Id>abcdef11-2222-3333-4444-555555fedcba</Id><CallerReference>ref-1</CallerReference><HealthCheckConfig>' +
  '<IPAddress>192.0.2.1</IPAddress><Port>80</Port><Type>HTTP</Type><ResourcePath>/health</ResourcePath>' +
  '<RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold></HealthCheckConfig>' +
  '<HealthCheckVersion>1</HealthCheckVersion></HealthCheck></HealthChecks><IsTruncated>false</IsTruncated>' +
  '<Marker></Marker><MaxItems>100</MaxItems></ListHealthChecksResponse>';
const CHECKER_STATUS =
  `<?xml version="1.0" encoding="UTF-8"?><GetHealthCheckStatusResponse xmlns="${NS}"><HealthCheckObservations>` +
  '<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.2.1</IPAddress><StatusReport>' +
  '<Status>Success: HTTP Status Code 200, OK</Status><CheckedTime>2026-11-25T08:00:00Z</CheckedTime></StatusReport>' +
  '</HealthCheckObservation></HealthCheckObservations></GetHealthCheckStatusResponse>';

interface SeenRequest {
  readonly path: string;
  readonly attemptHeader: string | undefined;
}

let server: Server;
let endpoint: string;
let seen: SeenRequest[];
/** How many of the next requests get HTTP 400 Throttling. */
let throttleNext: number;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    seen.push({ path: request.url ?? '', attemptHeader: request.headers['amz-sdk-request'] as string | undefined });
    request.resume();
    response.setHeader('content-type', 'text/xml');
    if (throttleNext > 0) {
      throttleNext -= 1;
      response.writeHead(400).end(THROTTLING);
    } else if (/\/healthcheck\/[^/]+\/status$/.test(request.url ?? '')) {
      response.writeHead(200).end(CHECKER_STATUS);
    } else {
      response.writeHead(200).end(HEALTH_CHECKS);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const clients: Route53Client[] = [];
beforeEach(() => {
  seen = [];
  throttleNext = 0;
});
afterEach(() => clients.splice(0).forEach((client) => client.destroy()));

/** A client on the local server with tiny backoff and a budget too generous to matter unless a test says so. */
function client(options: Route53ClientOptions = {}): Route53Client {
  const made = createRoute53Client({
    endpoint,
    credentials: { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' },
    maxAttempts: 4,
    backoffBaseMs: 2,
    backoffCapMs: 10,
    requestsPerSecond: 1000,
    burst: 100,
    statusRequestsPerSecond: 1000,
    statusBurst: 100,
    ...options,
  });
  clients.push(made);
  return made;
}


describe('Route 53 client against a throttling server', () => {
  it('retries HTTP 400 Throttling "Rate exceeded" with the SDK retry strategy until the call succeeds', async () => {
    throttleNext = 2;
    const output = await client().send(new ListHealthChecksCommand({}));
    expect(output.HealthChecks?.map((check) => check.Id)).toEqual(['abcdef11-2222-3333-4444-555555fedcba']);
    expect(output.$metadata.attempts).toBe(3);
    expect(seen.map((r) => r.attemptHeader)).toEqual(['attempt=1; max=4', 'attempt=2; max=4', 'attempt=3; max=4']);
  });

  it('gives up after maxAttempts and surfaces the Throttling error', async () => {
    throttleNext = 100;
    const failure = client({ maxAttempts: 3 }).send(new ListHealthChecksCommand({}));
    await expect(failure).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 3 } });
    expect(seen).toHaveLength(3);
  });

  it('the inventory turns exhausted throttling into a retryable HealthSourceError that names the setting to lower', async () => {
    throttleNext = 100;
    const failure = new Route53InventorySource(client({ maxAttempts: 2 }), { zoneIds: [] }).loadInventory();
    await expect(failure).rejects.toThrow(HealthSourceError);
    await expect(failure).rejects.toThrow(/kept throttling ListHealthChecks \(Throttling: Rate exceeded \(HTTP 400, 2 attempts\)\).*FAILWATCH_ROUTE53_RPS/);
    await expect(failure).rejects.toMatchObject({ retryable: true });
    expect(seen).toHaveLength(2);
  });

  it('each throttled attempt, retried ones included, counts against the invocation that made it (Route53Throttles), and only that one', async () => {
    const route53 = client();
    throttleNext = 2;
    const counted = await withinInvocation(undefined, async () => {
      await route53.send(new ListHealthChecksCommand({}));
      return route53ThrottlesSoFar();
    });
    expect(counted).toBe(2);
    // A concurrent invocation that met no throttling counts none; outside an invocation nothing is kept.
    throttleNext = 3;
    const [throttled, calm] = await Promise.all([
      withinInvocation(undefined, async () => (await route53.send(new ListHealthChecksCommand({})), route53ThrottlesSoFar())),
      withinInvocation(undefined, async () => (await new Promise((resolve) => setTimeout(resolve, 100)), route53ThrottlesSoFar())),
    ]);
    expect({ throttled, calm }).toEqual({ throttled: 3, calm: 0 });
    expect(route53ThrottlesSoFar()).toBe(0);
  });

  it('every attempt, each retry included, waits for the shared budget: 20 rps lets them go 50 ms apart', async () => {
    throttleNext = 3;
    const { budget, waits } = ledgerBudget(20);
    const output = await client({ budget }).send(new ListHealthChecksCommand({}));
    expect(output.$metadata.attempts).toBe(4);
    expect(seen).toHaveLength(4);
    // The first goes at once; each retry is held until 50 ms after the one before.
    expect(waits).toEqual([50, 100, 150]);
  });

  it('concurrent calls share one budget: five ListHealthChecks at 25 rps go 40 ms apart', async () => {
    const { budget, waits } = ledgerBudget(25);
    const route53 = client({ budget });
    await Promise.all(Array.from({ length: 5 }, () => route53.send(new ListHealthChecksCommand({}))));
    expect(seen).toHaveLength(5);
    expect(waits).toEqual([40, 80, 120, 160]);
  });

  it('GetHealthCheckStatus also waits on its own budget; other calls do not', async () => {
    const { budget: statusBudget, waits } = ledgerBudget(10);
    const route53 = client({ statusBudget });
    const checkers = new Route53CheckerStatusSource(route53);
    const readings = await Promise.all(['a', 'b', 'c'].map((id) => checkers.readCheckerReports(id)));
    expect(readings[0]).toEqual({
      kind: 'REPORTS',
      reports: [{ region: 'us-east-1', ipAddress: '15.177.2.1', statusReport: 'Success: HTTP Status Code 200, OK', checkedTime: '2026-11-25T08:00:00.000Z' }],
    });
    expect(seen.map((r) => r.path)).toEqual(['/2013-04-01/healthcheck/a/status', '/2013-04-01/healthcheck/b/status', '/2013-04-01/healthcheck/c/status']);
    expect(waits).toEqual([100, 200]);

    seen = [];
    await Promise.all(Array.from({ length: 3 }, () => route53.send(new ListHealthChecksCommand({}))));
    expect(seen).toHaveLength(3);
    // The drained status budget would have held them 300, 400 and 500 ms: they never asked it.
    expect(waits).toEqual([100, 200]);
  });

  it('without an explicit endpoint the client follows the standard AWS_ENDPOINT_URL_ROUTE_53 variable', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ROUTE_53;
    process.env.AWS_ENDPOINT_URL_ROUTE_53 = endpoint;
    try {
      const route53 = createRoute53Client({ credentials: { accessKeyId: 'AKIDFAILWATCHTEST', secretAccessKey: 'not-a-secret' }, maxAttempts: 1 });
      clients.push(route53);
      await route53.send(new ListHealthChecksCommand({}));
      expect(seen.map((r) => r.path)).toEqual(['/2013-04-01/healthcheck']);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ROUTE_53;
      else process.env.AWS_ENDPOINT_URL_ROUTE_53 = saved;
    }
  });

  it('the budgets sit inside the retry loop and before signing, the status budget first', () => {
    const stack = client().middlewareStack.identify();
    const at = (prefix: string) => stack.findIndex((entry) => entry.startsWith(prefix));
    expect(at('retryMiddleware')).toBeLessThan(at('failwatchStatusBudget'));
    expect(at('failwatchStatusBudget')).toBeLessThan(at('failwatchRoute53Budget'));
    expect(at('failwatchRoute53Budget')).toBeLessThan(at('httpSigningMiddleware'));
  });
});
