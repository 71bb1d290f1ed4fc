/**
 * The CLI's composition root: `--stage`/`--region` (or, without --stage, the environment) → the adapters a
 * command reads and writes through. Clients are made on first use, with the retries and timeouts every
 * Failwatch client shares, in the region given (else the SDK's: AWS_REGION, the profile), with the SDK's
 * usual credentials (AWS_PROFILE, SSO, ...). Endpoints are the SDK's own variables (AWS_ENDPOINT_URL...),
 * which is how a local run reaches `npm run local-aws`.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoHistoryReader } from '../aws/dynamodb/history-reader';
import { DynamoSilenceStore } from '../aws/dynamodb/silences';
import { createDynamoDocumentClient } from '../aws/dynamodb/table';
import { DynamoTestAlertLog } from '../aws/dynamodb/test-alerts';
import { createLambdaClient, readFunctionConfiguration } from '../aws/lambda/function-configuration';
import { createSnsClient, SnsNotifier } from '../aws/sns-notifier';
import { ConfigurationError } from '../errors';
import { deploymentSettingsOf, loadCliEnvironment, type DeploymentSettings } from '../runtime/config';
import { CliUsageError, PROGRAM, type Connection, type TargetOptions } from './command';
import { stageResources } from './stage';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the environment only when no --stage is given (a local run, or FAILWATCH_TABLE set by hand). */
export function connectToAws(target: TargetOptions, env?: Env): Connection {
  const clientOptions = target.region === undefined ? {} : { region: target.region };
  if (target.stage !== undefined) {
    const names = stageResources(target.stage);
    let settings: Promise<DeploymentSettings> | undefined;
    // The poll function's own configuration: the silences, retention and topic it runs with.
    const deployment = () =>
      (settings ??= readFunctionConfiguration(createLambdaClient(clientOptions), names.functions.poll).then((fn) => deploymentSettingsOf(fn.environment, fn.functionArn)));
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
  const { where, tableName, deployment } = parts;
  return {
    where,
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
