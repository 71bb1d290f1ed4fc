/**
 * Delivers a message to a Slack incoming webhook with fetch. The webhook URL is a credential
 * (whoever has it can post to the channel), so it never appears in an error, a stack or a cause.
 */
import { NotifierError } from '../errors';
import type { SlackMessage } from '../notify/slack-message';
import { describeError, redact, sanitizeError, secretsOfUrl } from './redact';
import type { SlackPoster, WebhookUrlSource } from './slack-ports';

export interface HttpSlackWebhookOptions {
  readonly timeoutMs: number;
  /** Where the URL comes from, for error messages (`SSM parameter /failwatch/slack-webhook`). */
  readonly webhookName?: string;
  readonly fetch?: typeof fetch;
}

const MAX_BODY_IN_ERROR = 300;
/** Answers that say the stored URL itself is no good (see hintFor). */
const WEBHOOK_GONE: ReadonlySet<number> = new Set([403, 404, 410]);

export class HttpSlackWebhook implements SlackPoster {
  constructor(
    private readonly urlSource: WebhookUrlSource,
    private readonly options: HttpSlackWebhookOptions,
  ) {}

  async post(message: SlackMessage): Promise<void> {
    const url = await this.urlSource.getUrl();
    const secrets = secretsOfUrl(url);
    const doFetch = this.options.fetch ?? fetch;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        signal,
        // A redirect would send the message somewhere Slack did not intend; report it instead.
        redirect: 'manual',
      });
    } catch (error) {
      throw this.unreachable(error, secrets);
    }
    let body: string;
    try {
      body = await response.text();
    } catch (error) {
      // Slack's status is what counts; a body cut off after a 2xx still means the message was accepted.
      if (response.ok) return;
      body = `(body unreadable: ${describeError(sanitizeError(error, secrets))})`;
    }
    if (!response.ok) {
      // A webhook revoked or forbidden stays so: the operator's fix is a new URL in SSM, read by the next post.
      if (WEBHOOK_GONE.has(response.status)) this.urlSource.invalidate();
      throw this.rejected(response, redact(body, secrets));
    }
  }

  private get webhook(): string {
    return this.options.webhookName ? `Slack webhook (${this.options.webhookName})` : 'Slack webhook';
  }

  private unreachable(error: unknown, secrets: readonly string[]): NotifierError {
    const cause = sanitizeError(error, secrets);
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') {
      return new NotifierError(`${this.webhook} did not answer within ${this.options.timeoutMs} ms`, true, { cause });
    }
    const badUrl = describeError(cause).includes('ERR_INVALID_URL');
    return new NotifierError(`Could not reach the ${this.webhook}: ${describeError(cause)}`, !badUrl, { cause });
  }

  private rejected(response: Response, body: string): NotifierError {
    const status = response.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    const answer = body.trim() ? `: ${truncate(body.trim(), MAX_BODY_IN_ERROR)}` : '';
    return new NotifierError(`${this.webhook} answered HTTP ${status}${answer}${hintFor(status, response.headers.get('retry-after'))}`, retryable);
  }
}

function hintFor(status: number, retryAfter: string | null): string {
  if (status === 429) return ` (rate limited${retryAfter ? `; Slack asks to retry after ${retryAfter} s` : ''})`;
  if (status === 404 || status === 410) return ' (the webhook was revoked, or its channel archived or deleted: store a new webhook URL)';
  if (status === 403) return ' (Slack refuses posts from this webhook: check the app and channel permissions)';
  if (status === 400) return ' (Slack rejected the message itself: a Failwatch bug, please report it)';
  if (status >= 300 && status < 400) return ' (a redirect: the stored URL is not a Slack incoming webhook)';
  return '';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
