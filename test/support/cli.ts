/** Running `failwatch` commands in a test: what they print, warn and write, on a connection the test chose. */
import type { Connection } from '../../lib/cli/command';
import { runCli } from '../../lib/cli/run';
import type { Clock } from '../../lib/ports';
import { localCliContext } from '../../local/console';

export interface CliProbe {
  /** Runs one command line; throws what the command throws (a CliUsageError...), as lib/cli/main.ts catches it. */
  run(...argv: string[]): Promise<number>;
  readonly out: string[];
  readonly err: string[];
  readonly files: Map<string, string>;
}

/** What `connection` lacks fails the test when a command reaches for it (usage errors must come before any deployment is reached). */
export function cliProbe(connection: Partial<Connection> | undefined, clock: Clock, newId: () => string = () => '00000001'): CliProbe {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const context = localCliContext(withFallbacks(connection ?? {}), {
    clock,
    newId,
    print: (line) => out.push(line),
    warn: (line) => err.push(line),
    writeFile: async (path, content) => void files.set(path, content),
  });
  return { run: (...argv) => runCli(argv, context), out, err, files };
}

function withFallbacks(partial: Partial<Connection>): Connection {
  const fail = (): never => {
    throw new Error('this command line must be refused before any deployment is reached');
  };
  return {
    where: partial.where ?? 'nowhere',
    get pairs() {
      return partial.pairs ?? fail();
    },
    get history() {
      return partial.history ?? fail();
    },
    get silences() {
      return partial.silences ?? fail();
    },
    deployment: partial.deployment ?? fail,
    get testAlerts() {
      return partial.testAlerts ?? fail();
    },
    notifier: partial.notifier ?? fail,
  };
}
