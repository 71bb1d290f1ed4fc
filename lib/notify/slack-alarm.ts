/**
 * A CloudWatch alarm notification (what CloudWatch publishes to an SNS topic: Failwatch's own alarms,
 * through its ops topic) as a Slack message. Pure: no I/O, no clock.
 */
import * as z from '../zod';
import type { SlackMessage } from './slack-message';
import { SeverityStyle, SlackLimits } from './slack-message';
import { singleLine, truncateMrkdwn, truncateText } from './slack-text';

/** The fields of CloudWatch's alarm message that a person needs; the rest (Trigger, ...) is left out. */
export const cloudWatchAlarmMessageSchema = z.object({
  AlarmName: z.nonEmptyString,
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
  Region: z.optional(z.string()),
});
export type CloudWatchAlarmMessage = z.infer<typeof cloudWatchAlarmMessageSchema>;

const STATE_STYLE = {
  ALARM: SeverityStyle.critical,
  OK: SeverityStyle.info,
  INSUFFICIENT_DATA: { color: '#9e9e9e', emoji: ':grey_question:' },
} as const satisfies Record<CloudWatchAlarmMessage['NewStateValue'], { readonly color: string; readonly emoji: string }>;

/** What the alarm is about (its description says what to check), then why CloudWatch changed its state. */
export function renderAlarmSlackMessage(alarm: CloudWatchAlarmMessage): SlackMessage {
  const style = STATE_STYLE[alarm.NewStateValue];
  const title = `${alarm.NewStateValue}: ${singleLine(alarm.AlarmName)}`;
  const description = alarm.AlarmDescription?.trim();
  const reason = alarm.NewStateReason?.trim();
  const context = [alarm.StateChangeTime, alarm.Region].filter((part): part is string => part !== undefined && part.trim() !== '').join(' · ');
  return {
    text: truncateMrkdwn(title, SlackLimits.SECTION_TEXT),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncateText(`${style.emoji} ${title}`, SlackLimits.HEADER_TEXT), emoji: true } },
      ...(description ? [{ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(description, SlackLimits.SECTION_TEXT) } } as const] : []),
    ],
    attachments: [
      {
        color: style.color,
        blocks: [
          ...(reason ? [{ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(reason, SlackLimits.SECTION_TEXT) } } as const] : []),
          ...(context ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(`CloudWatch alarm · ${context}`, SlackLimits.SECTION_TEXT) }] } as const] : []),
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}
