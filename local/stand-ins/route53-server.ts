/**
 * Route 53 on 127.0.0.1, speaking REST-XML to the real SDK client (found through the standard
 * AWS_ENDPOINT_URL_ROUTE_53 variable), so the request budget and the SDK retry run as deployed.
 * Answers come from a SimulatedAws world (TestDNSAnswer: what the world's Route 53 chooses now); like Route 53 it answers HTTP 400 `Throttling`
 * ("Rate exceeded") past its account-wide rate (a sliding one-second window) and past
 * GetHealthCheckStatus's own burst-then-rate, and every answer takes a while.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedAws } from '../simulated-aws';
import { invocationIdOf, latencySource, startHttpServer, type LatencyRange, type RunningServer } from './http';
import { Service, type Traffic } from './traffic';
import { xmlDocument, type XmlValue } from './xml';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const PREFIX = '/2013-04-01';

export interface Route53StandInOptions {
  /** Account-wide requests per second before `Throttling` (sliding one-second window). */
  readonly requestsPerSecond: number;
  /** GetHealthCheckStatus: a burst, then this many a second (AWS: 4, then 1). */
  readonly statusBurst: number;
  readonly statusPerSecond: number;
  readonly latency: LatencyRange;
  readonly seed: number;
}

/** Accepts at most `limit` requests in any window of `windowMs`. */
export class SlidingWindow {
  private readonly accepted: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
  ) {}

  tryAccept(now: number): boolean {
    while (this.accepted.length > 0 && this.accepted[0]! <= now - this.windowMs) this.accepted.shift();
    if (this.accepted.length >= this.limit) return false;
    this.accepted.push(now);
    return true;
  }
}

class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  tryTake(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Route {
  readonly operation: string;
  readonly answer: (world: SimulatedAws, path: readonly string[], query: URLSearchParams) => { root: string; body: Record<string, XmlValue> };
}

function route(method: string | undefined, parts: readonly string[]): Route | undefined {
  if (method !== 'GET') return undefined;
  const [resource, id, sub] = parts;
  if (resource === 'hostedzone' && id === undefined) {
    return {
      operation: 'ListHostedZones',
      answer: (world, _path, query) => ({ root: 'ListHostedZonesResponse', body: world.listHostedZones({ ...optional({ Marker: query.get('marker') }), ...maxItems(query.get('maxitems')) }) }),
    };
  }
  if (resource === 'hostedzone' && sub === undefined) {
    return { operation: 'GetHostedZone', answer: (world, path) => ({ root: 'GetHostedZoneResponse', body: world.getHostedZone({ Id: path[1]! }) }) };
  }
  if (resource === 'hostedzone' && sub === 'rrset') {
    return {
      operation: 'ListResourceRecordSets',
      answer: (world, path, query) => ({
        root: 'ListResourceRecordSetsResponse',
        body: world.listResourceRecordSets({
          HostedZoneId: path[1]!,
          ...optional({ StartRecordName: query.get('name'), StartRecordType: query.get('type'), StartRecordIdentifier: query.get('identifier') }),
          ...maxItems(query.get('maxitems')),
        }) as unknown as Record<string, XmlValue>,
      }),
    };
  }
  if (resource === 'healthcheck' && id === undefined) {
    return {
      operation: 'ListHealthChecks',
      answer: (world, _path, query) => ({
        root: 'ListHealthChecksResponse',
        // MaxItems as the SDK sends it (`maxitems`); the world caps each page as Route 53 does (ROUTE53_PAGE_CAPS).
        body: world.listHealthChecks({ ...optional({ Marker: query.get('marker') }), ...maxItems(query.get('maxitems')) }) as unknown as Record<string, XmlValue>,
      }),
    };
  }
  if (resource === 'testdnsanswer' && id === undefined) {
    return {
      operation: 'TestDNSAnswer',
      answer: (world, _path, query) => ({
        root: 'TestDNSAnswerResponse',
        body: world.testDnsAnswer({ HostedZoneId: query.get('hostedzoneid') ?? '', RecordName: query.get('recordname') ?? '', RecordType: query.get('recordtype') ?? '' }) as unknown as Record<string, XmlValue>,
      }),
    };
  }
  if (resource === 'healthcheck' && sub === 'status') {
    return {
      operation: 'GetHealthCheckStatus',
      answer: (world, path) => ({ root: 'GetHealthCheckStatusResponse', body: world.getHealthCheckStatus({ HealthCheckId: path[1]! }) as unknown as Record<string, XmlValue> }),
    };
  }
  return undefined;
}

function maxItems(value: string | null): { MaxItems?: number } {
  const parsed = Number(value);
  return value === null || !Number.isInteger(parsed) ? {} : { MaxItems: parsed };
}

function optional<T extends Record<string, string | null>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== '')) as { [K in keyof T]?: string };
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

const NOT_FOUND_STATUS: Readonly<Record<string, number>> = { NoSuchHostedZone: 404, NoSuchHealthCheck: 404 };

export function startRoute53StandIn(world: SimulatedAws, traffic: Traffic, options: Route53StandInOptions): Promise<RunningServer> {
  const window = new SlidingWindow(options.requestsPerSecond);
  const statusBucket = new TokenBucket(options.statusBurst, options.statusPerSecond);
  const delay = latencySource(options.latency, options.seed);

  return startHttpServer(async (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const arrivedAt = performance.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent) : [];
    const matched = route(request.method, parts);
    const operation = matched?.operation ?? 'Unknown';
    // Throttling is decided on arrival, as a server would; the answer still takes its latency.
    const throttled = !window.tryAccept(arrivedAt) || (operation === 'GetHealthCheckStatus' && !statusBucket.tryTake(arrivedAt));
    traffic.record(Service.ROUTE53, operation, invocationIdOf(request), throttled);
    await delay();
    response.setHeader('content-type', 'text/xml');
    response.setHeader('x-amzn-requestid', randomUUID());
    if (throttled) {
      response.writeHead(400).end(errorXml('Throttling', 'Rate exceeded'));
      return;
    }
    if (matched === undefined) {
      response.writeHead(400).end(errorXml('InvalidAction', `The stand-in does not implement ${request.method ?? '?'} ${url.pathname}`));
      return;
    }
    try {
      const { root, body } = matched.answer(world, parts, url.searchParams);
      response.writeHead(200).end(xmlDocument(root, NS, body));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'InternalFailure';
      response.writeHead(NOT_FOUND_STATUS[name] ?? 500).end(errorXml(name, error instanceof Error ? error.message : String(error)));
    }
  });
}
