/** SNS Publish on 127.0.0.1, in the Query protocol the SDK's SNS client speaks (form in, XML out). */
import type { MessageAttributeValue, PublishCommandInput } from '@aws-sdk/client-sns';
import type { SimulatedAws } from '../simulated-aws';
import { invocationIdOf, latencySource, readBody, startHttpServer, type LatencyRange, type RunningServer } from './http';
import { Service, type Traffic } from './traffic';
import { xmlDocument } from './xml';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface SnsStandInOptions {
  readonly latency: LatencyRange;
  readonly seed: number;
}

/** `MessageAttributes.entry.1.Name=kind&MessageAttributes.entry.1.Value.StringValue=FAILOVER&...` → the SDK shape. */
function publishInput(form: URLSearchParams): PublishCommandInput {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const prefix = `MessageAttributes.entry.${index}`;
    attributes[form.get(`${prefix}.Name`)!] = {
      DataType: form.get(`${prefix}.Value.DataType`) ?? 'String',
      StringValue: form.get(`${prefix}.Value.StringValue`) ?? undefined,
    };
  }
  return {
    TopicArn: form.get('TopicArn') ?? undefined,
    Message: form.get('Message') ?? '',
    Subject: form.get('Subject') ?? undefined,
    MessageStructure: form.get('MessageStructure') ?? undefined,
    MessageAttributes: attributes,
  };
}

export function startSnsStandIn(world: SimulatedAws, traffic: Traffic, options: SnsStandInOptions): Promise<RunningServer> {
  const delay = latencySource(options.latency, options.seed);
  return startHttpServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    const operation = form.get('Action') ?? 'Unknown';
    traffic.record(Service.SNS, operation, invocationIdOf(request), false);
    await delay();
    response.setHeader('content-type', 'text/xml');
    if (operation !== 'Publish') {
      response.writeHead(400).end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not implemented</Message></Error></ErrorResponse>`);
      return;
    }
    const { MessageId } = world.publish(publishInput(form));
    response.writeHead(200).end(xmlDocument('PublishResponse', NS, { PublishResult: { MessageId }, ResponseMetadata: { RequestId: MessageId } }));
  });
}
