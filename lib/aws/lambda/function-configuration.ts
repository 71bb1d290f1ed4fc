/**
 * A deployed Failwatch function's environment and ARN, read with Lambda GetFunctionConfiguration: where the
 * CLI finds a stage's configured silences, history retention and topic, exactly as the function sees them.
 */
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeploymentLookupError } from '../../errors';
import { clientConfig, type AwsClientOptions } from '../client-config';
import { describeSdkError, isAccessDenied, isMissingCredentials, MISSING_CREDENTIALS_ADVICE, sdkErrorFacts } from '../sdk-errors';

export interface DeployedFunction {
  /** Unqualified: `arn:<partition>:lambda:<region>:<account>:function:<name>`. */
  readonly functionArn: string;
  readonly environment: Readonly<Record<string, string>>;
}

/** The retries and timeouts every Failwatch client shares; the region is the SDK's (AWS_REGION, the profile) unless given. */
export function createLambdaClient(options: AwsClientOptions = {}): LambdaClient {
  return new LambdaClient(clientConfig(options));
}

/** Throws DeploymentLookupError saying what to check. */
export async function readFunctionConfiguration(client: LambdaClient, functionName: string): Promise<DeployedFunction> {
  try {
    const output = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (output.FunctionArn === undefined) throw new DeploymentLookupError(`Lambda returned no ARN for function ${functionName}`, true);
    return { functionArn: output.FunctionArn, environment: output.Environment?.Variables ?? {} };
  } catch (error) {
    if (error instanceof DeploymentLookupError) throw error;
    const facts = sdkErrorFacts(error);
    const hint =
      facts.name === 'ResourceNotFoundException'
        ? `function ${functionName} does not exist here: is the stage deployed in this account and region? (check --stage and --region)`
        : isAccessDenied(facts)
          ? `these credentials may not lambda:GetFunctionConfiguration on ${functionName} (docs/cli.md lists what the CLI needs)`
          : isMissingCredentials(facts)
            ? `no AWS credentials: ${MISSING_CREDENTIALS_ADVICE}`
            : describeSdkError(facts);
    throw new DeploymentLookupError(`Could not read the configuration of ${functionName}: ${hint}`, facts.retryable, { cause: error });
  }
}
