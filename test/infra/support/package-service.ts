/**
 * Runs `serverless package` (osls + serverless-esbuild) on a private copy of the project, offline
 * and with no AWS credentials anywhere in reach, so the test proves packaging needs neither and
 * never touches the developer's .serverless/ or .esbuild/ folders.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Template } from './cloudformation';

export const PROJECT_ROOT = join(__dirname, '..', '..', '..');

const NOT_COPIED = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'coverage', 'dist']);
/** A build error used to leave serverless-esbuild waiting forever; never let that hang the suite. */
const PACKAGE_TIMEOUT_MS = 180_000;

export interface PackagedService {
  readonly template: Template;
  /** Function name → its zip. */
  readonly zips: ReadonlyMap<string, Buffer>;
  readonly artifactDir: string;
  readonly seconds: number;
  remove(): void;
}

function offlineEnvironment(home: string, temporary: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([key]) => !/^(AWS_|FAILWATCH_|SLS_|SERVERLESS_)/.test(key));
  return {
    ...Object.fromEntries(inherited),
    HOME: home,
    // serverless-esbuild zips each function from a directory under the system's temporary directory and
    // leaves it there (its clean-up is a non-recursive remove): keep those inside `work`, removed with it.
    TMPDIR: temporary,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    // No instance-metadata credential lookups either.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** A stage's settings, as its file stages/<stage>.yml holds them (docs/configuration.md). */
export type StageSettings = Readonly<Record<string, string>>;

export interface ServiceCopy {
  /** The temporary folder holding the copy; removing it removes everything the commands left. */
  readonly work: string;
  readonly serviceDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A private copy of the project in a new temporary folder. With `settings`, the copy's
 * stages/<stage>.yml holds them (written over any file the project has for that stage).
 */
export function copyService(stage: string, settings: StageSettings | undefined): ServiceCopy {
  const work = mkdtempSync(join(tmpdir(), `failwatch-package-${stage}-`));
  const serviceDir = join(work, 'service');
  const home = join(work, 'home');
  const temporary = join(work, 'tmp');
  cpSync(PROJECT_ROOT, serviceDir, { recursive: true, filter: (source) => !NOT_COPIED.has(source.slice(PROJECT_ROOT.length + 1)) });
  mkdirSync(home);
  mkdirSync(temporary);
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(serviceDir, 'node_modules'), 'dir');
  if (settings !== undefined) writeStageFile(serviceDir, stage, settings);
  return { work, serviceDir, env: offlineEnvironment(home, temporary) };
}

/** One `name: "value"` line per setting (a JSON string is a YAML string too); `{}` when there are none. */
export function stageFileText(settings: StageSettings): string {
  const lines = Object.entries(settings).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '{}\n';
}

function writeStageFile(serviceDir: string, stage: string, settings: StageSettings): void {
  mkdirSync(join(serviceDir, 'stages'), { recursive: true });
  writeFileSync(join(serviceDir, 'stages', `${stage}.yml`), stageFileText(settings));
}

/** osls in the copy, with the copy's offline environment unless `env` is given. */
export function runServerless(copy: ServiceCopy, args: readonly string[], env: NodeJS.ProcessEnv = copy.env): Promise<{ stdout: string; stderr: string }> {
  const cli = join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
  return promisify(execFile)(process.execPath, [cli, ...args], { cwd: copy.serviceDir, env, timeout: PACKAGE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
}

/**
 * `serverless package --stage <stage>`; with `settings`, the stage's file holds them, as a user's
 * stages/<stage>.yml would. Without, the stage's file in the project is used (stages/ci.yml, ...).
 */
export async function packageService(stage: string, settings?: StageSettings): Promise<PackagedService> {
  const copy = copyService(stage, settings);
  const artifactDir = join(copy.work, 'artifacts');
  const started = process.hrtime.bigint();
  try {
    await runServerless(copy, ['package', '--stage', stage, '--package', artifactDir]);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    rmSync(copy.work, { recursive: true, force: true });
    throw new Error(`serverless package --stage ${stage} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const template = JSON.parse(readFileSync(join(artifactDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const zips = new Map(
    readdirSync(artifactDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => [file.slice(0, -'.zip'.length), readFileSync(join(artifactDir, file))] as const),
  );
  return { template, zips, artifactDir, seconds, remove: () => rmSync(copy.work, { recursive: true, force: true }) };
}

/**
 * `serverless print --stage <stage> [extra...]` on a copy whose stages/<stage>.yml is `stageFile`
 * (written as is) or absent (null): what osls says, and whether it succeeded.
 */
export async function printService(stage: string, stageFile: string | null, extra: readonly string[] = []): Promise<{ ok: boolean; output: string }> {
  const copy = copyService(stage, undefined);
  rmSync(join(copy.serviceDir, 'stages', `${stage}.yml`), { force: true });
  if (stageFile !== null) writeFileSync(join(copy.serviceDir, 'stages', `${stage}.yml`), stageFile);
  try {
    const { stdout, stderr } = await runServerless(copy, ['print', '--stage', stage, ...extra]);
    return { ok: true, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}\n${stderr}` };
  } finally {
    rmSync(copy.work, { recursive: true, force: true });
  }
}
