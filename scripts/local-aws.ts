/**
 * `npm run local-aws`: local stand-ins for every AWS service the handlers call, so
 * `serverless invoke local --stage local` runs the real bundled functions with no AWS account:
 * dynalite for DynamoDB (with the `local` stage's table), and HTTP servers on 127.0.0.1 speaking
 * Route 53's REST-XML, CloudWatch's JSON 1.0 and SNS's Query protocol, all answering from the spec's
 * reference account (primary 10.0.0.1 with a health check, secondary 10.0.1.1 without).
 *
 * It prints (and writes to .local-aws.env) the SDK's own endpoint variables, the table's and topic's
 * names (FAILWATCH_TABLE, FAILWATCH_TOPIC_ARN: what `npx failwatch` reads without --stage), and a control
 * URL to flip the primary's health. It stops by itself after --minutes (default 30), or on Ctrl-C.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startLocalAws } from '../local/local-aws';
import { REFERENCE } from '../local/simulated-aws';

const ENV_FILE = '.local-aws.env';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);

  const { world, environment, stop: stopServers } = await startLocalAws();

  // POST /primary/healthy or /primary/unhealthy flips the reference primary's health check.
  const control = createServer((request, response) => {
    const match = /^\/primary\/(healthy|unhealthy)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      response.writeHead(404).end('POST /primary/healthy or /primary/unhealthy\n');
      return;
    }
    world.setHealthy(REFERENCE.primaryCheckId, match[1] === 'healthy');
    response.end(`primary is now ${match[1]}; DNS answers ${world.dnsAnswer(REFERENCE.zoneId, REFERENCE.recordName, 'A').join(', ')}\n`);
    console.log(`primary set ${match[1]}`);
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
