/** Elastic Load Balancing failures → a reason in words that says what to fix (a description that could not be read is never a throw). */
import { describeSdkError, isAccessDenied, isMissingCredentials, isThrottled, MISSING_CREDENTIALS_ADVICE, sdkErrorFacts } from '../sdk-errors';

export interface ElbCall {
  /** The API operation and IAM action: `DescribeTargetGroups`. */
  readonly operation: string;
  readonly region: string;
}

export function elbFailureReason(error: unknown, call: ElbCall): string {
  const facts = sdkErrorFacts(error);
  const what = describeSdkError(facts);
  if (isAccessDenied(facts)) {
    return `Elastic Load Balancing refused ${call.operation} in ${call.region} (${what}): grant elasticloadbalancing:${call.operation} to the function's role`;
  }
  if (isMissingCredentials(facts)) return `No AWS credentials for Elastic Load Balancing ${call.operation} (${what}): ${MISSING_CREDENTIALS_ADVICE}`;
  if (isThrottled(facts)) {
    return `Elastic Load Balancing kept throttling ${call.operation} in ${call.region} (${what}): its API rate is per account and region, shared with deployment tools; the next discovery tries again`;
  }
  return `Elastic Load Balancing ${call.operation} in ${call.region} failed (${what})`;
}
