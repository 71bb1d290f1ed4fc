/**
 * The functions exactly as deployed, for the bench: `serverless package --stage ci` (osls and
 * serverless-esbuild with serverless.yml's own settings) into a folder of the bench's, each zip
 * unpacked, and what the packaged template gives each function (NODE_OPTIONS, memory size); plus the
 * flags the Lambda Node.js runtime starts `node` with, so a bench process runs a function as Lambda does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { esbuildOptionsFromConfig, type PrintedServerlessConfig } from '../test/infra/support/deployed-esbuild';
import { readZipEntries, readZipMember } from '../test/infra/support/zip-entries';

export const FUNCTION_NAMES = ['poll', 'alarm', 'slack'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface DeployedFunction {
  readonly name: FunctionName;
  readonly zipBytes: number;
  /** handlers/<name>.js unpacked from the zip: the file Lambda loads. */
  readonly bundlePath: string;
  readonly bundleBytes: number;
  readonly sourceMapBytes?: number;
  /** The function's NODE_OPTIONS in the packaged template; absent when the template sets none. */
  readonly nodeOptions?: string;
  readonly memorySize: number;
  /** The function's timeout in the packaged template: the Lambda context the bench invokes it with says what remains of it. */
  readonly timeoutSeconds: number;
}

export type Packaging =
  | { readonly ok: true; readonly attempts: number; readonly functions: ReadonlyMap<FunctionName, DeployedFunction> }
  | { readonly ok: false; readonly attempts: number; readonly error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another engineer may be mid-edit on serverless.yml or the code: try a few times before giving up. */
async function retried(what: string, run: () => { ok: boolean; error: string }, log: (line: string) => void): Promise<{ attempts: number; error?: string }> {
  let error = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const outcome = run();
    if (outcome.ok) return { attempts: attempt };
    error = outcome.error;
    log(`  ${what} failed (attempt ${attempt}/3): ${error}`);
    if (attempt < 3) await sleep(20_000);
  }
  return { attempts: 3, error };
}

function npxServerless(root: string, args: readonly string[]): { ok: boolean; error: string; stdout: string } {
  // serverless-esbuild leaves a directory per function under TMPDIR (its clean-up is a non-recursive
  // remove): give it a temporary directory of its own, removed once the command is done.
  const temporary = mkdtempSync(join(tmpdir(), 'failwatch-bench-package-'));
  const result = spawnSync('npx', ['serverless', ...args], { cwd: root, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TMPDIR: temporary } });
  rmSync(temporary, { recursive: true, force: true });
  const error = `${result.error?.message ?? ''}${result.stderr ?? ''}${result.status === 0 ? '' : (result.stdout ?? '')}`.trim().split('\n').slice(-6).join(' | ');
  return { ok: result.status === 0, error, stdout: result.stdout ?? '' };
}

interface TemplateFunction {
  readonly Properties?: { readonly MemorySize?: number; readonly Timeout?: number; readonly Environment?: { readonly Variables?: Readonly<Record<string, unknown>> } };
}

/** `serverless package --stage ci --package <packageDir>`, every zip unpacked under `<packageDir>/unpacked/<name>/`. */
export async function packageFunctions(root: string, packageDir: string, log: (line: string) => void): Promise<Packaging> {
  mkdirSync(packageDir, { recursive: true });
  const { attempts, error } = await retried('serverless package', () => npxServerless(root, ['package', '--stage', 'ci', '--package', packageDir]), log);
  if (error !== undefined) return { ok: false, attempts, error };
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, TemplateFunction> };
  const functions = new Map<FunctionName, DeployedFunction>();
  for (const name of FUNCTION_NAMES) {
    const zipPath = join(packageDir, `${name}.zip`);
    const resource = template.Resources[`${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`];
    if (!existsSync(zipPath) || resource === undefined) continue;
    const zip = readFileSync(zipPath);
    const dir = join(packageDir, 'unpacked', name);
    for (const entry of readZipEntries(zip)) {
      mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
      writeFileSync(join(dir, entry.name), readZipMember(zip, entry));
    }
    const bundlePath = join(dir, 'handlers', `${name}.js`);
    if (!existsSync(bundlePath)) continue;
    const nodeOptions = resource.Properties?.Environment?.Variables?.['NODE_OPTIONS'];
    functions.set(name, {
      name,
      zipBytes: zip.length,
      bundlePath,
      bundleBytes: statSync(bundlePath).size,
      ...(existsSync(`${bundlePath}.map`) ? { sourceMapBytes: statSync(`${bundlePath}.map`).size } : {}),
      ...(typeof nodeOptions === 'string' && nodeOptions !== '' ? { nodeOptions } : {}),
      memorySize: resource.Properties?.MemorySize ?? 128,
      // Lambda's default when a template sets none.
      timeoutSeconds: resource.Properties?.Timeout ?? 3,
    });
  }
  return { ok: true, attempts, functions };
}

/**
 * The esbuild options serverless-esbuild builds each function with (test/infra/support/deployed-esbuild.ts),
 * read with `serverless print`. For bundling code that is not a function (the naive sweep) alike.
 */
export async function deployedEsbuildOptions(root: string, log: (line: string) => void): Promise<BuildOptions> {
  let stdout = '';
  const { error } = await retried(
    'serverless print',
    () => {
      const outcome = npxServerless(root, ['print', '--stage', 'ci', '--format', 'json']);
      stdout = outcome.stdout;
      return outcome;
    },
    log,
  );
  if (error !== undefined) throw new Error(`serverless print --stage ci failed: ${error}`);
  return esbuildOptionsFromConfig(JSON.parse(stdout) as PrintedServerlessConfig);
}

/**
 * The flags the Lambda Node.js runtime starts `node` with for a function of `memoryMb`: its
 * /var/runtime/bootstrap gives V8 a new space of a tenth of the memory, semi-spaces of half that, and
 * the rest to the old space (bench/README.md cites it), besides --expose-gc and a larger HTTP header limit.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return ['--expose-gc', '--max-http-header-size=81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

/** Lambda's smallest memory size: the one the memory target is about. */
export const DEFAULT_BENCH_MEMORY_MB = 128;

/**
 * The memory size the bench runs the functions as (their V8 heap limits): 128 MB unless
 * BENCH_LAMBDA_MEMORY_MB says otherwise; `none` runs plain `node`, whose heap V8 sizes for this machine.
 */
export function benchMemorySize(environment: NodeJS.ProcessEnv = process.env): number | undefined {
  const given = environment['BENCH_LAMBDA_MEMORY_MB'];
  if (given === undefined || given === '') return DEFAULT_BENCH_MEMORY_MB;
  if (given === 'none') return undefined;
  const memoryMb = Number(given);
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
    throw new Error(`BENCH_LAMBDA_MEMORY_MB must be a Lambda memory size in MB (128 to 10240) or "none", got ${given}`);
  }
  return memoryMb;
}

/** How a bench process starts `node` for a function: Lambda's flags for the bench's memory size (or just --expose-gc). */
export function benchNodeFlags(memoryMb: number | undefined = benchMemorySize()): string[] {
  return memoryMb === undefined ? ['--expose-gc'] : lambdaNodeFlags(memoryMb);
}
