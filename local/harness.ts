/**
 * Runs the real handlers against a simulated account (Route 53, CloudWatch and SNS at the SDK
 * boundary) and a real DynamoDB (dynalite on 127.0.0.1). The SDK finds dynalite through its own
 * standard variable, AWS_ENDPOINT_URL_DYNAMODB, exactly as a deployed function would find AWS.
 * Used by the scenario tests and by `npm run demo`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandler as createAlarmHandler } from '../handlers/alarm';
import { createHandler as createPollHandler } from '../handlers/poll';
import { DynamoStateStore } from '../lib/aws/dynamodb/state-store';
import { loadWatchConfig, type WatchConfig } from '../lib/runtime/config';
import type { WatchDeps, WatchSettings } from '../lib/usecases/watch';
import { buildWatchDeps, createAwsClients, destroyAwsClients, type AwsClients } from '../lib/runtime/wiring';
import { createTestTable, startDynalite, type LocalDynamo } from './dynalite';
import { FixedClock } from './fixed-clock';
import type { SimulatedAws } from './simulated-aws';

export { FixedClock };

export const TEST_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:failwatch-test';

const EVENTS_DIR = join(__dirname, '..', 'events');

/** A fresh copy of a sample event from events/, so a test can never change what the next one reads. */
export function loadEvent<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as T;
}

const SDK_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

export interface Harness {
  readonly dynamo: LocalDynamo;
  readonly config: WatchConfig;
  readonly clients: AwsClients;
  readonly clock: FixedClock;
  readonly store: DynamoStateStore;
  readonly deps: WatchDeps;
  readonly poll: ReturnType<typeof createPollHandler>;
  readonly alarm: ReturnType<typeof createAlarmHandler>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly start?: Date;
  readonly settings?: Partial<WatchSettings>;
  readonly environment?: Readonly<Record<string, string>>;
}

export async function startHarness(account: SimulatedAws, options: HarnessOptions = {}): Promise<Harness> {
  const dynamo = await startDynalite();
  const tableName = await createTestTable(dynamo.endpoint);
  const saved = new Map<string, string | undefined>();
  const environment: Record<string, string> = {
    ...SDK_ENVIRONMENT,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    FAILWATCH_TABLE: tableName,
    FAILWATCH_TOPIC_ARN: TEST_TOPIC_ARN,
    ...options.environment,
  };
  for (const [key, value] of Object.entries(environment)) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  account.install();
  const config = loadWatchConfig(process.env);
  const clients = createAwsClients(config);
  const clock = new FixedClock(options.start ?? new Date('2026-11-25T08:00:00Z'));
  const base = buildWatchDeps(config, clients, clock);
  const deps: WatchDeps = { ...base, settings: { ...base.settings, ...options.settings } };
  return {
    dynamo,
    config,
    clients,
    clock,
    store: deps.store as DynamoStateStore,
    deps,
    poll: createPollHandler(() => deps),
    alarm: createAlarmHandler(() => deps),
    async stop() {
      account.restore();
      destroyAwsClients(clients);
      await dynamo.stop();
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
