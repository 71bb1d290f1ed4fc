/**
 * The sample email and Slack message in README.md are what the renderers produce for one fixed
 * FAILOVER, so they cannot drift from the code. Each sits in the README between
 * `<!-- sample-<name>:start -->` and `<!-- sample-<name>:end -->`.
 *
 * To regenerate them after an intended change of wording:
 *   UPDATE_README_SAMPLES=1 npx jest test/notify/readme-samples.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transition } from '../../lib/domain/model';
import type { NotificationPayload } from '../../lib/notify/payload';
import { renderTransition } from '../../lib/notify/render';
import { renderSlackMessage, SeverityStyle, type SlackBlock, type SlackMessage } from '../../lib/notify/slack-message';

const README = join(__dirname, '..', '..', 'README.md');
const REGENERATE = 'UPDATE_README_SAMPLES=1 npx jest test/notify/readme-samples.test.ts';

const PAIR = { zoneId: 'Z0EXAMPLE12345', name: 'app.example.com.', type: 'A' };
const CHECK_ID = '11111111-2222-3333-4444-555555555555';
const TIMEOUT = 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.';
const UNAVAILABLE = 'Failure: HTTP Status Code 503, Service Unavailable.';

/** A failover seen by a managed alarm, the primary failing in 7 of Route 53's 8 checker regions. */
const FAILOVER: Transition = {
  id: `${PAIR.zoneId}|${PAIR.name}|${PAIR.type}#7`,
  pairId: PAIR,
  sequence: 7,
  kind: 'FAILOVER',
  severity: 'critical',
  from: 'PRIMARY',
  to: 'SECONDARY',
  fromValues: ['10.0.0.1'],
  toValues: ['10.0.1.1'],
  primary: {
    verdict: 'UNHEALTHY',
    basis: 'Route 53 HealthCheckStatus metric = 0',
    healthCheckId: CHECK_ID,
    evidence: {
      checkersHealthy: 1,
      checkersTotal: 8,
      failingRegions: [
        ...['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'sa-east-1'].map((region) => ({ region, statusReport: TIMEOUT })),
        ...['ap-southeast-1', 'ap-northeast-1'].map((region) => ({ region, statusReport: UNAVAILABLE })),
      ],
    },
  },
  secondary: { verdict: 'HEALTHY', basis: 'no health check: Route 53 counts this record healthy', evidence: { failingRegions: [] } },
  observedAt: '2026-11-25T08:02:00.000Z',
  trigger: { kind: 'ALARM', source: `failwatch-prod-${CHECK_ID}` },
  previousStateSeconds: 12 * 86_400 + 4 * 3_600,
  stateAfter: {
    pairId: PAIR,
    serving: 'SECONDARY',
    secondaryVerdict: 'HEALTHY',
    servingSince: '2026-11-25T08:02:00.000Z',
    secondarySince: '2026-11-13T04:02:00.000Z',
    sequence: 7,
    lastObservedAt: '2026-11-25T08:02:00.000Z',
  },
};

const rendered = renderTransition(FAILOVER, { zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] });

function emailSample(): string {
  return ['```text', `Subject: ${rendered.subject}`, '', rendered.text, '```'].join('\n');
}

/** Slack's mrkdwn as a reader sees it: no markers, links and dates by their text. */
function asSeen(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/[*`]/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const EMOJI: Readonly<Record<string, string>> = {
  [SeverityStyle.critical.emoji]: '🚨',
  [SeverityStyle.warning.emoji]: '⚠️',
  [SeverityStyle.info.emoji]: '✅',
};

function blockLines(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [Object.entries(EMOJI).reduce((text, [code, emoji]) => text.replace(code, emoji), block.text.text)];
    case 'section':
      return [...(block.text ? [asSeen(block.text.text)] : []), ...(block.fields ?? []).map((field) => asSeen(field.text).replace('\n', ': '))].flatMap((text) => text.split('\n'));
    case 'actions':
      return [block.elements.map((button) => `[ ${button.text.text} ]`).join(' ')];
    case 'context':
      return [block.elements.map((element) => asSeen(element.text)).join(' · ')];
  }
}

/** The message as Slack draws it, in text: the attachment's coloured bar as `▌`. */
function slackSample(message: SlackMessage): string {
  const top = (message.blocks ?? []).flatMap(blockLines);
  const attached = (message.attachments ?? []).flatMap((attachment) => attachment.blocks.flatMap(blockLines).map((line) => `▌ ${line}`));
  return ['```text', ...top, ...attached, '```'].join('\n');
}

const SAMPLES: Readonly<Record<string, string>> = {
  email: emailSample(),
  slack: slackSample(renderSlackMessage(rendered.payload as NotificationPayload)),
};

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- sample-${name}:start (test/notify/readme-samples.test.ts writes this block) -->`, end: `<!-- sample-${name}:end -->` };
}

function withSample(readme: string, name: string, sample: string): string {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md has no "${start}" … "${end}" block for the sample ${name}`);
  return `${readme.slice(0, from + start.length)}\n${sample}\n${readme.slice(to)}`;
}

describe('README samples', () => {
  if (process.env['UPDATE_README_SAMPLES'] === '1') {
    it('are written into README.md', () => {
      const readme = readFileSync(README, 'utf8');
      writeFileSync(README, Object.entries(SAMPLES).reduce((text, [name, sample]) => withSample(text, name, sample), readme));
    });
  }

  it.each(Object.keys(SAMPLES))('the %s in README.md is what the renderer produces', (name) => {
    const readme = readFileSync(README, 'utf8');
    const expected = withSample(readme, name, SAMPLES[name]!);
    if (expected !== readme) {
      throw new Error(`README.md's sample ${name} differs from what lib/notify renders for the same transition.\nIf the new wording is intended, regenerate the samples with:\n  ${REGENERATE}\nRendered now:\n${SAMPLES[name]}`);
    }
  });

  it('the samples end with the short reference, not the raw transition id', () => {
    for (const sample of Object.values(SAMPLES)) {
      expect(sample).toContain((rendered.payload as NotificationPayload).reference);
      expect(sample).not.toContain(FAILOVER.id);
    }
  });
});
