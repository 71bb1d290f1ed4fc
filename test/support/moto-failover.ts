/**
 * The reference failover pair of the spec (primary 10.0.0.1 with a health check, secondary 10.0.1.1 without
 * one) made in moto's Route 53, Route 53's verdict on it written as CloudWatch datapoints, an SQS queue
 * subscribed to a topic to read what was published, and the history as `failwatch history` shows it. For the
 * suites that run the bundled functions.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { METRIC_WINDOW_MS } from '../../lib/aws/cloudwatch/metric-data';
import { main } from '../../lib/cli/main';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import type { NotificationPayload } from '../../lib/notify/payload';
import type { HistoryEntry } from '../../lib/usecases/history';
import { invokeLocal, type InvokeLocal } from './invoke-local';
import { startMoto, type MotoServer } from './moto';
import { createStageOnMoto, type MotoStage } from './moto-stage';

export const REFERENCE_PAIR = { zoneName: 'example.com.', recordName: 'app.example.com.', type: 'A', primary: '10.0.0.1', secondary: '10.0.1.1' } as const;

export interface ReferencePair {
  readonly zoneId: string;
  readonly healthCheckId: string;
  /** `<zone id>|app.example.com.|A`, as Failwatch keys the pair. */
  readonly key: string;
}

export async function createReferencePair(): Promise<ReferencePair> {
  const route53 = new Route53Client({});
  try {
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: REFERENCE_PAIR.zoneName, CallerReference: `zone-${Date.now()}` }));
    const zoneId = (zone.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    const check = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `check-${Date.now()}`,
        HealthCheckConfig: { Type: 'HTTP', IPAddress: REFERENCE_PAIR.primary, Port: 80, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3 },
      }),
    );
    const healthCheckId = check.HealthCheck?.Id ?? '';
    const record = (role: 'PRIMARY' | 'SECONDARY', value: string, healthCheck?: string) => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: { Name: REFERENCE_PAIR.recordName, Type: REFERENCE_PAIR.type, SetIdentifier: role.toLowerCase(), Failover: role, TTL: 60, ResourceRecords: [{ Value: value }], ...(healthCheck ? { HealthCheckId: healthCheck } : {}) },
    });
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [record('PRIMARY', REFERENCE_PAIR.primary, healthCheckId), record('SECONDARY', REFERENCE_PAIR.secondary)] },
      }),
    );
    return { zoneId, healthCheckId, key: `${zoneId}|${REFERENCE_PAIR.recordName}|${REFERENCE_PAIR.type}` };
  } finally {
    route53.destroy();
  }
}

/**
 * Route 53's verdict on a check as it publishes it: `AWS/Route53 HealthCheckStatus` (1 healthy, 0 not) at
 * `at`. Written back-dated rather than waited for; moto's GetMetricData buckets start at the query's start
 * time, so datapoints a minute or more apart never share a bucket (whose Minimum would mix them).
 */
export async function putHealthCheckStatus(healthCheckId: string, healthy: boolean, at: Date): Promise<void> {
  const cloudwatch = new CloudWatchClient({});
  try {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Route53',
        MetricData: [{ MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: healthCheckId }], Timestamp: at, Value: healthy ? 1 : 0 }],
      }),
    );
  } finally {
    cloudwatch.destroy();
  }
}

/**
 * `count` instants a minute apart, the last one `now`: one per datapoint a story writes, each just before the
 * run that must read it. A run reads the 5 minutes before it (METRIC_WINDOW_MS), so at most 5, and the
 * story's k-th run must start within k minutes of `now` (a few seconds each, here).
 */
export function minuteSlots(count: number, now: Date = new Date()): Date[] {
  if (count > METRIC_WINDOW_MS / 60_000) throw new Error(`${count} datapoints a minute apart do not fit in the ${METRIC_WINDOW_MS / 60_000} minutes a run reads`);
  return Array.from({ length: count }, (_, index) => new Date(now.getTime() - (count - 1 - index) * 60_000));
}

/** A notification as an SQS subscriber of the topic receives it: SNS's envelope. */
export interface QueuedNotification {
  /** SNS's message id (what Failwatch stores as the notification's snsMessageId). */
  readonly MessageId: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { readonly Type: string; readonly Value: string }>;
}

/** What the queue's subscription got: Failwatch's structured payload (the `sqs` part of its message), checked as the Slack function checks it. */
export function payloadOf(notification: QueuedNotification): NotificationPayload {
  const content = readSnsMessageContent(notification.Message);
  if (content.kind !== 'payload') throw new Error(`not a Failwatch notification (${content.kind}): ${notification.Message}`);
  return content.payload;
}

export interface SubscribedQueue {
  readonly url: string;
  /** Every message waiting, removed from the queue. */
  drain(): Promise<QueuedNotification[]>;
  /** Subscribes it to the topic again: deleting a topic deletes its subscriptions. */
  resubscribe(): Promise<void>;
}

export async function subscribeQueue(topicArn: string, queueName: string): Promise<SubscribedQueue> {
  const sqs = new SQSClient({});
  let arn: string | undefined;
  let url: string;
  try {
    url = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? '';
    arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'];
  } finally {
    sqs.destroy();
  }
  const subscribe = async () => {
    const sns = new SNSClient({});
    try {
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn }));
    } finally {
      sns.destroy();
    }
  };
  await subscribe();
  return { url, drain: () => drainQueue(url), resubscribe: subscribe };
}

async function drainQueue(url: string): Promise<QueuedNotification[]> {
  const sqs = new SQSClient({});
  try {
    const received: QueuedNotification[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (Messages.length === 0) return received;
      received.push(...Messages.map((message) => JSON.parse(message.Body ?? '') as QueuedNotification));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })) }));
    }
  } finally {
    sqs.destroy();
  }
}

/** `failwatch history --json` on the stage's table, as a person would read it (newest first). */
export async function historyOf(tableName: string): Promise<HistoryEntry[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['history', '--json'], { out: (line) => out.push(line), err: (line) => err.push(line) }, { FAILWATCH_TABLE: tableName });
  if (code !== 0) throw new Error(`failwatch history exited ${code}: ${err.join('\n')}`);
  return JSON.parse(out.join('\n')) as HistoryEntry[];
}

/** A suite's stage on moto with the reference pair, a queue subscribed to the stage's topic and the bundled functions to run. */
export interface ReferenceStory {
  readonly stage: MotoStage;
  readonly pair: ReferencePair;
  readonly queue: SubscribedQueue;
  readonly functions: InvokeLocal;
  /** Writes the primary's HealthCheckStatus at the `datapoint`-th of the story's minute slots (from 1). */
  publishPrimaryStatus(datapoint: number, healthy: boolean): Promise<void>;
}

/**
 * For a suite that tells one story in order: moto started once (never reset between its tests), the stage's
 * table and topic (test/support/moto-stage.ts), the reference pair and the subscribed queue made, and
 * `datapoints` minute slots counted from then. The fields are there once the suite's beforeAll has run.
 */
export function useReferenceStory(stageName: string, datapoints: number): ReferenceStory {
  let moto: MotoServer | undefined;
  let ready: Omit<ReferenceStory, 'functions' | 'publishPrimaryStatus'> | undefined;
  let slots: readonly Date[] = [];
  const functions = invokeLocal(stageName);
  const started = () => {
    if (ready === undefined) throw new Error('the story is read before its beforeAll ran');
    return ready;
  };
  beforeAll(async () => {
    moto = await startMoto();
    const stage = await createStageOnMoto(stageName);
    const pair = await createReferencePair();
    const queue = await subscribeQueue(stage.topicArn, `failwatch-${stageName}-subscriber`);
    ready = { stage, pair, queue };
    slots = minuteSlots(datapoints);
  });
  afterAll(async () => {
    functions.cleanUp();
    await moto?.stop();
  });
  return {
    get stage() {
      return started().stage;
    },
    get pair() {
      return started().pair;
    },
    get queue() {
      return started().queue;
    },
    functions,
    publishPrimaryStatus: (datapoint, healthy) => {
      const at = slots[datapoint - 1];
      if (at === undefined) throw new Error(`datapoint ${datapoint}: the story has ${slots.length} minute slots`);
      return putHealthCheckStatus(started().pair.healthCheckId, healthy, at);
    },
  };
}
