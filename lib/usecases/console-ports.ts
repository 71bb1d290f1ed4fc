/**
 * What the operator console's AWS-facing commands (`doctor`, `dead-letters`, `alarms`) need from the
 * outside world, in Failwatch's own words, beside lib/ports.ts (which the functions' use cases share).
 * Adapters: lib/aws/lambda (the stage's deployed functions), lib/aws/dynamodb/stored-pairs.ts,
 * lib/aws/sns/subscriptions.ts, lib/aws/ssm/parameters.ts, lib/aws/cloudwatch/sweep-metrics.ts,
 * lib/aws/sqs/dead-letter-queue.ts (and lib/aws/cloudwatch/alarms.ts for the AlarmManager of lib/ports.ts).
 */
import type { PairDefinition } from '../domain/pair-definition';
import type { Silence } from '../domain/silences';
import type { PairId, Severity, TransitionKind } from '../domain/model';
import type { NoticeKind } from '../domain/notices';
import type { StoredNotice, StoredPair, StoredTransition } from '../ports';

/**
 * The names the stack gives a stage's resources (serverless.yml: service `failwatch`): test/infra
 * checks the packaged template against the same names.
 */
export interface StageNames {
  readonly stage: string;
  /** The history table: what `failwatch status`, `history`, `report` read without any other lookup. */
  readonly table: string;
  readonly topic: string;
  readonly functions: { readonly poll: string; readonly alarm: string; readonly slack: string };
  /** EventBridge rules that deliver to poll and alarm (their dead letters name them in RULE_ARN). */
  readonly rules: { readonly poll: string; readonly alarm: string };
  readonly deadLetterQueue: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` dimension of Failwatch's own metrics (notes/METRICS.md). */
  readonly metricsService: string;
}

export function stageNames(stage: string): StageNames {
  const base = `failwatch-${stage}`;
  return {
    stage,
    table: `${base}-history`,
    topic: `${base}-alerts`,
    functions: { poll: `${base}-poll`, alarm: `${base}-alarm`, slack: `${base}-slack` },
    rules: { poll: `${base}-poll`, alarm: `${base}-alarm` },
    deadLetterQueue: `${base}-dead-letters`,
    metricsService: base,
  };
}

/** A deployed stage as its functions' configuration says it runs. */
export interface StageDeployment {
  readonly names: StageNames;
  readonly tableName: string;
  readonly topicArn: string;
  /** Whether poll keeps one alarm per watched health check, and the alarms' prefix (and tag value). */
  readonly alarms: { readonly manage: boolean; readonly prefix: string };
  /** The SSM parameter holding the Slack webhook URL; undefined when Slack is off (no slack function is deployed). */
  readonly slackWebhookParameter: string | undefined;
  /** Silences set in the deployment's configuration (FAILWATCH_SILENCES); the CLI's own are in the table. */
  readonly configuredSilences: readonly Silence[];
  /** FAILWATCH_HISTORY_DAYS: how long history items (and test alerts) are kept; 0 forever. */
  readonly historyDays: number;
}

export interface StageDeploymentSource {
  /** Throws ConfigurationError when the stage is not deployed there (or its configuration is invalid), ConsoleReadError when it cannot be read. */
  readDeployment(stage: string): Promise<StageDeployment>;
}

/** Everything stored about the watched pairs, read in one pass over the table. */
export interface StoredPairs {
  /** What the last sweeps kept of each pair (lib/usecases/sync-pair-definitions.ts). */
  readonly definitions: readonly PairDefinition[];
  /** Each pair's stored item, outbox included: its serving state, or none for a pair never judged so far. */
  readonly states: readonly StoredPair[];
  /** Items that could not be read, and why: reported, never guessed at. */
  readonly unreadable: readonly { readonly item: string; readonly problem: string }[];
}

export interface StoredPairCatalog {
  /** Throws StoreError. */
  listStoredPairs(): Promise<StoredPairs>;
}

export interface TopicSubscription {
  readonly protocol: string;
  readonly endpoint: string;
  /** False while the subscriber has not confirmed it (SNS shows `PendingConfirmation`). */
  readonly confirmed: boolean;
}

export interface TopicInspector {
  /** Every subscription of the topic; undefined when the topic does not exist. Throws ConsoleReadError. */
  listSubscriptions(topicArn: string): Promise<readonly TopicSubscription[] | undefined>;
}

export interface ParameterInspector {
  /** The parameter's type (`SecureString`, `String`, `StringList`), never its value; undefined when it does not exist. Throws ConsoleReadError. */
  parameterType(name: string): Promise<string | undefined>;
}

export interface SweepMetricSource {
  /** The sum of `SweepsCompleted` (notes/METRICS.md) reported by the stage's poll function from `from` to `to`. Throws ConsoleReadError. */
  sweepsCompleted(metricsService: string, from: Date, to: Date): Promise<number>;
}

/**
 * A message of the stage's dead-letter queue: what EventBridge, Lambda or SNS could not deliver
 * (README, "Dead letters").
 */
export interface DeadLetter {
  readonly messageId: string;
  /** Needed to delete it, or to make it visible again; valid while it is hidden from other readers. */
  readonly receiptHandle: string;
  readonly body: string;
  /** Its message attributes: EventBridge adds RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, ... */
  readonly attributes: Readonly<Record<string, string>>;
  /** When it was sent to the queue (ISO), when the queue says. */
  readonly sentAt?: string;
  /** How many times it has been received, this time included, when the queue says. */
  readonly receiveCount?: number;
}

export interface DeadLetterQueue {
  /** Messages waiting (visible) and those received and hidden for now (in flight). Throws ConsoleReadError. */
  countWaiting(): Promise<{ readonly visible: number; readonly inFlight: number }>;
  /** Up to `max` letters, each hidden from other readers for `hideSeconds`; none when none is waiting. Throws DeadLetterError. */
  receive(max: number, hideSeconds: number): Promise<readonly DeadLetter[]>;
  /** Makes received letters visible again at once. Throws DeadLetterError. */
  release(letters: readonly DeadLetter[]): Promise<void>;
  /** Throws DeadLetterError. */
  delete(letter: DeadLetter): Promise<void>;
}

export interface FunctionInvoker {
  /** Invokes the function asynchronously, as EventBridge and SNS do (Lambda queues the event and answers at once). Throws DeadLetterError. */
  invokeAsync(functionName: string, payload: unknown): Promise<void>;
}

/** One pair's history as stored, the state's outbox merged in (an entry in both places counts once, as history). */
export interface PairHistory {
  /** The pair's stored item (with or without a serving state); absent when none is stored. */
  readonly state?: StoredPair;
  /** Oldest first (by sequence). */
  readonly transitions: readonly StoredTransition[];
  /** Oldest first (by observedAt, then key). */
  readonly notices: readonly StoredNotice[];
}

/** A pair's whole history, for `failwatch status`, `history` and `report`: the very items the watch decides from. */
export interface HistoryReader {
  /** The pair's state item, read first, then every transition and notice in history, merged with the state's outbox. Throws StoreError. */
  readPairHistory(pairId: PairId): Promise<PairHistory>;
}

/** A notification `failwatch test-alert` published: kept apart from the pairs' histories, so no report or decision ever counts it. */
export interface TestAlert {
  readonly id: string;
  /** The short reference its message ends with (lib/notify/reference.ts). */
  readonly reference: string;
  readonly kind: TransitionKind | NoticeKind;
  readonly severity: Severity;
  /** The pair it names: a watched pair, or the sample pair when none was given. */
  readonly pairId: PairId;
  readonly subject: string;
  readonly sentAt: string;
  readonly snsMessageId: string;
}

/** Where test alerts are recorded. */
export interface TestAlertLog {
  /** Throws StoreError. */
  recordTestAlert(alert: TestAlert): Promise<void>;
  /** Newest first; with `since`, those sent at or after it. Throws StoreError. */
  listTestAlerts(since?: Date): Promise<readonly TestAlert[]>;
}
