/**
 * The local stand-ins behind `npm run local-aws`: dynalite for DynamoDB (with the `local` stage's table), and
 * HTTP servers on 127.0.0.1 speaking Route 53's REST-XML, CloudWatch's JSON 1.0 and SNS's Query protocol, all
 * answering from the spec's reference account (primary 10.0.0.1 with a health check, secondary 10.0.1.1
 * without), plus a pair of aliases to load balancers in two regions behind an ELB stand-in. `environment` is what a shell needs to use them: the SDK's own endpoint variables, and the names
 * of the table and topic, so the functions (`serverless invoke local --stage local`) and the `failwatch`
 * command find them.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../lib/aws/dynamodb/table';
import { stageNames } from '../lib/usecases/console-ports';
import { addLoadBalancerPair } from './load-balancer-pair';
import { referenceAccount, type SimulatedAws } from './simulated-aws';
import { startCloudWatchStandIn } from './stand-ins/cloudwatch-server';
import { startDynamoStandIn } from './stand-ins/dynamo';
import { startElbStandIn } from './stand-ins/elb-server';
import type { RunningServer } from './stand-ins/http';
import { startRoute53StandIn } from './stand-ins/route53-server';
import { startSnsStandIn } from './stand-ins/sns-server';
import { Traffic } from './stand-ins/traffic';

/** The `local` stage's names (serverless.yml, stages/local.yml). */
export const LOCAL_TABLE = stageNames('local').table;
export const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:failwatch-local-alerts';
const NO_LATENCY = { minMs: 0, maxMs: 0 };

export interface LocalAws {
  readonly world: SimulatedAws;
  /** Variable → value, for a shell's environment. */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startLocalAws(): Promise<LocalAws> {
  const world = referenceAccount();
  addLoadBalancerPair(world);
  const traffic = new Traffic();
  const servers: RunningServer[] = [];
  const dynamo = await startDynamoStandIn(traffic);
  servers.push(dynamo);
  const route53 = await startRoute53StandIn(world, traffic, { requestsPerSecond: 5, statusBurst: 4, statusPerSecond: 1, latency: NO_LATENCY, seed: 1 });
  servers.push(route53);
  const cloudWatch = await startCloudWatchStandIn(world, traffic, { latency: NO_LATENCY, seed: 2 });
  servers.push(cloudWatch);
  const sns = await startSnsStandIn(world, traffic, { latency: NO_LATENCY, seed: 3 });
  servers.push(sns);
  const elb = await startElbStandIn(world, traffic, { latency: NO_LATENCY, seed: 4 });
  servers.push(elb);

  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand(tableDefinition(LOCAL_TABLE)));
  client.destroy();

  return {
    world,
    environment: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_ROUTE_53: route53.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.endpoint,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING: elb.endpoint,
      FAILWATCH_TABLE: LOCAL_TABLE,
      FAILWATCH_TOPIC_ARN: LOCAL_TOPIC_ARN,
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
