/**
 * The Failwatch table: its definition (mirrored by serverless.yml), key layout and the document
 * client settings the store relies on. One table holds, per pair (partition `PAIR#<pairKey>`),
 * the state item (sort key `STATE`), one item per transition (sort key `T#<sequence, 10 digits>`) and
 * one per notice (sort key `N#<notice key>`). The state item's `outbox` map holds, by those sort keys,
 * the transitions and notices committed with it that no sweep has moved to history items yet.
 * Silences set from the CLI live in one item, partition `SILENCE`, sort key `ALL` (a map by silence id),
 * so the sweep reads them in the same BatchGetItem as the pair states. Each pair's definition (what judging
 * it needs from Route 53, kept by the sweep) is an item of the pair's partition, sort key `DEFINITION`,
 * read by the alarm function in the same BatchGetItem as the pair's state.
 */
import { DynamoDBClient, type CreateTableCommandInput, type UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId } from '../../domain/model';
import { StoreError } from '../../errors';
import { clientConfig, type AwsClientOptions } from '../client-config';

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
