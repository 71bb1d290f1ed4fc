/**
 * The esbuild options serverless-esbuild builds each function with, for building other code exactly
 * alike (the bench's naive sweep, the bundle-equivalence test): serverless.yml's custom.esbuild as osls
 * resolves it (`serverless print`), over the plugin's defaults (bundle, node platform, the runtime's Node
 * version as target).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BuildOptions } from 'esbuild';

/** serverless-esbuild's own settings, which esbuild would refuse. */
const PLUGIN_ONLY_OPTIONS = new Set([
  'concurrency', 'zipConcurrency', 'exclude', 'nativeZip', 'packager', 'packagePath', 'watch', 'keepOutputDirectory', 'packagerOptions',
  'installExtraArgs', 'outputFileExtension', 'outputBuildFolder', 'outputWorkFolder', 'nodeExternals', 'skipBuild', 'skipRebuild',
  'skipBuildExcludeFns', 'stripEntryResolveExtensions', 'disposeContext', 'config',
]);

export interface PrintedServerlessConfig {
  readonly provider?: { readonly runtime?: string };
  readonly custom?: { readonly esbuild?: Readonly<Record<string, unknown>> };
}

/** The options from `serverless print --format json` output, for a service whose folder is `serviceDir`. */
export function esbuildOptionsFromConfig(config: PrintedServerlessConfig): BuildOptions {
  const nodeVersion = /^nodejs(\d+)\.x$/.exec(config.provider?.runtime ?? '')?.[1];
  const options: Record<string, unknown> = { bundle: true, platform: 'node', ...(nodeVersion ? { target: `node${nodeVersion}` } : {}) };
  for (const [key, value] of Object.entries(config.custom?.esbuild ?? {})) {
    if (PLUGIN_ONLY_OPTIONS.has(key)) continue;
    if (typeof value === 'string' && value.includes('${')) throw new Error(`custom.esbuild.${key} is still a variable after serverless print: ${value}`);
    options[key] = value;
  }
  return options as BuildOptions;
}

/** `serverless print` run offline (no AWS settings from the caller's environment), then esbuildOptionsFromConfig. */
export async function printDeployedEsbuildOptions(serviceDir: string, stage = 'ci'): Promise<BuildOptions> {
  const cli = join(serviceDir, 'node_modules', 'osls', 'bin', 'serverless.js');
  const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS_|FAILWATCH_|SLS_|SERVERLESS_)/.test(key)));
  const { stdout } = await promisify(execFile)(process.execPath, [cli, 'print', '--stage', stage, '--format', 'json'], { cwd: serviceDir, env: environment, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return esbuildOptionsFromConfig(JSON.parse(stdout) as PrintedServerlessConfig);
}
