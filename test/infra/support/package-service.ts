/**
 * Runs `serverless package` (osls + serverless-esbuild) on a private copy of the project, offline
 * and with no AWS credentials anywhere in reach, so the test proves packaging needs neither and
 * never touches the developer's .serverless/ or .esbuild/ folders.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
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

export async function packageService(stage: string, params: Readonly<Record<string, string>> = {}): Promise<PackagedService> {
  const work = mkdtempSync(join(tmpdir(), `failwatch-package-${stage}-`));
  const serviceDir = join(work, 'service');
  const artifactDir = join(work, 'artifacts');
  const home = join(work, 'home');
  const temporary = join(work, 'tmp');
  cpSync(PROJECT_ROOT, serviceDir, { recursive: true, filter: (source) => !NOT_COPIED.has(source.slice(PROJECT_ROOT.length + 1)) });
  mkdirSync(home);
  mkdirSync(temporary);
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(serviceDir, 'node_modules'), 'dir');

  const cli = join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
  const args = [cli, 'package', '--stage', stage, '--package', artifactDir, ...Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`])];
  const started = process.hrtime.bigint();
  try {
    await promisify(execFile)(process.execPath, args, { cwd: serviceDir, env: offlineEnvironment(home, temporary), timeout: PACKAGE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    rmSync(work, { recursive: true, force: true });
    throw new Error(`serverless package --stage ${stage} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const template = JSON.parse(readFileSync(join(artifactDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const zips = new Map(
    readdirSync(artifactDir)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => [file.slice(0, -'.zip'.length), readFileSync(join(artifactDir, file))] as const),
  );
  return { template, zips, artifactDir, seconds, remove: () => rmSync(work, { recursive: true, force: true }) };
}
