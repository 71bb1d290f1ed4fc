/**
 * The Failwatch table: its definition (mirrored by serverless.yml), key layout and the document
 * client settings the store relies on. One table holds, per pair (partition `PAIR#<pairKey>`),
 * the state item (sort key `STATE`), one item per transition (sort key `T#<sequence, 10 digits>`) and
 * one per notice (sort key `N#<notice key>`). The state item's `outbox` map holds, by those sort keys,
 * the transitions and notices committed with it that no sweep has moved to history items yet.
 * Silences set from the CLI live in one item, partition `SILENCE`, sort key `ALL` (a map by silence id),
 * so the sweep reads them in the same BatchGetItem as the pair states. Each pair's definition (what judging
 * it needs from Route 53, kept by the sweep) is an item of the pair's partition, sort key `DEFINITION`,
 * read by the alarm function in the same BatchGetItem as the pair's state. Test alerts sent with
 * `failwatch test-alert` live apart from every pair, in partition `TEST_ALERT` (sort key `<sent at>#<id>`),
 * so nothing that reads a pair's history (the watch, the report) ever sees one. The account-wide allowances
 * of GetHealthCheckStatus calls for evidence and TestDNSAnswer calls (lib/aws/dynamodb/rate-gate.ts) are one
 * item per window claimed, partition `RATE#GetHealthCheckStatus` / `RATE#TestDNSAnswer`, sort key the
 * window's start; it expires an hour later (TTL).
 */
import { type CreateTableCommandInput, DynamoDBClient, type UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import type { RetryStrategy, RetryStrategyV2, RetryToken } from '@smithy/types';
import { type KnownServingState, type PairId, pairKey, ServingState } from '../../domain/model';
import { FailwatchError, StoreError } from '../../errors';
import { type AwsClientOptions, clientConfig } from '../client-config';
import { sdkErrorFacts } from '../sdk-errors';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB TTL deletes transition items after it (the state item never has it). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The publishing bookkeeping of an outbox entry (transition or notice), beside its content. */
export const TransitionAttribute = {
  PUBLISH_STATUS: 'publishStatus',
  CLAIM_UNTIL: 'claimUntil',
  /** Set with `claimUntil` when an entry is committed born claimed: lets a commit whose answer was lost know its own entries again. */
  CLAIM_TOKEN: 'claimToken',
  SNS_MESSAGE_ID: 'snsMessageId',
  PUBLISHED_AT: 'publishedAt',
} as const;

export const STATE_SORT_KEY = 'STATE';
export const DEFINITION_SORT_KEY = 'DEFINITION';
export const TRANSITION_SORT_KEY_PREFIX = 'T#';
export const NOTICE_SORT_KEY_PREFIX = 'N#';
export const SILENCE_PARTITION_KEY = 'SILENCE';
export const SILENCES_SORT_KEY = 'ALL';
export const TEST_ALERT_PARTITION_KEY = 'TEST_ALERT';
const SEQUENCE_DIGITS = 10;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SORT_KEY, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export function timeToLiveDefinition(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}

export function pairPartitionKey(pairId: PairId): string {
  return `PAIR#${pairKey(pairId)}`;
}

/** Zero-padded so that the sort order of keys is the order of sequences. */
export function transitionSortKey(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0 || String(sequence).length > SEQUENCE_DIGITS) {
    throw new StoreError(`A transition sequence must be a whole number from 0 to ${'9'.repeat(SEQUENCE_DIGITS)}, got ${sequence}`, false);
  }
  return `${TRANSITION_SORT_KEY_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

export function noticeSortKey(key: string): string {
  if (key.trim() === '') throw new StoreError('A notice key must not be empty', false);
  return `${NOTICE_SORT_KEY_PREFIX}${key}`;
}

/** What DynamoStateStore needs from its document client: optional fields are dropped, not rejected. */
export const documentTranslateConfig: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
};

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, documentTranslateConfig);
}

/** The document client the functions use: the retries and timeouts every Failwatch client shares, in AWS_REGION. */
export function createDynamoDocumentClient(options: AwsClientOptions = {}): DynamoDBDocumentClient {
  return createDocumentClient(new DynamoDBClient(clientConfig(options)));
}

/** DynamoDB SDK failures → Failwatch errors: the store's callers never see an SDK exception. */
/** Throttling and server faults the SDK gave up retrying: trying again later may work. */
const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
]);

export function isConditionalCheckFailed(error: unknown): boolean {
  // By name, not instanceof: a second copy of the SDK in the bundle must still be recognised.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Wraps any failure of `action` (e.g. "writing the state of <pair>") as a StoreError; our own errors pass through. */
export function toStoreError(error: unknown, action: string): FailwatchError {
  if (error instanceof FailwatchError) return error;
  // sdkErrorFacts: throttling, a server fault, `$retryable`, or no answer at all (timeout, reset) may pass on a later try.
  const facts = sdkErrorFacts(error);
  return new StoreError(`DynamoDB failed while ${action}: ${facts.name}: ${facts.message}`, facts.retryable || RETRYABLE_ERROR_NAMES.has(facts.name), { cause: error });
}

/** Runs one SDK call, turning any failure into a StoreError that names `action`. */
export async function withStoreError<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error, action);
  }
}

/**
 * DynamoDB's batch operations may do part of a request and hand the rest back (UnprocessedKeys,
 * UnprocessedItems) when throughput runs short; AWS asks for the rest to be sent again after an
 * exponential backoff. Failwatch waits as the client's own retry strategy waits after a throttled
 * request, so one setting (the client's attempts and backoff, lib/aws/client-config.ts) bounds both.
 */
export interface RetryingClient {
  readonly config: { readonly retryStrategy: () => Promise<RetryStrategy | RetryStrategyV2> };
}

/**
 * Sends `work`, then whatever each answer leaves unprocessed, until nothing is left; throws
 * `giveUp(left, attempts)` when the client's retry strategy allows no further attempt.
 */
export async function sendUntilProcessed<T>(
  client: RetryingClient,
  operation: string,
  work: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  giveUp: (left: number, attempts: number) => Error,
): Promise<void> {
  const strategy = await client.config.retryStrategy();
  let token = isTokenStrategy(strategy) ? await strategy.acquireInitialRetryToken(operation) : undefined;
  let pending = work;
  for (let attempt = 1; ; attempt++) {
    pending = await send(pending);
    if (pending.length === 0) {
      if (token !== undefined && isTokenStrategy(strategy)) strategy.recordSuccess(token);
      return;
    }
    token = await nextAttempt(strategy, token, () => giveUp(pending.length, attempt));
  }
}

function isTokenStrategy(strategy: RetryStrategy | RetryStrategyV2): strategy is RetryStrategyV2 {
  return 'acquireInitialRetryToken' in strategy;
}

/**
 * Waits as the strategy says for a throttled request and returns its new token; throws `giveUp()` when
 * it allows no more attempts (or is a legacy strategy, which cannot be asked).
 */
async function nextAttempt(strategy: RetryStrategy | RetryStrategyV2, token: RetryToken | undefined, giveUp: () => Error): Promise<RetryToken> {
  if (token === undefined || !isTokenStrategy(strategy)) throw giveUp();
  let next: RetryToken;
  try {
    next = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
  } catch {
    throw giveUp();
  }
  const delayMs = next.getRetryDelay();
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return next;
}

/** Checked reads of item attributes: a damaged or foreign item becomes one StoreError naming the field. */
export type Item = Record<string, unknown>;

/** The serving states a stored state, transition or notice may hold (UNKNOWN is never stored as a side). */
export const KNOWN_SERVING_STATES: readonly KnownServingState[] = [ServingState.PRIMARY, ServingState.SECONDARY, ServingState.ALL_UNHEALTHY];

export function malformed(where: string, field: string, expected: string, value: unknown): StoreError {
  return new StoreError(`The ${where} has ${field} = ${JSON.stringify(value)}, expected ${expected}; fix or delete the item`, false);
}

export function text(source: Item, field: string, where: string): string {
  const value = source[field];
  if (typeof value !== 'string') throw malformed(where, field, 'a string', value);
  return value;
}

export function optionalText(source: Item, field: string, where: string): string | undefined {
  return source[field] === undefined ? undefined : text(source, field, where);
}

export function number(source: Item, field: string, where: string): number {
  const value = source[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(where, field, 'a number', value);
  return value;
}

export function whole(source: Item, field: string, where: string): number {
  const value = number(source, field, where);
  if (!Number.isSafeInteger(value) || value < 0) throw malformed(where, field, 'a whole number', value);
  return value;
}

export function oneOf<T extends string>(source: Item, field: string, allowed: readonly T[], where: string): T {
  const value = source[field];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw malformed(where, field, `one of ${allowed.join(', ')}`, value);
  return match;
}

export function texts(source: Item, field: string, where: string): readonly string[] {
  const value = source[field];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw malformed(where, field, 'a list of strings', value);
  return value;
}

export function map(source: Item, field: string, where: string): Item {
  const value = source[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(where, field, 'a map', value);
  return value as Item;
}
