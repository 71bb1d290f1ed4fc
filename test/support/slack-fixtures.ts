/** Loads events/sns-notification.json afresh for every call, so no test sees another's edits. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import type { NotificationPayload } from '../../lib/notify/payload';
import type { SlackBlock, SlackMessage, SlackMrkdwn, SlackPlainText } from '../../lib/notify/slack-message';

const EVENT_FILE = join(__dirname, '..', '..', 'events', 'sns-notification.json');

export function loadSnsNotificationEvent(): SNSEvent {
  return JSON.parse(readFileSync(EVENT_FILE, 'utf8')) as SNSEvent;
}

export function loadSamplePayload(): NotificationPayload {
  const record = loadSnsNotificationEvent().Records[0];
  if (!record) throw new Error(`${EVENT_FILE} has no record`);
  return JSON.parse(record.Sns.Message) as NotificationPayload;
}

/** Every block of a message, top level first, then each attachment's. */
export function allBlocks(message: SlackMessage): SlackBlock[] {
  return [...(message.blocks ?? []), ...(message.attachments ?? []).flatMap((attachment) => attachment.blocks)];
}

/** Every text Slack will read in a message, with the kind of text object it sits in. */
export function allTexts(message: SlackMessage): (SlackPlainText | SlackMrkdwn)[] {
  return allBlocks(message).flatMap((block): (SlackPlainText | SlackMrkdwn)[] => {
    switch (block.type) {
      case 'header':
        return [block.text];
      case 'section':
        return [...(block.text ? [block.text] : []), ...(block.fields ?? [])];
      case 'actions':
        return block.elements.map((element) => element.text);
      case 'context':
        return [...block.elements];
    }
  });
}
