/**
 * The report as one self-contained HTML page (`failwatch report --html FILE`): a timeline per pair drawn in
 * inline SVG (bands for primary / secondary / all-unhealthy / unknown, a marker for each notification sent,
 * silences shaded, standby-lost time as a stripe under the bands) and the table of figures. No script, no
 * request to any other host: styles and drawings are inline, so the page reads the same offline, in a mail
 * attachment or in a browser that blocks everything. Pure: the report in, the page's text out.
 */
import type { PairId } from '../domain/model';
import { BandKind, type PairReport, type ReportFigures, type ReportWindow } from '../domain/report';
import { formatDuration } from './render';

export interface ReportPageInput {
  readonly window: ReportWindow;
  readonly pairs: readonly (PairReport & { readonly pair: string; readonly zoneName?: string })[];
  readonly total: ReportFigures;
}

export interface ReportPageOptions {
  /** What was read, for the heading: `stage prod (table failwatch-prod-history)`. */
  readonly source: string;
  readonly generatedAt: string;
}

/** The timeline's drawing area, in SVG user units. */
export const TIMELINE = { width: 1000, left: 0, bandTop: 26, bandHeight: 34, stripeTop: 64, stripeHeight: 6, axisTop: 74, height: 96 } as const;

const BAND_LABEL: Readonly<Record<BandKind, string>> = {
  PRIMARY: 'primary',
  SECONDARY: 'secondary',
  ALL_UNHEALTHY: 'all unhealthy',
  UNKNOWN: 'unknown',
};

/** The table's columns: a figure's name (the cell's data-figure), its heading, and how it reads. */
export const REPORT_COLUMNS: readonly { readonly figure: string; readonly heading: string; readonly format: (figures: ReportFigures) => string }[] = [
  { figure: 'failovers', heading: 'Failovers', format: (f) => String(f.failovers) },
  { figure: 'secondary', heading: 'Time on secondary', format: (f) => formatDuration(f.secondarySeconds) },
  { figure: 'mean-failback', heading: 'Mean time to failback', format: (f) => optionalDuration(f.meanTimeToFailbackSeconds) },
  { figure: 'longest-failback', heading: 'Longest time to failback', format: (f) => optionalDuration(f.longestTimeToFailbackSeconds) },
  { figure: 'all-unhealthy', heading: 'All unhealthy', format: (f) => formatDuration(f.allUnhealthySeconds) },
  { figure: 'standby-lost', heading: 'Standby lost', format: (f) => formatDuration(f.standbyLostSeconds) },
  { figure: 'flapping', heading: 'Flapping spells', format: (f) => String(f.flappingSpells) },
  { figure: 'unknown', heading: 'Unknown', format: (f) => formatDuration(f.unknownSeconds) },
  { figure: 'availability', heading: 'Primary availability', format: (f) => formatAvailability(f.primaryAvailability) },
];

export function formatAvailability(share: number | undefined): string {
  return share === undefined ? 'n/a' : `${(share * 100).toFixed(3)}%`;
}

function optionalDuration(seconds: number | undefined): string {
  return seconds === undefined ? 'n/a' : formatDuration(seconds);
}

export function renderReportPage(report: ReportPageInput, options: ReportPageOptions): string {
  const title = `Failwatch report ${report.window.start.slice(0, 10)} to ${report.window.end.slice(0, 10)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: no script, style sheet, font or image from anywhere, not even this page's host.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escape(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escape(title)}</h1>`,
    `<p class="meta">Window <time>${escape(report.window.start)}</time> to <time>${escape(report.window.end)}</time> (UTC). Read from ${escape(options.source)} at <time>${escape(options.generatedAt)}</time>. Test alerts are never counted.</p>`,
    legend(),
    '<h2>Figures</h2>',
    figuresTable(report),
    '<h2>Timelines</h2>',
    ...(report.pairs.length === 0 ? ['<p class="empty">No pair is recorded in this table.</p>'] : report.pairs.map((pair) => timeline(pair, report.window))),
    `<p class="meta">Primary availability is the share of the window in which DNS served the primary while it was healthy; time all-unhealthy (DNS answers with the primary only because no record is healthy) and unknown time do not count. Episodes that cross the window's edges are counted with their part inside it.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function legend(): string {
  const swatch = (kind: string, label: string) => `<span class="swatch"><svg width="14" height="14" aria-hidden="true"><rect class="${kind}" width="14" height="14"/></svg>${label}</span>`;
  return `<p class="legend">${[
    swatch('band-primary', 'primary'),
    swatch('band-secondary', 'secondary'),
    swatch('band-all-unhealthy', 'all unhealthy'),
    swatch('band-unknown', 'unknown'),
    swatch('silence', 'silenced'),
    swatch('standby-lost', 'standby lost'),
    `<span class="swatch"><svg width="14" height="14" aria-hidden="true"><path class="marker" d="M7 13 L2 3 L12 3 Z"/></svg>notification sent</span>`,
  ].join(' ')}</p>`;
}

function figuresTable(report: ReportPageInput): string {
  const row = (label: string, figures: ReportFigures, attributes: string) =>
    `<tr ${attributes}><th scope="row">${escape(label)}</th>${REPORT_COLUMNS.map((column) => `<td data-figure="${column.figure}">${escape(column.format(figures))}</td>`).join('')}</tr>`;
  return [
    '<table class="figures">',
    `<thead><tr><th scope="col">Pair</th>${REPORT_COLUMNS.map((column) => `<th scope="col">${escape(column.heading)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...report.pairs.map((pair) => row(pair.pair, pair.figures, `data-pair="${escape(pairAttribute(pair.pairId))}"`)),
    '</tbody>',
    `<tfoot>${row(`Total (${report.pairs.length} ${report.pairs.length === 1 ? 'pair' : 'pairs'})`, report.total, 'data-pair="total"')}</tfoot>`,
    '</table>',
  ].join('\n');
}

function timeline(pair: ReportPageInput['pairs'][number], window: ReportWindow): string {
  const start = Date.parse(window.start);
  const length = Math.max(1, Date.parse(window.end) - start);
  const x = (at: string) => round(((Date.parse(at) - start) / length) * TIMELINE.width);
  const width = (from: string, to: string) => round(((Date.parse(to) - Date.parse(from)) / length) * TIMELINE.width);
  const attributes = (kind: string, span: { readonly start: string; readonly end: string }) => `data-kind="${kind}" data-start="${span.start}" data-end="${span.end}" x="${x(span.start)}" width="${width(span.start, span.end)}"`;
  const bands = pair.bands.map(
    (band) =>
      `<rect class="band band-${band.kind.toLowerCase().replace('_', '-')}" ${attributes(band.kind, band)} y="${TIMELINE.bandTop}" height="${TIMELINE.bandHeight}"><title>${escape(`${BAND_LABEL[band.kind]} from ${band.start} to ${band.end} (${formatDuration(band.seconds)})`)}</title></rect>`,
  );
  const silences = pair.silences.map(
    (silence) =>
      `<rect class="silence" ${attributes('SILENCE', silence)} y="${TIMELINE.bandTop - 4}" height="${TIMELINE.bandHeight + 8}"><title>${escape(`silenced (${silence.id}: ${silence.reason}) from ${silence.start} to ${silence.end}`)}</title></rect>`,
  );
  const stripes = pair.standbyLost.map(
    (span) => `<rect class="standby-lost" ${attributes('STANDBY_LOST', span)} y="${TIMELINE.stripeTop}" height="${TIMELINE.stripeHeight}"><title>${escape(`standby lost from ${span.start} to ${span.end}`)}</title></rect>`,
  );
  const markers = pair.sent.map((sent) => {
    const at = x(sent.at);
    return `<path class="marker" data-kind="${escape(sent.kind)}" data-at="${sent.at}" d="M${at} ${TIMELINE.bandTop - 2} L${round(at - 5)} ${TIMELINE.bandTop - 14} L${round(at + 5)} ${TIMELINE.bandTop - 14} Z"><title>${escape(`${sent.kind} sent at ${sent.at}, reference ${sent.reference}`)}</title></path>`;
  });
  const heading = `${pair.pair}${pair.zoneName ? ` (zone ${pair.zoneName.replace(/\.$/, '')}, ${pair.pairId.zoneId})` : ` (zone ${pair.pairId.zoneId})`}`;
  return [
    `<section class="pair" data-pair="${escape(pairAttribute(pair.pairId))}">`,
    `<h3>${escape(heading)}</h3>`,
    `<svg class="timeline" viewBox="0 0 ${TIMELINE.width} ${TIMELINE.height}" width="100%" role="img" aria-label="${escape(`timeline of ${pair.pair}`)}">`,
    ...bands,
    ...silences,
    ...stripes,
    ...markers,
    axis(window),
    '</svg>',
    '</section>',
  ].join('\n');
}

/** Ticks at midnight UTC: every day for a month, fewer for longer windows; a label on some of them. */
function axis(window: ReportWindow): string {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const length = Math.max(1, end - start);
  const days = length / 86_400_000;
  const step = days <= 2 ? 0.25 : days <= 40 ? 1 : days <= 120 ? 7 : 30;
  const labelEvery = days <= 2 ? 1 : days <= 40 ? 5 : 1;
  const first = Math.ceil(start / (step * 86_400_000)) * step * 86_400_000;
  const ticks: string[] = [`<line class="axis" x1="0" x2="${TIMELINE.width}" y1="${TIMELINE.axisTop}" y2="${TIMELINE.axisTop}"/>`];
  for (let at = first, index = 0; at <= end; at += step * 86_400_000, index++) {
    const x = round(((at - start) / length) * TIMELINE.width);
    ticks.push(`<line class="tick" x1="${x}" x2="${x}" y1="${TIMELINE.axisTop}" y2="${TIMELINE.axisTop + 4}"/>`);
    if (index % labelEvery === 0) {
      const label = new Date(at).toISOString().slice(days <= 2 ? 11 : 5, days <= 2 ? 16 : 10);
      ticks.push(`<text class="tick-label" x="${x}" y="${TIMELINE.axisTop + 16}">${label}</text>`);
    }
  }
  return ticks.join('\n');
}

function pairAttribute(pairId: PairId): string {
  return `${pairId.zoneId}|${pairId.name}|${pairId.type}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1d2330; max-width: 1100px; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 0.25rem; font-weight: 600; }
.meta { color: #5a6272; font-size: 0.9rem; }
.legend { font-size: 0.9rem; }
.swatch { display: inline-flex; align-items: center; gap: 0.3rem; margin-right: 1rem; }
table.figures { border-collapse: collapse; font-size: 0.9rem; }
table.figures th, table.figures td { border: 1px solid #d5d9e0; padding: 0.35rem 0.6rem; text-align: right; }
table.figures th[scope="row"], table.figures thead th:first-child { text-align: left; white-space: nowrap; }
table.figures tfoot { font-weight: 600; background: #f3f5f8; }
svg.timeline { display: block; max-width: 1000px; overflow: visible; }
.band-primary { fill: #2e9e5b; }
.band-secondary { fill: #e08a00; }
.band-all-unhealthy { fill: #c62828; }
.band-unknown { fill: #a5abb5; }
.silence { fill: #3d6fd8; fill-opacity: 0.25; stroke: #3d6fd8; stroke-dasharray: 3 2; }
.standby-lost { fill: #7b4fc9; }
.marker { fill: #1d2330; }
.axis, .tick { stroke: #5a6272; stroke-width: 1; }
.tick-label { font-size: 11px; fill: #5a6272; text-anchor: middle; }
.empty { color: #5a6272; }
`;
