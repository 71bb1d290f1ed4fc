/**
 * What a stage's resources are called: fixed names derived from the service and the stage in serverless.yml
 * (`failwatch-<stage>-history`, ...), so `--stage prod` finds them with no lookup of the stack.
 */
import { CliUsageError } from './command';

const SERVICE = 'failwatch';
/** What Serverless accepts as a stage name. */
const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

export interface StageResources {
  readonly stage: string;
  readonly table: string;
  readonly topic: string;
  readonly deadLetterQueue: string;
  readonly functions: { readonly poll: string; readonly alarm: string; readonly slack: string };
  /** The default alarmPrefix setting (a stage may set another in stages/<stage>.yml). */
  readonly alarmPrefix: string;
}

export function stageResources(stage: string): StageResources {
  if (!STAGE_NAME.test(stage)) throw new CliUsageError(`--stage ${JSON.stringify(stage)} is not a stage name: letters, digits and -, such as prod`);
  const prefix = `${SERVICE}-${stage}`;
  return {
    stage,
    table: `${prefix}-history`,
    topic: `${prefix}-alerts`,
    deadLetterQueue: `${prefix}-dead-letters`,
    functions: { poll: `${prefix}-poll`, alarm: `${prefix}-alarm`, slack: `${prefix}-slack` },
    alarmPrefix: prefix,
  };
}
