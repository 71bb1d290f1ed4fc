/** `failwatch dead-letters list|replay`: the stage's dead-letter queue, read, and sent back to the functions that failed. */
import { DEFAULT_DEAD_LETTER_MAX, listDeadLetters, replayDeadLetters } from '../usecases/dead-letters';
import { CliUsageError, ExitCode, flagOption, PROGRAM, targetOf, type Command } from './command';
import { printJson } from './format';
import { actionOf, countOption, listOption } from './options';
import { renderDeadLetterListing, renderReplayReport } from './render-console';

const ACTIONS = ['list', 'replay'] as const;
/** Enough for any night; a queue holding more wants a look at what keeps failing first. */
const MAX_LIMIT = 10_000;

export const deadLettersCommand: Command = {
  name: 'dead-letters',
  summary: 'list the stage\'s dead letters, or replay them to the functions that failed',
  // replay prints a report a script may read too: both take --json.
  reads: true,
  positionals: ['list|replay'],
  options: {
    max: { type: 'string', value: '<count>', description: `at most this many letters (default ${DEFAULT_DEAD_LETTER_MAX})` },
    only: { type: 'string', value: '<message ids>', description: 'replay: only these letters (comma-separated message ids, as list shows them)' },
  },
  notes: [
    'list shows each letter (what it is about, why it failed, what replay would do) and leaves it in the queue.',
    'replay sends an alarm event back to the alarm function, a failed invocation to its function, an SNS delivery to',
    'the slack function; a missed sweep is deleted (the next sweep did its work); a letter of another shape or for',
    'another function is kept. A letter is deleted once its replay is accepted. Exit code 1 when a replay failed.',
    `Example: ${PROGRAM} dead-letters list --stage prod, then ${PROGRAM} dead-letters replay --stage prod --only <id>`,
  ],
  async run(parsed, context) {
    const action = actionOf(parsed, 'dead-letters', ACTIONS);
    const max = countOption(parsed, 'max', MAX_LIMIT);
    const only = listOption(parsed, 'only', 'message id');
    if (action === 'list' && only !== undefined) throw new CliUsageError(`--only is for dead-letters replay; list shows every letter (use --max to see fewer)`);
    const stage = context.connectStage(targetOf(parsed), 'dead-letters');
    const json = flagOption(parsed, 'json');
    if (action === 'list') {
      const listing = await listDeadLetters({ queue: stage.deadLetters }, { names: stage.names, ...(max === undefined ? {} : { max }) });
      if (json) printJson(context, listing);
      else for (const line of renderDeadLetterListing(listing)) context.print(line);
      return ExitCode.OK;
    }
    const report = await replayDeadLetters(
      { queue: stage.deadLetters, invoker: stage.invoker },
      { names: stage.names, ...(max === undefined ? {} : { max }), ...(only === undefined ? {} : { only }) },
    );
    if (json) printJson(context, report);
    else for (const line of renderReplayReport(report)) context.print(line);
    const undone = report.counts.FAILED + report.counts.NOT_DELETED + report.notFound.length;
    return undone > 0 || report.stoppedBy !== undefined ? ExitCode.FAILED : ExitCode.OK;
  },
};
