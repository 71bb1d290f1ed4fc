/** `failwatch alarms list|remove`: the stage's managed alarms, and their removal (only those carrying Failwatch's tag). */
import { ALARM_PREFIX } from '../runtime/config';
import { listStageAlarms, removeStageAlarms } from '../usecases/alarms';
import { CliUsageError, ExitCode, flagOption, PROGRAM, targetOf, textOption, type Command } from './command';
import { printJson } from './format';
import { actionOf, listOption } from './options';
import { renderAlarmRemoval, renderStageAlarms } from './render-console';

const ACTIONS = ['list', 'remove'] as const;

export const alarmsCommand: Command = {
  name: 'alarms',
  summary: 'list the stage\'s managed health-check alarms and where each stands, or remove them',
  // remove prints what it removed and left alone, which a script may read too: both take --json.
  reads: true,
  positionals: ['list|remove'],
  options: {
    alarm: { type: 'string', value: '<names>', description: 'remove: these alarms (comma-separated alarm names or health check ids)' },
    all: { type: 'boolean', description: 'remove: every managed alarm of the stage' },
    prefix: { type: 'string', value: '<alarmPrefix>', description: 'the alarms\' prefix, when the stage is no longer deployed to say it (default: the deployed stage\'s, failwatch-<stage> unless set)' },
  },
  notes: [
    'Managed alarms are named <prefix>-<health check id> and tagged failwatch:managed-by=<prefix> (the prefix is the',
    'deployment\'s alarm prefix). remove deletes only alarms carrying that tag, read again right before the deletion;',
    'an alarm named like one without the tag is listed, never touched. Exit code 1 when a named alarm was left alone or not found.',
    `Example: ${PROGRAM} alarms remove --stage prod --all (after turning managed alarms off; after removing the stage, add --prefix failwatch-prod)`,
  ],
  async run(parsed, context) {
    const action = actionOf(parsed, 'alarms', ACTIONS);
    const names = listOption(parsed, 'alarm', 'alarm');
    const all = flagOption(parsed, 'all');
    if (action === 'list' && (names !== undefined || all)) throw new CliUsageError('--alarm and --all are for alarms remove; alarms list shows every managed alarm');
    if (action === 'remove' && (names === undefined) === !all) throw new CliUsageError('alarms remove needs either --all or --alarm <names> (alarm names or health check ids, comma-separated)');
    const givenPrefix = textOption(parsed, 'prefix');
    if (givenPrefix !== undefined && !ALARM_PREFIX.test(givenPrefix)) throw new CliUsageError(`--prefix ${JSON.stringify(givenPrefix)} is not an alarm prefix: 1-200 letters, digits or _.- such as failwatch-prod`);
    const stage = context.connectStage(targetOf(parsed), 'alarms');
    const prefix = givenPrefix ?? (await stage.deployment()).alarms.prefix;
    const alarms = stage.alarms(prefix);
    const json = flagOption(parsed, 'json');
    if (action === 'list') {
      const listed = await listStageAlarms({ alarms }, { prefix });
      if (json) printJson(context, listed);
      else for (const line of renderStageAlarms(listed)) context.print(line);
      return ExitCode.OK;
    }
    const removal = await removeStageAlarms({ alarms }, { prefix, selection: names === undefined ? { kind: 'ALL' } : { kind: 'NAMED', names } });
    if (json) printJson(context, removal);
    else for (const line of renderAlarmRemoval(removal)) context.print(line);
    return removal.refused.length + removal.notFound.length > 0 ? ExitCode.FAILED : ExitCode.OK;
  },
};
