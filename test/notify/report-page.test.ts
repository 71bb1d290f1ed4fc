/** The report page's text: escaped, self-contained, every band and figure where the browser test looks for it. */
import { buildReport } from '../../lib/domain/report';
import { renderReportPage } from '../../lib/notify/report-page';

const PAIR = { zoneId: 'Z0EXAMPLE12345', name: 'app.example.com.', type: 'A' };
const SINCE = '2026-10-01T00:00:00.000Z';

function page(reason: string): string {
  const report = buildReport(
    [
      {
        pairId: PAIR,
        state: { pairId: PAIR, serving: 'PRIMARY', secondaryVerdict: 'HEALTHY', servingSince: SINCE, secondarySince: SINCE, sequence: 0, lastObservedAt: SINCE },
        transitions: [],
        notices: [],
        sent: [{ at: '2026-11-03T00:00:00.000Z', kind: 'REMINDER', reference: 'AAAA-BBBB' }],
        silences: [{ id: 's-1', record: '*', from: '2026-11-02T00:00:00.000Z', until: '2026-11-02T06:00:00.000Z', reason }],
      },
    ],
    { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    '2026-12-02T00:00:00.000Z',
  );
  return renderReportPage({ ...report, pairs: report.pairs.map((p) => ({ ...p, pair: 'app.example.com A', zoneName: 'example.com.' })) }, { source: 'stage <prod>', generatedAt: '2026-12-02T00:00:00.000Z' });
}

describe('renderReportPage', () => {
  it('escapes what people typed (a silence reason, the source) and holds no script', () => {
    const html = page('<script>alert("x")</script> & more');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('stage &lt;prod&gt;');
  });

  it('fetches nothing: no src, no href, no url(), and a policy that forbids it', () => {
    const html = page('DR drill');
    expect(html).not.toMatch(/\bsrc=|\bhref=|url\(/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('one band over the whole month, the silence, the marker and the figures, each with what the browser test reads', () => {
    const html = page('DR drill');
    expect(html).toContain('<rect class="band band-primary" data-kind="PRIMARY" data-start="2026-11-01T00:00:00.000Z" data-end="2026-12-01T00:00:00.000Z" x="0" width="1000"');
    expect(html).toContain('<rect class="silence" data-kind="SILENCE" data-start="2026-11-02T00:00:00.000Z" data-end="2026-11-02T06:00:00.000Z" x="33.333" width="8.333"');
    expect(html).toContain('<path class="marker" data-kind="REMINDER" data-at="2026-11-03T00:00:00.000Z"');
    expect(html).toContain('<td data-figure="availability">100.000%</td>');
    expect(html).toContain('<td data-figure="mean-failback">n/a</td>');
  });
});
