/** DynamoStoredPairCatalog on dynalite: every pair's state (outbox included) and definition in one Scan; damaged items reported, history and silences left out. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPairDefinitionWriter } from '../../lib/aws/dynamodb/pair-definition-writer';
import { DynamoSilenceStore } from '../../lib/aws/dynamodb/silences';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { DynamoStoredPairCatalog } from '../../lib/aws/dynamodb/stored-pairs';
import { pairKey } from '../../lib/domain/model';
import { definePair } from '../../lib/domain/pair-definition';
import { StoreError } from '../../lib/errors';
import { PublishStatus } from '../../lib/ports';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { firstState, freshPairId, nextTransition, T0 } from './dynamo-state-store-fixtures';

let db: LocalDynamo;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynalite();
  client = createTestDocumentClient(db.endpoint);
});
afterAll(async () => {
  client.destroy();
  await db.stop();
});

describe('DynamoStoredPairCatalog', () => {
  it('lists each stored definition and state, the outbox with its pending transition included, and nothing else of the table', async () => {
    const tableName = await createTestTable(db.endpoint);
    const pair = aPair({ primary: { name: 'shop.example.com.', healthCheckId: 'hc-shop' } });
    const definition = definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: 'hc-shop' })));
    await new DynamoPairDefinitionWriter({ client, tableName }).writeDefinitions({ put: [definition], remove: [] });
    const store = new DynamoStateStore({ client, tableName, historyDays: 0 });
    const pairId = freshPairId();
    const first = firstState(pairId);
    await store.record({ expected: undefined, next: first, transitions: [], expectedRevision: undefined });
    const { transition, next } = nextTransition(first, '2026-11-25T09:05:00.000Z');
    await store.record({ expected: first, next, transitions: [transition], expectedRevision: 1 });
    // A published transition moved to history, and the CLI's silences: items the catalog is not about.
    const other = firstState(freshPairId(), T0);
    await store.record({ expected: undefined, next: other, transitions: [], expectedRevision: undefined });
    const moved = nextTransition(other, '2026-11-25T09:06:00.000Z');
    await store.record({ expected: other, next: moved.next, transitions: [moved.transition], expectedRevision: 1 });
    await store.markPublished(other.pairId, 1, 'sns-1', new Date('2026-11-25T09:06:01Z'));
    await store.materialize(other.pairId, (await store.loadStateConsistent(other.pairId))?.outbox ?? []);
    await new DynamoSilenceStore({ client, tableName }).addSilence({ id: 's-1', record: '*', until: '2026-12-01T00:00:00.000Z', reason: 'drill' }, new Date(T0));

    const stored = await new DynamoStoredPairCatalog({ client, tableName }).listStoredPairs();

    expect(stored.definitions).toEqual([definition]);
    expect(stored.unreadable).toEqual([]);
    const byKey = new Map(stored.states.map((state) => [pairKey(state.pairId), state]));
    expect([...byKey.keys()].sort()).toEqual([pairKey(pairId), pairKey(other.pairId)].sort());
    const outbox = byKey.get(pairKey(pairId))?.outbox ?? [];
    expect(outbox.map((entry) => (entry.kind === 'TRANSITION' ? [entry.transition.id, entry.transition.publishStatus, entry.transition.observedAt] : entry.kind))).toEqual([
      [transition.id, PublishStatus.PENDING, '2026-11-25T09:05:00.000Z'],
    ]);
    expect(byKey.get(pairKey(other.pairId))?.outbox).toBeUndefined();
  });

  it('reports a damaged state and a definition stored under another pair instead of failing or trusting them', async () => {
    const tableName = await createTestTable(db.endpoint);
    const pair = aPair({ primary: { name: 'copied.example.com.', healthCheckId: 'hc-copied' } });
    const definition = definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: 'hc-copied' })));
    await new DynamoPairDefinitionWriter({ client, tableName }).writeDefinitions({ put: [definition], remove: [] });
    const original = await client.send(new GetCommand({ TableName: tableName, Key: { pk: `PAIR#${pairKey(pair.id)}`, sk: 'DEFINITION' } }));
    await client.send(new PutCommand({ TableName: tableName, Item: { ...original.Item, pk: 'PAIR#Z9|elsewhere.example.com.|A' } }));
    await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'PAIR#Z1|broken.example.com.|A', sk: 'STATE', zoneId: 'Z1', name: 'broken.example.com.', type: 'A', serving: 'SIDEWAYS', revision: 1 } }));

    const listed = await new DynamoStoredPairCatalog({ client, tableName }).listStoredPairs();

    expect(listed.definitions).toEqual([definition]);
    expect(listed.states).toEqual([]);
    expect(listed.unreadable).toEqual(
      expect.arrayContaining([
        { item: 'PAIR#Z9|elsewhere.example.com.|A DEFINITION', problem: `holds the definition of another pair (${pairKey(pair.id)})` },
        { item: 'PAIR#Z1|broken.example.com.|A STATE', problem: expect.stringContaining('serving = "SIDEWAYS"') },
      ]),
    );
    expect(listed.unreadable).toHaveLength(2);
  });

  it('a table that does not exist is a StoreError naming the table', async () => {
    const failure = new DynamoStoredPairCatalog({ client, tableName: 'failwatch-nowhere-history' }).listStoredPairs();
    await expect(failure).rejects.toBeInstanceOf(StoreError);
    await expect(failure).rejects.toMatchObject({
      message: 'Table failwatch-nowhere-history does not exist in this account and region: check the stage and the region (a stage keeps its pairs in failwatch-<stage>-history)',
      retryable: false,
    });
  });
});
