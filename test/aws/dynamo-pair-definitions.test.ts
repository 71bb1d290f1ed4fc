/** Pair definitions in the table (partition of the pair, sort key DEFINITION), on dynalite; BatchWriteItem's unprocessed items with a mocked client. */
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoBatchReader } from '../../lib/aws/dynamodb/reads';
import { DynamoPairDefinitionWriter } from '../../lib/aws/dynamodb/pair-definition-writer';
import { DynamoPairDefinitionStore } from '../../lib/aws/dynamodb/pair-definitions';
import { DynamoSilenceStore } from '../../lib/aws/dynamodb/silences';
import { createDynamoDocumentClient } from '../../lib/aws/dynamodb/table';
import { pairKey, type PairId } from '../../lib/domain/model';
import { definePair, type PairDefinition } from '../../lib/domain/pair-definition';
import { StoreError } from '../../lib/errors';
import { encodePairDefinition, hashPairDefinition } from '../../lib/pair-definition-codec';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';

let db: LocalDynamo;
let tableName: string;
let client: DynamoDBDocumentClient;
const commands: string[] = [];

beforeAll(async () => {
  db = await startDynalite();
  tableName = await createTestTable(db.endpoint);
  client = createTestDocumentClient(db.endpoint);
  client.middlewareStack.add((next, context) => (args) => (commands.push(String(context.commandName)), next(args)), { step: 'initialize', name: 'countCommands' });
});
afterAll(async () => {
  client.destroy();
  await db.stop();
});
beforeEach(() => (commands.length = 0));

function definitionOf(index: number): PairDefinition {
  const pair = aPair({ primary: { name: `app${index}.example.com.`, healthCheckId: `hc-${index}` } });
  return definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: `hc-${index}` })));
}
const idOf = (definition: PairDefinition): PairId => definition.pair.id;
const keyOf = (definition: PairDefinition) => ({ pk: `PAIR#${pairKey(idOf(definition))}`, sk: 'DEFINITION' });

describe('DynamoPairDefinitionWriter and DynamoPairDefinitionStore', () => {
  const writer = () => new DynamoPairDefinitionWriter({ client, tableName });
  const store = () => new DynamoPairDefinitionStore({ client, tableName });

  it('writes 25 a BatchWriteItem, and reads back each definition and its hash, 100 a BatchGetItem', async () => {
    const definitions = Array.from({ length: 60 }, (_, i) => definitionOf(i));
    await writer().writeDefinitions({ put: definitions, remove: [] });
    expect(commands).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand']);

    commands.length = 0;
    const loaded = await store().loadDefinitions([...definitions.map(idOf), aPair({ primary: { name: 'never.example.com.' } }).id]);
    expect(commands).toEqual(['BatchGetItemCommand']);
    expect(loaded.size).toBe(60);
    expect(loaded.get(pairKey(idOf(definitions[7]!)))).toEqual(definitions[7]);
    const hashes = await store().loadDefinitionHashes(definitions.slice(0, 2).map(idOf));
    expect(hashes).toEqual(new Map(definitions.slice(0, 2).map((d) => [pairKey(idOf(d)), hashPairDefinition(encodePairDefinition(d))])));
  });

  it('the item: format, hash and the canonical JSON, in the pair\'s own partition', async () => {
    const definition = definitionOf(100);
    await writer().writeDefinitions({ put: [definition], remove: [] });
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(definition) }));
    const encoded = encodePairDefinition(definition);
    expect(Item).toEqual({ ...keyOf(definition), format: 1, hash: hashPairDefinition(encoded), definition: encoded });
    // A generated account's pair (two records, two HTTPS checks) takes well under a kilobyte: half a read unit.
    expect(JSON.stringify(Item).length).toBeLessThan(1024);
  });

  it.each([
    ['a hash that does not match the content (damaged)', (item: Record<string, unknown>) => ({ ...item, definition: String(item['definition']).replace('10.0.0.1', '10.6.6.6') })],
    ['another format', (item: Record<string, unknown>) => ({ ...item, format: 2 })],
    ['no definition at all', (item: Record<string, unknown>) => ({ pk: item['pk'], sk: item['sk'], format: 1, hash: item['hash'] })],
  ])('%s: absent for the alarm (it falls back) and for the sweep (it rewrites it)', async (_, damage) => {
    const definition = definitionOf(200);
    await writer().writeDefinitions({ put: [definition], remove: [] });
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(definition) }));
    await client.send(new PutCommand({ TableName: tableName, Item: damage(Item!) }));
    expect(await store().loadDefinitions([idOf(definition)])).toEqual(new Map());
    expect(await store().loadDefinitionHashes([idOf(definition)])).toEqual(new Map());
  });

  it('a definition stored under another pair\'s key is not that pair\'s definition', async () => {
    const [mine, other] = [definitionOf(300), definitionOf(301)];
    const encoded = encodePairDefinition(other);
    await client.send(new PutCommand({ TableName: tableName, Item: { ...keyOf(mine), format: 1, hash: hashPairDefinition(encoded), definition: encoded } }));
    expect(await store().loadDefinitions([idOf(mine)])).toEqual(new Map());
  });

  it('removes definitions (BatchWriteItem deletes)', async () => {
    const definition = definitionOf(400);
    await writer().writeDefinitions({ put: [definition], remove: [] });
    await writer().writeDefinitions({ put: [], remove: [idOf(definition)] });
    expect(await store().loadDefinitions([idOf(definition)])).toEqual(new Map());
  });

  it('read with a shared reader in the same turn: definitions, states and silences go out in ONE BatchGetItem', async () => {
    const reader = new DynamoBatchReader({ client, tableName });
    const definitions = new DynamoPairDefinitionStore({ client, tableName, reader });
    const silences = new DynamoSilenceStore({ client, tableName, reader });
    const definition = definitionOf(500);
    await writer().writeDefinitions({ put: [definition], remove: [] });
    commands.length = 0;
    const [loaded] = await Promise.all([definitions.loadDefinitions([idOf(definition)]), silences.listSilences(new Date('2026-11-25T10:00:00Z')), reader.read([{ pk: `PAIR#${pairKey(idOf(definition))}`, sk: 'STATE' }], 'reading pair states')]);
    expect(commands).toEqual(['BatchGetItemCommand']);
    expect(loaded.size).toBe(1);
  });
});

describe('BatchWriteItem leaves items unprocessed', () => {
  const documents = createDynamoDocumentClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 3, backoffBaseMs: 0 });
  const mock = mockClient(documents);
  afterAll(() => mock.restore());
  beforeEach(() => mock.reset());

  it('the unprocessed ones are sent again, as the client\'s retry strategy allows', async () => {
    const definitions = [definitionOf(1), definitionOf(2), definitionOf(3)];
    let calls = 0;
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      calls++;
      const requests = input.RequestItems[tableName] ?? [];
      return { UnprocessedItems: calls === 1 ? { [tableName]: requests.slice(1) } : {} };
    });
    await new DynamoPairDefinitionWriter({ client: documents, tableName }).writeDefinitions({ put: definitions, remove: [] });
    const sent = mock.commandCalls(BatchWriteCommand).map((call) => (call.args[0].input.RequestItems?.[tableName] ?? []).length);
    expect(sent).toEqual([3, 2]);
  });

  it('still unprocessed once the strategy gives up (3 attempts): a retryable StoreError, for the next sweep', async () => {
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { [tableName]: input.RequestItems[tableName] } }));
    const error = await new DynamoPairDefinitionWriter({ client: documents, tableName }).writeDefinitions({ put: [definitionOf(1)], remove: [] }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/1 of 1 writes unprocessed .* after 3 attempts/) });
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });
});
