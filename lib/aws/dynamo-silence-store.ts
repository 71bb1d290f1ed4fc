/**
 * SilenceStore on the Failwatch table: one item per silence in partition `SILENCE`, sort key
 * `<record or *>#<id>`, removed by TTL a day after it ends. A sweep reads them all with one Query.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Silence } from '../domain/silences';
import { StoreError } from '../errors';
import type { SilenceStore } from '../ports';
import { isConditionalCheckFailed, toStoreError } from './dynamo-errors';
import { optionalText, text, type Item } from './dynamo-fields';
import { queryItems, type Table } from './dynamo-reads';
import { PARTITION_KEY, SILENCE_PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, silenceSortKey } from './dynamo-table';

/** Kept a day after the end, so `silences --all` can still show what just ended. */
const KEEP_AFTER_END_SECONDS = 86_400;

export class DynamoSilenceStore implements SilenceStore {
  private readonly table: Table;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  async listSilences(now: Date): Promise<readonly Silence[]> {
    return (await this.allItems()).map(parseSilenceItem).filter((silence) => Date.parse(silence.until) > now.getTime());
  }

  async addSilence(silence: Silence, createdAt: Date): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...silenceItem(silence), createdAt: createdAt.toISOString() },
          ConditionExpression: `attribute_not_exists(#${PARTITION_KEY})`,
          ExpressionAttributeNames: { [`#${PARTITION_KEY}`]: PARTITION_KEY },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new StoreError(`A silence with id ${silence.id} already exists; choose another id`, false);
      throw toStoreError(error, `adding silence ${silence.id}`);
    }
  }

  async endSilence(id: string, now: Date): Promise<boolean> {
    const item = (await this.allItems()).find((candidate) => candidate['id'] === id);
    if (item === undefined || Date.parse(text(item, 'until', 'silence item')) <= now.getTime()) return false;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { [PARTITION_KEY]: item[PARTITION_KEY], [SORT_KEY]: item[SORT_KEY] },
          UpdateExpression: 'SET #until = :now, #expires = :expires',
          ConditionExpression: `attribute_exists(#${PARTITION_KEY})`,
          ExpressionAttributeNames: { '#until': 'until', '#expires': TTL_ATTRIBUTE, [`#${PARTITION_KEY}`]: PARTITION_KEY },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':expires': expiry(now.toISOString()) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toStoreError(error, `ending silence ${id}`);
    }
  }

  private allItems(): Promise<Item[]> {
    return queryItems(
      this.table,
      { KeyConditionExpression: `#${PARTITION_KEY} = :pk`, ExpressionAttributeValues: { ':pk': SILENCE_PARTITION_KEY } },
      Number.POSITIVE_INFINITY,
      'reading silences',
    );
  }
}

function silenceItem(silence: Silence): Item {
  return {
    [PARTITION_KEY]: SILENCE_PARTITION_KEY,
    [SORT_KEY]: silenceSortKey(silence.record, silence.id),
    id: silence.id,
    record: silence.record,
    zoneId: silence.zoneId,
    from: silence.from,
    until: silence.until,
    reason: silence.reason,
    [TTL_ATTRIBUTE]: expiry(silence.until),
  };
}

function expiry(until: string): number {
  const ms = Date.parse(until);
  if (Number.isNaN(ms)) throw new StoreError(`A silence must end at an ISO date, got ${JSON.stringify(until)}`, false);
  return Math.floor(ms / 1000) + KEEP_AFTER_END_SECONDS;
}

function parseSilenceItem(item: Item): Silence {
  const where = `silence item ${String(item[SORT_KEY])}`;
  const zoneId = optionalText(item, 'zoneId', where);
  const from = optionalText(item, 'from', where);
  return {
    id: text(item, 'id', where),
    record: text(item, 'record', where),
    ...(zoneId === undefined ? {} : { zoneId }),
    ...(from === undefined ? {} : { from }),
    until: text(item, 'until', where),
    reason: text(item, 'reason', where),
  };
}
