/**
 * SilenceStore on the Failwatch table: every silence set from the CLI in ONE item (partition `SILENCE`,
 * sort key `ALL`), a map of silence id → silence. A sweep reads it in the same BatchGetItem as the pair
 * states (through the shared DynamoBatchReader): silences cost no request of their own. The CLI writes
 * it read-then-put under the item's revision, so two CLIs at once cannot lose each other's silence;
 * being one item it has no per-silence TTL, so each write prunes the silences ended more than a day ago.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Silence } from '../../domain/silences';
import { StoreError } from '../../errors';
import type { SilenceStore } from '../../ports';
import { DynamoBatchReader, getItem, type Table } from './reads';
import { isConditionalCheckFailed, type Item, map, optionalText, PARTITION_KEY, SILENCE_PARTITION_KEY, SILENCES_SORT_KEY, SORT_KEY, text, toStoreError, whole } from './table';

/** Ended silences stay this long before a write prunes them, so `silences` just after an end is not confusing. */
const KEEP_AFTER_END_MS = 86_400_000;
/** Attempts of a CLI write that another CLI's write keeps overtaking. */
const WRITE_ATTEMPTS = 5;
const SILENCES = 'silences';
const REVISION = 'revision';
const KEY = { [PARTITION_KEY]: SILENCE_PARTITION_KEY, [SORT_KEY]: SILENCES_SORT_KEY };

export class DynamoSilenceStore implements SilenceStore {
  private readonly table: Table;
  private readonly reader: DynamoBatchReader;

  /** `reader`: shared with the DynamoStateStore so a sweep reads the silences with the states. */
  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string; readonly reader?: DynamoBatchReader }) {
    this.table = { client: options.client, tableName: options.tableName };
    this.reader = options.reader ?? new DynamoBatchReader(this.table);
  }

  async listSilences(now: Date): Promise<readonly Silence[]> {
    const [item] = await this.reader.read([KEY], 'reading silences');
    return silencesOf(item).filter((silence) => Date.parse(silence.until) > now.getTime());
  }

  async addSilence(silence: Silence, createdAt: Date): Promise<void> {
    expiry(silence.until);
    await this.update(`adding silence ${silence.id}`, createdAt, (entries) => {
      if (entries[silence.id] !== undefined) throw new StoreError(`A silence with id ${silence.id} already exists; choose another id`, false);
      return { ...entries, [silence.id]: { ...silenceEntry(silence), createdAt: createdAt.toISOString() } };
    });
  }

  async endSilence(id: string, now: Date): Promise<boolean> {
    let ended = false;
    await this.update(`ending silence ${id}`, now, (entries) => {
      const entry = entries[id];
      ended = entry !== undefined && Date.parse(parseSilence(id, entry).until) > now.getTime();
      return ended ? { ...entries, [id]: { ...entry, until: now.toISOString() } } : undefined;
    });
    return ended;
  }

  /**
   * Reads the item (strongly consistent), lets `change` make the new map (undefined: nothing to write),
   * prunes what ended more than a day before `now`, and puts it only if no other write came in between;
   * if one did, starts again from what it wrote.
   */
  private async update(action: string, now: Date, change: (entries: Readonly<Record<string, Item>>) => Record<string, Item> | undefined): Promise<void> {
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      const item = await getItem(this.table, KEY, `reading silences for ${action}`);
      const revision = item === undefined ? undefined : whole(item, REVISION, WHERE);
      const changed = change(entriesOf(item));
      if (changed === undefined) return;
      const kept = Object.fromEntries(Object.entries(changed).filter(([id, entry]) => expiry(parseSilence(id, entry).until) > now.getTime()));
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...KEY, [SILENCES]: kept, [REVISION]: (revision ?? 0) + 1 },
            ...(revision === undefined
              ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } }
              : { ConditionExpression: '#revision = :revision', ExpressionAttributeNames: { '#revision': REVISION }, ExpressionAttributeValues: { ':revision': revision } }),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toStoreError(error, action);
      }
    }
    throw new StoreError(`Could not finish ${action}: other writes of the silences kept coming in between (${WRITE_ATTEMPTS} attempts); try again`, true);
  }
}

const WHERE = `silences item ${SILENCE_PARTITION_KEY} ${SILENCES_SORT_KEY}`;

function entriesOf(item: Item | undefined): Readonly<Record<string, Item>> {
  if (item === undefined) return {};
  const entries = map(item, SILENCES, WHERE);
  for (const [id, entry] of Object.entries(entries)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new StoreError(`The ${WHERE} has silence ${id} = ${JSON.stringify(entry)}, expected a map; fix or delete the item`, false);
  }
  return entries as Record<string, Item>;
}

/** Every silence of the item, ended ones included, by record then id. */
function silencesOf(item: Item | undefined): Silence[] {
  return Object.entries(entriesOf(item))
    .map(([id, entry]) => parseSilence(id, entry))
    .sort((a, b) => a.record.localeCompare(b.record) || a.id.localeCompare(b.id));
}

function silenceEntry(silence: Silence): Item {
  return { record: silence.record, zoneId: silence.zoneId, from: silence.from, until: silence.until, reason: silence.reason };
}

/** When a write may prune the silence: a day after it ends. */
function expiry(until: string): number {
  const ms = Date.parse(until);
  if (Number.isNaN(ms)) throw new StoreError(`A silence must end at an ISO date, got ${JSON.stringify(until)}`, false);
  return ms + KEEP_AFTER_END_MS;
}

function parseSilence(id: string, entry: Item): Silence {
  const where = `${WHERE} silence ${id}`;
  const zoneId = optionalText(entry, 'zoneId', where);
  const from = optionalText(entry, 'from', where);
  return {
    id,
    record: text(entry, 'record', where),
    ...(zoneId === undefined ? {} : { zoneId }),
    ...(from === undefined ? {} : { from }),
    until: text(entry, 'until', where),
    reason: text(entry, 'reason', where),
  };
}
