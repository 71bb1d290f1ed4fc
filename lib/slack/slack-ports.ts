/**
 * The Slack function's edges: where the webhook URL comes from and how a message is delivered.
 * Tests swap either for their own.
 */
import type { SlackMessage } from '../notify/slack-message';

/** The incoming-webhook URL is a secret: implementations never log it or put it in an error. */
export interface WebhookUrlSource {
  getUrl(): Promise<string>;
  /** Forgets a cached URL that Slack refused for good (revoked, forbidden): the next post reads it again. */
  invalidate(): void;
}

export interface SlackPoster {
  /** Throws NotifierError (with `retryable`) when Slack did not accept the message. */
  post(message: SlackMessage): Promise<void>;
}
