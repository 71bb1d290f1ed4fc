/**
 * The poll function keeps each pair's definition in the table, and it costs a steady sweep nothing:
 * definitions are hashed and compared only when discovery lists Route 53 afresh, read only for pairs
 * the container knows nothing about, and written only when they changed.
 * A simulated account of 120 pairs over 3 zones and dynalite, every DynamoDB request recorded.
 */
import type { PollResult } from '../../handlers/poll';
import { pairKey } from '../../lib/domain/model';
import { pollContainer as containerOf } from '../support/containers';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

interface Request {
  readonly command: string;
  /** Sort keys of what a batch reads or writes. */
  readonly sortKeys: readonly string[];
  /** Partition keys of what a BatchWriteItem puts or deletes. */
  readonly written: readonly string[];
}

type BatchInput = {
  RequestItems?: Record<string, { pk?: { S?: string }; sk?: { S?: string } }[] | { Keys?: { sk?: { S?: string } }[] }>;
};
type WriteRequest = { PutRequest?: { Item: { pk?: { S?: string }; sk?: { S?: string } } }; DeleteRequest?: { Key: { pk?: { S?: string }; sk?: { S?: string } } } };

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;
const requests: Request[] = [];
const PAIRS = 120;

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 2 * PAIRS, pairsPerZone: 40 }));
  harness = await startHarness(account, { environment: { FAILWATCH_MANAGE_ALARMS: 'false' } });
  harness.clients.dynamo.middlewareStack.add(
    (next, context) => (args) => {
      const tables = Object.values((args.input as BatchInput).RequestItems ?? {});
      const writes = tables.flatMap((table) => (Array.isArray(table) ? (table as WriteRequest[]) : []));
      const reads = tables.flatMap((table) => (Array.isArray(table) ? [] : (table.Keys ?? [])));
      const keyOf = (request: WriteRequest) => request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      requests.push({
        command: String(context.commandName).replace(/Command$/, ''),
        sortKeys: [...new Set([...reads.map((key) => key.sk?.S ?? '?'), ...writes.map((request) => keyOf(request)?.sk?.S ?? '?')])],
        written: writes.map((request) => `${request.DeleteRequest ? 'delete ' : ''}${keyOf(request)?.pk?.S ?? '?'}`),
      });
      return next(args);
    },
    { step: 'serialize', name: 'pairDefinitionsSyncRequests' },
  );
});

afterAll(() => harness.stop());

/** A poll container: its own deps, so its own discovery cache and its own memory of what is stored. */
const pollContainer = () => containerOf(harness);

async function sweep(poll: (event: unknown) => Promise<PollResult>): Promise<{ result: PollResult; calls: Request[] }> {
  requests.length = 0;
  const result = await poll(loadEvent('scheduled.json'));
  return { result, calls: [...requests] };
}

const partitionOf = (pair: GeneratedPair) => `PAIR#${pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type })}`;
const touchesDefinitions = (request: Request) => request.sortKeys.includes('DEFINITION');
const WRITE_COMMANDS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

describe('pair definitions, kept by the poll function', () => {
  let poll: (event: unknown) => Promise<PollResult>;
  beforeAll(() => {
    poll = pollContainer();
  });

  it('the first sweep of a cold container reads what is stored (nothing) and writes every definition, 25 a BatchWriteItem', async () => {
    const { result, calls } = await sweep(poll);
    // And the listing's pair keys (one chunk) under a new head, so a new container starts from this listing.
    expect(result.definitions).toEqual({ status: 'SYNCED', read: PAIRS, written: PAIRS, deleted: 0, listingWrites: 2 });
    const definitionCalls = calls.filter(touchesDefinitions);
    expect(definitionCalls.filter((c) => c.command === 'BatchGetItem')).toHaveLength(Math.ceil(PAIRS / 100));
    expect(definitionCalls.filter((c) => c.command === 'BatchWriteItem').map((c) => c.written.length).sort((a, b) => b - a)).toEqual([25, 25, 25, 25, 20]);
    expect(new Set(definitionCalls.flatMap((c) => c.written))).toEqual(new Set(pairs.map(partitionOf)));
  });

  it('a steady sweep (discovery cached): not one definition read or write; ≤ 2 + ⌈pairs/100⌉ calls, no write at all', async () => {
    harness.clock.advanceSeconds(300);
    const { result, calls } = await sweep(poll);
    expect(result.definitions).toEqual({ status: 'NOT_DUE', read: 0, written: 0, deleted: 0 });
    expect(calls.filter(touchesDefinitions)).toEqual([]);
    expect(calls.map((c) => c.command)).toEqual(Array.from({ length: Math.ceil(PAIRS / 100) }, () => 'BatchGetItem'));
    expect(calls.length).toBeLessThanOrEqual(2 + Math.ceil(PAIRS / 100));
  });

  it('discovery lists again with one record and one health check changed: every stored definition is read again (another container may have written), only those two are written', async () => {
    const [recordChanged, checkChanged] = [pairs[5]!, pairs[77]!];
    const zone = account.zones.find((z) => z.id === recordChanged.zoneId)!;
    const secondary = zone.records.find((record) => record.Name === recordChanged.name && record.Failover === 'SECONDARY')!;
    secondary.ResourceRecords = [{ Value: '10.99.0.5' }];
    const check = account.checks.get(checkChanged.secondaryCheckId)!;
    check.definition.HealthCheckConfig = { ...check.definition.HealthCheckConfig!, Port: 8443 };
    // Past FAILWATCH_DISCOVERY_MAX_AGE_MINUTES (15): this sweep lists Route 53 again.
    harness.clock.advanceSeconds(16 * 60);

    const { result, calls } = await sweep(poll);

    expect(result.definitions).toEqual({ status: 'SYNCED', read: PAIRS, written: 2, deleted: 0 });
    const writes = calls.filter(touchesDefinitions).filter((c) => c.command === 'BatchWriteItem');
    expect(writes.map((c) => [...c.written].sort())).toEqual([[partitionOf(recordChanged), partitionOf(checkChanged)].sort()]);
  });

  it('a check disabled and inverted with discovery still cached: the next sweep reads and writes that pair\'s definition alone, so the alarm function judges from it', async () => {
    const maintained = pairs[33]!;
    account.updateHealthCheck(maintained.primaryCheckId, { Disabled: true, Inverted: true });
    harness.clock.advanceSeconds(60);

    const { result, calls } = await sweep(poll);

    expect(result.definitions).toEqual({ status: 'SYNCED', read: 1, written: 1, deleted: 0 });
    const definitionCalls = calls.filter(touchesDefinitions);
    expect(definitionCalls.map((c) => [c.command, c.command === 'BatchWriteItem' ? c.written : c.sortKeys])).toEqual([
      ['BatchGetItem', ['DEFINITION']],
      ['BatchWriteItem', [partitionOf(maintained)]],
    ]);
    const stored = (await harness.deps.definitions!.loadDefinitions([{ zoneId: maintained.zoneId, name: maintained.name, type: maintained.type }])).values().next().value;
    expect(stored?.healthChecks.find((check) => check.id === maintained.primaryCheckId)).toMatchObject({ disabled: true, inverted: true });
    // And the sweep itself saw it at once: the pair failed over.
    expect(result.changes).toEqual([{ pair: pairKey({ zoneId: maintained.zoneId, name: maintained.name, type: maintained.type }), recorded: ['FAILOVER'], notices: [], dns: 'AGREES' }]);

    harness.clock.advanceSeconds(60);
    const steady = await sweep(poll);
    expect(steady.result.definitions).toEqual({ status: 'NOT_DUE', read: 0, written: 0, deleted: 0 });
    expect(steady.calls.filter(touchesDefinitions)).toEqual([]);
  });

  it('a pair gone from Route 53: its definition is deleted', async () => {
    const gone = pairs[119]!;
    const zone = account.zones.find((z) => z.id === gone.zoneId)!;
    zone.records.splice(0, zone.records.length, ...zone.records.filter((record) => record.Name !== gone.name));
    harness.clock.advanceSeconds(16 * 60);

    const { result, calls } = await sweep(poll);

    // The stored listing's pair keys change too: the new chunk, the head, the old chunk deleted.
    expect(result.definitions).toEqual({ status: 'SYNCED', read: PAIRS - 1, written: 0, deleted: 1, listingWrites: 3 });
    const writes = calls.filter(touchesDefinitions).filter((c) => c.command === 'BatchWriteItem');
    expect(writes.map((c) => c.written)).toEqual([[`delete ${partitionOf(gone)}`]]);
  });

  it('a cold poll container with every definition already stored reads them (100 a BatchGetItem) and writes none', async () => {
    harness.clock.advanceSeconds(60);
    const { result, calls } = await sweep(pollContainer());
    expect(result.definitions).toEqual({ status: 'SYNCED', read: PAIRS - 1, written: 0, deleted: 0 });
    expect(calls.filter(touchesDefinitions).map((c) => c.command)).toEqual(Array.from({ length: Math.ceil((PAIRS - 1) / 100) }, () => 'BatchGetItem'));
    expect(calls.filter((c) => WRITE_COMMANDS.includes(c.command))).toEqual([]);
  });
});
