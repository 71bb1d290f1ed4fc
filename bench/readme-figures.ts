/**
 * The figures bench/README.md quotes: a block between two markers, rewritten by the full run (`npm run bench`)
 * from the same figures as bench/results.json, so the README never quotes another run than the committed one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { nativeModelRow } from './aws-native-model';
import type { BaselineSize } from './baseline-bench';
import type { TargetResult } from './report';
import { mb, ratio, renderGrid, seconds, usd } from './report-format';
import type { StepFigures } from './stand';
import type { StormFigures } from './storm-bench';
import type { SweepSize } from './sweep-bench';

export const FIGURES_START = '<!-- bench:figures:start (written by the full `npm run bench`; do not edit by hand) -->';
export const FIGURES_END = '<!-- bench:figures:end -->';

export interface FiguresInput {
  readonly command: string;
  readonly measuredAt: string;
  readonly node: string;
  readonly cpus: number;
  readonly tookSeconds: number;
  readonly sweeps: readonly SweepSize[];
  readonly baselines: readonly BaselineSize[];
  readonly storm: StormFigures | undefined;
  readonly targets: readonly TargetResult[];
}

const wall = (step: StepFigures | undefined) => (step === undefined ? 'n/a' : `${seconds(step.wallMs)}${step.timedOut === true ? ' (timeout)' : step.error !== undefined ? ' (error)' : ''}`);

export function renderFigures(input: FiguresInput): string {
  const lines = [`\`${input.command}\` of ${input.measuredAt}, Node ${input.node}, ${input.cpus} cores, ${Math.round(input.tookSeconds / 60)} minutes.`, ''];
  if (input.sweeps.length > 0) {
    lines.push(
      renderGrid(
        ['checks', 'cold, no listing: sweeps, s', 'cold, stored listing s', 'steady s', 'steady DDB calls / writes', 're-list DDB reads / writes', 'alarm warm s', 'peak RSS poll / alarm MB'],
        input.sweeps.map((s) => {
          const listing = s.coldNoListing;
          const listed = listing === undefined ? 'n/a' : `${listing.sweepsToComplete ?? `>${listing.maxSweeps}`}, ${seconds(listing.sweeps.reduce((t, x) => t + x.wallMs, 0))}`;
          return [
            String(s.checks),
            listed,
            wall(s.coldStoredListing),
            wall(s.steady),
            s.steady === undefined ? 'n/a' : `${s.steady.dynamoCalls} / ${s.steady.dynamoWrites}`,
            s.relist === undefined ? 'n/a' : `${s.relist.dynamoCalls - s.relist.dynamoWrites} / ${s.relist.dynamoWrites}`,
            wall(s.alarmWarm),
            `${mb(Math.max(s.peakRssMb.poll ?? 0, s.peakRssMb.pollStoredListing ?? 0, s.peakRssMb.pollRelist ?? 0) || undefined)} / ${mb(s.peakRssMb.alarm)}`,
          ];
        }),
        new Set(),
      ),
      '',
    );
  }
  if (input.baselines.length > 0) {
    lines.push(
      renderGrid(
        ['checks', 'steady s: Failwatch / (b) / naive', '(b)÷FW wall, R53+CW calls', 'alarm per check (a) $/month', 'Failwatch default $/month'],
        input.baselines.map((b) => {
          const s = input.sweeps.find((x) => x.checks === b.checks)?.steady;
          const c = b.competent.steady;
          const model = nativeModelRow(b.checks);
          return [
            String(b.checks),
            `${wall(s)} / ${wall(c)} / ${b.naive === undefined ? 'not run' : wall(b.naive.steady)}`,
            s === undefined || c === undefined ? 'n/a' : `${ratio(c.wallMs, s.wallMs)}, ${ratio(c.route53Calls + c.cloudWatchCalls, s.route53Calls + s.cloudWatchCalls)}`,
            usd(model.alarmsMonthlyUsd),
            usd(model.failwatchDefaultMonthlyUsd),
          ];
        }),
        new Set(),
      ),
      '',
    );
  }
  const a = input.storm?.alarms;
  if (input.storm !== undefined && a !== undefined) {
    lines.push(
      `Storm, ${input.storm.failing} of ${input.storm.checks} checks through alarms (${input.storm.concurrency} at once, real clock): last notification after ${a.lastNotificationSeconds?.toFixed(1) ?? 'n/a'} s; ` +
        `${a.pairsNotifiedOnce} pairs notified once, ${a.pairsNotNotified} left to the next sweep; GetHealthCheckStatus ${a.route53ByOperation['GetHealthCheckStatus']?.throttled ?? 0} throttled attempts. ` +
        `Through the sweep: ${input.storm.sweep?.recordedByFirst ?? 'n/a'} recorded by the first, ${input.storm.sweep?.sentWithinTwo ?? 'n/a'} sent within two.`,
      '',
    );
  }
  const missed = input.targets.filter((t) => t.status !== 'MET');
  lines.push(`Targets: ${input.targets.length - missed.length} of ${input.targets.length} met.${missed.length > 0 ? ' Not met:' : ''}`, ...missed.map((t) => `- ${t.status}: ${t.target} — ${t.measured}`));
  return lines.join('\n');
}

/** Replaces the block between the markers in `readmePath`; false when the markers are missing. */
export function writeFiguresInto(readmePath: string, figures: string): boolean {
  if (!existsSync(readmePath)) return false;
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(FIGURES_START);
  const end = text.indexOf(FIGURES_END);
  if (start < 0 || end < start) return false;
  writeFileSync(readmePath, `${text.slice(0, start + FIGURES_START.length)}\n${figures}\n${text.slice(end)}`);
  return true;
}
