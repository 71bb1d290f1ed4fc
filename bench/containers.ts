/**
 * Bench children: each container a fresh Node process (fork) driven over IPC, so sizes and functions
 * never share a heap. The poll and alarm containers load the deployed bundles themselves, unpacked
 * from `serverless package`, with the deployed NODE_OPTIONS and the Node flags Lambda's runtime uses
 * (bench/deployed.ts); the naive sweep, never deployed, is bundled with the same esbuild settings.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { DoneMessage, InvokeMessage, ReadyMessage } from './child/runtime';
import { benchMemorySize, benchNodeFlags, deployedEsbuildOptions, packageFunctions } from './deployed';

export interface ChildScripts {
  readonly poll: string;
  readonly alarm: string;
  /** Baselines, never deployed: bench/naive-sweep.ts and bench/competent-poller.ts. */
  readonly naive: string;
  readonly competent: string;
}

/** How a container's `node` is started; written beside each child script as `<script>.launch.json`. */
export interface Launch {
  readonly execArgv: readonly string[];
  /** The function's NODE_OPTIONS as deployed; absent when the deployment sets none. */
  readonly nodeOptions?: string;
  /** What the flags stand for, for the report: "Lambda 128 MB" or "plain node". */
  readonly describe: string;
}

const launchFile = (script: string) => `${script}.launch.json`;

function describeMemory(memoryMb: number | undefined): string {
  return memoryMb === undefined ? 'plain node (V8 heap sized for this machine)' : `Lambda's node flags for a ${memoryMb} MB function`;
}

/**
 * Packages the service and writes one child script per container: poll and alarm `require` their
 * deployed bundle (as the Lambda runtime does) and serve invocations with bench/child/runtime.ts.
 */
export async function buildChildren(root: string, outDir: string, log: (line: string) => void = () => undefined): Promise<ChildScripts> {
  const packaging = await packageFunctions(root, join(outDir, 'package'), log);
  if (!packaging.ok) throw new Error(`serverless package --stage ci failed ${packaging.attempts} times, so there is no deployed bundle to run: ${packaging.error}`);
  const memoryMb = benchMemorySize();
  const execArgv = benchNodeFlags(memoryMb);
  const runtime = join(outDir, 'runtime.cjs');
  await build({ entryPoints: [join(root, 'bench', 'child', 'runtime.ts')], outfile: runtime, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });

  const scripts: Record<string, string> = {};
  const writeContainerScript = (name: string, bundlePath: string, timeoutSeconds: number): string => {
    const script = join(outDir, `${name}.cjs`);
    writeFileSync(
      script,
      [
        "'use strict';",
        '// A container: the bench harness, then the bundle, loaded as the Lambda runtime loads it.',
        `const { serveInvocations } = require(${JSON.stringify(runtime)});`,
        `serveInvocations(require(${JSON.stringify(bundlePath)}).handler, { timeoutSeconds: ${timeoutSeconds} });`,
        '',
      ].join('\n'),
    );
    return script;
  };
  for (const name of ['poll', 'alarm'] as const) {
    const deployed = packaging.functions.get(name);
    if (deployed === undefined) throw new Error(`serverless package produced no ${name} bundle`);
    scripts[name] = writeContainerScript(name, deployed.bundlePath, deployed.timeoutSeconds);
    writeLaunch(scripts[name], { execArgv, ...(deployed.nodeOptions !== undefined ? { nodeOptions: deployed.nodeOptions } : {}), describe: describeMemory(memoryMb) });
  }

  // The baselines are compared with poll, so they run as poll does: same bundling, flags, NODE_OPTIONS and timeout.
  const poll = packaging.functions.get('poll')!;
  const esbuildOptions = await deployedEsbuildOptions(root, log);
  for (const name of ['naive', 'competent'] as const) {
    const bundle = join(outDir, `${name}-bundle.cjs`);
    await build({ ...esbuildOptions, entryPoints: [join(root, 'bench', 'child', `${name}-child.ts`)], outfile: bundle, format: 'cjs', logLevel: 'silent' });
    scripts[name] = writeContainerScript(name, bundle, poll.timeoutSeconds);
    writeLaunch(scripts[name], { execArgv, ...(poll.nodeOptions !== undefined ? { nodeOptions: poll.nodeOptions } : {}), describe: describeMemory(memoryMb) });
  }
  return { poll: scripts['poll']!, alarm: scripts['alarm']!, naive: scripts['naive']!, competent: scripts['competent']! };
}

function writeLaunch(script: string, launch: Launch): void {
  writeFileSync(launchFile(script), `${JSON.stringify(launch, null, 2)}\n`);
}

/** The launch written beside `script` by buildChildren; a script without one runs with --expose-gc only. */
export function launchOf(script: string): Launch {
  if (!existsSync(launchFile(script))) return { execArgv: ['--expose-gc'], describe: 'plain node' };
  return JSON.parse(readFileSync(launchFile(script), 'utf8')) as Launch;
}

const OUTPUT_TAIL_CHARS = 4_000;

export class Container {
  private nextId = 1;
  private output = '';
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      this.exited = true;
    });
    // A send to a container that has just gone is answered by invoke(); without a listener it would end the bench.
    child.on('error', () => {
      this.exited = true;
    });
  }

  /**
   * Starts `script` as its launch says (Lambda's node flags, the deployed NODE_OPTIONS in the
   * environment, as Lambda passes it), then `extraFlags`, which win over the launch's (V8 keeps the
   * last value of a flag). `env` is the whole environment: nothing is inherited from the bench.
   */
  static async start(
    script: string,
    env: Readonly<Record<string, string>>,
    extraFlags: readonly string[] = [],
    timeoutMs = 30_000,
  ): Promise<{ container: Container; ready: ReadyMessage }> {
    const launch = launchOf(script);
    const child = fork(script, [], {
      execArgv: [...launch.execArgv, ...extraFlags],
      env: { ...env, ...(launch.nodeOptions !== undefined ? { NODE_OPTIONS: launch.nodeOptions } : {}) },
      silent: true,
    });
    const container = new Container(child);
    const ready = await container.waitFor<ReadyMessage>((message) => message.type === 'ready', timeoutMs, 'start');
    return { container, ready };
  }

  async invoke(event: unknown, timeoutMs: number): Promise<DoneMessage> {
    if (this.exited || !this.child.connected) throw new Error(`container is gone (it exited or timed out): ${this.output.slice(-400)}`);
    const id = this.nextId++;
    const message: InvokeMessage = { type: 'invoke', id, event };
    const done = this.waitFor<DoneMessage>((m) => m.type === 'done' && (m as DoneMessage).id === id, timeoutMs, `invocation ${id}`);
    this.child.send(message);
    return done;
  }

  /** Gone: stopped, crashed, or ended by a timed-out invocation (as Lambda ends a container). */
  get gone(): boolean {
    return this.exited;
  }

  /** The last few KB the child printed, for a failure report. */
  tail(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }

  private waitFor<T>(accept: (message: { type: string }) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (!accept(message)) return;
        cleanup();
        resolve(message as T);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`container exited (code ${String(code)}) during ${what}: ${this.output.slice(-800)}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.child.kill('SIGKILL');
        reject(new Error(`container ${what} did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
    });
  }
}
