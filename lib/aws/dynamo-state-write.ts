/** The one conditional write of a pair's state item: every field, the revision, and the outbox additions. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pairKey, type PairId, type PairState } from '../domain/model';
import { StaleStateError } from '../errors';
import { isConditionalCheckFailed, toStoreError } from './dynamo-errors';
import { StateAttribute, stateFields, type Item } from './dynamo-items';
import type { Table } from './dynamo-reads';
import { PARTITION_KEY, SORT_KEY, STATE_SORT_KEY, pairPartitionKey } from './dynamo-table';

export interface Outbox {
  readonly sequences: readonly number[];
  readonly noticeKeys: readonly string[];
}

export function stateKey(pairId: PairId): Record<typeof PARTITION_KEY | typeof SORT_KEY, string> {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: STATE_SORT_KEY };
}

/**
 * Sets every state field (removing optional ones the state no longer has), bumps the revision and adds
 * `outbox` to the pending sets, if the revision is still `expectedRevision`. Throws StaleStateError otherwise.
 */
export async function writeState(table: Table, pairId: PairId, state: PairState, expectedRevision: number | undefined, outbox: Outbox, action: string): Promise<Item> {
  const fields: Record<string, unknown> = { ...stateFields(state), [StateAttribute.REVISION]: (expectedRevision ?? 0) + 1 };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    names[`#${field}`] = field;
    if (value === undefined) removed.push(`#${field}`);
    else values[`:${field}`] = value;
  }
  const set = Object.keys(fields).filter((field) => fields[field] !== undefined);
  let expression = `SET ${set.map((field) => `#${field} = :${field}`).join(', ')}`;
  if (removed.length > 0) expression += ` REMOVE ${removed.join(', ')}`;
  const additions: string[] = [];
  if (outbox.sequences.length > 0) {
    names['#pending'] = StateAttribute.PENDING;
    values[':unpublished'] = new Set(outbox.sequences);
    additions.push('#pending :unpublished');
  }
  if (outbox.noticeKeys.length > 0) {
    names['#pendingNotices'] = StateAttribute.PENDING_NOTICES;
    values[':unpublishedNotices'] = new Set(outbox.noticeKeys);
    additions.push('#pendingNotices :unpublishedNotices');
  }
  if (additions.length > 0) expression += ` ADD ${additions.join(', ')}`;
  // DynamoDB rejects a placeholder the expressions do not use, so each one is added with its use.
  let condition = '#revision = :expectedRevision';
  if (expectedRevision === undefined) {
    condition = `attribute_not_exists(#${PARTITION_KEY})`;
    names[`#${PARTITION_KEY}`] = PARTITION_KEY;
  } else {
    values[':expectedRevision'] = expectedRevision;
  }
  try {
    const output = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
