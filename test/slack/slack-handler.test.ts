import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { buildDeps, createHandler, handler } from '../../handlers/slack';
import { ConfigurationError, InvalidEventError, NotifierError } from '../../lib/errors';
import type { SlackMessage } from '../../lib/notify/slack-message';
import { captureOutput, everythingIn, type OutputCapture } from '../support/output-capture';
import { allBlocks, loadSnsNotificationEvent } from '../support/slack-fixtures';

const PARAMETER = '/failwatch/test/slack-webhook';
const TOKEN = 'SECRETTOKEN';

interface Received {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly contentType: string | undefined;
  readonly body: SlackMessage;
}
type Answer = (response: ServerResponse) => void;

const answer = (status: number, body: string): Answer => (response) => {
  response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
};
const neverAnswer: Answer = () => undefined;

let server: Server;
let webhookUrl: string;
let respond: Answer;
const received: Received[] = [];
const ssm = mockClient(SSMClient);
let output: OutputCapture;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        path: request.url,
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage,
      });
      respond(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/${TOKEN}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  respond = answer(200, 'ok');
  ssm.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: webhookUrl } });
  output = captureOutput();
});

afterEach(() => output.restore());

function buildHandler(timeoutMs = 2000) {
  const deps = buildDeps({ webhookParameterName: PARAMETER, timeoutMs }, { ssm: new SSMClient({ region: 'us-east-1' }) }, new Logger({ serviceName: 'failwatch', logLevel: 'INFO' }));
  return createHandler(deps);
}

function plainEvent(subject: string | null, message: string) {
  const event = loadSnsNotificationEvent();
  const record = event.Records[0];
  if (!record) throw new Error('fixture has no record');
  record.Sns.Message = message;
  (record.Sns as { Subject?: string | null }).Subject = subject;
  record.Sns.MessageAttributes = {};
  return event;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the handler to throw');
    },
    (error: unknown) => error,
  );
}

describe('Slack handler', () => {
  it('posts the sample FAILOVER as Block Kit JSON to the webhook and reports one post', async () => {
    const result = await buildHandler()(loadSnsNotificationEvent());

    expect(result).toEqual({ posted: 1 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/services/T000/B000/${TOKEN}`);
    expect(request?.contentType).toMatch(/^application\/json/);
    const message = request?.body;
    expect(message?.text).toBe('FAILOVER app.example.com A: now serving secondary 10.0.1.1');
    expect(message?.attachments?.[0]?.color).toBe('#d00000');
    const blocks = message ? allBlocks(message) : [];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: ':rotating_light: FAILOVER app.example.com A: now serving secondary 10.0.1.1' } });
    const evidence = blocks.find((block) => block.type === 'section' && block.text?.text.startsWith('*Primary*'));
    expect(JSON.stringify(evidence)).toContain('Checkers healthy: *1 of 4*');
    expect(JSON.stringify(evidence)).toContain('ap-southeast-1');
  });

  it('reads the webhook URL from SSM once (decrypted) across invocations', async () => {
    const handle = buildHandler();
    await handle(loadSnsNotificationEvent());
    await handle(loadSnsNotificationEvent());

    expect(received).toHaveLength(2);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
  });

  it('logs structured JSON with message id, notification id, kind and outcome', async () => {
    await buildHandler()(loadSnsNotificationEvent());

    expect(output.jsonLines()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        service: 'failwatch',
        messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        notificationId: 'Z0EXAMPLE12345|app.example.com.|A#3',
        kind: 'FAILOVER',
        outcome: 'posted',
      }),
    );
    expect(output.text()).not.toContain(TOKEN);
  });

  it('posts a plain-text SNS message as text instead of dropping it', async () => {
    const result = await buildHandler()(plainEvent('Maintenance', 'DR drill at 22:00 UTC & <!here> please watch'));

    expect(result).toEqual({ posted: 1 });
    expect(received[0]?.body).toEqual({
      text: '*Maintenance*\nDR drill at 22:00 UTC &amp; &lt;!here&gt; please watch',
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it.each([
    // (A CloudWatch alarm's JSON is recognised and rendered: test/notify/slack-alarm.test.ts.)
    ['JSON that is not a Failwatch notification', null, '{"deployment":"db","status":"done"}'],
    ['a Failwatch notification of the wrong shape', 'Broken', '{"schema":"failwatch.notification/v1","id":42}'],
  ])('posts %s as plain text', async (_case, subject, message) => {
    await buildHandler()(plainEvent(subject, message));
    expect(received[0]?.body.text).toContain(message);
    expect(received[0]?.body.blocks).toBeUndefined();
  });

  it('webhook answering 500 → retryable NotifierError, and the URL appears nowhere', async () => {
    respond = answer(500, `internal error for /services/T000/B000/${TOKEN}`);

    const error = await failure(buildHandler()(loadSnsNotificationEvent()));

    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('answered HTTP 500') });
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(output.text()).not.toContain(TOKEN);
    expect(output.jsonLines()).toContainEqual(expect.objectContaining({ level: 'ERROR', outcome: 'failed', retryable: true }));
  });

  it('webhook answering 404 no_service → NotifierError that is not retryable, with Slack’s answer', async () => {
    respond = answer(404, 'no_service');

    const error = await failure(buildHandler()(loadSnsNotificationEvent()));

    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('answered HTTP 404: no_service') });
    expect((error as Error).message).toContain(`SSM parameter ${PARAMETER}`);
    expect(everythingIn(error)).not.toContain(TOKEN);
  });

  it('a webhook that never answers → retryable timeout error after the configured time', async () => {
    respond = neverAnswer;

    const error = await failure(buildHandler(200)(loadSnsNotificationEvent()));

    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('did not answer within 200 ms') });
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(output.text()).not.toContain(TOKEN);
  });

  it('an unreachable webhook → retryable NotifierError without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: `http://127.0.0.1:${port}/services/T000/B000/${TOKEN}` } });

    const error = await failure(buildHandler()(loadSnsNotificationEvent()));

    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('ECONNREFUSED') });
    expect(everythingIn(error)).not.toContain(TOKEN);
    expect(output.text()).not.toContain(TOKEN);
  });

  it.each([
    { problem: 'not an object', event: 'hello', where: '(root)' },
    { problem: 'no Records', event: {}, where: 'Records' },
    { problem: 'no records at all', event: { Records: [] }, where: 'Records' },
    { problem: 'a record without Sns', event: { Records: [{ EventSource: 'aws:sns' }] }, where: 'Records[0].Sns' },
    { problem: 'a Message that is not a string', event: { Records: [{ Sns: { MessageId: 'm-1', Message: 42 } }] }, where: 'Records[0].Sns.Message' },
    { problem: 'another event source', event: { Records: [{ EventSource: 'aws:sqs', Sns: { MessageId: 'm-1', Message: 'x' } }] }, where: 'Records[0].EventSource' },
  ])('malformed event ($problem) → InvalidEventError naming $where, nothing posted', async ({ event, where }) => {
    const error = await failure(buildHandler()(event));

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain(where);
    expect(received).toHaveLength(0);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  describe('the exported handler', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    it('without FAILWATCH_SLACK_WEBHOOK_PARAMETER → ConfigurationError naming it, nothing posted', async () => {
      delete process.env.FAILWATCH_SLACK_WEBHOOK_PARAMETER;

      const error = await failure(handler(loadSnsNotificationEvent()));

      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('FAILWATCH_SLACK_WEBHOOK_PARAMETER');
      expect(received).toHaveLength(0);
    });

    it('once configured, builds its dependencies and posts', async () => {
      process.env.FAILWATCH_SLACK_WEBHOOK_PARAMETER = PARAMETER;

      await expect(handler(loadSnsNotificationEvent())).resolves.toEqual({ posted: 1 });
      expect(received).toHaveLength(1);
    });
  });
});
