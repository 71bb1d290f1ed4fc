/**
 * What the `failwatch` command prints when it fails, and its exit code: one line that names what to fix.
 * 2 for bad usage (the command line, the environment, a pair that does not exist), 1 for an AWS failure.
 */
import { ConfigurationError, FailwatchError, PairSelectionError, describeError } from '../errors';
import { describeSdkError, isAccessDenied, isMissingCredentials, MISSING_CREDENTIALS_ADVICE, sdkErrorFacts } from '../aws/sdk-errors';
import { CliUsageError, ExitCode } from './command';

export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof CliUsageError || error instanceof ConfigurationError || error instanceof PairSelectionError ? ExitCode.USAGE : ExitCode.FAILED;
}

/** One line, without the `failwatch: ` prefix. */
export function explainFailure(error: unknown): string {
  if (!(error instanceof FailwatchError)) return oneLine(`unexpected error (please report it): ${describeError(error)}`);
  if (exitCodeFor(error) === ExitCode.USAGE) return oneLine(error.message);
  const hint = hintFor(error.cause);
  // Some adapters say what to check themselves (lib/aws/dynamodb/stored-pairs.ts, lib/aws/sdk-errors.ts consoleReadError).
  const said = /does not exist|grant |No AWS credentials/.test(error.message);
  return oneLine(hint === undefined || said ? error.message : `${error.message}. ${hint}`);
}

/** What the operator can do about the AWS failure behind `cause`; undefined when the message says it already. */
function hintFor(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  const facts = sdkErrorFacts(cause);
  if (isMissingCredentials(facts)) return `No AWS credentials: ${MISSING_CREDENTIALS_ADVICE}`;
  if (/region is missing/i.test(facts.message)) return 'No AWS region: give --region or set AWS_REGION';
  if (facts.name === 'ResourceNotFoundException') return 'It does not exist in this account and region: check --stage and --region';
  if (isAccessDenied(facts)) return 'These credentials are not allowed to: docs/cli.md lists the IAM actions the CLI needs';
  if (facts.httpStatus === undefined) return `No answer from AWS (${describeSdkError(facts)}): check --region and the network`;
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
