/**
 * StateStore on one DynamoDB table, with exactly-once history built from single-item conditional
 * writes only (no transactions, so it runs unchanged on dynalite):
 *   1. each transition item is put only if its sequence is free — the race for a sequence is won once;
 *   2. the state item is then updated only if its revision is the one the decision was made from.
 * A run that dies between 1 and 2 leaves transitions beyond the state's sequence; the next
 * `loadStateConsistent` rolls the state forward to the last one's `stateAfter`.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId, type PairState } from '../domain/model';
import { ConfigurationError, StaleStateError, StoreError } from '../errors';
import { PublishStatus, type StateChange, type StateStore, type StoredPairState, type StoredTransition } from '../ports';
import { isConditionalCheckFailed, toStoreError, withStoreError } from './dynamo-errors';
import { assertCoherentChange } from './dynamo-change';
import { StateAttribute, TransitionAttribute, parseStateItem, parseTransitionItem, stateFields, transitionItem, type Item } from './dynamo-items';
import {
  LAST_TRANSITION_SORT_KEY,
  PARTITION_KEY,
  SORT_KEY,
  STATE_SORT_KEY,
  TRANSITION_SORT_KEY_PREFIX,
  pairPartitionKey,
  transitionSortKey,
} from './dynamo-table';
import { batchGetItems, queryItems, type Table } from './dynamo-reads';

export interface DynamoStateStoreOptions {
  /** Must be made with `createDocumentClient` (lib/aws/dynamo-table.ts): optional fields are left out of items. */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a transition stays in history before DynamoDB TTL removes it; 0 keeps it forever. */
  readonly historyDays: number;
}

const REPAIR_MAX_ATTEMPTS = 5;
const DEFAULT_LIST_LIMIT = 50;
const NOT_EXISTS = `attribute_not_exists(#${PARTITION_KEY})`;
const EXISTS = `attribute_exists(#${PARTITION_KEY})`;

type Key = Record<typeof PARTITION_KEY | typeof SORT_KEY, string>;

export class DynamoStateStore implements StateStore {
  private readonly table: Table;
  private readonly historyDays: number;

  constructor(options: DynamoStateStoreOptions) {
    if (options.tableName.trim() === '') throw new ConfigurationError('DynamoStateStore needs a table name, got an empty string');
    if (!Number.isSafeInteger(options.historyDays) || options.historyDays < 0) {
      throw new ConfigurationError(`DynamoStateStore historyDays must be a whole number of days, 0 or more, got ${options.historyDays}`);
    }
    if (options.client.config.translateConfig?.marshallOptions?.removeUndefinedValues !== true) {
      throw new ConfigurationError('DynamoStateStore needs a document client that removes undefined values: create it with createDocumentClient()');
    }
    this.table = { client: options.client, tableName: options.tableName };
    this.historyDays = options.historyDays;
  }

  async loadStates(pairIds: readonly PairId[]): Promise<ReadonlyMap<string, StoredPairState>> {
    // BatchGetItem rejects a request that names the same key twice.
    const keys = [...new Map(pairIds.map((id) => [pairPartitionKey(id), stateKey(id)])).values()];
    const items = await batchGetItems(this.table, keys, 'reading pair states');
    const states = new Map<string, StoredPairState>();
    for (const item of items) {
      const state = parseStateItem(item);
      states.set(pairKey(state.pairId), state);
    }
    return states;
  }

  async loadStateConsistent(pairId: PairId): Promise<StoredPairState | undefined> {
    const key = pairKey(pairId);
    for (let attempt = 1; attempt <= REPAIR_MAX_ATTEMPTS; attempt++) {
      const state = await this.getState(pairId);
      const unapplied = await this.transitionsAfter(pairId, state?.sequence ?? 0);
      const last = unapplied[unapplied.length - 1];
      if (last === undefined) return state;
      const unpublished = unapplied.filter((t) => t.publishStatus === PublishStatus.PENDING).map((t) => t.sequence);
      try {
        const written = await this.writeState(pairId, last.stateAfter, state?.revision, unpublished, `finishing the interrupted write of ${key}`);
        return parseStateItem(written);
      } catch (error) {
        if (!(error instanceof StaleStateError)) throw error;
      }
    }
    throw new StoreError(`The state of ${key} kept changing while finishing an interrupted write (${REPAIR_MAX_ATTEMPTS} attempts); try again`, true);
  }

  async record(change: StateChange & { readonly expectedRevision: number | undefined }): Promise<void> {
    assertCoherentChange(change);
    const key = pairKey(change.next.pairId);
    for (const transition of change.transitions) {
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: transitionItem(transition, this.historyDays),
            ConditionExpression: NOT_EXISTS,
            ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new StaleStateError(key, `transition ${transition.sequence} is already recorded`);
        throw toStoreError(error, `writing transition ${transition.id}`);
      }
    }
    const sequences = change.transitions.map((t) => t.sequence);
    await this.writeState(change.next.pairId, change.next, change.expectedRevision, sequences, `writing the state of ${key}`);
  }

  async getTransition(pairId: PairId, sequence: number): Promise<StoredTransition | undefined> {
    const output = await withStoreError(`reading transition ${sequence} of ${pairKey(pairId)}`, () =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: transitionKey(pairId, sequence), ConsistentRead: true })),
    );
    return output.Item === undefined ? undefined : parseTransitionItem(output.Item);
  }

  async listTransitions(pairId: PairId, limit = DEFAULT_LIST_LIMIT): Promise<readonly StoredTransition[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new StoreError(`listTransitions needs a limit of 1 or more, got ${limit}`, false);
    const items = await queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND begins_with(#${SORT_KEY}, :prefix)`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':prefix': TRANSITION_SORT_KEY_PREFIX },
        ScanIndexForward: false,
      },
      limit,
      `listing the transitions of ${pairKey(pairId)}`,
    );
    return items.map(parseTransitionItem);
  }

  async claimForPublish(pairId: PairId, sequence: number, now: Date, leaseUntil: Date): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: transitionKey(pairId, sequence),
          UpdateExpression: 'SET #claimUntil = :lease',
          // ISO-8601 UTC strings of one format sort like the instants they name.
          ConditionExpression: '#publishStatus = :pending AND (attribute_not_exists(#claimUntil) OR #claimUntil < :now)',
          ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL, '#publishStatus': TransitionAttribute.PUBLISH_STATUS },
          ExpressionAttributeValues: { ':lease': leaseUntil.toISOString(), ':now': now.toISOString(), ':pending': PublishStatus.PENDING },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, `claiming transition ${sequence} of ${pairKey(pairId)}`);
    }
  }

  async markPublished(pairId: PairId, sequence: number, snsMessageId: string, publishedAt: Date): Promise<void> {
    const key = pairKey(pairId);
    const found = await this.updateIfExists(`marking transition ${sequence} of ${key} published`, {
      Key: transitionKey(pairId, sequence),
      UpdateExpression: 'SET #publishStatus = :published, #snsMessageId = :messageId, #publishedAt = :publishedAt REMOVE #claimUntil',
      ExpressionAttributeNames: {
        '#publishStatus': TransitionAttribute.PUBLISH_STATUS,
        '#snsMessageId': TransitionAttribute.SNS_MESSAGE_ID,
        '#publishedAt': TransitionAttribute.PUBLISHED_AT,
        '#claimUntil': TransitionAttribute.CLAIM_UNTIL,
      },
      ExpressionAttributeValues: { ':published': PublishStatus.PUBLISHED, ':messageId': snsMessageId, ':publishedAt': publishedAt.toISOString() },
    });
    if (!found) throw new StoreError(`There is no transition ${sequence} of ${key} to mark published`, false);
    // Set deletion is atomic on its own, so the outbox needs no revision check (and bumps no revision).
    await this.updateIfExists(`removing transition ${sequence} from the outbox of ${key}`, {
      Key: stateKey(pairId),
      UpdateExpression: 'DELETE #pending :sequences',
      ExpressionAttributeNames: { '#pending': StateAttribute.PENDING },
      ExpressionAttributeValues: { ':sequences': new Set([sequence]) },
    });
  }

  async releaseClaim(pairId: PairId, sequence: number): Promise<void> {
    await this.updateIfExists(`releasing the claim on transition ${sequence} of ${pairKey(pairId)}`, {
      Key: transitionKey(pairId, sequence),
      UpdateExpression: 'REMOVE #claimUntil',
      ExpressionAttributeNames: { '#claimUntil': TransitionAttribute.CLAIM_UNTIL },
    });
  }

  /** Sets every state field, bumps the revision and adds `unpublished` to the outbox, if the revision is still `expectedRevision`. */
  private async writeState(pairId: PairId, state: PairState, expectedRevision: number | undefined, unpublished: readonly number[], action: string): Promise<Item> {
    const fields: Record<string, string | number> = { ...stateFields(state), [StateAttribute.REVISION]: (expectedRevision ?? 0) + 1 };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    let expression = `SET ${Object.keys(fields).map((field) => `#${field} = :${field}`).join(', ')}`;
    if (unpublished.length > 0) {
      names['#pending'] = StateAttribute.PENDING;
      values[':unpublished'] = new Set(unpublished);
      expression += ' ADD #pending :unpublished';
    }
    // DynamoDB rejects a placeholder the expressions do not use, so each one is added with its use.
    let condition = '#revision = :expectedRevision';
    if (expectedRevision === undefined) {
      condition = NOT_EXISTS;
      names[`#${PARTITION_KEY}`] = PARTITION_KEY;
    } else {
      values[':expectedRevision'] = expectedRevision;
    }
    try {
      const output = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: stateKey(pairId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return output.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new StaleStateError(pairKey(pairId), expectedRevision === undefined ? 'the state already exists' : `revision is no longer ${expectedRevision}`);
      }
      throw toStoreError(error, action);
    }
  }

  /** An update of an existing item only (an update would otherwise create a stray one); false when absent. */
  private async updateIfExists(
    action: string,
    input: { Key: Key; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          ...input,
          ConditionExpression: EXISTS,
          ExpressionAttributeNames: { ...input.ExpressionAttributeNames, [`#${PARTITION_KEY}`]: PARTITION_KEY },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, action);
    }
  }

  private async getState(pairId: PairId): Promise<StoredPairState | undefined> {
    const output = await withStoreError(`reading the state of ${pairKey(pairId)}`, () =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: stateKey(pairId), ConsistentRead: true })),
    );
    return output.Item === undefined ? undefined : parseStateItem(output.Item);
  }

  /** The recorded transitions after `sequence` that continue it without a gap, oldest first. */
  private async transitionsAfter(pairId: PairId, sequence: number): Promise<readonly StoredTransition[]> {
    const items = await queryItems(
      this.table,
      {
        KeyConditionExpression: `#${PARTITION_KEY} = :pk AND #${SORT_KEY} BETWEEN :first AND :last`,
        ExpressionAttributeValues: { ':pk': pairPartitionKey(pairId), ':first': transitionSortKey(sequence + 1), ':last': LAST_TRANSITION_SORT_KEY },
        ConsistentRead: true,
      },
      Number.POSITIVE_INFINITY,
      `reading the unapplied transitions of ${pairKey(pairId)}`,
    );
    const transitions = items.map(parseTransitionItem);
    const gap = transitions.findIndex((t, index) => t.sequence !== sequence + 1 + index);
    return gap === -1 ? transitions : transitions.slice(0, gap);
  }
}

function stateKey(pairId: PairId): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: STATE_SORT_KEY };
}

function transitionKey(pairId: PairId, sequence: number): Key {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: transitionSortKey(sequence) };
}
