/** Route 53 failures → HealthSourceError / reasons whose message says what to fix. */
import { HealthSourceError } from '../../errors';
import { describeSdkError, isAccessDenied, isMissingCredentials, isThrottled, MISSING_CREDENTIALS_ADVICE, sdkErrorFacts } from '../sdk-errors';

export interface Route53Call {
  /** The API operation and IAM action: `ListResourceRecordSets`. */
  readonly operation: string;
  /** The IAM resource the action needs: `hostedzone/Z123`, `healthcheck/abc`, `*`. */
  readonly resource: string;
  /** A zone the user named in FAILWATCH_ZONE_IDS (as opposed to one found by listing). */
  readonly configuredZoneId?: string;
}

const THROTTLED_ADVICE =
  'the request rate is account-wide and shared with deployment tools; lower FAILWATCH_ROUTE53_RPS or poll less often';

/** A reason in words, for readings that must not throw. */
export function route53FailureReason(error: unknown, call: Route53Call): string {
  const facts = sdkErrorFacts(error);
  const what = describeSdkError(facts);
  if (isAccessDenied(facts)) {
    return `Route 53 refused ${call.operation} (${what}): grant route53:${call.operation} on ${call.resource} to the function's role`;
  }
  if (isMissingCredentials(facts)) {
    return `No AWS credentials for Route 53 ${call.operation} (${what}): ${MISSING_CREDENTIALS_ADVICE}`;
  }
  if (isThrottled(facts)) {
    return `Route 53 kept throttling ${call.operation} (${what}): ${THROTTLED_ADVICE}`;
  }
  if (facts.name === 'NoSuchHostedZone') {
    return call.configuredZoneId !== undefined
      ? `FAILWATCH_ZONE_IDS names zone ${call.configuredZoneId} which does not exist (${what}): remove it or correct the id`
      : `A hosted zone disappeared while Failwatch listed it (${call.resource}, ${what}); the next run will not see it`;
  }
  if (facts.name === 'NoSuchHealthCheck') {
    return `Health check ${call.resource.replace(/^healthcheck\//, '')} does not exist (${what}): it was deleted or the id is wrong`;
  }
  if (facts.unreadableAnswer && facts.httpStatus === 404) {
    return `The Route 53 endpoint does not offer ${call.operation}: it answered HTTP 404 with no Route 53 error (an emulator or a proxy without this operation; Route 53 itself has it)`;
  }
  if (facts.name === 'InvalidInput' && call.configuredZoneId !== undefined) {
    return `FAILWATCH_ZONE_IDS entry ${call.configuredZoneId} is not a valid hosted zone id (${what})`;
  }
  return `Route 53 ${call.operation} on ${call.resource} failed (${what})`;
}

export function route53Failure(error: unknown, call: Route53Call): HealthSourceError {
  const facts = sdkErrorFacts(error);
  const zoneVanished = facts.name === 'NoSuchHostedZone' && call.configuredZoneId === undefined;
  return new HealthSourceError(route53FailureReason(error, call), facts.retryable || zoneVanished, { cause: error });
}
