/**
 * A Failwatch notification as a Slack incoming-webhook message (Block Kit). Pure: no I/O, no clock.
 * Limits are Slack's published Block Kit limits; a message over any of them is rejected with
 * `400 invalid_blocks`, which no retry fixes, so every text is capped here.
 */
import { chunksOf } from '../batches';
import type { Evidence, Severity } from '../domain/model';
import type { NotificationFact, NotificationLink, NotificationPayload } from './payload';
import { formatDuration } from './render';
import { escapeMrkdwn, singleLine, truncateEscaped, truncateMrkdwn, truncateText } from './slack-text';

export interface SlackPlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}
export interface SlackMrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
}
export interface SlackHeaderBlock {
  readonly type: 'header';
  readonly text: SlackPlainText;
}
export interface SlackSectionBlock {
  readonly type: 'section';
  readonly text?: SlackMrkdwn;
  readonly fields?: readonly SlackMrkdwn[];
}
export interface SlackLinkButton {
  readonly type: 'button';
  readonly text: SlackPlainText;
  readonly url: string;
  readonly action_id: string;
}
export interface SlackActionsBlock {
  readonly type: 'actions';
  readonly elements: readonly SlackLinkButton[];
}
export interface SlackContextBlock {
  readonly type: 'context';
  readonly elements: readonly SlackMrkdwn[];
}
export type SlackBlock = SlackHeaderBlock | SlackSectionBlock | SlackActionsBlock | SlackContextBlock;

export interface SlackAttachment {
  readonly color: string;
  readonly blocks: readonly SlackBlock[];
}

/** The JSON body of an incoming-webhook POST. */
export interface SlackMessage {
  /** Shown in notifications and by clients that cannot draw blocks; the message itself when there are no blocks. */
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
  readonly attachments?: readonly SlackAttachment[];
  readonly unfurl_links?: boolean;
  readonly unfurl_media?: boolean;
}

export const SlackLimits = {
  BLOCKS: 50,
  HEADER_TEXT: 150,
  SECTION_TEXT: 3000,
  FIELDS_PER_SECTION: 10,
  FIELD_TEXT: 2000,
  ACTION_ELEMENTS: 25,
  BUTTON_TEXT: 75,
  BUTTON_URL: 3000,
  CONTEXT_ELEMENTS: 10,
  /** Slack truncates longer `text`; staying under it keeps our own truncation note visible. */
  MESSAGE_TEXT: 39000,
} as const;

export const SeverityStyle = {
  critical: { color: '#d00000', emoji: ':rotating_light:' },
  warning: { color: '#f2c744', emoji: ':warning:' },
  info: { color: '#2eb886', emoji: ':white_check_mark:' },
} as const satisfies Record<Severity, { readonly color: string; readonly emoji: string }>;

/** Enough field sections for any real notification, while the whole message stays far below 50 blocks. */
const MAX_FIELD_SECTIONS = 5;
const MAX_EVIDENCE_SECTIONS = 10;
const MAX_STATUS_REPORT = 500;

export function renderSlackMessage(payload: NotificationPayload): SlackMessage {
  const style = SeverityStyle[payload.severity];
  const summary = payload.summary.trim();
  const links = linkButtons(payload.links);
  const details: SlackBlock[] = [
    ...riskSection(payload.risk),
    ...coveredSection(payload.covered),
    ...factSections(payload.facts),
    ...payload.evidence.slice(0, MAX_EVIDENCE_SECTIONS).map(evidenceSection),
    ...(links.length > 0 ? [{ type: 'actions', elements: links } as const] : []),
    contextBlock(payload),
  ];
  // Header and summary stay outside the attachment: Slack may fold a long attachment behind
  // "Show more", and what happened must always be visible. The attachment carries the severity colour.
  return {
    text: truncateMrkdwn(singleLine(payload.subject), SlackLimits.SECTION_TEXT),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncateText(`${style.emoji} ${singleLine(payload.subject)}`, SlackLimits.HEADER_TEXT), emoji: true } },
      ...(summary ? [mrkdwnSection(truncateMrkdwn(summary, SlackLimits.SECTION_TEXT))] : []),
      ...dnsAnswerSection(payload.dnsAnswer),
    ],
    attachments: [{ color: style.color, blocks: details }],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** A message that is not a Failwatch notification (someone published to the topic): posted as sent. */
export function renderPlainSlackMessage(subject: string | undefined, text: string): SlackMessage {
  const title = subject?.trim() ? `*${escapeMrkdwn(singleLine(subject))}*\n` : '';
  const body = escapeMrkdwn(text.trim() ? text : '(empty message)');
  const full = title + body;
  if (full.length <= SlackLimits.MESSAGE_TEXT) return { text: full, unfurl_links: false, unfurl_media: false };
  const note = `\n_(cut: the message is longer than Slack accepts, ${text.length} characters; other subscribers of the topic received it whole)_`;
  return { text: truncateEscaped(full, SlackLimits.MESSAGE_TEXT - note.length) + note, unfurl_links: false, unfurl_media: false };
}

/** What Route 53 answered, beside the summary, where a disagreement cannot be folded away. */
function dnsAnswerSection(answer: NotificationPayload['dnsAnswer']): SlackSectionBlock[] {
  if (answer === undefined) return [];
  const marker = answer.status === 'DISAGREES' ? ':warning: ' : '';
  return [mrkdwnSection(marker + truncateMrkdwn(singleLine(answer.sentence), SlackLimits.SECTION_TEXT - marker.length))];
}

function mrkdwnSection(text: string): SlackSectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function factSections(facts: readonly NotificationFact[]): SlackSectionBlock[] {
  const capacity = MAX_FIELD_SECTIONS * SlackLimits.FIELDS_PER_SECTION;
  const shown = facts.length > capacity ? facts.slice(0, capacity - 1) : facts;
  const fields = shown.map((fact) => field(fact.label, fact.value));
  if (shown.length < facts.length) fields.push(field('More', `${facts.length - shown.length} more facts in the email notification`));
  return chunksOf(fields, SlackLimits.FIELDS_PER_SECTION).map((chunk) => ({ type: 'section', fields: chunk }));
}

function field(label: string, value: string): SlackMrkdwn {
  const title = `*${truncateMrkdwn(singleLine(label) || '-', 200)}*\n`;
  return { type: 'mrkdwn', text: title + truncateMrkdwn(value.trim() || '-', SlackLimits.FIELD_TEXT - title.length) };
}

function evidenceSection(entry: NotificationPayload['evidence'][number]): SlackSectionBlock {
  const side = entry.side === 'primary' ? 'Primary' : 'Secondary';
  const check = entry.healthCheckId ? `health check \`${truncateMrkdwn(entry.healthCheckId, 100)}\`` : 'no health check';
  const lines = [`*${side}* · ${check}`, ...checkerLines(entry.evidence, entry.healthCheckId !== undefined)];
  return mrkdwnSection(joinWithinLimit(lines, regionLines(entry.evidence), SlackLimits.SECTION_TEXT));
}

/** A configuration notice's risk: what to change while it is open; once gone, what it was and how long it lasted. */
function riskSection(risk: NotificationPayload['risk']): SlackSectionBlock[] {
  if (risk === undefined) return [];
  const text =
    risk.status === 'OPEN'
      ? `*What to change*\n${escapeMrkdwn(risk.fix)}\n_Open since ${slackDate(risk.openSince)}_`
      : `*Was*\n${escapeMrkdwn(risk.problem)}\n_Lasted ${formatDuration(risk.lastedSeconds)}, since ${slackDate(risk.openSince)}_`;
  return [mrkdwnSection(truncateEscaped(text, SlackLimits.SECTION_TEXT))];
}

/** A summary's transitions, one line each, as many as fit in a section. */
function coveredSection(covered: readonly string[] | undefined): SlackSectionBlock[] {
  if (covered === undefined || covered.length === 0) return [];
  const lines = covered.map((line) => `• ${truncateMrkdwn(singleLine(line), MAX_STATUS_REPORT)}`);
  return [mrkdwnSection(joinWithinLimit(['*Transitions*'], lines, SlackLimits.SECTION_TEXT))];
}

function checkerLines(evidence: Evidence, hasHealthCheck: boolean): string[] {
  const { checkersHealthy, checkersTotal, percentageHealthy } = evidence;
  const percentage = percentageHealthy === undefined ? '' : ` (${formatPercent(percentageHealthy)} healthy)`;
  if (checkersTotal !== undefined) return [`Checkers healthy: *${checkersHealthy ?? '?'} of ${checkersTotal}*${percentage}`];
  if (evidence.checkersNotRead !== undefined) return [`Checker reports: not read${percentage}: ${truncateMrkdwn(singleLine(evidence.checkersNotRead), MAX_STATUS_REPORT)}`];
  return hasHealthCheck || percentage ? [`Checker reports: not read${percentage}`] : [];
}

/** Regions failing for the same reason are one line, as in the email: eight identical timeouts are one fact. */
function regionLines(evidence: Evidence): string[] {
  if (evidence.failingRegions.length === 0) return evidence.checkersTotal === undefined ? [] : ['No failing regions'];
  const regionsByReport = new Map<string, string[]>();
  for (const { region, statusReport } of evidence.failingRegions) {
    const report = singleLine(statusReport);
    regionsByReport.set(report, [...(regionsByReport.get(report) ?? []), region]);
  }
  return [
    'Failing regions:',
    ...[...regionsByReport].map(
      ([report, regions]) => `• ${regions.map((region) => `\`${truncateMrkdwn(region, 50)}\``).join(', ')} ${truncateMrkdwn(report, MAX_STATUS_REPORT)}`,
    ),
  ];
}

/** Adds `extra` lines after `head` while they fit in `max`, then says how many were left out. */
function joinWithinLimit(head: readonly string[], extra: readonly string[], max: number): string {
  const reserve = 40;
  let text = head.join('\n');
  for (const [index, line] of extra.entries()) {
    if (text.length + 1 + line.length > max - reserve) {
      return `${text}\n…and ${extra.length - index} more`;
    }
    text += `\n${line}`;
  }
  return text;
}

function linkButtons(links: readonly NotificationLink[]): SlackLinkButton[] {
  return links
    .filter((link) => isWebUrl(link.url) && link.url.length <= SlackLimits.BUTTON_URL)
    .slice(0, SlackLimits.ACTION_ELEMENTS)
    .map((link, index) => ({
      type: 'button',
      text: { type: 'plain_text', text: truncateText(singleLine(link.label) || new URL(link.url).hostname, SlackLimits.BUTTON_TEXT), emoji: true },
      url: link.url,
      action_id: `failwatch-link-${index}`,
    }));
}

function contextBlock(payload: NotificationPayload): SlackContextBlock {
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Observed ${slackDate(payload.observedAt)}` },
      { type: 'mrkdwn', text: truncateMrkdwn(`Failwatch ${payload.kind}${payload.reference ? ` · reference ${payload.reference}` : ''}`, SlackLimits.SECTION_TEXT) },
    ],
  };
}

/** Slack shows `<!date^…>` in each reader's time zone; the ISO text is the fallback. */
function slackDate(iso: string): string {
  const millis = Date.parse(iso);
  const fallback = truncateMrkdwn(iso, 100);
  if (Number.isNaN(millis)) return fallback;
  return `<!date^${Math.floor(millis / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}

function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
