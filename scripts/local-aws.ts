/**
 * `npm run local-aws`: local stand-ins for every AWS service the handlers call, so
 * `serverless invoke local --stage local` runs the real bundled functions with no AWS account:
 * dynalite for DynamoDB (with the `local` stage's table), and HTTP servers on 127.0.0.1 speaking
 * Route 53's REST-XML, CloudWatch's JSON 1.0, and the Query protocol of SNS and Elastic Load Balancing,
 * all answering from the spec's reference account (primary 10.0.0.1 with a health check, secondary
 * 10.0.1.1 without) and a pair of aliases to load balancers in eu-west-1 and us-west-2 (www.example.com).
 *
 * It prints (and writes to .local-aws.env) the SDK's own endpoint variables, and a control URL to
 * flip the primary's health, or the eu-west-1 balancer's targets. It stops by itself after --minutes
 * (default 30), or on Ctrl-C.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { tableDefinition } from '../lib/aws/dynamodb/table';
import { addLoadBalancerPair, LOAD_BALANCER_PAIR } from '../local/load-balancer-pair';
import { REFERENCE, referenceAccount } from '../local/simulated-aws';
import { startCloudWatchStandIn } from '../local/stand-ins/cloudwatch-server';
import { startDynamoStandIn } from '../local/stand-ins/dynamo';
import { startElbStandIn } from '../local/stand-ins/elb-server';
import type { RunningServer } from '../local/stand-ins/http';
import { startRoute53StandIn } from '../local/stand-ins/route53-server';
import { startSnsStandIn } from '../local/stand-ins/sns-server';
import { Traffic } from '../local/stand-ins/traffic';

/** Must match the `local` stage's params in serverless.yml. */
const LOCAL_TABLE = 'failwatch-local-history';
const ENV_FILE = '.local-aws.env';
const NO_LATENCY = { minMs: 0, maxMs: 0 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);

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

  // POST /primary/healthy or /primary/unhealthy flips the reference primary's health check;
  // /www-primary/healthy or /www-primary/unhealthy every target of the eu-west-1 balancer behind www.example.com.
  const control = createServer((request, response) => {
    const match = /^\/(primary|www-primary)\/(healthy|unhealthy)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      response.writeHead(404).end('POST /primary/healthy, /primary/unhealthy, /www-primary/healthy or /www-primary/unhealthy\n');
      return;
    }
    const healthy = match[2] === 'healthy';
    if (match[1] === 'primary') world.setHealthy(REFERENCE.primaryCheckId, healthy);
    else world.loadBalancers.setHealthy(LOAD_BALANCER_PAIR.primary, healthy);
    const name = match[1] === 'primary' ? REFERENCE.recordName : LOAD_BALANCER_PAIR.recordName;
    response.end(`${match[1]} is now ${match[2]}; DNS answers ${world.dnsAnswer(REFERENCE.zoneId, name, 'A').join(', ')}\n`);
    console.log(`${match[1]} set ${match[2]}`);
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

  const exports = [
    'export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local',
    `export AWS_ENDPOINT_URL_DYNAMODB=${dynamo.endpoint}`,
    `export AWS_ENDPOINT_URL_ROUTE_53=${route53.endpoint}`,
    `export AWS_ENDPOINT_URL_CLOUDWATCH=${cloudWatch.endpoint}`,
    `export AWS_ENDPOINT_URL_SNS=${sns.endpoint}`,
    `export AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2=${elb.endpoint} AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING=${elb.endpoint}`,
    `export FAILWATCH_LOCAL_CONTROL=${controlUrl}`,
  ];
  writeFileSync(ENV_FILE, `${exports.join('\n')}\n`);
  console.log(`Local AWS stand-ins are up (stopping by themselves in ${minutes} min). In another shell:\n`);
  console.log(`  source ${ENV_FILE}     # or paste:\n${exports.map((line) => `  ${line}`).join('\n')}\n`);
  console.log('  npx serverless invoke local --stage local -f poll -p events/scheduled.json');
  console.log('  curl -X POST "$FAILWATCH_LOCAL_CONTROL/primary/unhealthy"');
  console.log('  npx serverless invoke local --stage local -f poll -p events/scheduled.json   # records FAILOVER\n');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`stopping (${reason}); SNS received ${world.published.length} message(s)`);
    for (const message of world.published) console.log(`  ${message.subject}`);
    control.closeAllConnections();
    control.close();
    await Promise.all(servers.map((server) => server.stop()));
    process.exit(0);
  };
  setTimeout(() => void stop(`${minutes} minutes passed`), minutes * 60_000).unref();
  process.once('SIGINT', () => void stop('Ctrl-C'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Keep the process alive until a stop: the servers hold the event loop open.
}

main().catch((error: unknown) => {
  console.error('local-aws failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
