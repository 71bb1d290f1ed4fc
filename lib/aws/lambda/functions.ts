/**
 * A stage's deployed functions, on AWS Lambda: what their configuration says the stage runs
 * (GetFunctionConfiguration, read with the same parser the functions use, lib/runtime/config.ts), and
 * the asynchronous invocation that replays a dead letter (Invoke, InvocationType Event).
 * IAM: lambda:GetFunctionConfiguration on failwatch-<stage>-poll and -slack; lambda:InvokeFunction on
 * failwatch-<stage>-alarm and -slack for a replay.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigurationError, DeadLetterError, describeError } from '../../errors';
import { loadSlackConfig, loadWatchConfig } from '../../runtime/config';
import { stageNames, type FunctionInvoker, type StageDeployment, type StageDeploymentSource } from '../../usecases/console-ports';
import { clientConfig, type AwsClientOptions } from '../client-config';
import { consoleReadError, describeSdkError, isAccessDenied, isMissingCredentials, MISSING_CREDENTIALS_ADVICE, sdkErrorFacts } from '../sdk-errors';

/** The Lambda client the operator console uses: the retries and timeouts every Failwatch client shares, in AWS_REGION. */
export function createLambdaClient(options: AwsClientOptions = {}): LambdaClient {
  return new LambdaClient(clientConfig(options));
}

const NOT_FOUND = 'ResourceNotFoundException';

interface DeployedFunction {
  readonly arn: string;
  readonly environment: Readonly<Record<string, string>>;
}

export class LambdaStageDeployment implements StageDeploymentSource {
  constructor(private readonly client: LambdaClient) {}

  async readDeployment(stage: string): Promise<StageDeployment> {
    const names = stageNames(stage);
    const [poll, slack] = await Promise.all([this.configuration(names.functions.poll), this.configuration(names.functions.slack)]);
    if (poll === undefined) {
      const region = await this.client.config.region();
      throw new ConfigurationError(
        `Stage "${stage}" is not deployed in ${region}: there is no function ${names.functions.poll}. Check the stage's name and the region (Failwatch deploys to us-east-1)`,
      );
    }
    const watch = parseDeployed(names.functions.poll, () => loadWatchConfig(poll.environment, { invokedFunctionArn: poll.arn }));
    const slackParameter = slack === undefined ? undefined : parseDeployed(names.functions.slack, () => loadSlackConfig(slack.environment)).webhookParameterName;
    return {
      names,
      tableName: watch.tableName,
      topicArn: watch.topicArn,
      alarms: { manage: watch.alarms.manage, prefix: watch.alarms.prefix },
      slackWebhookParameter: slackParameter,
      configuredSilences: watch.silences,
      historyDays: watch.historyDays,
    };
  }

  /** undefined when the function does not exist (the slack function is deployed only with Slack on). */
  private async configuration(functionName: string): Promise<DeployedFunction | undefined> {
    try {
      const output = await this.client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      return { arn: output.FunctionArn ?? '', environment: output.Environment?.Variables ?? {} };
    } catch (error) {
      if (sdkErrorFacts(error).name === NOT_FOUND) return undefined;
      throw consoleReadError('lambda:GetFunctionConfiguration', `function ${functionName}`, error);
    }
  }
}

function parseDeployed<T>(functionName: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigurationError(`The deployed function ${functionName} has a configuration Failwatch cannot read (${describeError(error)}): deploy the stage again`, { cause: error });
  }
}

export class LambdaFunctionInvoker implements FunctionInvoker {
  constructor(private readonly client: LambdaClient) {}

  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    let status: number | undefined;
    try {
      status = (await this.client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload), 'utf8') }))).StatusCode;
    } catch (error) {
      throw invokeError(functionName, error);
    }
    // Lambda answers 202 when it has queued an asynchronous invocation.
    if (status !== 202) throw new DeadLetterError(`Lambda did not queue the invocation of ${functionName} (HTTP ${String(status)}, expected 202)`, true);
  }
}

function invokeError(functionName: string, error: unknown): DeadLetterError {
  const facts = sdkErrorFacts(error);
  const detail = describeSdkError(facts);
  const message =
    facts.name === NOT_FOUND
      ? `Function ${functionName} does not exist (${detail}): the letter stays in the queue; deploy the function (for slack: slackEnabled=true), or delete the letter by hand`
      : isMissingCredentials(facts)
        ? `No AWS credentials to invoke ${functionName}: ${MISSING_CREDENTIALS_ADVICE}`
        : isAccessDenied(facts)
          ? `Lambda refused to invoke ${functionName} (${detail}): grant lambda:InvokeFunction on it to the identity running the command`
          : `Invoking ${functionName} failed (${detail})`;
  return new DeadLetterError(message, facts.retryable, { cause: error });
}
