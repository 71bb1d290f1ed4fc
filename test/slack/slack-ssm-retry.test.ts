/**
 * A throttled SSM read of the webhook URL is retried inside a real Slack invocation (10 s timeout): the
 * SDK retries only if a whole attempt fits before the function's end, so the Slack function's SSM client
 * has short attempt timeouts. Found in review: with the default 3 s + 10 s a retry never fit, and one
 * ThrottlingException failed the invocation.
 *
 * The exported handler runs end to end: its module-level SSM client (production config) talks to an
 * SSM stand-in on loopback through AWS_ENDPOINT_URL_SSM; the URL it returns is a Slack stand-in.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SlackHandler } from '../../handlers/slack';
import { loadSnsNotificationEvent } from '../support/slack-fixtures';

const PARAMETER = '/failwatch/test/slack-webhook';
/** serverless.yml, functions.slack.timeout */
const SLACK_TIMEOUT_MS = Number(/\n {2}slack:[\s\S]*?\n {4}timeout: (\d+)/.exec(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'))![1]) * 1000;

let server: Server;
let base: string;
let ssmRequests: string[] = [];
let slackPosts = 0;
/** How many GetParameter requests to answer with ThrottlingException before answering. */
let throttleFirst = 0;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.startsWith('/services/')) {
        slackPosts += 1;
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      ssmRequests.push(String(request.headers['amz-sdk-request']));
      if (ssmRequests.length <= throttleFirst) {
        response
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException' })
          .end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: `${base}/services/T000/B000/SECRET`, Version: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const saved = { ...process.env };
let handler: SlackHandler;
beforeEach(() => {
  ssmRequests = [];
  slackPosts = 0;
  throttleFirst = 1;
  process.env = {
    ...saved,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSLACKTEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_ENDPOINT_URL_SSM: base,
    FAILWATCH_SLACK_WEBHOOK_PARAMETER: PARAMETER,
  };
  // A fresh container: its own SSM client, its own cached URL.
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per test is a fresh container (its own SSM client and cached URL).
    handler = (require('../../handlers/slack') as typeof import('../../handlers/slack')).handler;
  });
});
afterEach(() => {
  process.env = { ...saved };
});

describe('Slack handler: one SSM throttle on a cold container', () => {
  it('the Slack function\'s timeout, as serverless.yml sets it', () => {
    expect(SLACK_TIMEOUT_MS).toBe(10_000);
  });

  it('without a Lambda context (tests, local invoke): retried, posted', async () => {
    await expect(handler(loadSnsNotificationEvent())).resolves.toEqual({ posted: 1 });
    expect(ssmRequests).toEqual(['attempt=1; max=5', 'attempt=2; max=5']);
    expect(slackPosts).toBe(1);
  });

  it('inside a real Slack invocation (full 10 s remaining): the throttled read is retried and the message posted', async () => {
    const context = { getRemainingTimeInMillis: () => SLACK_TIMEOUT_MS } as never;
    const outcome = await handler(loadSnsNotificationEvent(), context).catch((error: unknown) => error);
    expect(outcome).toEqual({ posted: 1 });
    expect(ssmRequests).toEqual(['attempt=1; max=5', 'attempt=2; max=5']);
    expect(slackPosts).toBe(1);
  });
});
