/**
 * Bench children: the functions bundled with esbuild as serverless-esbuild bundles them, and each
 * container a fresh Node process (fork) driven over IPC, so sizes and functions never share a heap.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { DoneMessage, InvokeMessage, ReadyMessage } from './child/runtime';

export interface ChildScripts {
  readonly poll: string;
  readonly alarm: string;
  readonly naive: string;
}

/** Same esbuild settings as serverless.yml (bundle, minify, linked source map without sources). */
export async function buildChildren(root: string, outDir: string): Promise<ChildScripts> {
  await build({
    entryPoints: {
      poll: join(root, 'bench', 'child', 'poll-child.ts'),
      alarm: join(root, 'bench', 'child', 'alarm-child.ts'),
      naive: join(root, 'bench', 'child', 'naive-child.ts'),
    },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  return { poll: join(outDir, 'poll.cjs'), alarm: join(outDir, 'alarm.cjs'), naive: join(outDir, 'naive.cjs') };
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
  }

  /** `--enable-source-maps` as serverless.yml sets NODE_OPTIONS; `--expose-gc` so each step starts from a collected heap. */
  static async start(
    script: string,
    env: Readonly<Record<string, string>>,
    extraFlags: readonly string[] = [],
    timeoutMs = 30_000,
  ): Promise<{ container: Container; ready: ReadyMessage }> {
    const child = fork(script, [], { execArgv: ['--expose-gc', '--enable-source-maps', ...extraFlags], env: { ...env }, silent: true });
    const container = new Container(child);
    const ready = await container.waitFor<ReadyMessage>((message) => message.type === 'ready', timeoutMs, 'start');
    return { container, ready };
  }

  async invoke(event: unknown, timeoutMs: number): Promise<DoneMessage> {
    const id = this.nextId++;
    const message: InvokeMessage = { type: 'invoke', id, event };
    const done = this.waitFor<DoneMessage>((m) => m.type === 'done' && (m as DoneMessage).id === id, timeoutMs, `invocation ${id}`);
    this.child.send(message);
    return done;
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
