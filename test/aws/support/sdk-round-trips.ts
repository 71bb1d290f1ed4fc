/**
 * Every call Failwatch makes, each answered by canned service output, and the error answers its adapters
 * act on, in each protocol its clients speak: `observeRoundTrips()` makes them all through Failwatch's own
 * client factories and reports what went over the wire and what the SDK made of the answers. Run once with
 * the SDK as published and once in a bundle built as serverless.yml builds it, the two reports must match
 * (test/aws/sdk-bundle-equivalence.test.ts). A case's key travels in its request, so one loopback server
 * (sdk-round-trip-server.ts) answers every client: AWS_ENDPOINT_URL points them all at it.
 */
import {
  CloudWatchServiceException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import {
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53ServiceException,
} from '@aws-sdk/client-route-53';
import { PublishCommand, SNSServiceException } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMServiceException } from '@aws-sdk/client-ssm';
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient, toStoreError } from '../../../lib/aws/dynamodb/table';
import { sdkErrorFacts } from '../../../lib/aws/sdk-errors';
import { createCloudWatchClient, createRoute53Client } from '../../../lib/aws/sdk-clients';
import { RequestBudget } from '../../../lib/aws/request-budget';
import { createSnsClient } from '../../../lib/aws/sns-notifier';
import { createSsmClient, SsmWebhookUrlSource } from '../../../lib/slack/ssm-webhook-url-source';

export type Service = 'route53' | 'dynamodb' | 'sns' | 'cloudwatch' | 'ssm';

/** An error answer: the code on the wire (for CloudWatch's JSON answers the shape name, `queryCode` the legacy code). */
export interface ErrorCase {
  readonly key: string;
  readonly service: Service;
  readonly status: number;
  readonly code: string;
  readonly queryCode?: string;
  readonly message: string;
}

export const ERROR_CASES: readonly ErrorCase[] = [
  ...['NoSuchHealthCheck:404', 'NoSuchHostedZone:404', 'InvalidInput:400', 'Throttling:400', 'ThrottlingException:400', 'PriorRequestNotComplete:400', 'ProtectionAlreadyExists:400', 'AccessDenied:403', 'InternalFailure:500'].map((spec) => errorCase('route53', spec)),
  ...['ConditionalCheckFailedException:400', 'ProvisionedThroughputExceededException:400', 'RequestLimitExceeded:400', 'ThrottlingException:400', 'ValidationException:400', 'ResourceNotFoundException:400', 'TransactionConflictException:400', 'ReplicatedWriteConflictException:400', 'AccessDeniedException:400', 'InternalServerError:500'].map((spec) => errorCase('dynamodb', spec)),
  ...['NotFound:404', 'AuthorizationError:403', 'Throttled:400', 'KMSDisabled:400', 'KMSAccessDenied:400', 'KMSOptInRequired:403', 'InvalidParameter:400', 'ValidationException:400', 'InternalError:500'].map((spec) => errorCase('sns', spec)),
  ...[
    'ResourceNotFoundException/ResourceNotFound:404', 'ResourceNotFound/ResourceNotFound:404', 'DashboardNotFoundError/ResourceNotFound:404', 'ResourceNotFoundException/ResourceNotFoundException:404',
    'LimitExceededFault/LimitExceeded:400', 'LimitExceededException/LimitExceededException:400', 'ConcurrentModificationException/ConcurrentModificationException:429',
    'InvalidParameterValueException/InvalidParameterValue:400', 'InternalServiceFault/InternalServiceError:500', 'AccessDenied:403',
  ].map((spec) => errorCase('cloudwatch', spec)),
  ...['ParameterNotFound:400', 'ParameterVersionNotFound/ParameterVersionNotFound:400', 'AccessDeniedException:400', 'InvalidKeyId:400', 'KMSAccessDeniedException:400', 'ThrottlingException:400', 'InternalServerError:500'].map((spec) => errorCase('ssm', spec)),
  // Answers whose HTTP status contradicts the error's modeled fault: a trimmed SDK takes `$fault` from the
  // status, the SDK as published from the model, so Failwatch must decide by name and status alone.
  ...[['ssm', 'InternalServerError', 400], ['ssm', 'ParameterVersionNotFound', 503], ['dynamodb', 'InternalServerError', 400], ['dynamodb', 'ConditionalCheckFailedException', 503], ['route53', 'NoSuchHealthCheck', 503]].map(
    ([service, code, status]) => ({ ...errorCase(service as Service, `${String(code)}:${String(status)}`), key: `${String(service)}-${String(code)}-at-${String(status)}` }),
  ),
];

function errorCase(service: Service, spec: string): ErrorCase {
  const [codes = '', status = ''] = spec.split(':');
  const [code = '', queryCode] = codes.split('/');
  return { key: `${service}-${code}${queryCode === undefined ? '' : `-as-${queryCode}`}`, service, status: Number(status), code, ...(queryCode === undefined ? {} : { queryCode }), message: `what the service said about ${code}` };
}

/** One request the server saw, as much of it as says what was asked. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly contentType: string | undefined;
  readonly target: string | undefined;
  readonly body: unknown;
}

export interface CallObservation {
  readonly call: string;
  readonly request: RecordedRequest | undefined;
  readonly output: unknown;
  readonly error?: string;
}

/** What Failwatch can see of a thrown SDK error. */
export interface ErrorObservation {
  readonly key: string;
  readonly name: unknown;
  readonly message: unknown;
  /** `$retryable`, which the SDK's retry reads. (`$fault` is left out: see the answers whose status contradicts the model.) */
  readonly retryable: unknown;
  readonly httpStatus: unknown;
  readonly requestId: unknown;
  /** An instance of the client's base exception (e.g. Route53ServiceException). */
  readonly serviceException: boolean;
  readonly facts: ReturnType<typeof sdkErrorFacts>;
  readonly storeError?: { readonly message: string; readonly retryable: boolean };
  /** What the Slack function's webhook source makes of an SSM error. */
  readonly webhookSourceError?: { readonly name: string; readonly message: string; readonly retryable?: boolean };
}

export interface RoundTrips {
  readonly calls: readonly CallObservation[];
  readonly errors: readonly ErrorObservation[];
}

const TABLE = 'failwatch-history';

/**
 * Makes every call against the endpoint in AWS_ENDPOINT_URL. `lastRequest` returns the server's record of
 * the latest request (the in-process test reads it directly; a bundle asks the server over HTTP).
 */
export async function observeRoundTrips(lastRequest: () => Promise<RecordedRequest | undefined>): Promise<RoundTrips> {
  const options = { maxAttempts: 1 };
  // Failwatch's request budgets (Route 53 5 a second, its status reads 1 a second, alarm writes 2 a second) would only slow the comparison down.
  const route53 = createRoute53Client({ ...options, requestsPerSecond: 1000, burst: 1000, statusRequestsPerSecond: 1000, statusBurst: 1000 });
  const documents = createDynamoDocumentClient(options);
  const sns = createSnsClient(options);
  const cloudwatch = createCloudWatchClient({ ...options, alarmWriteBudget: new RequestBudget({ requestsPerSecond: 1000, burst: 1000 }) });
  const ssm = createSsmClient(options);
  const item = { pk: 'PAIR#zone/app.example.com/A', sk: 'STATE', version: 7, serving: 'PRIMARY', tags: new Set(['a', 'b']), observedAt: '2026-11-25T12:00:00Z', evidence: [{ region: 'us-east-1', healthy: true }, null], ratio: 0.5 };
  const key = { pk: item.pk, sk: item.sk };
  const calls: Record<string, () => Promise<unknown>> = {
    ListHostedZones: () => route53.send(new ListHostedZonesCommand({ MaxItems: 100, Marker: 'Z0' })),
    GetHostedZone: () => route53.send(new GetHostedZoneCommand({ Id: '/hostedzone/Z1EXAMPLE' })),
    ListResourceRecordSets: () => route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z1EXAMPLE', StartRecordName: 'app.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'primary', MaxItems: 300 })),
    ListHealthChecks: () => route53.send(new ListHealthChecksCommand({ MaxItems: 100, Marker: 'hc-0' })),
    GetHealthCheckStatus: () => route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789' })),
    GetMetricData: () => cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date('2026-11-25T11:55:00Z'), EndTime: new Date('2026-11-25T12:00:00Z'), ScanBy: 'TimestampDescending', MaxDatapoints: 500,
      MetricDataQueries: [{ Id: 'q0', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-1' }] }, Period: 60, Stat: 'Minimum' } }],
    })),
    DescribeAlarms: () => cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'failwatch-prod-', AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: 'page-2' })),
    ListTagsForResource: () => cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:failwatch-prod-hc-1' })),
    PutMetricAlarm: () => cloudwatch.send(new PutMetricAlarmCommand({
      AlarmName: 'failwatch-prod-hc-1', AlarmDescription: '{"pairs":["zone/app.example.com/A"]}', Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: 'hc-1' }],
      Statistic: 'Minimum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching', ActionsEnabled: false, Tags: [{ Key: 'failwatch:managed-by', Value: 'failwatch-prod' }],
    })),
    DeleteAlarms: () => cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['failwatch-prod-hc-1', 'failwatch-prod-hc-2'] })),
    BatchGet: () => documents.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: [key, { pk: 'PAIR#other', sk: 'STATE' }], ConsistentRead: true } } })),
    BatchWrite: () => documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key } }] } })),
    Get: () => documents.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true })),
    Put: () => documents.send(new PutCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    Query: () => documents.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': item.pk, ':prefix': 'T#' }, ScanIndexForward: false, Limit: 25, ExclusiveStartKey: key })),
    Update: () => documents.send(new UpdateCommand({
      TableName: TABLE, Key: key, UpdateExpression: 'SET #v = :next, serving = :serving', ConditionExpression: '#v = :expected', ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':next': 8, ':expected': 7, ':serving': 'SECONDARY' }, ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })),
    Publish: () => sns.send(new PublishCommand({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:failwatch-alerts', Subject: 'FAILOVER app.example.com', MessageStructure: 'json', Message: JSON.stringify({ default: 'text', email: 'text' }),
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'FAILOVER' }, pair: { DataType: 'String', StringValue: 'zone/app.example.com/A' } },
    })),
    GetParameter: () => ssm.send(new GetParameterCommand({ Name: '/failwatch/prod/slack-webhook', WithDecryption: true })),
  };
  const callObservations: CallObservation[] = [];
  for (const [call, send] of Object.entries(calls)) {
    let output: unknown;
    let error: string | undefined;
    try {
      output = withoutRequestId(await send());
    } catch (thrown) {
      error = String(thrown);
    }
    callObservations.push({ call, request: await lastRequest(), output: JSON.parse(JSON.stringify(output ?? null, setsAsArrays)), ...(error === undefined ? {} : { error }) });
  }

  const errorCalls: Record<Service, (key: string) => Promise<unknown>> = {
    route53: (key) => route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: key })),
    dynamodb: (key) => documents.send(new GetCommand({ TableName: key, Key: { pk: 'x' } })),
    sns: (key) => sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:123456789012:${key}`, Message: 'm' })),
    cloudwatch: (key) => cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [key] })),
    ssm: (key) => ssm.send(new GetParameterCommand({ Name: key, WithDecryption: true })),
  };
  const baseExceptions: Record<Service, abstract new (...args: never[]) => Error> = {
    route53: Route53ServiceException, dynamodb: DynamoDBServiceException, sns: SNSServiceException, cloudwatch: CloudWatchServiceException, ssm: SSMServiceException,
  };
  const errorObservations: ErrorObservation[] = [];
  for (const { key, service } of ERROR_CASES) {
    let thrown: unknown;
    try {
      await errorCalls[service](key);
    } catch (error) {
      thrown = error;
    }
    const fields = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Record<string, unknown>;
    const metadata = (fields['$metadata'] ?? {}) as Record<string, unknown>;
    const storeError = service === 'dynamodb' ? (toStoreError(thrown, 'reading') as unknown as { message: string; retryable: boolean }) : undefined;
    const webhookSourceError = service === 'ssm' ? await new SsmWebhookUrlSource(ssm, key).getUrl().then(() => undefined, (error: unknown) => error as { name: string; message: string; retryable?: boolean }) : undefined;
    errorObservations.push({
      key,
      name: fields['name'],
      message: fields['message'],
      retryable: fields['$retryable'],
      httpStatus: metadata['httpStatusCode'],
      requestId: metadata['requestId'],
      serviceException: thrown instanceof baseExceptions[service],
      facts: sdkErrorFacts(thrown),
      ...(storeError === undefined ? {} : { storeError: { message: storeError.message, retryable: storeError.retryable } }),
      ...(webhookSourceError === undefined ? {} : { webhookSourceError: { name: webhookSourceError.name, message: webhookSourceError.message, retryable: webhookSourceError.retryable } }),
    });
  }
  for (const client of [route53, documents, sns, cloudwatch, ssm]) client.destroy();
  return { calls: callObservations, errors: errorObservations };
}

function withoutRequestId(output: unknown): unknown {
  if (typeof output !== 'object' || output === null) return output;
  const { $metadata, ...rest } = output as { $metadata?: { httpStatusCode?: number } };
  return { ...rest, httpStatusCode: $metadata?.httpStatusCode };
}

function setsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Set ? { set: [...(value as Set<unknown>)] } : value;
}

