/**
 * Cold start: each function's zipped bundle (from `serverless package --stage ci`), and the time a
 * fresh Node process takes to load it and get its handler to its first outbound request (clients
 * built), median of several, beside the same for the unbundled `tsc` output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

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
  readonly modules: number;
  readonly runs: number;
  readonly errors: readonly string[];
}

export interface FunctionColdStart {
  readonly name: string;
  readonly zipBytes?: number;
  readonly bundleBytes?: number;
  readonly sourceMapBytes?: number;
  readonly bundle?: ProbeFigures;
  /** As deployed: NODE_OPTIONS=--enable-source-maps (serverless.yml), which reads the source map at load. */
  readonly bundleWithSourceMaps?: ProbeFigures;
  readonly unbundled?: ProbeFigures;
  /**
   * Not deployed: what-if for a recommendation. The same esbuild settings as serverless.yml plus
   * mainFields ['module', 'main'], so the SDK's ES module builds are tree-shaken.
   */
  readonly bundleModuleFirst?: ProbeFigures & { readonly bundleBytes: number };
  /** bundle load+init / unbundled load+init */
  readonly ratio?: number;
}

export interface ColdStartReport {
  readonly packaging: { readonly ok: boolean; readonly attempts: number; readonly error?: string };
  readonly functions: readonly FunctionColdStart[];
}

const FUNCTIONS = [
  { name: 'poll', event: 'events/scheduled.json' },
  { name: 'alarm', event: 'events/alarm-alarm.json' },
  { name: 'slack', event: 'events/sns-notification.json' },
] as const;

const PROBE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTARTPROBE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  FAILWATCH_TABLE: 'failwatch-bench-history',
  FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch-bench-alerts',
  FAILWATCH_SLACK_WEBHOOK_PARAMETER: '/failwatch/bench/slack-webhook',
  POWERTOOLS_SERVICE_NAME: 'failwatch',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The infrastructure engineer may be mid-edit on serverless.yml: try a few times before giving up. */
async function packageFunctions(options: ColdStartOptions): Promise<ColdStartReport['packaging']> {
  let error = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = spawnSync('npx', ['serverless', 'package', '--stage', 'ci'], { cwd: options.root, encoding: 'utf8', timeout: 240_000 });
    if (result.status === 0) return { ok: true, attempts: attempt };
    error = `${result.error?.message ?? ''}${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-6).join(' | ');
    options.log(`  serverless package failed (attempt ${attempt}/3): ${error}`);
    if (attempt < 3) await sleep(20_000);
  }
  return { ok: false, attempts: 3, error };
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

/** serverless.yml's esbuild settings (bundle, minify, node target), plus ES-module-first resolution. */
async function buildModuleFirstBundles(options: ColdStartOptions): Promise<string> {
  const outdir = join(options.workDir, 'module-first');
  await build({
    entryPoints: FUNCTIONS.map((fn) => join(options.root, 'handlers', `${fn.name}.ts`)),
    outdir,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return outdir;
}

async function buildProbe(options: ColdStartOptions): Promise<string> {
  const outfile = join(options.workDir, 'probe.cjs');
  await build({ entryPoints: [join(options.root, 'bench', 'cold-start-probe.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  return outfile;
}

interface ProbeRun {
  readonly loadMs: number;
  readonly initMs: number;
  readonly modules: number;
  readonly processMs: number;
}

function runProbe(probe: string, modulePath: string, eventPath: string, nodeOptions: readonly string[]): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeOptions, probe, modulePath, eventPath], {
      env: { PATH: process.env['PATH'] ?? '', ...PROBE_ENV },
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
        const parsed = JSON.parse(line) as { loadMs: number; initMs?: number; modules?: number; error?: string };
        if (parsed.error !== undefined || parsed.initMs === undefined) reject(new Error(parsed.error ?? 'no timings'));
        else resolve({ loadMs: parsed.loadMs, initMs: parsed.initMs, modules: parsed.modules ?? 0, processMs });
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
    modules: median(runs.map((r) => r.modules)),
    runs: runs.length,
    errors,
  };
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartReport> {
  mkdirSync(options.workDir, { recursive: true });
  options.log('cold start: serverless package --stage ci ...');
  const packaging = await packageFunctions(options);
  options.log('cold start: tsc to a temporary outDir ...');
  const unbundledDir = compileUnbundled(options);
  const probe = await buildProbe(options);
  const moduleFirstDir = await buildModuleFirstBundles(options);

  const functions: FunctionColdStart[] = [];
  for (const fn of FUNCTIONS) {
    const eventPath = join(options.root, fn.event);
    const zip = join(options.root, '.serverless', `${fn.name}.zip`);
    let bundlePath: string | undefined;
    let sizes: Pick<FunctionColdStart, 'zipBytes' | 'bundleBytes' | 'sourceMapBytes'> = {};
    if (packaging.ok && existsSync(zip)) {
      const dir = join(options.workDir, 'bundles', fn.name);
      mkdirSync(dir, { recursive: true });
      spawnSync('unzip', ['-q', '-o', zip, '-d', dir], { timeout: 60_000 });
      const candidate = join(dir, 'handlers', `${fn.name}.js`);
      if (existsSync(candidate)) {
        bundlePath = candidate;
        sizes = { zipBytes: statSync(zip).size, bundleBytes: statSync(candidate).size, ...(existsSync(`${candidate}.map`) ? { sourceMapBytes: statSync(`${candidate}.map`).size } : {}) };
      }
    }
    const unbundledPath = unbundledDir !== undefined ? join(unbundledDir, 'handlers', `${fn.name}.js`) : undefined;
    const moduleFirstPath = join(moduleFirstDir, `${fn.name}.js`);
    const variants = [
      { key: 'bundle', path: bundlePath, flags: [] as string[] },
      { key: 'bundleWithSourceMaps', path: bundlePath, flags: ['--enable-source-maps'] },
      { key: 'unbundled', path: unbundledPath, flags: [] as string[] },
      { key: 'bundleModuleFirst', path: existsSync(moduleFirstPath) ? moduleFirstPath : undefined, flags: [] as string[] },
    ] as const;
    const runs = new Map<string, ProbeRun[]>(variants.map((v) => [v.key, []]));
    const errors = new Map<string, string[]>(variants.map((v) => [v.key, []]));
    // Round-robin, so a slow moment of the machine does not land on one variant only.
    for (let run = 0; run < options.runs; run++) {
      for (const variant of variants) {
        if (variant.path === undefined || !existsSync(eventPath)) continue;
        try {
          runs.get(variant.key)!.push(await runProbe(probe, variant.path, eventPath, variant.flags));
        } catch (error) {
          errors.get(variant.key)!.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    const figures = (key: string) => (runs.get(key)!.length > 0 ? summarise(runs.get(key)!, errors.get(key)!) : undefined);
    const bundle = figures('bundle');
    const unbundled = figures('unbundled');
    const withMaps = figures('bundleWithSourceMaps');
    const moduleFirst = figures('bundleModuleFirst');
    functions.push({
      name: fn.name,
      ...sizes,
      ...(bundle ? { bundle } : {}),
      ...(withMaps ? { bundleWithSourceMaps: withMaps } : {}),
      ...(unbundled ? { unbundled } : {}),
      ...(moduleFirst ? { bundleModuleFirst: { ...moduleFirst, bundleBytes: statSync(moduleFirstPath).size } } : {}),
      ...(bundle && unbundled ? { ratio: bundle.loadAndInitMs / unbundled.loadAndInitMs } : {}),
    });
    options.log(`cold start: ${fn.name} measured (${options.runs} runs per variant)`);
  }
  return { packaging, functions };
}

