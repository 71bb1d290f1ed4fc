/**
 * The commit point of a pair: the one conditional write of its state item. It sets every state field,
 * bumps the revision and adds to the state's outbox the history items recorded with the change (those
 * to be sent already claimed by the committing run, if it asked), all at once or not at all.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type PairId, pairKey, type PairState } from '../../domain/model';
import { StaleStateError, StoreError } from '../../errors';
import type { PairWatch } from '../../domain/pair-watch';
import type { StateChange } from '../../ports';
import { isConditionalCheckFailed, type Item, pairPartitionKey, PARTITION_KEY, SORT_KEY, STATE_SORT_KEY, toStoreError, TransitionAttribute } from './table';
import { getItem, type Table } from './reads';
import { watchMap } from './notice-items';
import { pairIdFields, StateAttribute, stateFields } from './state-items';

export function stateKey(pairId: PairId): Record<typeof PARTITION_KEY | typeof SORT_KEY, string> {
  return { [PARTITION_KEY]: pairPartitionKey(pairId), [SORT_KEY]: STATE_SORT_KEY };
}

/**
 * Sets every state field (removing optional ones the state no longer has; for a pair without a serving
 * state, `state` undefined, only its id), sets the watch if one is given, bumps the revision and puts
 * `entries` (history sort key → item body) into the outbox map, if the revision is still
 * `expectedRevision` (if there is no state item yet, for undefined). Throws StaleStateError otherwise,
 * having changed nothing. Returns the state item as written.
 * `claimToken`, when the entries carry one (born claimed), recognizes this commit once more if its answer
 * was lost and the SDK's retry of it was refused: the outbox then holds entries with this very token, so
 * the commit did happen, and the state item as it now stands is returned instead of a StaleStateError.
 */
export async function commitState(
  table: Table,
  pairId: PairId,
  state: PairState | undefined,
  watch: PairWatch | undefined,
  expectedRevision: number | undefined,
  entries: ReadonlyMap<string, Item>,
  action: string,
  claimToken?: string,
): Promise<Item> {
  const fields: Record<string, unknown> = {
    ...(state === undefined ? pairIdFields(pairId) : stateFields(state)),
    ...(watch === undefined ? {} : { [StateAttribute.WATCH]: watchMap(watch) }),
    [StateAttribute.REVISION]: (expectedRevision ?? 0) + 1,
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const removed: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    names[`#${field}`] = field;
    if (value === undefined) removed.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
  }
  if (expectedRevision === undefined) {
    // The first write creates the map (empty if nothing is recorded); later writes add entries into it.
    names['#outbox'] = StateAttribute.OUTBOX;
    values[':outbox'] = Object.fromEntries(entries);
    set.push('#outbox = :outbox');
  } else if (entries.size > 0) {
    names['#outbox'] = StateAttribute.OUTBOX;
    [...entries].forEach(([sortKey, body], index) => {
      names[`#o${index}`] = sortKey;
      values[`:o${index}`] = body;
      // A notice key already waiting in the outbox keeps what it was first committed with.
      set.push(`#outbox.#o${index} = if_not_exists(#outbox.#o${index}, :o${index})`);
    });
  }
  let expression = `SET ${set.join(', ')}`;
  if (removed.length > 0) expression += ` REMOVE ${removed.join(', ')}`;
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
      const own = claimToken !== undefined && mayBeRetried(error) ? await committedWith(table, pairId, claimToken, action) : undefined;
      if (own !== undefined) return own;
      throw new StaleStateError(pairKey(pairId), expectedRevision === undefined ? 'the state already exists' : `revision is no longer ${expectedRevision}`);
    }
    if (isItemTooLarge(error)) {
      // The outbox holds what SNS has not taken yet, and what the next sweep moves to history: it outgrows
      // an item only after a very long SNS outage (or with sweeps not running).
      throw new StoreError(
        `The state of ${pairKey(pairId)} would exceed DynamoDB's 400 KB item size: its outbox holds too many unpublished notifications (or entries no sweep has moved to history). ` +
          'Nothing was recorded; check that the SNS topic accepts messages and that the scheduled sweep runs, and the outbox will drain',
        true,
        { cause: error },
      );
    }
    throw toStoreError(error, action);
  }
}

/**
 * A conditional failure on the SDK's first attempt is another run's commit: this one never reached
 * DynamoDB before. Only after a retry (an earlier attempt that may have been applied, its answer lost)
 * is it worth reading the state to look for this commit's own entries.
 */
function mayBeRetried(error: unknown): boolean {
  const attempts = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts !== 'number' || attempts > 1;
}

/** The state item, if its outbox holds an entry this commit claimed (`claimToken`); otherwise undefined. */
async function committedWith(table: Table, pairId: PairId, claimToken: string, action: string): Promise<Item | undefined> {
  const item = await getItem(table, stateKey(pairId), action);
  const outbox = item?.[StateAttribute.OUTBOX];
  if (typeof outbox !== 'object' || outbox === null) return undefined;
  const own = Object.values(outbox as Record<string, unknown>).some((entry) => (entry as Item | null)?.[TransitionAttribute.CLAIM_TOKEN] === claimToken);
  return own ? item : undefined;
}

function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && /item size/i.test(error.message);
}

/**
 * The shape `record` relies on, checked before anything is written: a change that breaks it would
 * commit a history that contradicts its own state (a gap, another pair's transition, a wrong count).
 */
export function assertCoherentChange(change: StateChange): PairId {
  const pairId = change.pairId ?? change.next?.pairId;
  if (pairId === undefined) throw new StoreError('Refusing to record a change that names no pair: give its pairId or the state to store', false);
  const key = pairKey(pairId);
  const problem = findProblem(change, key);
  if (problem !== undefined) throw new StoreError(`Refusing to record an incoherent change of ${key}: ${problem}`, false);
  return pairId;
}

function findProblem(change: StateChange, key: string): string | undefined {
  if (change.expected !== undefined && pairKey(change.expected.pairId) !== key) {
    return `expected state is of ${pairKey(change.expected.pairId)}`;
  }
  if (change.next === undefined) {
    if (change.expected !== undefined) return 'the pair has a state, and the change would write none';
    return change.transitions.length > 0 ? 'transitions cannot be recorded without the state they lead to' : undefined;
  }
  if (pairKey(change.next.pairId) !== key) return `next state is of ${pairKey(change.next.pairId)}`;
  const previous = change.expected?.sequence ?? 0;
  for (const [index, transition] of change.transitions.entries()) {
    const wanted = previous + 1 + index;
    if (transition.sequence !== wanted) return `transition ${transition.id} has sequence ${transition.sequence}, expected ${wanted}`;
    if (pairKey(transition.pairId) !== key || pairKey(transition.stateAfter.pairId) !== key) return `transition ${transition.id} is of another pair`;
    if (transition.stateAfter.sequence !== transition.sequence) {
      return `transition ${transition.id} has stateAfter.sequence ${transition.stateAfter.sequence}, expected ${transition.sequence}`;
    }
  }
  const last = previous + change.transitions.length;
  if (change.next.sequence !== last) return `next state has sequence ${change.next.sequence}, expected ${last}`;
  return undefined;
}
