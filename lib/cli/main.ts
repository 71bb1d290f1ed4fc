/**
 * The `failwatch` command (package.json `bin`, through bin/failwatch.cjs; `npm run failwatch -- <command>`):
 * wires the commands to AWS and the terminal, and turns a failure into one line and an exit code.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { systemClock } from '../runtime/wiring';
import type { CliContext } from './command';
import { explainFailure, exitCodeFor } from './failures';
import { runCli } from './run';
import { connectToAws, connectToStage } from './wiring';

export interface Terminal {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Runs one command line; never throws. `env`: for tests (default: the process's, read by lib/runtime/config.ts). */
export async function main(argv: readonly string[], terminal: Terminal, env?: Readonly<Record<string, string | undefined>>): Promise<number> {
  const context: CliContext = {
    print: terminal.out,
    warn: terminal.err,
    clock: systemClock,
    newId: () => randomUUID().slice(0, 8),
    connect: (target) => connectToAws(target, env),
    connectStage: connectToStage,
    writeFile: (path, content) => writeFile(path, content, 'utf8'),
  };
  try {
    return await runCli(argv, context);
  } catch (error) {
    terminal.err(`failwatch: ${explainFailure(error)}`);
    return exitCodeFor(error);
  }
}

/** The process's own command line, terminal and exit code. */
export function runAsProgram(): void {
  // Exit at once: the SDK's idle keep-alive sockets would hold the process open for a while.
  void main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => process.exit(code));
}

if (require.main === module) runAsProgram();
