/**
 * The CLI's composition root: `--stage`/`--region` (or, without --stage, the environment) → the adapters a
 * command reads and writes through. Clients are made on first use, with the retries and timeouts every
 * Failwatch client shares, in the region given (else the SDK's: AWS_REGION, the profile), with the SDK's
 * usual credentials (AWS_PROFILE, SSO, ...). Endpoints are the SDK's own variables (AWS_ENDPOINT_URL...),
 * which is how a local run reaches `npm run local-aws`.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CloudWatchAlarmManager } from '../aws/cloudwatch/alarms';
import { CloudWatchSweepMetrics } from '../aws/cloudwatch/sweep-metrics';
import { DynamoHistoryReader } from '../aws/dynamodb/history-reader';
import { DynamoSilenceStore } from '../aws/dynamodb/silences';
import { DynamoStoredPairCatalog } from '../aws/dynamodb/stored-pairs';
import { createDynamoDocumentClient } from '../aws/dynamodb/table';
import { DynamoTestAlertLog } from '../aws/dynamodb/test-alerts';
import { createLambdaClient, LambdaFunctionInvoker, LambdaStageDeployment } from '../aws/lambda/functions';
import { createCloudWatchClient } from '../aws/sdk-clients';
import { createSnsClient, SnsNotifier } from '../aws/sns/notifier';
import { SnsTopicInspector } from '../aws/sns/subscriptions';
import { createSqsClient, SqsDeadLetterQueue } from '../aws/sqs/dead-letter-queue';
import { SsmParameterInspector } from '../aws/ssm/parameters';
import { ConfigurationError } from '../errors';
import { loadCliEnvironment, type DeploymentSettings } from '../runtime/config';
import { createSsmClient } from '../slack/ssm-webhook-url-source';
import { stageNames, type StageDeployment } from '../usecases/console-ports';
import { CliUsageError, PROGRAM, type Connection, type StageConnection, type TargetOptions } from './command';

/** What Serverless accepts as a stage name. */
const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the environment only when no --stage is given (a local run, or FAILWATCH_TABLE set by hand). */
export function connectToAws(target: TargetOptions, env?: Env): Connection {
  const clientOptions = target.region === undefined ? {} : { region: target.region };
  if (target.stage !== undefined) {
    const names = stageNames(checkedStage(target.stage));
    let settings: Promise<DeploymentSettings> | undefined;
    // The poll function's own configuration: the silences, retention and topic it runs with.
    const deployment = () =>
      (settings ??= new LambdaStageDeployment(createLambdaClient(clientOptions))
        .readDeployment(names.stage)
        .then((deployed) => ({ tableName: deployed.tableName, topicArn: deployed.topicArn, silences: deployed.configuredSilences, historyDays: deployed.historyDays })));
    return tableConnection({
      where: `stage ${names.stage} (table ${names.table}${target.region ? `, ${target.region}` : ''})`,
      tableName: names.table,
      deployment,
      dynamo: () => createDynamoDocumentClient(clientOptions),
      sns: () => createSnsClient(clientOptions),
    });
  }
  const settings = loadCliEnvironment(env);
  if (settings === undefined) {
    throw new CliUsageError(`Say which deployment: --stage <name> (such as --stage prod), or set FAILWATCH_TABLE (for a local run, source .local-aws.env after npm run local-aws); see ${PROGRAM} --help`);
  }
  return tableConnection({
    where: `table ${settings.tableName}`,
    tableName: settings.tableName,
    deployment: () => Promise.resolve(settings),
    dynamo: () => createDynamoDocumentClient(clientOptions),
    sns: () => createSnsClient(clientOptions),
  });
}

function checkedStage(stage: string): string {
  if (!STAGE_NAME.test(stage)) throw new CliUsageError(`--stage ${JSON.stringify(stage)} is not a stage name: letters, digits and -, such as prod`);
  return stage;
}

/** A deployed stage's functions, alarms, topic, Slack parameter, queue and metrics, for `doctor`, `dead-letters` and `alarms`. */
export function connectToStage(target: TargetOptions, command: string): StageConnection {
  if (target.stage === undefined) {
    throw new CliUsageError(`${PROGRAM} ${command} needs --stage <name> (such as --stage prod): it reads the deployed stage's functions, alarms and queue by their names`);
  }
  const names = stageNames(checkedStage(target.stage));
  const clientOptions = target.region === undefined ? {} : { region: target.region };
  const once = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const lambda = once(() => createLambdaClient(clientOptions));
  const cloudwatch = once((): CloudWatchClient => createCloudWatchClient(clientOptions));
  const dynamo = once(() => createDynamoDocumentClient(clientOptions));
  const topic = once(() => new SnsTopicInspector(createSnsClient(clientOptions)));
  const parameters = once(() => new SsmParameterInspector(createSsmClient(clientOptions)));
  const deadLetters = once(() => new SqsDeadLetterQueue(createSqsClient(clientOptions), names.deadLetterQueue));
  const sweeps = once(() => new CloudWatchSweepMetrics(cloudwatch()));
  const invoker = once(() => new LambdaFunctionInvoker(lambda()));
  let deployment: Promise<StageDeployment> | undefined;
  return {
    names,
    deployment: () => (deployment ??= new LambdaStageDeployment(lambda()).readDeployment(names.stage)),
    storedPairs: (tableName) => new DynamoStoredPairCatalog({ client: dynamo(), tableName }),
    alarms: (prefix) => new CloudWatchAlarmManager(cloudwatch(), { prefix }),
    get topic() {
      return topic();
    },
    get parameters() {
      return parameters();
    },
    get deadLetters() {
      return deadLetters();
    },
    get sweeps() {
      return sweeps();
    },
    get invoker() {
      return invoker();
    },
  };
}

export interface ConnectionParts {
  readonly where: string;
  readonly tableName: string;
  readonly deployment: () => Promise<DeploymentSettings>;
  /** Called once, on first use: a document client made with createDocumentClient (lib/aws/dynamodb/table.ts). */
  readonly dynamo: () => DynamoDBDocumentClient;
  readonly sns: () => SNSClient;
}

/** The console's adapters on one table and the deployment's topic, each made on first use. */
export function tableConnection(parts: ConnectionParts): Connection {
  let dynamo: DynamoDBDocumentClient | undefined;
  const client = () => (dynamo ??= parts.dynamo());
  let history: DynamoHistoryReader | undefined;
  let silences: DynamoSilenceStore | undefined;
  let testAlerts: DynamoTestAlertLog | undefined;
  let pairs: DynamoStoredPairCatalog | undefined;
  const { where, tableName, deployment } = parts;
  return {
    where,
    get pairs() {
      return (pairs ??= new DynamoStoredPairCatalog({ client: client(), tableName }));
    },
    get history() {
      return (history ??= new DynamoHistoryReader({ client: client(), tableName }));
    },
    get silences() {
      return (silences ??= new DynamoSilenceStore({ client: client(), tableName }));
    },
    deployment,
    get testAlerts() {
      return (testAlerts ??= new DynamoTestAlertLog({ client: client(), tableName, historyDays: async () => (await deployment()).historyDays }));
    },
    async notifier() {
      const { topicArn } = await deployment();
      if (topicArn === undefined) throw new ConfigurationError(`No topic to publish to in ${where}: set FAILWATCH_TOPIC_ARN (npm run local-aws writes it to .local-aws.env), or use --stage`);
      return new SnsNotifier(parts.sns(), topicArn);
    },
  };
}
