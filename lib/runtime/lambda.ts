/** Small pieces every handler shares: build dependencies once per container, and the time budget. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { remainingTimeOf } from './invocation';
import { HealthSourceError } from '../errors';
import type { PublishFailure } from '../usecases/publish';
import type { RunResult } from '../usecases/run-result';

/**
 * Builds on first use and keeps the result; a failed build (bad configuration) is retried next time.
 * The first successful call's arguments (the invocation's context) are the ones the build sees.
 */
export function once<T, A extends unknown[] = []>(build: (...args: A) => T): (...args: A) => T {
  let built: { value: T } | undefined;
  return (...args: A) => {
    built ??= { value: build(...args) };
    return built.value;
  };
}

/** Longest text `boundedText` keeps of a string from an event. */
const EVENT_TEXT_MAX_LENGTH = 80;

/**
 * Text from an event, for a message or a log line, cut to a bounded length: an event may carry a
 * megabyte where a name belongs, and it must not end up whole in a log line.
 */
export function boundedText(text: string, maxLength = EVENT_TEXT_MAX_LENGTH): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}… (${text.length} characters)`;
}

/** A value from an event, quoted (as JSON) and bounded like `boundedText`. */
export function quoteBounded(value: unknown, maxLength = EVENT_TEXT_MAX_LENGTH): string {
  return boundedText(JSON.stringify(value) ?? String(value), maxLength);
}

/** Leave this much of the Lambda's time to write what was decided and publish it. */
const SAFETY_MARGIN_MS = 10_000;

export function deadlineFrom(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined, now: Date): Date | undefined {
  const remainingMs = remainingTimeOf(context);
  return remainingMs === undefined ? undefined : new Date(now.getTime() + Math.max(0, remainingMs - SAFETY_MARGIN_MS));
}

/**
 * Runs one invocation's work; a failure is logged once, as one line naming what is wrong, and
 * rethrown so the caller (EventBridge, SNS, `serverless invoke local`) sees the invocation fail.
 */
export async function logFailures<T>(log: Pick<Logger, 'error'>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error), { errorName: error instanceof Error ? error.name : 'unknown' });
    throw error;
  }
}

export function logRunResult(log: Pick<Logger, 'info' | 'warn' | 'error'>, message: string, result: RunResult, extra: Record<string, unknown> = {}): void {
  log.info(message, { ...extra, result });
  // A pair never judged has no stored state, so no WATCH_DEGRADED can be sent for it: this line is where it shows.
  if (result.unknownPairs.length > 0) {
    log.warn('some pairs could not be judged: Failwatch reports no change for them until it can', { unknownPairs: result.unknownPairs.length, reasons: result.unknownReasons ?? [] });
  }
  if (result.dnsDisagreements) {
    log.warn('Route 53 answers another side than the one recorded (DNS changes take up to a minute to propagate; the messages say so)', { dnsDisagreements: result.dnsDisagreements });
  }
  logPublishFailures(log, result.publishFailures ?? []);
  if (result.unfinishedPairs.length > 0) log.error('some pairs were not recorded; their state is unchanged', { unfinished: result.unfinishedPairs });
  logDiscovery(log, result.discovery);
  if (result.historyNotMoved) log.error('published entries stay in their pair\'s outbox: not moved to history this sweep; the next sweep retries', { historyNotMoved: result.historyNotMoved });
}

/**
 * A listing under way is expected after a cold start on a large account (WARN, with where it stands); a
 * run judged from a partial listing says which pairs it could not judge yet; the table's discovery that
 * could not be read or written is an ERROR (the container lists alone meanwhile). A failed listing call is
 * not logged here: the invocation fails with it (`failIfDiscoveryFailed`) once it has judged and recorded.
 */
function logDiscovery(log: Pick<Logger, 'warn' | 'error'>, discovery: RunResult['discovery']): void {
  if (discovery === undefined) return;
  if (discovery.storeProblem !== undefined) {
    log.error('the stored Route 53 discovery could not be read or written; this container goes on with what it holds', { discovery });
  } else if (discovery.judgedFrom === 'PARTIAL') {
    log.warn('Route 53 discovery is not complete yet: only the pairs of the zones listed so far were judged; the next run goes on', { discovery });
  } else if (discovery.listing !== undefined && discovery.error === undefined) {
    log.warn('a Route 53 listing is under way: pairs were judged from the last complete listing; the next run goes on', { discovery });
  }
}

/**
 * After a run judged from the last complete listing (or what was listed so far) because a Route 53 listing
 * call failed: the invocation fails with that call's error, so it is logged once and counted in the
 * function's Errors (the `poll-errors` alarm), and what to fix reaches a person. What the run recorded stands.
 */
export function failIfDiscoveryFailed(result: RunResult): void {
  const error = result.discovery?.error;
  if (error !== undefined) throw new HealthSourceError(error.message, error.retryable);
}

/** Each one is its own ERROR line; past this many in one run, one more line says how many were not listed. */
const PUBLISH_FAILURES_LOGGED = 50;

/**
 * One ERROR line per notification this run failed to send: a wrong topic, a denied publish or a refusing
 * KMS key would otherwise leave every notification pending with nobody told. The line names the
 * notification (pair, kind, reference) and SNS's error (code and message).
 */
export function logPublishFailures(log: Pick<Logger, 'error'>, failures: readonly PublishFailure[]): void {
  for (const failure of failures.slice(0, PUBLISH_FAILURES_LOGGED)) {
    log.error('a notification was not published; it stays pending and the next run retries it', { ...failure });
  }
  if (failures.length > PUBLISH_FAILURES_LOGGED) {
    log.error('more notifications were not published than are listed one by one', { notListed: failures.length - PUBLISH_FAILURES_LOGGED, publishFailures: failures.length });
  }
}
