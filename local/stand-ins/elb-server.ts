/**
 * Elastic Load Balancing on 127.0.0.1, v2 (Application and Network) and Classic on one server, in the
 * Query protocol both SDK clients speak (form in, XML out; the `Version` field tells them apart), for
 * every region (the one the client signed for). Found through the standard AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2
 * and AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING variables. Answers come from the SimulatedAws world's load
 * balancers, pages capped at 400 as the API reference caps them.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatedAws } from '../simulated-aws';
import { invocationIdOf, latencySource, readBody, regionOf, startHttpServer, type LatencyRange, type RunningServer } from './http';
import { Service, type Traffic } from './traffic';
import { xmlDocument, type XmlValue } from './xml';

const V2 = { version: '2015-12-01', namespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/' } as const;
const CLASSIC = { version: '2012-06-01', namespace: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/' } as const;

export interface ElbStandInOptions {
  readonly latency: LatencyRange;
  readonly seed: number;
}

type Answer = (world: SimulatedAws, form: URLSearchParams, region: string) => Record<string, XmlValue>;

const pageOf = (form: URLSearchParams) => ({ ...(form.get('Marker') ? { Marker: form.get('Marker')! } : {}), ...(form.get('PageSize') ? { PageSize: Number(form.get('PageSize')) } : {}) });

const V2_ANSWERS: Readonly<Record<string, Answer>> = {
  DescribeLoadBalancers: (world, form, region) => world.loadBalancers.describeV2(pageOf(form), region) as unknown as Record<string, XmlValue>,
  DescribeLoadBalancerAttributes: (world, form, region) => world.loadBalancers.describeLoadBalancerAttributes({ LoadBalancerArn: form.get('LoadBalancerArn') ?? '' }, region),
  DescribeTargetGroups: (world, form, region) => world.loadBalancers.describeTargetGroups({ LoadBalancerArn: form.get('LoadBalancerArn') ?? '', ...pageOf(form) }, region) as unknown as Record<string, XmlValue>,
  DescribeTargetGroupAttributes: (world, form, region) => world.loadBalancers.describeTargetGroupAttributes({ TargetGroupArn: form.get('TargetGroupArn') ?? '' }, region) as unknown as Record<string, XmlValue>,
};

const CLASSIC_ANSWERS: Readonly<Record<string, Answer>> = {
  DescribeLoadBalancers: (world, form, region) => world.loadBalancers.describeClassic(pageOf(form), region) as unknown as Record<string, XmlValue>,
};

function errorXml(namespace: string, code: string, message: string): string {
  return `<?xml version="1.0"?><ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

export function startElbStandIn(world: SimulatedAws, traffic: Traffic, options: ElbStandInOptions): Promise<RunningServer> {
  const delay = latencySource(options.latency, options.seed);
  return startHttpServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    const operation = form.get('Action') ?? 'Unknown';
    const api = form.get('Version') === CLASSIC.version ? CLASSIC : V2;
    const answer = (api === CLASSIC ? CLASSIC_ANSWERS : V2_ANSWERS)[operation];
    traffic.record(Service.ELB, operation, invocationIdOf(request), false);
    await delay();
    response.setHeader('content-type', 'text/xml');
    if (!answer) {
      response.writeHead(400).end(errorXml(api.namespace, 'InvalidAction', `The stand-in does not implement ${operation} (${api.version})`));
      return;
    }
    try {
      const body = answer(world, form, regionOf(request));
      response.writeHead(200).end(xmlDocument(`${operation}Response`, api.namespace, { [`${operation}Result`]: body, ResponseMetadata: { RequestId: randomUUID() } }));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'InternalFailure';
      response.writeHead(name === 'InternalFailure' || name === 'Error' ? 500 : 400).end(errorXml(api.namespace, name, error instanceof Error ? error.message : String(error)));
    }
  });
}
