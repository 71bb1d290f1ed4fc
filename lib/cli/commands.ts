/** Every `failwatch` command, in the order `failwatch --help` lists them. A new command: its module, and one line here. */
import { alarmsCommand } from './alarms';
import type { Command } from './command';
import { deadLettersCommand } from './dead-letters';
import { doctorCommand } from './doctor';
import { historyCommand } from './history';
import { reportCommand } from './report';
import { silenceCommand } from './silence';
import { silencesCommand } from './silences';
import { statusCommand } from './status';
import { testAlertCommand } from './test-alert';
import { unsilenceCommand } from './unsilence';

export const COMMANDS: readonly Command[] = [statusCommand, historyCommand, reportCommand, testAlertCommand, silenceCommand, silencesCommand, unsilenceCommand, doctorCommand, deadLettersCommand, alarmsCommand];
