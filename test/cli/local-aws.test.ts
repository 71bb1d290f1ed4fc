/**
 * `npx failwatch` against `npm run local-aws`: the same stand-ins, the same environment its file exports
 * (the SDK's endpoint variables, FAILWATCH_TABLE, FAILWATCH_TOPIC_ARN), after the real poll function
 * recorded a FAILOVER on them. No --stage: the environment names the deployment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { main } from '../../lib/cli/main';
import { loadWatchConfig } from '../../lib/runtime/config';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { createAwsClients } from '../../lib/runtime/wiring';
import { loadEvent } from '../../local/harness';
import { LOCAL_TABLE, startLocalAws, type LocalAws } from '../../local/local-aws';
import { REFERENCE } from '../../local/simulated-aws';

let local: LocalAws;
let directory: string;
const saved = new Map<string, string | undefined>();

async function failwatch(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, local.environment);
  return { code, out, err };
}

beforeAll(async () => {
  local = await startLocalAws();
  directory = mkdtempSync(join(tmpdir(), 'failwatch-local-'));
  for (const [key, value] of Object.entries({ ...local.environment, FAILWATCH_MANAGE_ALARMS: 'false' })) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  const config = loadWatchConfig(process.env);
  const clients = createAwsClients(config);
  const poll = createPollHandler(() => buildPollDeps(config, clients));
  await poll(loadEvent('scheduled.json'));
  local.world.setHealthy(REFERENCE.primaryCheckId, false);
  await poll(loadEvent('scheduled.json'));
  for (const client of Object.values(clients)) (client as { destroy(): void }).destroy();
});

afterAll(async () => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(directory, { recursive: true, force: true });
  await local.stop();
});

describe('failwatch on npm run local-aws', () => {
  it('status shows the failover the function recorded', async () => {
    const { code, out } = await failwatch('status');
    expect(code).toBe(0);
    expect(out[0]).toBe(`1 pair in table ${LOCAL_TABLE}: 0 on primary, 1 on secondary, 0 all unhealthy, 0 unknown; 0 notifications pending.`);
    expect(out).toContainEqual(expect.stringMatching(/^ {2}DNS serves {2}secondary 10\.0\.1\.1 since /));
  });

  it('history lists it with the SNS message id the stand-in gave', async () => {
    const { code, out } = await failwatch('history', '--json');
    expect(code).toBe(0);
    const [failover] = JSON.parse(out.join('\n'));
    expect(failover).toMatchObject({ kind: 'FAILOVER', status: 'PUBLISHED', snsMessageId: local.world.published[0]?.messageId });
  });

  it('report writes its page', async () => {
    const path = join(directory, 'report.html');
    const { code, out } = await failwatch('report', '--since', '1d', '--html', path);
    expect(code).toBe(0);
    expect(out[0]).toBe(`Report page written to ${path}`);
    expect(readFileSync(path, 'utf8')).toContain('data-kind="SECONDARY"');
  });

  it('test-alert goes out through the topic the environment names', async () => {
    const before = local.world.published.length;
    const { code } = await failwatch('test-alert', '--record', 'app.example.com');
    expect(code).toBe(0);
    expect(local.world.published.slice(before).map((m) => [m.subject, m.attributes['test']])).toEqual([['TEST FAILOVER app.example.com A: now serving secondary 10.0.1.1', 'true']]);
  });

  it('silence, silences and unsilence', async () => {
    expect((await failwatch('silence', '--record', 'app.example.com', '--for', '1h', '--reason', 'local drill', '--id', 'local-1')).code).toBe(0);
    expect((await failwatch('silences')).out).toEqual([expect.stringMatching(/^local-1 {2}app\.example\.com {2}now -> \S+ {2}local drill$/)]);
    expect((await failwatch('unsilence', 'local-1')).code).toBe(0);
  });
});
