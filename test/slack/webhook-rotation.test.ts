/**
 * After Slack revokes a webhook (404 no_service / 410 channel_is_archived) the error tells the operator to
 * "store a new webhook URL". Once they have, the next notification of a warm container goes to the new
 * URL: the cached one is forgotten when Slack refuses it for good.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDeps, createHandler } from '../../handlers/slack';
import { captureOutput, type OutputCapture } from '../support/output-capture';
import { loadSnsNotificationEvent } from '../support/slack-fixtures';

const PARAMETER = '/failwatch/test/slack-webhook';
const OLD_TOKEN = 'REVOKEDTOKEN1';
const NEW_TOKEN = 'FRESHTOKEN22';

let server: Server;
let base: string;
const paths: string[] = [];
const ssm = mockClient(SSMClient);
let output: OutputCapture;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      paths.push(request.url ?? '');
      if (request.url?.endsWith(OLD_TOKEN)) response.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

it('a revoked webhook replaced in SSM is used by the next invocation of a warm container', async () => {
  ssm.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: `${base}${OLD_TOKEN}` } });
  const handle = createHandler(buildDeps({ webhookParameterName: PARAMETER, timeoutMs: 2000 }, { ssm: new SSMClient({ region: 'us-east-1' }) }, new Logger({ serviceName: 'failwatch' })));

  // Slack has revoked the webhook: the post fails and the error says to store a new URL.
  await expect(handle(loadSnsNotificationEvent())).rejects.toThrow(/404.*store a new webhook URL/);

  // The operator does exactly that.
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: `${base}${NEW_TOKEN}` } });

  await expect(handle(loadSnsNotificationEvent())).resolves.toEqual({ posted: 1 });
  expect(paths.at(-1)).toBe(`/services/T000/B000/${NEW_TOKEN}`);
});

it('a URL Slack refuses only for now (rate limited) is kept: no SSM read per retry', async () => {
  ssm.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: `${base}${NEW_TOKEN}` } });
  const handle = createHandler(buildDeps({ webhookParameterName: PARAMETER, timeoutMs: 2000 }, { ssm: new SSMClient({ region: 'us-east-1' }) }, new Logger({ serviceName: 'failwatch' })));
  await handle(loadSnsNotificationEvent());
  await handle(loadSnsNotificationEvent());
  expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
});
