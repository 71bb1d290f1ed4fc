/**
 * The `failwatch` commands on clients this process already has: the demo prints `status` and `history` of its
 * own run with them, and scenario tests drive the real handlers, then the real commands, on one dynalite.
 */
import { writeFile } from 'node:fs/promises';
import { CliUsageError, type CliContext, type Connection, type StageConnection } from '../lib/cli/command';
import { tableConnection } from '../lib/cli/wiring';
import type { Clock } from '../lib/ports';
import type { DeploymentSettings } from '../lib/runtime/config';
import type { Harness } from './harness';

/** The harness's table and topic, with its configuration as the deployment's (`settings` overrides parts of it). */
export function harnessConnection(harness: Harness, settings: Partial<DeploymentSettings> = {}): Connection {
  const { config, clients } = harness;
  const deployment: DeploymentSettings = { tableName: config.tableName, topicArn: config.topicArn, silences: config.silences, historyDays: config.historyDays, ...settings };
  return tableConnection({
    where: `table ${config.tableName}`,
    tableName: config.tableName,
    deployment: () => Promise.resolve(deployment),
    dynamo: () => clients.dynamo,
    sns: () => clients.sns,
  });
}

export interface LocalCliOptions {
  readonly clock: Clock;
  readonly print: (line: string) => void;
  readonly warn?: (line: string) => void;
  readonly newId?: () => string;
  readonly writeFile?: (path: string, content: string) => Promise<void>;
  /** For `doctor`, `dead-letters` and `alarms`; without it they say they need a deployed stage. */
  readonly stage?: StageConnection;
}

/** A context whose every command works on `connection`, whatever --stage says. */
export function localCliContext(connection: Connection, options: LocalCliOptions): CliContext {
  let ids = 0;
  return {
    print: options.print,
    warn: options.warn ?? options.print,
    clock: options.clock,
    newId: options.newId ?? (() => String(++ids).padStart(8, '0')),
    connect: () => connection,
    connectStage: (_target, command) => {
      if (options.stage === undefined) throw new CliUsageError(`failwatch ${command} reads a deployed stage's functions, alarms and queue: run it with --stage against AWS`);
      return options.stage;
    },
    writeFile: options.writeFile ?? ((path, content) => writeFile(path, content, 'utf8')),
  };
}
