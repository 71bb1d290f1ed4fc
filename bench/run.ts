/**
 * `npm run bench`: the reconcile sweep over simulated accounts of 10, 100, 1,000 and 5,000 health
 * checks beside a naive sweep, the alarm path, and cold start; prints the tables and the targets and
 * writes bench/results.json. `npm run bench -- --quick`: 10, 100 and 1,000 checks only (results-quick.json).
 * Other flags: `--sizes=10,100`, `--no-cold-start`, `--runs=15`. See bench/README.md.
 * Progress goes to stderr; the tables to stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureColdStart, type ColdStartReport } from './cold-start';
import { buildChildren } from './containers';
import { COLD_START_NOTES, SWEEP_TABLE_NOTES, evaluateTargets, renderColdStartTable, renderLoadedRss, renderSweepTable, renderTargets, rounded } from './report';
import { ACCOUNT_SETTINGS, benchSize, type SizeFigures } from './sweep-bench';

const ROOT = join(__dirname, '..');
const FULL_SIZES = [10, 100, 1000, 5000];
const QUICK_SIZES = [10, 100, 1000];
/** The whole bench stops starting new sizes after this long. */
const BENCH_BUDGET_MS = 14 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;

interface Flags {
  readonly quick: boolean;
  readonly sizes: readonly number[];
  readonly coldStart: boolean;
  readonly runs: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const listed = value('sizes');
  const sizes = listed === undefined ? (quick ? QUICK_SIZES : FULL_SIZES) : listed === '' ? [] : listed.split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 2)) throw new Error(`--sizes takes whole numbers of health checks of at least 2, got ${value('sizes')}`);
  const runs = Number(value('runs') ?? 15);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of at least 1, got ${value('runs')}`);
  return { quick, sizes, coldStart: !argv.includes('--no-cold-start'), runs };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'failwatch-bench-'));
  try {
    log(`bench: building the functions into ${workDir} ...`);
    const children = await buildChildren(ROOT, join(workDir, 'children'));
    const sizes: SizeFigures[] = [];
    for (const checks of flags.sizes) {
      if (performance.now() - started > BENCH_BUDGET_MS) {
        log(`bench: time budget spent; ${checks} checks not measured`);
        continue;
      }
      log(`bench: ${checks} health checks (${Math.floor(checks / 2)} pairs) ...`);
      sizes.push(await benchSize(checks, { root: ROOT, children, stepTimeoutMs: STEP_TIMEOUT_MS, log }));
    }
    let coldStart: ColdStartReport | undefined;
    if (flags.coldStart) coldStart = await measureColdStart({ root: ROOT, workDir: join(workDir, 'cold-start'), runs: flags.runs, log });

    const targets = evaluateTargets(sizes);
    const out: string[] = [];
    out.push('', 'Reconcile sweep: Failwatch beside the naive sweep, same run, same stand-ins', '', renderSweepTable(sizes), '', ...SWEEP_TABLE_NOTES.map((n) => `  ${n}`), '', renderLoadedRss(sizes));
    if (coldStart) {
      out.push('', `Cold start (median of ${flags.runs} fresh processes per variant; load + init = total, ms)`, '', renderColdStartTable(coldStart), '', ...COLD_START_NOTES.map((n) => `  ${n}`));
      if (!coldStart.packaging.ok) out.push(`  serverless package failed after ${coldStart.packaging.attempts} attempts: ${coldStart.packaging.error ?? ''}`);
    }
    out.push('', 'Targets', '', renderTargets(targets));
    const problems = sizes.flatMap((size) => size.problems.map((problem) => `${size.checks} checks: ${problem}`));
    if (problems.length > 0) out.push('', 'Problems', '', ...problems.map((p) => `  ${p}`));
    out.push('', `bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    process.stdout.write(`${out.join('\n')}\n`);

    const results = {
      command: `npm run bench${flags.quick ? ' -- --quick' : ''}`,
      measuredAt: new Date().toISOString().slice(0, 10),
      machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
      settings: { ...ACCOUNT_SETTINGS, coldStartRuns: flags.runs },
      sizes,
      coldStart: coldStart ?? null,
      targets,
    };
    const file = join(ROOT, 'bench', flags.quick || flags.sizes !== FULL_SIZES ? 'results-quick.json' : 'results.json');
    writeFileSync(file, `${JSON.stringify(rounded(results), null, 2)}\n`);
    log(`bench: figures written to ${file}`);
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
