/** The CLI silences in one item (partition SILENCE, sort key ALL), on dynalite. */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoBatchReader } from '../../lib/aws/dynamodb/reads';
import { DynamoSilenceStore } from '../../lib/aws/dynamodb/silences';
import { StoreError } from '../../lib/errors';
import { startLocalStore, stopLocalStore, type LocalStore } from './dynamo-state-store-fixtures';

let { db, tableName, client } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

const NOW = new Date('2026-11-25T10:00:00.000Z');
const hours = (n: number): string => new Date(NOW.getTime() + n * 3_600_000).toISOString();
async function silenceItems(): Promise<Record<string, Record<string, unknown>>> {
  const { Items } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SILENCE' }, ConsistentRead: true }));
  return Object.fromEntries((Items ?? []).map((item) => [String(item['sk']), item]));
}
const silence = (id: string, until: string) => ({ id, record: 'app.example.com', until, reason: 'drill' });

describe('DynamoSilenceStore', () => {
  afterEach(() => client.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'SILENCE', sk: 'ALL' } })));

  it('keeps every silence in one item, lists those not ended, and refuses an id twice', async () => {
    const store = new DynamoSilenceStore({ client, tableName });
    await store.addSilence(silence('a', hours(2)), NOW);
    await store.addSilence({ ...silence('b', hours(1)), zoneId: 'Z0EXAMPLE12345', from: hours(0.5) }, NOW);

    expect(Object.keys(await silenceItems())).toEqual(['ALL']);
    expect(await store.listSilences(NOW)).toEqual([silence('a', hours(2)), { ...silence('b', hours(1)), zoneId: 'Z0EXAMPLE12345', from: hours(0.5) }]);
    await expect(store.addSilence(silence('a', hours(3)), NOW)).rejects.toThrow(StoreError);
    expect(await store.listSilences(new Date(hours(1.5)))).toEqual([silence('a', hours(2))]);
  });

  it('ends a silence now (false for an unknown or ended one), and prunes silences ended over a day ago on the next write', async () => {
    const store = new DynamoSilenceStore({ client, tableName });
    await store.addSilence(silence('old', hours(1)), NOW);
    expect(await store.endSilence('old', new Date(hours(0.5)))).toBe(true);
    expect(await store.endSilence('old', new Date(hours(0.6)))).toBe(false);
    expect(await store.endSilence('nope', NOW)).toBe(false);
    expect(await store.listSilences(new Date(hours(0.5)))).toEqual([]);

    await store.addSilence(silence('new', hours(30)), new Date(hours(25)));

    expect(Object.keys((await silenceItems())['ALL']?.['silences'] as object)).toEqual(['new']);
  });

  it('two writers at once: both silences are kept (conditional writes on the item revision)', async () => {
    const [one, two] = [new DynamoSilenceStore({ client, tableName }), new DynamoSilenceStore({ client, tableName })];
    await Promise.all([one!.addSilence(silence('x', hours(2)), NOW), two!.addSilence(silence('y', hours(2)), NOW)]);
    expect((await one!.listSilences(NOW)).map((s) => s.id)).toEqual(['x', 'y']);
  });

  it('a damaged silence fails the read with a StoreError (the sweep then goes on with the configured ones)', async () => {
    await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'SILENCE', sk: 'ALL', revision: 1, silences: { x: { record: 'app.example.com' } } } }));
    await expect(new DynamoSilenceStore({ client, tableName }).listSilences(NOW)).rejects.toThrow(StoreError);
  });

  it('reads given one shared reader in the same turn go out in one BatchGetItem', async () => {
    const reader = new DynamoBatchReader({ client, tableName });
    const store = new DynamoSilenceStore({ client, tableName, reader });
    await store.addSilence(silence('a', hours(2)), NOW);
    const sent: string[] = [];
    client.middlewareStack.add((next, context) => (args) => (sent.push(String(context.commandName)), next(args)), { step: 'initialize', name: 'countSilenceReads' });
    try {
      const [silences, other] = await Promise.all([store.listSilences(NOW), reader.read([{ pk: 'PAIR#none', sk: 'STATE' }], 'reading a state')]);
      expect(silences.map((s) => s.id)).toEqual(['a']);
      expect(other).toEqual([]);
      expect(sent).toEqual(['BatchGetItemCommand']);
    } finally {
      client.middlewareStack.remove('countSilenceReads');
    }
  });
});
