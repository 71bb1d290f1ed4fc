import type { NotificationPayload } from '../../lib/notify/payload';
import {
  renderPlainSlackMessage,
  renderSlackMessage,
  SlackLimits,
  type SlackMessage,
  type SlackSectionBlock,
} from '../../lib/notify/slack-message';
import { allBlocks, allTexts, loadSamplePayload } from '../support/slack-fixtures';

/** Slack's Block Kit limits, checked the way Slack would before answering `400 invalid_blocks`. */
function blockKitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const blocks = allBlocks(message);
  if (blocks.length > SlackLimits.BLOCKS) problems.push(`${blocks.length} blocks`);
  for (const block of blocks) {
    if (block.type === 'header') {
      if (block.text.type !== 'plain_text') problems.push('header is not plain_text');
      if (block.text.text.length > SlackLimits.HEADER_TEXT || block.text.text.length === 0) problems.push(`header length ${block.text.text.length}`);
    }
    if (block.type === 'section') {
      if (!block.text && !block.fields?.length) problems.push('empty section');
      if ((block.text?.text.length ?? 0) > SlackLimits.SECTION_TEXT) problems.push(`section text ${block.text?.text.length}`);
      if ((block.fields?.length ?? 0) > SlackLimits.FIELDS_PER_SECTION) problems.push(`${block.fields?.length} fields`);
      for (const field of block.fields ?? []) if (field.text.length > SlackLimits.FIELD_TEXT) problems.push(`field ${field.text.length}`);
    }
    if (block.type === 'actions') {
      if (block.elements.length > SlackLimits.ACTION_ELEMENTS || block.elements.length === 0) problems.push(`${block.elements.length} buttons`);
      for (const button of block.elements) {
        if (button.text.text.length > SlackLimits.BUTTON_TEXT || button.text.text.length === 0) problems.push(`button text ${button.text.text.length}`);
        if (button.url.length > SlackLimits.BUTTON_URL || !/^https?:\/\//.test(button.url)) problems.push(`button url ${button.url.slice(0, 40)}`);
      }
      if (new Set(block.elements.map((button) => button.action_id)).size !== block.elements.length) problems.push('duplicate action_id');
    }
    if (block.type === 'context' && (block.elements.length > SlackLimits.CONTEXT_ELEMENTS || block.elements.length === 0)) problems.push('context size');
  }
  for (const { type, text } of allTexts(message)) {
    if (type === 'mrkdwn' && text.length > SlackLimits.SECTION_TEXT) problems.push(`mrkdwn text ${text.length}`);
    if (type === 'mrkdwn' && hasUnescapedControl(text)) problems.push(`unescaped mrkdwn: ${text.slice(0, 60)}`);
  }
  return problems;
}

/** `&`, `<`, `>` must be entities, except in the `<!date^…|…>` token the renderer writes on purpose. */
function hasUnescapedControl(text: string): boolean {
  const withoutDates = text.replace(/<!date\^\d+\^[^|<>]+\|[^<>]*>/g, '');
  return /[<>]/.test(withoutDates) || /&(?!amp;|lt;|gt;)/.test(withoutDates);
}

function withPayload(change: Partial<NotificationPayload>): NotificationPayload {
  return { ...loadSamplePayload(), ...change };
}

function sectionTexts(message: SlackMessage): string[] {
  return allBlocks(message).flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

function fieldSections(message: SlackMessage): SlackSectionBlock[] {
  return allBlocks(message).filter((block): block is SlackSectionBlock => block.type === 'section' && block.fields !== undefined);
}

describe('renderSlackMessage', () => {
  it('renders the sample FAILOVER as valid Block Kit with the subject as fallback text', () => {
    const payload = loadSamplePayload();
    const message = renderSlackMessage(payload);

    expect(blockKitViolations(message)).toEqual([]);
    expect(message.text).toBe(payload.subject);
    expect(message.blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: FAILOVER app.example.com A: now serving secondary 10.0.1.1', emoji: true },
    });
    expect(sectionTexts(message)).toContain(payload.summary);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments?.[0]?.color).toBe('#d00000');
  });

  it('shows every fact as a `*label*\\nvalue` field', () => {
    const message = renderSlackMessage(loadSamplePayload());
    const fields = fieldSections(message).flatMap((section) => section.fields ?? []);
    expect(fields.map((field) => field.text)).toContain('*Serving now*\nsecondary 10.0.1.1');
    expect(fields).toHaveLength(loadSamplePayload().facts.length);
  });

  it('shows each side’s evidence: checkers healthy of total and every failing region with its report', () => {
    const texts = sectionTexts(renderSlackMessage(loadSamplePayload()));
    const primary = texts.find((text) => text.startsWith('*Primary*'));
    expect(primary).toContain('health check `11111111-2222-3333-4444-555555555555`');
    expect(primary).toContain('Checkers healthy: *1 of 4* (25% healthy)');
    expect(primary).toContain('• `us-east-1`, `eu-west-1`, `ap-southeast-1` Failure: Connection timed out.');
    expect(texts.find((text) => text.startsWith('*Secondary*'))).toBe('*Secondary* · no health check');
  });

  it('lists regions failing for the same reason on one line, as the email does', () => {
    const failingRegions = [
      { region: 'us-east-1', statusReport: 'Failure: Connection timed out.' },
      { region: 'eu-west-1', statusReport: 'Failure: HTTP Status Code 503.' },
      { region: 'us-west-2', statusReport: 'Failure: Connection timed out.' },
    ];
    const message = renderSlackMessage(withPayload({ evidence: [{ side: 'primary', healthCheckId: 'h', evidence: { checkersHealthy: 0, checkersTotal: 3, failingRegions } }] }));
    expect(sectionTexts(message)).toContain(
      '*Primary* · health check `h`\nCheckers healthy: *0 of 3*\nFailing regions:\n• `us-east-1`, `us-west-2` Failure: Connection timed out.\n• `eu-west-1` Failure: HTTP Status Code 503.',
    );
  });

  it.each([
    ['all checkers healthy', { checkersHealthy: 4, checkersTotal: 4, failingRegions: [] }, '*Primary* · health check `h`\nCheckers healthy: *4 of 4*\nNo failing regions'],
    ['reports not read', { percentageHealthy: 12.5, failingRegions: [] }, '*Primary* · health check `h`\nChecker reports: not read (12.5% healthy)'],
    [
      'reports asked for and not read',
      { percentageHealthy: 0, checkersNotRead: "Route 53's GetHealthCheckStatus rate (about 1 call a second for the whole account) was spent by other alarms at the same moment", failingRegions: [] },
      "*Primary* · health check `h`\nChecker reports: not read (0% healthy): Route 53's GetHealthCheckStatus rate (about 1 call a second for the whole account) was spent by other alarms at the same moment",
    ],
  ])('evidence with %s says so', (_case, evidence, expected) => {
    const message = renderSlackMessage(withPayload({ evidence: [{ side: 'primary', healthCheckId: 'h', evidence }] }));
    expect(sectionTexts(message)).toContain(expected);
  });

  it('turns links into URL buttons and ends with the observation time and the reference, never the raw id', () => {
    const payload = loadSamplePayload();
    const blocks = allBlocks(renderSlackMessage(payload));
    const actions = blocks.find((block) => block.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((button) => [button.text.text, button.url])).toEqual(
      payload.links.map((link) => [link.label, link.url]),
    );
    const context = blocks.at(-1);
    expect(context?.type).toBe('context');
    const contextText = context?.type === 'context' ? context.elements.map((element) => element.text).join(' ') : '';
    expect(contextText).toContain(`<!date^${Date.parse(payload.observedAt) / 1000}^`);
    expect(contextText).toContain(`|${payload.observedAt}>`);
    expect(payload.reference).toBe('JB3H-4T88');
    expect(contextText).toContain(`reference ${payload.reference}`);
    expect(contextText).not.toContain(payload.id);
  });

  it('a message published before references existed still ends with its kind', () => {
    const older = { ...loadSamplePayload(), reference: undefined };
    const context = allBlocks(renderSlackMessage(older)).at(-1);
    expect(context?.type === 'context' && context.elements.map((element) => element.text).at(-1)).toBe('Failwatch FAILOVER');
  });

  it.each([
    ['critical', '#d00000', ':rotating_light:'],
    ['warning', '#f2c744', ':warning:'],
    ['info', '#2eb886', ':white_check_mark:'],
  ] as const)('severity %s → colour %s and %s in the header', (severity, color, emoji) => {
    const message = renderSlackMessage(withPayload({ severity }));
    expect(message.attachments?.[0]?.color).toBe(color);
    const header = message.blocks?.[0];
    expect(header?.type === 'header' && header.text.text.startsWith(`${emoji} `)).toBe(true);
  });

  it('escapes &, < and > in every mrkdwn text so nobody can inject a mention or a link', () => {
    const hostile = '<!channel> & <https://evil.example|click> > done';
    const message = renderSlackMessage(
      withPayload({
        summary: hostile,
        facts: [{ label: `a<b>&c`, value: hostile }],
        evidence: [{ side: 'primary', healthCheckId: '<id>', evidence: { failingRegions: [{ region: '<r>', statusReport: hostile }] } }],
        id: 'id<&>',
      }),
    );
    expect(blockKitViolations(message)).toEqual([]);
    expect(sectionTexts(message)).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; &gt; done');
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('keeps a long header within 150 characters, ending with … and never splitting an emoji', () => {
    const long = renderSlackMessage(withPayload({ subject: 'x'.repeat(400) })).blocks?.[0];
    expect(long?.type === 'header' && long.text.text).toMatch(/^:rotating_light: x+…$/);
    expect(long?.type === 'header' && long.text.text.length).toBe(SlackLimits.HEADER_TEXT);

    const emoji = renderSlackMessage(withPayload({ subject: '🔥'.repeat(100) })).blocks?.[0];
    const text = emoji?.type === 'header' ? emoji.text.text : '';
    expect(text.length).toBeLessThanOrEqual(SlackLimits.HEADER_TEXT);
    expect(text).toMatch(/^:rotating_light: (🔥)+…$/u);
  });

  it('splits facts into sections of at most 10 fields', () => {
    const facts = Array.from({ length: 23 }, (_, index) => ({ label: `Fact ${index}`, value: `value ${index}` }));
    const sections = fieldSections(renderSlackMessage(withPayload({ facts })));
    expect(sections.map((section) => section.fields?.length)).toEqual([10, 10, 3]);
  });

  it('stays valid with absurd input: 200 facts, 30 sides of 40 regions, 60 links, 10 kB texts', () => {
    const report = `Failure: ${'Connection timed out & <refused> '.repeat(40)}`;
    const regions = Array.from({ length: 40 }, (_, index) => ({ region: `region-${index}`, statusReport: `${report}${index}` }));
    const message = renderSlackMessage(
      withPayload({
        subject: 'S'.repeat(10_000),
        summary: '&'.repeat(10_000),
        facts: Array.from({ length: 200 }, (_, index) => ({ label: 'L'.repeat(500), value: `${index} ${'<v>'.repeat(2000)}` })),
        evidence: Array.from({ length: 30 }, () => ({ side: 'primary' as const, healthCheckId: 'h', evidence: { checkersHealthy: 0, checkersTotal: 40, failingRegions: regions } })),
        links: Array.from({ length: 60 }, (_, index) => ({ label: 'Open '.repeat(40), url: `https://console.aws.amazon.com/${index}` })),
      }),
    );
    expect(blockKitViolations(message)).toEqual([]);
    const fields = fieldSections(message).flatMap((section) => section.fields ?? []);
    expect(fields.at(-1)?.text).toBe('*More*\n151 more facts in the email notification');
    expect(sectionTexts(message).find((text) => text.startsWith('*Primary*'))).toMatch(/…and \d+ more$/);
  });

  it('keeps only link buttons Slack accepts: http(s) URLs of at most 3000 characters, at most 25', () => {
    const links = [
      { label: 'script', url: 'javascript:alert(1)' },
      { label: 'relative', url: '/route53' },
      { label: 'huge', url: `https://example.com/${'a'.repeat(3000)}` },
      { label: '', url: 'https://console.aws.amazon.com/route53' },
    ];
    const actions = allBlocks(renderSlackMessage(withPayload({ links }))).find((block) => block.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((button) => [button.text.text, button.url])).toEqual([
      ['console.aws.amazon.com', 'https://console.aws.amazon.com/route53'],
    ]);
    const none = allBlocks(renderSlackMessage(withPayload({ links: [] })));
    expect(none.some((block) => block.type === 'actions')).toBe(false);
  });
});

describe("renderSlackMessage: what Route 53 answered, beside the summary", () => {
  const answered = (status: 'AGREES' | 'DISAGREES', sentence: string): NotificationPayload => ({ ...loadSamplePayload(), dnsAnswer: { status, sentence } });
  const topTexts = (message: SlackMessage) => (message.blocks ?? []).flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));

  it('prints "Route 53 answers …" under the summary, outside the attachment that Slack may fold', () => {
    const message = renderSlackMessage(answered('AGREES', "Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided."));
    expect(topTexts(message).at(-1)).toBe("Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided.");
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('marks a disagreement with a warning', () => {
    const message = renderSlackMessage(answered('DISAGREES', "Route 53 answers 10.0.0.1, the primary's address, not the secondary Failwatch decided."));
    expect(topTexts(message).at(-1)).toMatch(/^:warning: Route 53 answers 10\.0\.0\.1/);
  });

  it('no answer, no such section', () => {
    expect(topTexts(renderSlackMessage(loadSamplePayload())).some((text) => text.includes('Route 53 answers'))).toBe(false);
  });
});

describe('renderPlainSlackMessage', () => {
  it('posts a plain SNS message as its text, subject first, with Slack control characters escaped', () => {
    expect(renderPlainSlackMessage('Maintenance <tonight>', 'Failover test at 22:00 & <!here> be ready')).toEqual({
      text: '*Maintenance &lt;tonight&gt;*\nFailover test at 22:00 &amp; &lt;!here&gt; be ready',
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('posts a message without a subject, and an empty one, rather than dropping it', () => {
    expect(renderPlainSlackMessage(undefined, 'just text').text).toBe('just text');
    expect(renderPlainSlackMessage(undefined, '   ').text).toBe('(empty message)');
  });

  it('cuts a message longer than Slack accepts and says so', () => {
    const text = renderPlainSlackMessage('big', '<'.repeat(100_000)).text;
    expect(text.length).toBeLessThanOrEqual(SlackLimits.MESSAGE_TEXT);
    expect(text).toMatch(/(&lt;)+…\n_\(cut: the message is longer than Slack accepts, 100000 characters; .*\)_$/);
  });
});

describe('renderSlackMessage: configuration notices', () => {
  const risk = {
    kind: 'DR_HOLE',
    reason: 'PRIMARY_CHECK_DISABLED',
    id: 'PRIMARY_CHECK_DISABLED#hc-primary',
    side: 'PRIMARY',
    healthCheckId: 'hc-primary',
    problem: "the primary's health check hc-primary is disabled and not inverted: Route 53 counts it always healthy, so the pair never fails over",
    fix: 'enable health check hc-primary again; to move traffic off the primary on purpose, invert it as well as disabling it <now> & then',
    status: 'OPEN',
    openSince: '2026-11-25T09:00:00.000Z',
    lastedSeconds: 0,
  } as const;

  it('an open risk shows what to change and since when, escaped, within Block Kit limits', () => {
    const message = renderSlackMessage(withPayload({ kind: 'DR_HOLE', severity: 'warning', evidence: [], risk }));
    expect(blockKitViolations(message)).toEqual([]);
    const section = sectionTexts(message).find((text) => text.startsWith('*What to change*'));
    expect(section).toContain('invert it as well as disabling it &lt;now&gt; &amp; then');
    expect(section).toMatch(/_Open since <!date\^\d+\^/);
  });

  it('a closed one shows what it was and how long it lasted, and no change to make', () => {
    const message = renderSlackMessage(withPayload({ kind: 'DR_HOLE_CLOSED', severity: 'warning', evidence: [], risk: { ...risk, status: 'CLOSED', lastedSeconds: 7_500 } }));
    expect(blockKitViolations(message)).toEqual([]);
    const texts = sectionTexts(message);
    expect(texts.find((text) => text.startsWith('*Was*'))).toContain('_Lasted 2h 5m, since <!date^');
    expect(texts.some((text) => text.includes('What to change'))).toBe(false);
  });

  it('a notification without a risk has no such section', () => {
    expect(sectionTexts(renderSlackMessage(loadSamplePayload())).some((text) => /^\*(What to change|Was)\*/.test(text))).toBe(false);
  });
});
