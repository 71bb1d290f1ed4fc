import { NotifierError } from '../../lib/errors';
import { HttpSlackWebhook } from '../../lib/slack/http-slack-webhook';
import { everythingIn } from '../support/output-capture';

const URL_VALUE = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';
const MESSAGE = { text: 'FAILOVER app.example.com A' };

interface FetchCall {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

/** A fetch double: records the call and answers with `reply`. */
function recordingFetch(reply: () => Promise<Response>): { fetch: typeof fetch; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return reply();
  };
  return { fetch: fake as typeof fetch, calls };
}

function webhook(fetchDouble: typeof fetch): HttpSlackWebhook {
  return new HttpSlackWebhook({ getUrl: async () => URL_VALUE, invalidate: () => undefined }, { timeoutMs: 1000, webhookName: 'SSM parameter /failwatch/slack', fetch: fetchDouble });
}

async function postError(fetchDouble: typeof fetch): Promise<NotifierError> {
  const error = await webhook(fetchDouble).post(MESSAGE).catch((caught: unknown) => caught);
  if (!(error instanceof NotifierError)) throw new Error(`expected a NotifierError, got ${String(error)}`);
  return error;
}

describe('HttpSlackWebhook', () => {
  it('POSTs the message as JSON with a timeout signal and no redirects followed', async () => {
    const { fetch: fake, calls } = recordingFetch(async () => new Response('ok', { status: 200 }));

    await webhook(fake).post(MESSAGE);

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(URL_VALUE);
    expect(call?.init).toMatchObject({ method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(JSON.parse(String(call?.init?.body))).toEqual(MESSAGE);
    expect(call?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([
    [400, 'invalid_payload', false],
    [400, 'invalid_blocks', false],
    [403, 'action_prohibited', false],
    [404, 'no_service', false],
    [410, 'channel_is_archived', false],
    [302, '', false],
    [408, '', true],
    [429, 'rate_limited', true],
    [500, 'rollup_error', true],
    [503, 'service unavailable', true],
  ])('Slack answering %i %s → NotifierError, retryable: %s', async (status, body, retryable) => {
    const error = await postError(recordingFetch(async () => new Response(body, { status })).fetch);

    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(`Slack webhook (SSM parameter /failwatch/slack) answered HTTP ${status}${body ? `: ${body}` : ''}`);
  });

  it('says when Slack asks to retry later', async () => {
    const error = await postError(recordingFetch(async () => new Response('rate_limited', { status: 429, headers: { 'retry-after': '30' } })).fetch);
    expect(error.message).toContain('retry after 30 s');
  });

  it('cuts a long error body and removes the URL from it', async () => {
    const body = `${URL_VALUE} ${'x'.repeat(1000)}`;
    const error = await postError(recordingFetch(async () => new Response(body, { status: 500 })).fetch);

    expect(error.message).toContain('[webhook URL]');
    expect(error.message).toMatch(/… \(\d+ more characters\)/);
    expect(error.message.length).toBeLessThan(600);
    expect(everythingIn(error)).not.toContain('SECRETTOKEN');
  });

  it('a fetch error that carries the URL (message, cause, extra properties) is rebuilt without it', async () => {
    const inner = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL', input: URL_VALUE });
    const outer = new TypeError(`Failed to parse URL from ${URL_VALUE}`, { cause: inner });

    const error = await postError(recordingFetch(() => Promise.reject(outer)).fetch);

    expect(error.message).toBe('Could not reach the Slack webhook (SSM parameter /failwatch/slack): Failed to parse URL from [webhook URL] (Invalid URL [ERR_INVALID_URL])');
    expect(error.retryable).toBe(false);
    expect(everythingIn(error)).not.toContain('SECRETTOKEN');
    expect(everythingIn(error)).not.toContain('/services/T000/B000');
  });

  it('a network failure is retryable', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' }) });

    const error = await postError(recordingFetch(() => Promise.reject(refused)).fetch);

    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('fetch failed (connect ECONNREFUSED 10.0.0.9:443)') });
  });

  it('a timeout is retryable and says how long it waited', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

    const error = await postError(recordingFetch(() => Promise.reject(timeout)).fetch);

    expect(error).toMatchObject({ retryable: true, message: 'Slack webhook (SSM parameter /failwatch/slack) did not answer within 1000 ms' });
  });
});
