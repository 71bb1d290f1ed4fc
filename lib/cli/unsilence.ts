/** `failwatch unsilence <id>`: ends a silence now; its summary goes out on the next sweep. */
import { ExitCode, PROGRAM, targetOf, type Command } from './command';

export const unsilenceCommand: Command = {
  name: 'unsilence',
  summary: 'end a silence now (its summary goes out on the next sweep)',
  reads: false,
  options: {},
  positionals: ['id'],
  notes: [`The ids are listed by ${PROGRAM} silences.`],
  async run(parsed, context) {
    const id = parsed.positionals[0] ?? '';
    if (!(await context.connect(targetOf(parsed)).silences.endSilence(id, context.clock.now()))) {
      context.print(`No silence in force with id ${JSON.stringify(id)}; list them with: ${PROGRAM} silences`);
      return ExitCode.FAILED;
    }
    context.print(`Ended silence ${id}. Transitions recorded during it are summarized on the next sweep.`);
    return ExitCode.OK;
  },
};
