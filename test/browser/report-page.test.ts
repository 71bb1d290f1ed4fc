/// <reference lib="dom" />
/**
 * `failwatch report --html` in a real browser (Debian's chromium, headless, background networking off): the
 * month of history the real poll handler recorded (local/sample-month.ts) drawn where it belongs, band by
 * band, with every figure of the table, no console error and no request beyond the page itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { runCli } from '../../lib/cli/run';
import { openChromium, type OpenBrowser } from '../../local/chromium';
import { harnessConnection, localCliContext } from '../../local/console';
import { startHarness, type Harness } from '../../local/harness';
import { recordSampleMonth, SAMPLE_ENVIRONMENT, SAMPLE_MONTH, sampleAccount } from '../../local/sample-month';

const WINDOW = { start: Date.parse('2026-11-01T00:00:00.000Z'), end: Date.parse('2026-12-01T00:00:00.000Z') };
const HOUR = 3_600_000;

/** What the month's timeline must show: [kind, start, end]. */
const BANDS: readonly (readonly [string, string, string])[] = [
  ['UNKNOWN', '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'],
  ['PRIMARY', '2026-11-02T00:00:00.000Z', '2026-11-05T10:00:00.000Z'],
  ['SECONDARY', '2026-11-05T10:00:00.000Z', '2026-11-05T16:00:00.000Z'],
  ['PRIMARY', '2026-11-05T16:00:00.000Z', '2026-11-12T08:00:00.000Z'],
  ['ALL_UNHEALTHY', '2026-11-12T08:00:00.000Z', '2026-11-12T09:00:00.000Z'],
  ['PRIMARY', '2026-11-12T09:00:00.000Z', '2026-11-20T00:00:00.000Z'],
  ['UNKNOWN', '2026-11-20T00:00:00.000Z', '2026-11-20T03:00:00.000Z'],
  ['PRIMARY', '2026-11-20T03:00:00.000Z', '2026-11-25T02:00:00.000Z'],
  ['SECONDARY', '2026-11-25T02:00:00.000Z', '2026-11-25T04:00:00.000Z'],
  ['PRIMARY', '2026-11-25T04:00:00.000Z', '2026-11-30T20:00:00.000Z'],
  ['SECONDARY', '2026-11-30T20:00:00.000Z', '2026-12-01T00:00:00.000Z'],
];

/** Every figure of the table, for the pair and for the total (one pair: the same). */
const FIGURES = {
  failovers: '3',
  secondary: '12h',
  'mean-failback': '4h',
  'longest-failback': '6h',
  'all-unhealthy': '1h',
  'standby-lost': '6h',
  flapping: '0',
  unknown: '1d 3h',
  availability: `${((680 / 720) * 100).toFixed(3)}%`,
};

const MARKERS = ['FAILOVER', 'FAILBACK', 'ALL_UNHEALTHY', 'ALL_UNHEALTHY_CLEARED', 'STANDBY_RESTORED', 'STANDBY_LOST', 'STANDBY_RESTORED', 'WATCH_DEGRADED', 'WATCH_RESTORED', 'SILENCE_SUMMARY', 'FAILOVER'];

interface Drawn {
  readonly kind: string;
  readonly start: string;
  readonly end: string;
  /** Where it is drawn, as a share of the timeline's width. */
  readonly left: number;
  readonly width: number;
}

describe('the report page in chromium', () => {
  let harness: Harness;
  let browser: OpenBrowser;
  let page: Page;
  let directory: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let pageUrl: string;

  beforeAll(async () => {
    const world = sampleAccount();
    harness = await startHarness(world, { environment: SAMPLE_ENVIRONMENT });
    await recordSampleMonth(harness, world);
    directory = mkdtempSync(join(tmpdir(), 'failwatch-report-'));
    const path = join(directory, 'report.html');
    const context = localCliContext(harnessConnection(harness), { clock: harness.clock, print: () => undefined });
    expect(await runCli(['report', '--month', SAMPLE_MONTH, '--html', path], context)).toBe(0);
    pageUrl = pathToFileURL(path).href;

    browser = await openChromium();
    browser.context.on('request', (request) => requests.push(request.url()));
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pageUrl, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const drawn = (selector: string): Promise<Drawn[]> =>
    page.$$eval(selector, (elements) =>
      elements.map((element) => {
        const svg = (element as SVGGraphicsElement).ownerSVGElement!.getBoundingClientRect();
        const box = element.getBoundingClientRect();
        return {
          kind: element.getAttribute('data-kind') ?? '',
          start: element.getAttribute('data-start') ?? '',
          end: element.getAttribute('data-end') ?? '',
          left: (box.left - svg.left) / svg.width,
          width: box.width / svg.width,
        };
      }),
    );

  const share = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / (WINDOW.end - WINDOW.start);

  it('draws one band per stretch, each of its kind, starting and lasting where the history says', async () => {
    const bands = await drawn('section.pair rect.band');
    expect(bands.map((band) => [band.kind, band.start, band.end])).toEqual(BANDS);
    for (const [index, [, start, end]] of BANDS.entries()) {
      const band = bands[index]!;
      expect([index, band.left]).toEqual([index, expect.closeTo(share(new Date(WINDOW.start).toISOString(), start), 3)]);
      expect([index, band.width]).toEqual([index, expect.closeTo(share(start, end), 3)]);
    }
    // Each kind in its own colour.
    const colours = await page.$$eval('section.pair rect.band', (elements) => elements.map((element) => [element.getAttribute('data-kind'), getComputedStyle(element).fill]));
    expect(new Map(colours as [string, string][])).toEqual(
      new Map([
        ['UNKNOWN', 'rgb(165, 171, 181)'],
        ['PRIMARY', 'rgb(46, 158, 91)'],
        ['SECONDARY', 'rgb(224, 138, 0)'],
        ['ALL_UNHEALTHY', 'rgb(198, 40, 40)'],
      ]),
    );
  });

  it('shades the maintenance window, draws the standby-lost stripe, and marks each notification sent', async () => {
    const [silence] = await drawn('section.pair rect.silence');
    expect(silence).toMatchObject({ start: '2026-11-25T00:00:00.000Z', end: '2026-11-25T12:00:00.000Z', width: expect.closeTo(12 / 720, 3) });
    const stripes = await drawn('section.pair rect.standby-lost');
    expect(stripes.map((s) => [s.start, s.end])).toEqual([['2026-11-15T00:00:00.000Z', '2026-11-15T06:00:00.000Z']]);
    expect(stripes[0]!.width).toBeCloseTo((6 * HOUR) / (WINDOW.end - WINDOW.start), 3);
    const markers = await page.$$eval('section.pair path.marker', (paths) => paths.map((path) => path.getAttribute('data-kind')));
    expect(markers).toEqual(MARKERS);
  });

  it('shows every figure of the table, for the pair and in total', async () => {
    const rows = await page.$$eval('table.figures tr[data-pair]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-pair'), Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map((td) => [td.getAttribute('data-figure'), td.textContent]))]),
    );
    expect(rows).toEqual([
      ['Z0EXAMPLE12345|app.example.com.|A', FIGURES],
      ['total', FIGURES],
    ]);
    expect(await page.$eval('table.figures tfoot th', (th) => th.textContent)).toBe('Total (1 pair)');
  });

  it('reads without JavaScript, with no console error and no request beyond the page itself', async () => {
    expect(await page.$$('script')).toHaveLength(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pageUrl]);
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.length).toBeGreaterThan(10_000);
  });
});
