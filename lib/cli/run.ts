/**
 * Runs one `failwatch` command line: finds the command, answers --help before anything else, parses, runs.
 * Returns the exit code; a failure is thrown (lib/cli/failures.ts says which code and what to print).
 */
import { CliUsageError, commandHelp, parseCommand, PROGRAM, programHelp, wantsHelp, type CliContext, type Command } from './command';
import { COMMANDS } from './commands';

export async function runCli(argv: readonly string[], context: CliContext, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === args[0]) : undefined;
    context.print(topic ? commandHelp(topic) : programHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new CliUsageError(`Unknown command ${JSON.stringify(name)}: the commands are ${commands.map((c) => c.name).join(', ')} (see ${PROGRAM} --help)`);
  }
  // Help first: a command line that would not parse still gets its help.
  if (wantsHelp(args)) {
    context.print(commandHelp(command));
    return 0;
  }
  return command.run(parseCommand(command, args), context);
}
