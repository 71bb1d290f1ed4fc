/**
 * `npm run bench [-- <part>...] [options]`: see USAGE and bench/README.md. Progress goes to stderr; the tables to stdout.
 * The full run (every part, the default sizes) writes bench/results.json; anything else writes results-quick.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBaselines, type BaselineSize } from './baseline-bench';
import { measureColdStart, type ColdStartReport } from './cold-start';
import { buildChildren } from './containers';
import { evaluateTargets, renderMemoryTable, renderSweepTable, renderTargets, SWEEP_TABLE_NOTES } from './report';
import { BASELINE_NOTES, renderBaselineTable, renderNativeModel, renderStorm } from './report-baselines';
import { COLD_START_NOTES, renderColdStartTable } from './report-cold-start';
import { rounded } from './report-format';
import { renderFigures, writeFiguresInto } from './readme-figures';
import { ACCOUNT_SETTINGS, type BenchContext } from './stand';
import { benchStorm, STORM_CONCURRENCY, STORM_SHARE, type StormFigures } from './storm-bench';
import { benchSweep, type SweepSize } from './sweep-bench';

const ROOT = join(__dirname, '..');
export const PARTS = {
  sweep: 'Failwatch poll and alarm functions: cold sweeps with and without a stored listing, first store of definitions, steady, 1% change, re-listing, alarms, heap capped',
  baseline: '(b) the competent poller and the naive sweep (where it fits the timeout), measured beside Failwatch; (a) the alarm-per-check cost model',
  storm: `${STORM_SHARE * 100}% of the checks fail at once: through alarms (${STORM_CONCURRENCY} at once) and through the sweep`,
  'cold-start': 'load + init of each function bundle, beside the unbundled tsc output',
} as const;
type Part = keyof typeof PARTS;

const FULL_SIZES = [10, 100, 1000, 5000, 20_000];
const QUICK_SIZES = [10, 100, 1000];
const STORM_CHECKS = 5000;
/** The bench stops starting new sizes after this long (its parts, run one by one on 2 cores, add up to about 22 minutes). */
const BENCH_BUDGET_MS = 45 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;

const USAGE = `npm run bench [-- <part>...] [options]

Parts (default: all of them, in this order):
${Object.entries(PARTS).map(([name, what]) => `  ${name.padEnd(11)} ${what}`).join('\n')}

Options:
  --sizes=10,100      account sizes in health checks for sweep and baseline (default ${FULL_SIZES.join(',')})
  --storm-checks=N    account size of the storm (default ${STORM_CHECKS})
  --quick             sizes ${QUICK_SIZES.join(',')} and a storm of 1,000 checks
  --runs=N            cold-start processes per variant (default 15)
  --help              this text

Only the full run (no part, no option but --runs) writes bench/results.json; any other writes bench/results-quick.json (not for committing).`;

interface Flags {
  readonly parts: readonly Part[];
  readonly sizes: readonly number[];
  readonly stormChecks: number;
  readonly runs: number;
  readonly full: boolean;
}

function wholeNumbers(value: string, what: string, least: number): number[] {
  const numbers = value === '' ? [] : value.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < least)) throw new Error(`${what} takes whole numbers of at least ${least}, got ${value}`);
  return numbers;
}

function parseFlags(argv: string[]): Flags | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { sizes: { type: 'string' }, 'storm-checks': { type: 'string' }, quick: { type: 'boolean', default: false }, runs: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) return undefined;
  const unknown = positionals.filter((part) => !(part in PARTS));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}: the parts are ${Object.keys(PARTS).join(', ')} (npm run bench -- --help)`);
  const parts = positionals.length === 0 ? (Object.keys(PARTS) as Part[]) : (positionals as Part[]);
  const sizes = values.sizes !== undefined ? wholeNumbers(values.sizes, '--sizes', 2) : values.quick ? QUICK_SIZES : FULL_SIZES;
  const stormChecks = values['storm-checks'] !== undefined ? wholeNumbers(values['storm-checks'], '--storm-checks', 20)[0] ?? STORM_CHECKS : values.quick ? 1000 : STORM_CHECKS;
  const runs = values.runs !== undefined ? wholeNumbers(values.runs, '--runs', 1)[0] ?? 15 : 15;
  const full = positionals.length === 0 && values.sizes === undefined && values['storm-checks'] === undefined && !values.quick;
  return { parts, sizes, stormChecks, runs, full };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'failwatch-bench-'));
  const want = (part: Part) => flags.parts.includes(part);
  try {
    const needsChildren = flags.parts.some((part) => part !== 'cold-start');
    if (needsChildren) log(`bench: building the functions into ${workDir} ...`);
    const children = needsChildren ? await buildChildren(ROOT, join(workDir, 'children')) : undefined;
    const context = children === undefined ? undefined : ({ root: ROOT, children, stepTimeoutMs: STEP_TIMEOUT_MS, log } satisfies BenchContext);
    const withinBudget = (what: string) => {
      if (performance.now() - started <= BENCH_BUDGET_MS) return true;
      log(`bench: time budget spent; ${what} not measured`);
      return false;
    };

    const sweeps: SweepSize[] = [];
    const baselines: BaselineSize[] = [];
    let storm: StormFigures | undefined;
    let coldStart: ColdStartReport | undefined;
    if (context !== undefined && want('sweep')) {
      for (const checks of flags.sizes) {
        if (!withinBudget(`sweep at ${checks} checks`)) continue;
        log(`bench: sweep, ${checks} health checks ...`);
        sweeps.push(await benchSweep(checks, context));
      }
    }
    if (context !== undefined && want('baseline')) {
      for (const checks of flags.sizes) {
        if (!withinBudget(`baseline at ${checks} checks`)) continue;
        log(`bench: baseline, ${checks} health checks ...`);
        baselines.push(await benchBaselines(checks, context));
      }
    }
    if (context !== undefined && want('storm') && withinBudget('storm')) {
      log(`bench: storm, ${flags.stormChecks} health checks ...`);
      storm = await benchStorm(flags.stormChecks, context);
    }
    if (want('cold-start')) coldStart = await measureColdStart({ root: ROOT, workDir: join(workDir, 'cold-start'), runs: flags.runs, log });

    const targets = evaluateTargets(sweeps, storm);
    const out: string[] = [];
    if (sweeps.length > 0) out.push('', 'Failwatch: poll and alarm functions as deployed', '', renderSweepTable(sweeps), '', ...SWEEP_TABLE_NOTES.map((n) => `  ${n}`));
    if (baselines.length > 0) out.push('', 'Baselines, same run, same stand-ins', '', renderBaselineTable(sweeps, baselines), '', ...BASELINE_NOTES.map((n) => `  ${n}`));
    if (want('baseline')) out.push('', '(a) One CloudWatch alarm per health check → SNS: cost and capability model', '', renderNativeModel(flags.sizes));
    if (storm !== undefined) out.push('', 'Storm', '', renderStorm(storm));
    if (sweeps.length + baselines.length > 0 || storm !== undefined) out.push('', 'Peak RSS per function (MB)', '', renderMemoryTable(sweeps, baselines, storm));
    if (coldStart) {
      out.push('', `Cold start (median of ${flags.runs} fresh processes per variant; load + init = total, ms)`, '', renderColdStartTable(coldStart), '', ...COLD_START_NOTES.map((n) => `  ${n}`));
      if (!coldStart.packaging.ok) out.push(`  serverless package failed after ${coldStart.packaging.attempts} attempts: ${coldStart.packaging.error ?? ''}`);
    }
    if (targets.length > 0) out.push('', 'Targets', '', renderTargets(targets));
    const problems = [...sweeps.flatMap((s) => s.problems), ...baselines.flatMap((b) => b.problems), ...(storm?.problems ?? [])];
    if (problems.length > 0) out.push('', 'Problems', '', ...problems.map((p) => `  ${p}`));
    const tookSeconds = (performance.now() - started) / 1000;
    out.push('', `bench took ${tookSeconds.toFixed(0)} s`);
    process.stdout.write(`${out.join('\n')}\n`);

    const results = {
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      measuredAt: new Date().toISOString().slice(0, 10),
      tookSeconds,
      machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
      settings: { ...ACCOUNT_SETTINGS, coldStartRuns: flags.runs, stormConcurrency: STORM_CONCURRENCY },
      sweeps,
      baselines,
      storm: storm ?? null,
      coldStart: coldStart ?? null,
      targets,
    };
    const file = join(ROOT, 'bench', flags.full ? 'results.json' : 'results-quick.json');
    writeFileSync(file, `${JSON.stringify(rounded(results), null, 2)}\n`);
    log(`bench: figures written to ${file}`);
    const figures = renderFigures({ command: results.command, measuredAt: results.measuredAt, node: process.version, cpus: cpus().length, tookSeconds, sweeps, baselines, storm, targets });
    if (flags.full && writeFiguresInto(join(ROOT, 'bench', 'README.md'), figures)) log('bench: bench/README.md\'s figures rewritten from this run');
    else process.stdout.write(`\nFigures as bench/README.md quotes them (written there by the full run only)\n\n${figures}\n`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
