/** Formatting shared by the bench's tables. */
import type { StepFigures } from './stand';

export const NOT_RUN = '—';

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

export function mb(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(1);
}

export function usd(value: number): string {
  return value < 10 ? `$${value.toFixed(2)}` : `$${Math.round(value).toLocaleString('en-US')}`;
}

/** How many times `baseline` is `failwatch` (∞: Failwatch made none). */
export function ratio(baseline: number, failwatch: number): string {
  if (failwatch === 0) return baseline === 0 ? '1×' : '∞';
  const r = baseline / failwatch;
  return `${r >= 100 ? Math.round(r) : r.toFixed(1)}×`;
}

export function renderGrid(header: readonly string[], rows: readonly (readonly string[])[], leftAligned: ReadonlySet<number> = new Set([1])): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const right = (column: number) => !leftAligned.has(column);
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => (right(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (right(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

export function route53Cell(step: StepFigures): string {
  return step.route53Throttled > 0 ? `${step.route53Calls} (+${step.route53Throttled} thr)` : String(step.route53Calls);
}

export function wallCell(step: StepFigures): string {
  return `${seconds(step.wallMs)}${step.timedOut === true ? ' TIMEOUT' : step.error !== undefined ? ' ERR' : ''}`;
}

export function describeOps(byOperation: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byOperation);
  return entries.length === 0 ? 'none' : entries.map(([operation, count]) => `${count} ${operation}`).join(', ');
}

/** Floats to 2 decimals so the committed JSON does not churn on noise below that. */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, rounded(v)]));
  return value;
}
