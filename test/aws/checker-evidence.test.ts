/**
 * Evidence reads (GetHealthCheckStatus for an alert) as the functions are wired: the account-wide gate in
 * dynalite, and the one-attempt Route 53 client against a local server that plays Route 53 over REST-XML
 * (aws-sdk-client-mock would bypass the retry middleware this is about).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoRateGate, RateClaim } from '../../lib/aws/dynamodb/rate-gate';
import { loadWatchConfig } from '../../lib/runtime/config';
import { buildWatchDeps, createAwsClients, destroyAwsClients, type AwsClients } from '../../lib/runtime/wiring';
import type { CheckerStatusSource, DnsAnswerSource } from '../../lib/ports';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { FixedClock } from '../../local/fixed-clock';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const THROTTLING = `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>`;
const CHECKER_STATUS =
  `<?xml version="1.0" encoding="UTF-8"?><GetHealthCheckStatusResponse xmlns="${NS}"><HealthCheckObservations>` +
  '<HealthCheckObservation><Region>eu-west-1</Region><IPAddress>15.177.62.1</IPAddress><StatusReport>' +
  '<Status>Failure: Connection timed out.</Status><CheckedTime>2026-11-25T08:00:00Z</CheckedTime></StatusReport>' +
  '</HealthCheckObservation></HealthCheckObservations></GetHealthCheckStatusResponse>';

let dynamo: LocalDynamo;
let tableName: string;
let server: Server;
let seen: { path: string; attemptHeader: string | undefined }[];
let throttle: boolean;

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await createTestTable(dynamo.endpoint);
  server = createServer((request: IncomingMessage, response) => {
    seen.push({ path: request.url ?? '', attemptHeader: request.headers['amz-sdk-request'] as string | undefined });
    request.resume();
    response.setHeader('content-type', 'text/xml');
    if (throttle) response.writeHead(400).end(THROTTLING);
    else response.writeHead(200).end(CHECKER_STATUS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dynamo.stop();
});

beforeEach(() => {
  seen = [];
  throttle = false;
});

describe('DynamoRateGate: one GetHealthCheckStatus call per window for the whole account', () => {
  const gates = (count: number, clock: FixedClock, callsPerSecond = 1) => {
    const client = createTestDocumentClient(dynamo.endpoint);
    return Array.from({ length: count }, () => new DynamoRateGate({ client, tableName, operation: `GetHealthCheckStatus-${callsPerSecond}`, callsPerSecond, clock }));
  };

  it('50 containers claiming at once, second after second: exactly one call granted per second', async () => {
    const clock = new FixedClock(new Date('2026-11-25T08:00:00.100Z'));
    const containers = gates(50, clock);
    const grantedPerSecond: number[] = [];
    for (let second = 0; second < 5; second++) {
      let granted = 0;
      // Twice within the second: the second round finds the window spent, whoever asks.
      for (const offsetMs of [0, 600]) {
        clock.set(new Date(Date.parse('2026-11-25T08:00:00.100Z') + second * 1000 + offsetMs));
        const claims = await Promise.all(containers.map((gate) => gate.claim()));
        granted += claims.filter((claim) => claim === RateClaim.GRANTED).length;
      }
      grantedPerSecond.push(granted);
    }
    expect(grantedPerSecond).toEqual([1, 1, 1, 1, 1]);
  });

  it('at 0.5 calls a second (FAILWATCH_STATUS_RPS=0.5), one call per 2 s window', async () => {
    const clock = new FixedClock(new Date('2026-11-25T09:00:00.000Z'));
    const containers = gates(20, clock, 0.5);
    const granted: number[] = [];
    for (let second = 0; second < 4; second++) {
      clock.set(new Date(Date.parse('2026-11-25T09:00:00.000Z') + second * 1000));
      granted.push((await Promise.all(containers.map((gate) => gate.claim()))).filter((claim) => claim === RateClaim.GRANTED).length);
    }
    expect(granted).toEqual([1, 0, 1, 0]);
  });
});

describe('the evidence source as wired: one attempt, only with the account\'s call', () => {
  let clients: AwsClients;
  let clock: FixedClock;
  let evidence: CheckerStatusSource;
  let dnsAnswers: DnsAnswerSource | undefined;
  const saved = new Map<string, string | undefined>();

  beforeAll(() => {
    const environment = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_ROUTE_53: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      FAILWATCH_TABLE: tableName,
      FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch-test',
    };
    for (const [key, value] of Object.entries(environment)) {
      saved.set(key, process.env[key]);
      process.env[key] = value;
    }
    const config = loadWatchConfig(process.env);
    clients = createAwsClients(config);
    clock = new FixedClock(new Date('2026-11-25T10:00:00.000Z'));
    ({ checkerEvidence: evidence, dnsAnswers } = buildWatchDeps(config, clients, clock));
  });

  afterAll(() => {
    destroyAwsClients(clients);
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('a throttled read is not retried: one request, and the reading says why there is no evidence', async () => {
    clock.advanceSeconds(10);
    throttle = true;
    const reading = await evidence.readCheckerReports('hc-1');
    expect(reading).toEqual({
      kind: 'UNAVAILABLE',
      reason: 'Route 53 throttled GetHealthCheckStatus (about 1 call a second for the whole account, shared with other callers); not retried, so the alert is not delayed',
    });
    expect(seen).toEqual([{ path: '/2013-04-01/healthcheck/hc-1/status', attemptHeader: 'attempt=1; max=1' }]);
  });

  it('the account\'s call of this second already taken: no request to Route 53 at all', async () => {
    clock.advanceSeconds(10);
    await expect(evidence.readCheckerReports('hc-1')).resolves.toMatchObject({ kind: 'REPORTS' });
    await expect(evidence.readCheckerReports('hc-2')).resolves.toEqual({
      kind: 'UNAVAILABLE',
      reason: "Route 53's GetHealthCheckStatus rate (about 1 call a second for the whole account) was spent by other alarms at the same moment",
    });
    expect(seen.map((request) => request.path)).toEqual(['/2013-04-01/healthcheck/hc-1/status']);
    clock.advanceSeconds(1);
    await expect(evidence.readCheckerReports('hc-2')).resolves.toMatchObject({ kind: 'REPORTS', reports: [{ region: 'eu-west-1', statusReport: 'Failure: Connection timed out.' }] });
  });

  it("TestDNSAnswer has its own account-wide gate: another container's answer of this window → SKIPPED, no request; the next window → one request", async () => {
    clock.advanceSeconds(10);
    const otherContainer = new DynamoRateGate({ client: clients.dynamo, tableName, operation: 'TestDNSAnswer', callsPerSecond: 2, clock });
    await expect(otherContainer.claim()).resolves.toBe(RateClaim.GRANTED);
    const pair = { zoneId: 'Z1', name: 'www.example.com.', type: 'A' };
    await expect(dnsAnswers?.askDnsAnswer(pair, clock.now())).resolves.toEqual({
      kind: 'SKIPPED',
      reason: "Route 53's rate for DNS answers (about 2 calls a second for the whole account) was spent by other changes at the same moment",
    });
    expect(seen).toEqual([]);
    clock.advanceSeconds(0.5);
    await dnsAnswers?.askDnsAnswer(pair, clock.now());
    expect(seen.map((request) => request.path)).toEqual([expect.stringMatching(/^\/2013-04-01\/testdnsanswer\?/)]);
  });

  it('TestDNSAnswer, the other optional evidence, is one attempt too: a throttled one is not retried into the shared rate', async () => {
    clock.advanceSeconds(10);
    throttle = true;
    await expect(dnsAnswers?.askDnsAnswer({ zoneId: 'Z1', name: 'www.example.com.', type: 'A' }, clock.now())).resolves.toMatchObject({ kind: 'UNAVAILABLE' });
    expect(seen.map((request) => request.attemptHeader)).toEqual(['attempt=1; max=1']);
  });
});
