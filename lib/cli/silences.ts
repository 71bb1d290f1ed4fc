/** `failwatch silences`: the silences set from the command line that have not ended. */
import { ALL_RECORDS } from '../domain/silences';
import { flagOption, PROGRAM, targetOf, type Command } from './command';
import { printJson } from './format';

export const silencesCommand: Command = {
  name: 'silences',
  summary: 'list the silences set from the command line that are in force or planned',
  reads: true,
  options: {},
  notes: [`Silences configured in the deployment (the silences setting) are shown by ${PROGRAM} status, with those in force.`],
  async run(parsed, context) {
    const found = [...(await context.connect(targetOf(parsed)).silences.listSilences(context.clock.now()))].sort((a, b) => a.until.localeCompare(b.until));
    if (flagOption(parsed, 'json')) {
      printJson(context, found);
      return 0;
    }
    if (found.length === 0) {
      context.print(`No silences in force or planned (configured ones are shown by ${PROGRAM} status).`);
      return 0;
    }
    for (const s of found) {
      const scope = `${s.record === ALL_RECORDS ? '* (every pair)' : s.record}${s.zoneId ? ` in ${s.zoneId}` : ''}`;
      context.print(`${s.id}  ${scope}  ${s.from ?? 'now'} -> ${s.until}  ${s.reason}`);
    }
    return 0;
  },
};
