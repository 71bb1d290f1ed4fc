/**
 * The small framework every `failwatch` command is written in. A command declares its name, a one-line
 * summary, its own options (node:util parseArgs) and `run`; this module adds the options every command
 * shares (--stage, --region, --help; --json for the commands that only read), parses strictly, and
 * writes the help. Adding a command is one module under lib/cli/ exporting a Command, and one line in
 * lib/cli/commands.ts.
 */
import { parseArgs } from 'node:util';
import { FailwatchError, nameErrorClass } from '../errors';
import type { DeploymentSettings } from '../runtime/config';
import type { AlarmManager, Clock, Notifier, SilenceStore } from '../ports';
import type {
  DeadLetterQueue,
  FunctionInvoker,
  HistoryReader,
  ParameterInspector,
  StageDeployment,
  StageNames,
  StoredPairCatalog,
  SweepMetricSource,
  TestAlertLog,
  TopicInspector,
} from '../usecases/console-ports';

/** A command line Failwatch cannot act on; the message says what to type instead. Exit code 2. */
export class CliUsageError extends FailwatchError {
  static {
    nameErrorClass(this, 'CliUsageError');
  }
}

export const ExitCode = {
  OK: 0,
  /** An AWS call failed, or what was asked for could not be done (the message says why). */
  FAILED: 1,
  /** Bad usage: an unknown command or option, a missing or malformed value. */
  USAGE: 2,
  /** `doctor` only: a critical finding (DR or alerting is broken), so a script tells it from "cannot read AWS" (1). */
  CRITICAL_FINDING: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CommandOption {
  readonly type: 'string' | 'boolean';
  /** How the value is written in help: `--since <duration>`. */
  readonly value?: string;
  readonly description: string;
}

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Where a command's deployment is: `--stage` and `--region` (or, without --stage, the environment). */
export interface TargetOptions {
  readonly stage?: string;
  readonly region?: string;
}

/** What a command reads and writes, for the deployment it was pointed at; each part is reached on first use. */
export interface Connection {
  /** For messages: `stage prod (table failwatch-prod-history)`, or `table failwatch-local-history`. */
  readonly where: string;
  /** Every pair's state and definition, in one pass over the table. */
  readonly pairs: StoredPairCatalog;
  readonly history: HistoryReader;
  readonly silences: SilenceStore;
  /** The deployment's own settings: the poll function's configuration (--stage), or the environment. */
  deployment(): Promise<DeploymentSettings>;
  readonly testAlerts: TestAlertLog;
  /** The stage's topic. */
  notifier(): Promise<Notifier>;
}

/**
 * A deployed stage, for the commands that need more of it than its table (`doctor`, `dead-letters`,
 * `alarms`): its deployment as its functions' configuration says, and the adapters on its resources,
 * each made on first use.
 */
export interface StageConnection {
  readonly names: StageNames;
  /** Read once. Throws ConfigurationError when the stage is not deployed there. */
  deployment(): Promise<StageDeployment>;
  storedPairs(tableName: string): StoredPairCatalog;
  /** The managed alarms under `prefix` (the deployment's). */
  alarms(prefix: string): AlarmManager;
  readonly topic: TopicInspector;
  readonly parameters: ParameterInspector;
  readonly deadLetters: DeadLetterQueue;
  readonly sweeps: SweepMetricSource;
  readonly invoker: FunctionInvoker;
}

export interface CliContext {
  /** One line of the command's answer, on standard output. */
  readonly print: (line: string) => void;
  /** One line about a part that could not be done, on standard error. */
  readonly warn: (line: string) => void;
  readonly clock: Clock;
  /** A short random token for new ids (`s-<token>`, `t-<token>`). */
  readonly newId: () => string;
  /** Throws CliUsageError when neither --stage nor the environment names a deployment. */
  connect(target: TargetOptions): Connection;
  /** Throws CliUsageError without --stage: these commands read the stage's functions, alarms and queue by their names. */
  connectStage(target: TargetOptions, command: string): StageConnection;
  writeFile(path: string, content: string): Promise<void>;
}

export interface Command {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** A read-only command: takes --json. */
  readonly reads: boolean;
  readonly options: Readonly<Record<string, CommandOption>>;
  /** Names of the positional arguments it takes, in order (most take none). */
  readonly positionals?: readonly string[];
  /** More lines for --help: what it shows, examples. */
  readonly notes?: readonly string[];
  run(parsed: ParsedCommand, context: CliContext): Promise<number>;
}

export const PROGRAM = 'failwatch';

/** The same way in every command that is about pairs. */
export const RECORD_OPTION: Readonly<Record<string, CommandOption>> = {
  record: { type: 'string', value: '<name>', description: 'only the pairs of this record, such as app.example.com' },
};

export const ZONE_OPTION: Readonly<Record<string, CommandOption>> = {
  zone: { type: 'string', value: '<hosted zone id>', description: 'only the pairs of this hosted zone, such as Z0123456789ABC' },
};

const SHARED_OPTIONS: Readonly<Record<string, CommandOption>> = {
  stage: { type: 'string', value: '<name>', description: 'the deployed stage (its table, topic and functions are named after it); without it, FAILWATCH_TABLE and the environment name the deployment' },
  region: { type: 'string', value: '<region>', description: 'the stage\'s AWS region (default: AWS_REGION or your profile\'s); credentials are the SDK\'s usual ones (AWS_PROFILE, SSO)' },
  help: { type: 'boolean', description: 'show this help' },
};

const JSON_OPTION: Readonly<Record<string, CommandOption>> = {
  json: { type: 'boolean', description: 'print one JSON document instead of text' },
};

export function optionsOf(command: Command): Readonly<Record<string, CommandOption>> {
  return { ...command.options, ...(command.reads ? JSON_OPTION : {}), ...SHARED_OPTIONS };
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** Parses strictly: an unknown option, a missing value or an unexpected argument is a CliUsageError naming it. */
export function parseCommand(command: Command, args: readonly string[]): ParsedCommand {
  const options = optionsOf(command);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: option.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliUsageError(`${PROGRAM} ${command.name}: ${parseArgsProblem(error)} (see ${PROGRAM} ${command.name} --help)`);
  }
  const expected = command.positionals ?? [];
  if (parsed.positionals.length !== expected.length) {
    const got = parsed.positionals.map((p) => JSON.stringify(p)).join(' ');
    const wanted = expected.length === 0 ? 'no bare arguments' : `${expected.length} argument${expected.length === 1 ? '' : 's'} (${expected.map((p) => `<${p}>`).join(' ')})`;
    const hint = expected.length === 0 && 'record' in options ? `; give a record as --record ${parsed.positionals[0] ?? '<name>'}` : '';
    throw new CliUsageError(`${PROGRAM} ${command.name} takes ${wanted}, got ${parsed.positionals.length === 0 ? 'none' : got}${hint} (see ${PROGRAM} ${command.name} --help)`);
  }
  return { values: parsed.values as ParsedCommand['values'], positionals: parsed.positionals };
}

/** node:util's own sentence about the option, without its error code (some runtimes put it in the message) or its advice on `--`. */
function parseArgsProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\w*Error \[[A-Z_]+\]: /, '').replace(/\. To specify .*$/s, '');
}

export function targetOf(parsed: ParsedCommand): TargetOptions {
  const stage = textOption(parsed, 'stage');
  const region = textOption(parsed, 'region');
  return { ...(stage === undefined ? {} : { stage }), ...(region === undefined ? {} : { region }) };
}

export function textOption(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flagOption(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true;
}

export function commandHelp(command: Command): string {
  const options = optionsOf(command);
  const synopsis = [`${PROGRAM} ${command.name}`, ...(command.positionals ?? []).map((p) => `<${p}>`), '[options]'].join(' ');
  const rows = Object.entries(options).map(([name, option]) => [`  --${name}${option.value ? ` ${option.value}` : ''}`, option.description] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: ${synopsis}`,
    '',
    command.summary,
    ...(command.notes && command.notes.length > 0 ? ['', ...command.notes] : []),
    '',
    'Options:',
    ...rows.map(([flag, description]) => `${flag.padEnd(width)}  ${description}`),
  ].join('\n');
}

export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]     (in this repository: npx ${PROGRAM} ..., or npm run ${PROGRAM} -- ...)`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Every command takes --stage <name> and --region <region> (or, without --stage, FAILWATCH_TABLE and the`,
    `environment name the deployment), and --help. Read commands take --json. ${PROGRAM} <command> --help says more.`,
    'Exit codes: 0 done, 1 an AWS call failed or the command could not do what was asked, 2 bad usage,',
    '4 (doctor only) a critical finding.',
  ].join('\n');
}
