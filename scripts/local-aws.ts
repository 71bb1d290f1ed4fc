/**
 * `npm run local-aws`: local stand-ins for every AWS service the handlers call, so
 * `serverless invoke local --stage local` runs the real bundled functions with no AWS account:
 * dynalite for DynamoDB (with the `local` stage's table), and HTTP servers on 127.0.0.1 speaking
 * Route 53's REST-XML, CloudWatch's JSON 1.0, and the Query protocol of SNS and Elastic Load Balancing,
 * all answering from the spec's reference account (primary 10.0.0.1 with a health check, secondary
 * 10.0.1.1 without) and a pair of aliases to load balancers in eu-west-1 and us-west-2 (www.example.com).
 *
 * It prints (and writes to .local-aws.env) the SDK's own endpoint variables, the table's and topic's
 * names (FAILWATCH_TABLE, FAILWATCH_TOPIC_ARN: what `npx failwatch` reads without --stage), and a control
 * URL to flip the primary's health, or the eu-west-1 balancer's targets. It stops by itself after
 * --minutes (default 30), or on Ctrl-C.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startLocalAws } from '../local/local-aws';
import { LOAD_BALANCER_PAIR } from '../local/load-balancer-pair';
import { REFERENCE } from '../local/simulated-aws';

const ENV_FILE = '.local-aws.env';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);

  const { world, environment, stop: stopServers } = await startLocalAws();

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
    ...Object.entries(environment).map(([name, value]) => `export ${name}=${value}`),
    `export FAILWATCH_LOCAL_CONTROL=${controlUrl}`,
  ];
  writeFileSync(ENV_FILE, `${exports.join('\n')}\n`);
  console.log(`Local AWS stand-ins are up (stopping by themselves in ${minutes} min). In another shell:\n`);
  console.log(`  source ${ENV_FILE}     # or paste:\n${exports.map((line) => `  ${line}`).join('\n')}\n`);
  console.log('  npx serverless invoke local --stage local -f poll -p events/scheduled.json');
  console.log('  curl -X POST "$FAILWATCH_LOCAL_CONTROL/primary/unhealthy"');
  console.log('  npx serverless invoke local --stage local -f poll -p events/scheduled.json   # records FAILOVER');
  console.log('  npx failwatch status; npx failwatch history   # what it recorded (the table and topic are in the file)\n');

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`stopping (${reason}); SNS received ${world.published.length} message(s)`);
    for (const message of world.published) console.log(`  ${message.subject}`);
    control.closeAllConnections();
    control.close();
    await stopServers();
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
