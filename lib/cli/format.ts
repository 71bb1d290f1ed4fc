/** How commands print: aligned columns for people, one JSON document for programs. */
import { formatDuration } from '../notify/render';
import type { CliContext } from './command';

/** Rows of cells as lines, each column as wide as its widest cell (the last one left ragged). */
export function columns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join(gap).trimEnd());
}

export function printJson(context: CliContext, value: unknown): void {
  context.print(JSON.stringify(value, null, 2));
}

/** `2026-11-25T08:02:00.000Z (1h 58m ago)` */
export function since(at: string, now: Date): string {
  return `${at} (${formatDuration((now.getTime() - Date.parse(at)) / 1000)} ago)`;
}
