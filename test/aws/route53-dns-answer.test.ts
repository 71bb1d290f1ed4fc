/**
 * Route 53 TestDNSAnswer through the real SDK client and its request budget, against the Route 53
 * stand-in on 127.0.0.1 answering from the simulated account: what it answers, and that it never waits
 * long (a short budget skips it, a slow answer is abandoned at its bound), and only asks with the
 * account-wide gate's grant (in dynalite).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoRateGate, RateClaim } from '../../lib/aws/dynamodb/rate-gate';
import { RequestBudget } from '../../lib/aws/request-budget';
import { dnsAnswersPerSecond, Route53DnsAnswerSource } from '../../lib/aws/route53/dns-answer';
import { createRoute53Client } from '../../lib/aws/sdk-clients';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { FixedClock } from '../../local/fixed-clock';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import type { RunningServer } from '../../local/stand-ins/http';
import { startRoute53StandIn } from '../../local/stand-ins/route53-server';
import { Traffic, totalRequests } from '../../local/stand-ins/traffic';

const PAIR = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
const AT = new Date('2026-11-25T08:00:00Z');
const CLIENT_OPTIONS = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2, backoffBaseMs: 1 };

let account: SimulatedAws;
let traffic: Traffic;
let dynamo: LocalDynamo;
let tableName: string;
let clock: FixedClock;
let hour = 0;
const servers: RunningServer[] = [];
const stops: (() => void)[] = [];

/** The account-wide TestDNSAnswer gate as a container holds it (the default FAILWATCH_ROUTE53_RPS 5: 2 calls a second). */
function gateIn(table: string): DynamoRateGate {
  const client = createTestDocumentClient(dynamo.endpoint);
  stops.push(() => client.destroy());
  return new DynamoRateGate({ client, tableName: table, operation: 'TestDNSAnswer', callsPerSecond: dnsAnswersPerSecond(5), clock });
}

async function sourceWith(options: { latencyMs?: number; budget?: RequestBudget; boundMs?: number; gate?: DynamoRateGate } = {}): Promise<Route53DnsAnswerSource> {
  const latency = { minMs: options.latencyMs ?? 0, maxMs: options.latencyMs ?? 0 };
  const server = await startRoute53StandIn(account, traffic, { requestsPerSecond: 100, statusBurst: 4, statusPerSecond: 1, latency, seed: 1 });
  servers.push(server);
  const budget = options.budget ?? new RequestBudget({ requestsPerSecond: 5 });
  const client = createRoute53Client({ ...CLIENT_OPTIONS, endpoint: server.endpoint, budget });
  stops.push(() => client.destroy());
  return new Route53DnsAnswerSource({ client, budget, gate: options.gate ?? gateIn(tableName), ...(options.boundMs === undefined ? {} : { boundMs: options.boundMs }) });
}

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await createTestTable(dynamo.endpoint);
});

afterAll(() => dynamo.stop());

beforeEach(() => {
  account = referenceAccount();
  traffic = new Traffic();
  // Each test in its own hour, so no test finds a window an earlier one spent in the shared table.
  clock = new FixedClock(new Date(Date.parse('2026-11-25T08:00:00.100Z') + hour++ * 3_600_000));
});

afterEach(async () => {
  stops.splice(0).forEach((stop) => stop());
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const testDnsAnswerCalls = () => totalRequests(traffic.snapshot().services.route53, ['TestDNSAnswer']);

describe('Route53DnsAnswerSource', () => {
  it("answers what Route 53 chooses now: the primary's address, then the secondary's once the primary is unhealthy", async () => {
    const source = await sourceWith();
    expect(await source.askDnsAnswer(PAIR, AT)).toEqual({ kind: 'ANSWERED', values: ['10.0.0.1'], responseCode: 'NOERROR', askedAt: AT.toISOString() });
    account.setHealthy(REFERENCE.primaryCheckId, false);
    clock.advanceSeconds(1);
    expect(await source.askDnsAnswer(PAIR, AT)).toMatchObject({ kind: 'ANSWERED', values: ['10.0.1.1'] });
    expect(testDnsAnswerCalls()).toBe(2);
  });

  it("the account's window free → granted, one request", async () => {
    const source = await sourceWith();
    expect(await source.askDnsAnswer(PAIR, AT)).toMatchObject({ kind: 'ANSWERED' });
    expect(testDnsAnswerCalls()).toBe(1);
  });

  it("another container took this window of the account's rate for DNS answers → SKIPPED saying so, and no request sent", async () => {
    await expect(gateIn(tableName).claim()).resolves.toBe(RateClaim.GRANTED);
    const answer = await (await sourceWith()).askDnsAnswer(PAIR, AT);
    expect(answer).toEqual({ kind: 'SKIPPED', reason: "Route 53's rate for DNS answers (about 2 calls a second for the whole account) was spent by other changes at the same moment" });
    expect(testDnsAnswerCalls()).toBe(0);
    // The next window is free again.
    clock.advanceSeconds(0.5);
    await expect((await sourceWith()).askDnsAnswer(PAIR, AT)).resolves.toMatchObject({ kind: 'ANSWERED' });
    expect(testDnsAnswerCalls()).toBe(1);
  });

  it('the share is at most half of FAILWATCH_ROUTE53_RPS: at 1 request a second, one answer every 2 s for the whole account', () => {
    expect([dnsAnswersPerSecond(10), dnsAnswersPerSecond(5), dnsAnswersPerSecond(1)]).toEqual([2, 2, 0.5]);
  });

  it('the gate cannot be claimed (DynamoDB fails: here, no such table) → UNAVAILABLE saying why, no request, never a throw', async () => {
    const answer = await (await sourceWith({ gate: gateIn('failwatch-no-such-table') })).askDnsAnswer(PAIR, AT);
    expect(answer).toMatchObject({ kind: 'UNAVAILABLE', reason: expect.stringMatching(/^the account's TestDNSAnswer allowance could not be claimed \(.+\)$/) });
    expect(testDnsAnswerCalls()).toBe(0);
  });

  it('a budget that would make it queue past its bound (a storm) → SKIPPED with the reason, and no request sent', async () => {
    const budget = new RequestBudget({ requestsPerSecond: 1, now: () => 0 });
    for (let index = 0; index < 4; index++) void budget.acquire();
    const answer = await (await sourceWith({ budget })).askDnsAnswer(PAIR, AT);
    expect(answer).toEqual({ kind: 'SKIPPED', reason: 'the Route 53 request budget is short (a request would wait 4.0 s, more than 2 s): other changes and listings come first' });
    expect(testDnsAnswerCalls()).toBe(0);
  });

  it('an answer slower than its bound → UNAVAILABLE at the bound, never a throw', async () => {
    const source = await sourceWith({ latencyMs: 1_500, boundMs: 200 });
    const started = Date.now();
    expect(await source.askDnsAnswer(PAIR, AT)).toEqual({ kind: 'UNAVAILABLE', reason: 'TestDNSAnswer gave no answer within 0.2 s' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('an endpoint without TestDNSAnswer (an emulator answering its HTML 404 page) → UNAVAILABLE saying so, on one line', async () => {
    // What moto 5.2 answers: the web framework's page for a path it has no route for.
    const page = '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n';
    const server = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const budget = new RequestBudget({ requestsPerSecond: 5 });
    const client = createRoute53Client({ ...CLIENT_OPTIONS, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, budget });
    try {
      const answer = await new Route53DnsAnswerSource({ client, budget, gate: gateIn(tableName) }).askDnsAnswer(PAIR, AT);
      expect(answer).toEqual({
        kind: 'UNAVAILABLE',
        reason: 'The Route 53 endpoint does not offer TestDNSAnswer: it answered HTTP 404 with no Route 53 error (an emulator or a proxy without this operation; Route 53 itself has it)',
      });
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a refusal → UNAVAILABLE saying what to grant', async () => {
    const source = await sourceWith();
    const install = account.testDnsAnswer.bind(account);
    account.testDnsAnswer = () => {
      throw Object.assign(new Error('User is not authorized to perform: route53:TestDNSAnswer'), { name: 'AccessDenied' });
    };
    try {
      expect(await source.askDnsAnswer(PAIR, AT)).toMatchObject({ kind: 'UNAVAILABLE', reason: expect.stringMatching(/^Route 53 refused TestDNSAnswer .*grant route53:TestDNSAnswer on \* to the function's role$/) });
    } finally {
      account.testDnsAnswer = install;
    }
  });
});
