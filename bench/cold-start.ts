/**
 * Cold start: each function's zipped bundle (from `serverless package --stage ci`), and the time a
 * fresh Node process takes to load it and get its handler to its first outbound request (clients
 * built), median of several, beside the same for the unbundled `tsc` output. Every variant runs with
 * the same `node` flags and environment: Lambda's flags for the bench's memory size and the function's
 * NODE_OPTIONS as deployed (bench/deployed.ts), so the comparison is the code's alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { benchMemorySize, benchNodeFlags, FUNCTION_NAMES, packageFunctions, type FunctionName } from './deployed';

export interface ColdStartOptions {
  readonly root: string;
  readonly workDir: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

export interface ProbeFigures {
  /** Medians over the runs, in ms. */
  readonly loadMs: number;
  readonly initMs: number;
  readonly loadAndInitMs: number;
  /** From spawn to exit, as the parent saw it (includes Node's own start). */
  readonly processMs: number;
  /** RSS at the first outbound request (median), MB. */
  readonly rssMb: number;
  readonly modules: number;
  readonly runs: number;
  readonly errors: readonly string[];
}

export interface FunctionColdStart {
  readonly name: string;
  readonly zipBytes?: number;
  readonly bundleBytes?: number;
  readonly sourceMapBytes?: number;
  /** The function's NODE_OPTIONS as deployed (absent: none), which every variant runs with. */
  readonly nodeOptions?: string;
  /** The deployed bundle, as deployed: the figure the target is about. */
  readonly bundle?: ProbeFigures;
  readonly unbundled?: ProbeFigures;
  /** What-if: the deployed bundle with --enable-source-maps too (what readable stack traces cost). */
  readonly bundleWithSourceMaps?: ProbeFigures;
  /** bundle load+init / unbundled load+init */
  readonly ratio?: number;
}

export interface ColdStartReport {
  readonly packaging: { readonly ok: boolean; readonly attempts: number; readonly error?: string };
  /** The `node` flags every probe ran with (besides the function's NODE_OPTIONS). */
  readonly nodeFlags: readonly string[];
  readonly memoryMb: number | null;
  readonly functions: readonly FunctionColdStart[];
}

const EVENTS: Readonly<Record<FunctionName, string>> = {
  poll: 'events/scheduled.json',
  alarm: 'events/alarm-alarm.json',
  slack: 'events/sns-notification.json',
};

const PROBE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTARTPROBE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  FAILWATCH_TABLE: 'failwatch-bench-history',
  FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch-bench-alerts',
  FAILWATCH_SLACK_WEBHOOK_PARAMETER: '/failwatch/bench/slack-webhook',
  POWERTOOLS_SERVICE_NAME: 'failwatch',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // On Node below 22 the SDK prints a NodeVersionSupportWarning once, at the first client (≈1 ms on
  // both sides); the functions run on Lambda's nodejs22.x, where it says nothing.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function compileUnbundled(options: ColdStartOptions): string | undefined {
  const outDir = join(options.workDir, 'tsc');
  const config = join(options.workDir, 'tsconfig.cold-start.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(options.root, 'tsconfig.json'),
      compilerOptions: { outDir, rootDir: options.root, noEmit: false, incremental: false },
      include: [join(options.root, 'handlers'), join(options.root, 'lib')],
    }),
  );
  // Type errors (a colleague mid-edit) do not stop tsc emitting; only missing output does.
  spawnSync(process.execPath, [join(options.root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { encoding: 'utf8', timeout: 240_000 });
  if (!existsSync(join(outDir, 'handlers', 'poll.js'))) return undefined;
  // Resolution of node_modules as from the project: the compiled files live outside it.
  if (!existsSync(join(outDir, 'node_modules'))) symlinkSync(join(options.root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return outDir;
}

async function buildProbe(options: ColdStartOptions): Promise<string> {
  const outfile = join(options.workDir, 'probe.cjs');
  await build({ entryPoints: [join(options.root, 'bench', 'cold-start-probe.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node24', logLevel: 'silent' });
  return outfile;
}

interface ProbeRun {
  readonly loadMs: number;
  readonly initMs: number;
  readonly rssMb: number;
  readonly modules: number;
  readonly processMs: number;
}

function runProbe(probe: string, modulePath: string, eventPath: string, nodeFlags: readonly string[], nodeOptions: string | undefined): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, probe, modulePath, eventPath], {
      // As on Lambda: NODE_OPTIONS in the environment of the process that loads the handler.
      env: { PATH: process.env['PATH'] ?? '', ...PROBE_ENV, ...(nodeOptions !== undefined ? { NODE_OPTIONS: nodeOptions } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => {
      const processMs = performance.now() - started;
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { loadMs: number; initMs?: number; rssMb?: number; modules?: number; error?: string };
        if (parsed.error !== undefined || parsed.initMs === undefined) reject(new Error(parsed.error ?? 'no timings'));
        else resolve({ loadMs: parsed.loadMs, initMs: parsed.initMs, rssMb: parsed.rssMb ?? Number.NaN, modules: parsed.modules ?? 0, processMs });
      } catch {
        reject(new Error(`probe printed no timings: ${line.slice(0, 200)}`));
      }
    });
  });
}

function summarise(runs: readonly ProbeRun[], errors: readonly string[]): ProbeFigures {
  return {
    loadMs: median(runs.map((r) => r.loadMs)),
    initMs: median(runs.map((r) => r.initMs)),
    loadAndInitMs: median(runs.map((r) => r.loadMs + r.initMs)),
    processMs: median(runs.map((r) => r.processMs)),
    rssMb: median(runs.map((r) => r.rssMb)),
    modules: median(runs.map((r) => r.modules)),
    runs: runs.length,
    errors,
  };
}

interface Variant {
  readonly key: 'bundle' | 'unbundled' | 'bundleWithSourceMaps';
  readonly path: string | undefined;
  readonly extraFlags: readonly string[];
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartReport> {
  mkdirSync(options.workDir, { recursive: true });
  options.log('cold start: serverless package --stage ci ...');
  const packaged = await packageFunctions(options.root, join(options.workDir, 'package'), options.log);
  options.log('cold start: tsc to a temporary outDir ...');
  const unbundledDir = compileUnbundled(options);
  const probe = await buildProbe(options);
  const memoryMb = benchMemorySize();
  const nodeFlags = benchNodeFlags(memoryMb);

  const functions: FunctionColdStart[] = [];
  for (const name of FUNCTION_NAMES) {
    const eventPath = join(options.root, EVENTS[name]);
    const deployed = packaged.ok ? packaged.functions.get(name) : undefined;
    const nodeOptions = deployed?.nodeOptions;
    const unbundledPath = unbundledDir !== undefined ? join(unbundledDir, 'handlers', `${name}.js`) : undefined;
    const withMaps = (nodeOptions ?? '').includes('--enable-source-maps') ? [] : ['--enable-source-maps'];
    const variants: readonly Variant[] = [
      { key: 'bundle', path: deployed?.bundlePath, extraFlags: [] },
      { key: 'unbundled', path: unbundledPath, extraFlags: [] },
      { key: 'bundleWithSourceMaps', path: deployed?.bundlePath, extraFlags: withMaps },
    ];
    const runs = new Map<string, ProbeRun[]>(variants.map((v) => [v.key, []]));
    const errors = new Map<string, string[]>(variants.map((v) => [v.key, []]));
    const probeOnce = (variant: Variant) => runProbe(probe, variant.path!, eventPath, [...nodeFlags, ...variant.extraFlags], nodeOptions);
    // One unmeasured round first: every file each variant loads is then in the page cache, the ~200
    // files of the unbundled output as much as the one bundle, so neither side pays a first read.
    for (const variant of variants) if (variant.path !== undefined && existsSync(eventPath)) await probeOnce(variant).catch(() => undefined);
    // Round-robin, so a slow moment of the machine does not land on one variant only.
    for (let run = 0; run < options.runs; run++) {
      for (const variant of variants) {
        if (variant.path === undefined || !existsSync(eventPath)) continue;
        try {
          runs.get(variant.key)!.push(await probeOnce(variant));
        } catch (error) {
          errors.get(variant.key)!.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    const figures = (key: Variant['key']) => (runs.get(key)!.length > 0 ? summarise(runs.get(key)!, errors.get(key)!) : undefined);
    const bundle = figures('bundle');
    const unbundled = figures('unbundled');
    const withSourceMaps = withMaps.length > 0 ? figures('bundleWithSourceMaps') : undefined;
    functions.push({
      name,
      ...(deployed ? { zipBytes: deployed.zipBytes, bundleBytes: deployed.bundleBytes } : {}),
      ...(deployed?.sourceMapBytes !== undefined ? { sourceMapBytes: deployed.sourceMapBytes } : {}),
      ...(nodeOptions !== undefined ? { nodeOptions } : {}),
      ...(bundle ? { bundle } : {}),
      ...(unbundled ? { unbundled } : {}),
      ...(withSourceMaps ? { bundleWithSourceMaps: withSourceMaps } : {}),
      ...(bundle && unbundled ? { ratio: bundle.loadAndInitMs / unbundled.loadAndInitMs } : {}),
    });
    options.log(`cold start: ${name} measured (${options.runs} runs per variant)`);
  }
  const packaging = packaged.ok ? { ok: true, attempts: packaged.attempts } : { ok: false, attempts: packaged.attempts, error: packaged.error };
  return { packaging, nodeFlags, memoryMb: memoryMb ?? null, functions };
}
