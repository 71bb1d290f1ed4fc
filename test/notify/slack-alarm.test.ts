/**
 * Failwatch's own alarms reach Slack through the ops topic as CloudWatch publishes them: recognised and
 * posted as a short message (what is wrong and what to check, then CloudWatch's reason), not as raw JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { createHandler } from '../../handlers/slack';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { renderAlarmSlackMessage } from '../../lib/notify/slack-alarm';
import type { SlackMessage } from '../../lib/notify/slack-message';
import { allTexts } from '../support/slack-fixtures';

const loadOpsAlarmEvent = (): SNSEvent => JSON.parse(readFileSync(join(__dirname, '..', '..', 'events', 'sns-ops-alarm.json'), 'utf8')) as SNSEvent;
const messageOf = (event: SNSEvent): string => event.Records[0]!.Sns.Message;

describe('a CloudWatch alarm notification in Slack', () => {
  it('is recognised as an alarm, with its name, state, description and reason', () => {
    const content = readSnsMessageContent(messageOf(loadOpsAlarmEvent()));
    expect(content).toEqual({
      kind: 'alarm',
      alarm: expect.objectContaining({ AlarmName: 'failwatch-prod-no-sweeps', NewStateValue: 'ALARM', AlarmDescription: expect.stringContaining('completed no sweep'), NewStateReason: expect.stringContaining('Threshold Crossed') }),
    });
  });

  it('the slack function posts it as a message that names the alarm and says what to check', async () => {
    const posted: SlackMessage[] = [];
    const handler = createHandler({ poster: { post: async (message) => void posted.push(message) }, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    await expect(handler(loadOpsAlarmEvent())).resolves.toEqual({ posted: 1 });
    const [message] = posted;
    expect(message?.text).toBe('ALARM: failwatch-prod-no-sweeps');
    expect(message?.blocks?.[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':rotating_light: ALARM: failwatch-prod-no-sweeps', emoji: true } });
    const texts = allTexts(message!).map((text) => text.text).join('\n');
    expect(texts).toContain("Check the poll function's errors and logs");
    expect(texts).toContain('no datapoints were received for 3 periods');
    expect(texts).not.toContain('"Trigger"');
  });

  it.each([
    ['OK', ':white_check_mark:', '#2eb886'],
    ['INSUFFICIENT_DATA', ':grey_question:', '#9e9e9e'],
  ] as const)('%s is shown as such', (state, emoji, color) => {
    const message = renderAlarmSlackMessage({ AlarmName: 'failwatch-prod-no-sweeps', NewStateValue: state });
    expect(message.blocks?.[0]).toMatchObject({ text: { text: `${emoji} ${state}: failwatch-prod-no-sweeps` } });
    expect(message.attachments?.[0]?.color).toBe(color);
  });

  it('text from the alarm is escaped for Slack (no mention or link can be slipped in)', () => {
    const message = renderAlarmSlackMessage({ AlarmName: 'x', NewStateValue: 'ALARM', AlarmDescription: '<!channel> see <https://evil.example|here> & more' });
    expect(allTexts(message).map((text) => text.text).join('\n')).toContain('&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more');
  });

  it('a JSON message that only looks like an alarm (no state) is posted as plain text', () => {
    expect(readSnsMessageContent(JSON.stringify({ AlarmName: 'x' }))).toEqual({ kind: 'plain' });
  });
});
