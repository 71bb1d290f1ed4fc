/** One loopback server answering every call and error case of sdk-round-trips.ts in its service's protocol, recording each request. */
import type { IncomingMessage } from 'node:http';
import { ERROR_CASES, type ErrorCase, type RecordedRequest } from './sdk-round-trips';
import { readBody, startHttpServer, type RunningServer } from '../../../local/stand-ins/http';

/** GET this path for the latest request the server recorded (it is not recorded itself). */
export const LAST_REQUEST_PATH = '/__last-request';

const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const HEALTH_CHECK_CONFIG = '<HealthCheckConfig><IPAddress>192.0.2.10</IPAddress><Port>443</Port><Type>HTTPS</Type><ResourcePath>/health</ResourcePath><FullyQualifiedDomainName>app.example.com</FullyQualifiedDomainName><RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold><MeasureLatency>false</MeasureLatency><Inverted>false</Inverted><Disabled>false</Disabled><EnableSNI>true</EnableSNI><Regions><Region>us-east-1</Region><Region>eu-west-1</Region><Region>ap-southeast-1</Region></Regions></HealthCheckConfig>';
const HOSTED_ZONE = '<HostedZone><Id>/hostedzone/Z1EXAMPLE</Id><Name>example.com.</Name><CallerReference>zone-1</CallerReference><Config><Comment>production</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>12</ResourceRecordSetCount></HostedZone>';

const ROUTE53_ANSWERS: readonly (readonly [RegExp, string])[] = [
  [/^\/2013-04-01\/hostedzone$/, `<ListHostedZonesResponse xmlns="${ROUTE53_NS}"><HostedZones>${HOSTED_ZONE}<HostedZone><Id>/hostedzone/Z2PRIVATE</Id><Name>internal.example.</Name><CallerReference>zone-2</CallerReference><Config><PrivateZone>true</PrivateZone></Config><ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone></HostedZones><Marker>Z0</Marker><IsTruncated>true</IsTruncated><NextMarker>Z3</NextMarker><MaxItems>100</MaxItems></ListHostedZonesResponse>`],
  [/^\/2013-04-01\/hostedzone\/Z1EXAMPLE$/, `<GetHostedZoneResponse xmlns="${ROUTE53_NS}">${HOSTED_ZONE}<DelegationSet><NameServers><NameServer>ns-1.awsdns-01.org</NameServer><NameServer>ns-2.awsdns-02.com</NameServer></NameServers></DelegationSet></GetHostedZoneResponse>`],
  [/^\/2013-04-01\/hostedzone\/Z1EXAMPLE\/rrset$/, `<ListResourceRecordSetsResponse xmlns="${ROUTE53_NS}"><ResourceRecordSets>` +
    '<ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier><Failover>PRIMARY</Failover><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.10</Value></ResourceRecord><ResourceRecord><Value>192.0.2.11</Value></ResourceRecord></ResourceRecords><HealthCheckId>hc-1</HealthCheckId></ResourceRecordSet>' +
    '<ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type><SetIdentifier>secondary</SetIdentifier><Failover>SECONDARY</Failover><AliasTarget><HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>standby-123.us-west-2.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>' +
    '</ResourceRecordSets><IsTruncated>true</IsTruncated><NextRecordName>b.example.com.</NextRecordName><NextRecordType>AAAA</NextRecordType><NextRecordIdentifier>next</NextRecordIdentifier><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>'],
  [/^\/2013-04-01\/healthcheck$/, `<ListHealthChecksResponse xmlns="${ROUTE53_NS}"><HealthChecks>` +
    `<HealthCheck><Id>hc-1</Id><CallerReference>check-1</CallerReference>${HEALTH_CHECK_CONFIG}<HealthCheckVersion>4</HealthCheckVersion><CloudWatchAlarmConfiguration><EvaluationPeriods>1</EvaluationPeriods><Threshold>1.0</Threshold><ComparisonOperator>LessThanThreshold</ComparisonOperator><Period>60</Period><MetricName>HealthCheckStatus</MetricName><Namespace>AWS/Route53</Namespace><Statistic>Minimum</Statistic><Dimensions><Dimension><Name>HealthCheckId</Name><Value>hc-1</Value></Dimension></Dimensions></CloudWatchAlarmConfiguration></HealthCheck>` +
    '<HealthCheck><Id>hc-2</Id><CallerReference>check-2</CallerReference><LinkedService><ServicePrincipal>elb.amazonaws.com</ServicePrincipal></LinkedService><HealthCheckConfig><Type>CALCULATED</Type><Inverted>false</Inverted><Disabled>false</Disabled><HealthThreshold>2</HealthThreshold><ChildHealthChecks><ChildHealthCheck>hc-1</ChildHealthCheck><ChildHealthCheck>hc-3</ChildHealthCheck></ChildHealthChecks></HealthCheckConfig><HealthCheckVersion>1</HealthCheckVersion></HealthCheck>' +
    '</HealthChecks><Marker>hc-0</Marker><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHealthChecksResponse>'],
  [/^\/2013-04-01\/healthcheck\/[^/]+\/status$/, `<GetHealthCheckStatusResponse xmlns="${ROUTE53_NS}"><HealthCheckObservations>` +
    '<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.2.1</IPAddress><StatusReport><Status>Success: HTTP Status Code 200, OK</Status><CheckedTime>2026-11-25T12:00:00.250Z</CheckedTime></StatusReport></HealthCheckObservation>' +
    '<HealthCheckObservation><Region>eu-west-1</Region><IPAddress>15.177.10.1</IPAddress><StatusReport><Status>Failure: Connection timed out.</Status><CheckedTime>2026-11-25T11:59:58Z</CheckedTime></StatusReport></HealthCheckObservation>' +
    '</HealthCheckObservations></GetHealthCheckStatusResponse>'],
];

const ITEM = {
  pk: { S: 'PAIR#zone/app.example.com/A' }, sk: { S: 'STATE' }, version: { N: '8' }, ratio: { N: '0.5' }, tags: { SS: ['a', 'b'] },
  evidence: { L: [{ M: { region: { S: 'us-east-1' }, healthy: { BOOL: true } } }, { NULL: true }] }, raw: { B: 'AAEC' },
};
const KEY = { pk: ITEM.pk, sk: ITEM.sk };

const JSON_ANSWERS: Readonly<Record<string, unknown>> = {
  'GraniteServiceVersion20100801.GetMetricData': {
    MetricDataResults: [{ Id: 'q0', Label: 'HealthCheckStatus', Timestamps: [1764072000, 1764071940], Values: [1, 0], StatusCode: 'Complete' }],
    Messages: [{ Code: 'MaxMetricsExceeded', Value: 'not really' }], NextToken: 'next-page',
  },
  'GraniteServiceVersion20100801.DescribeAlarms': {
    MetricAlarms: [{
      AlarmName: 'failwatch-prod-hc-1', AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:failwatch-prod-hc-1', AlarmDescription: '{"pairs":["zone/app.example.com/A"]}',
      AlarmConfigurationUpdatedTimestamp: 1764072000.5, ActionsEnabled: false, OKActions: [], AlarmActions: [], InsufficientDataActions: [], StateValue: 'ALARM', StateReason: 'Threshold Crossed',
      StateUpdatedTimestamp: 1764072060, MetricName: 'HealthCheckStatus', Namespace: 'AWS/Route53', Statistic: 'Minimum', Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-1' }],
      Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    }],
    CompositeAlarms: [], NextToken: 'page-3',
  },
  'GraniteServiceVersion20100801.ListTagsForResource': { Tags: [{ Key: 'failwatch:managed-by', Value: 'failwatch-prod' }, { Key: 'team', Value: 'dr' }] },
  'GraniteServiceVersion20100801.PutMetricAlarm': {},
  'GraniteServiceVersion20100801.DeleteAlarms': {},
  'DynamoDB_20120810.BatchGetItem': { Responses: { 'failwatch-history': [ITEM] }, UnprocessedKeys: { 'failwatch-history': { Keys: [{ pk: { S: 'PAIR#other' }, sk: { S: 'STATE' } }], ConsistentRead: true } } },
  'DynamoDB_20120810.BatchWriteItem': { UnprocessedItems: { 'failwatch-history': [{ DeleteRequest: { Key: KEY } }] } },
  'DynamoDB_20120810.GetItem': { Item: ITEM },
  'DynamoDB_20120810.PutItem': {},
  'DynamoDB_20120810.Query': { Items: [ITEM], Count: 1, ScannedCount: 3, LastEvaluatedKey: KEY },
  'DynamoDB_20120810.UpdateItem': { Attributes: ITEM },
  'AmazonSSM.GetParameter': {
    Parameter: { Name: '/failwatch/prod/slack-webhook', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T000/B000/XXXX', Version: 3, LastModifiedDate: 1764072000.25, ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/failwatch/prod/slack-webhook', DataType: 'text' },
  },
};

const SNS_PUBLISH = `<PublishResponse xmlns="${SNS_NS}"><PublishResult><MessageId>5f9a7d3c-0000-4000-8000-000000000001</MessageId><SequenceNumber>10000000000000000001</SequenceNumber></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`;

function jsonHeaders(version: string, errorCase: ErrorCase): Record<string, string> {
  return {
    'content-type': `application/x-amz-json-${version}`,
    'x-amzn-requestid': `request-${errorCase.key}`,
    ...(errorCase.queryCode === undefined ? {} : { 'x-amzn-query-error': `${errorCase.queryCode};${errorCase.status >= 500 ? 'Receiver' : 'Sender'}` }),
  };
}

function errorAnswer(errorCase: ErrorCase): { headers: Record<string, string>; body: string } {
  const requestId = `request-${errorCase.key}`;
  switch (errorCase.service) {
    case 'route53':
    case 'sns':
      return {
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<?xml version="1.0"?>\n<ErrorResponse xmlns="${errorCase.service === 'sns' ? SNS_NS : ROUTE53_NS}"><Error><Type>${errorCase.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${errorCase.code}</Code><Message>${errorCase.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'dynamodb':
      return { headers: jsonHeaders('1.0', errorCase), body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${errorCase.code}`, message: errorCase.message }) };
    case 'cloudwatch':
      return { headers: jsonHeaders('1.0', errorCase), body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${errorCase.code}`, message: errorCase.message }) };
    case 'ssm':
      return { headers: jsonHeaders('1.1', errorCase), body: JSON.stringify({ __type: errorCase.code, message: errorCase.message }) };
  }
}

function record(request: IncomingMessage, body: string): RecordedRequest {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const contentType = request.headers['content-type'];
  const target = request.headers['x-amz-target'];
  const parsedBody = body === '' ? undefined
    : contentType?.startsWith('application/x-www-form-urlencoded') ? [...new URLSearchParams(body)].sort(([a], [b]) => a.localeCompare(b))
      : contentType?.startsWith('application/x-amz-json') ? JSON.parse(body) as unknown
        : body;
  return {
    method: request.method ?? '',
    path: url.pathname,
    query: [...url.searchParams].sort(([a], [b]) => a.localeCompare(b)),
    contentType: typeof contentType === 'string' ? contentType : undefined,
    target: typeof target === 'string' ? target : undefined,
    body: parsedBody,
  };
}

export interface RoundTripServer extends RunningServer {
  lastRequest(): RecordedRequest | undefined;
}

export async function startRoundTripServer(): Promise<RoundTripServer> {
  const errorCases = new Map(ERROR_CASES.map((errorCase) => [errorCase.key, errorCase]));
  let last: RecordedRequest | undefined;
  const server = await startHttpServer(async (request, response) => {
    const body = await readBody(request);
    if (request.url === LAST_REQUEST_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(last ?? null));
      return;
    }
    last = record(request, body);
    const key = /(route53|dynamodb|sns|cloudwatch|ssm)-[A-Za-z]+(-as-[A-Za-z]+|-at-\d+)?/.exec(`${decodeURIComponent(request.url ?? '')} ${decodeURIComponent(body)}`)?.[0];
    const errorCase = key === undefined ? undefined : errorCases.get(key);
    if (errorCase !== undefined) {
      const answer = errorAnswer(errorCase);
      response.writeHead(errorCase.status, answer.headers).end(answer.body);
      return;
    }
    const target = last.target;
    if (target !== undefined && target in JSON_ANSWERS) {
      response.writeHead(200, { 'content-type': target.startsWith('AmazonSSM') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0' }).end(JSON.stringify(JSON_ANSWERS[target]));
      return;
    }
    if (last.path === '/' && new URLSearchParams(body).get('Action') === 'Publish') {
      response.writeHead(200, { 'content-type': 'text/xml' }).end(SNS_PUBLISH);
      return;
    }
    const route53 = ROUTE53_ANSWERS.find(([path]) => path.test(last?.path ?? ''));
    if (route53 !== undefined && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${route53[1]}`);
      return;
    }
    response.writeHead(400, { 'content-type': 'text/plain' }).end(`the round-trip server has no answer for ${request.method} ${request.url} ${target ?? ''}`);
  });
  return { ...server, lastRequest: () => last };
}
