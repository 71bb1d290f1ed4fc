/**
 * A SILENCE_SUMMARY / FLAPPING_ENDED notice exists to list the transitions it stands for (docs/notifications.md "Quiet,
 * but never silent": "one FLAPPING_ENDED lists them", "one SILENCE_SUMMARY lists them when the window
 * ends"). The email text lists them; the Slack message does too.
 */
import { decideTransitions } from '../../lib/domain/transitions';
import { buildNotice, type NoticeFields } from '../../lib/domain/notices';
import type { Transition } from '../../lib/domain/model';
import { describeCoveredTransition, renderNotice } from '../../lib/notify/render-notice';
import { historyReference } from '../../lib/notify/reference';
import type { NotificationPayload } from '../../lib/notify/payload';
import { renderSlackMessage } from '../../lib/notify/slack-message';
import { SCHEDULE_TRIGGER, aPair, aPairState, aSide, anObservation } from '../support/domain-fixtures';
import { allTexts } from '../support/slack-fixtures';

const pair = aPair();
const context = { zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] };
const AT = '2026-11-25T13:00:00.000Z';
const failover = decideTransitions(aPairState(), anObservation('SECONDARY', '2026-11-25T11:00:00.000Z', { primary: aSide('UNHEALTHY') })).transitions[0]!;
const failback: Transition = { ...failover, kind: 'FAILBACK', from: 'SECONDARY', to: 'PRIMARY', fromValues: ['10.0.1.1'], toValues: ['10.0.0.1'], observedAt: '2026-11-25T11:20:00.000Z' };
const covered: Transition[] = [
  { ...failover, sequence: 4, id: `${failover.id}-4` },
  { ...failback, sequence: 5, id: `${failover.id}-5` },
  { ...failover, sequence: 6, id: `${failover.id}-6`, observedAt: '2026-11-25T11:40:00.000Z' },
];
const onPrimary = { serving: 'PRIMARY', servingSince: '2026-11-25T12:00:00.000Z', servingValues: ['10.0.0.1'] } as const;

const cases: [string, NoticeFields][] = [
  ['SILENCE_SUMMARY', { kind: 'SILENCE_SUMMARY', lastedSeconds: 3_600, silence: { id: 's-1a2b3c4d', reason: 'DR drill', until: '2026-11-25T12:30:00.000Z' }, ...onPrimary }],
  ['FLAPPING_ENDED', { kind: 'FLAPPING_ENDED', lastedSeconds: 3_600, windowSeconds: 3_600, ...onPrimary }],
];

describe('Slack summary notices list the transitions they stand for', () => {
  it.each(cases)('%s: every covered transition the email lists also appears in the Slack message', (_kind, fields) => {
    const rendered = renderNotice(buildNotice(pair.id, 'x', fields, AT, SCHEDULE_TRIGGER), covered, context);
    // The email does list them (sanity check of the premise).
    for (const t of covered) expect(rendered.text).toContain(describeCoveredTransition(t));

    const slackText = allTexts(renderSlackMessage(rendered.payload as NotificationPayload)).map((text) => text.text).join('\n');
    // Each covered transition, by its kind and the reference a person can look it up by.
    for (const t of covered) expect(slackText).toMatch(new RegExp(`${t.kind}.*${historyReference(t.pairId, { sequence: t.sequence })}`));
  });
});
