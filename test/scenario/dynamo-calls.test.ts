/**
 * What Failwatch costs in DynamoDB requests. Each sweep reads the states with one BatchGetItem per 100
 * pairs, and the CLI silences (one item) ride in the same requests; the outbox rides in the state item:
 * no extra read. A steady sweep writes nothing. A transition or a notice costs one commit of the state,
 * the history item (written already claimed by the run that recorded it: no claim call), then mark
 * published and leave the outbox. Fewer is out of reach without transactions: the commit and the
 * history item are two items, and so are the published mark and the state's outbox.
 */
import { loadEvent, startHarness, type Harness } from '../support/harness';
import { sweepAt } from '../support/notice-scenario';
import { REFERENCE, generatedAccount, referenceAccount, type SimulatedAws } from '../support/simulated-aws';
import { recordRequests, type WireRequest } from '../aws/dynamo-state-store-fixtures';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

describe('DynamoDB requests per sweep', () => {
  let account: SimulatedAws;
  let harness: Harness;
  let requests: WireRequest[];

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    requests = recordRequests(harness.clients.dynamo);
  });

  afterAll(() => harness.stop());

  async function sweep(minute: number, healthy: boolean): Promise<{ reads: string[]; writes: string[] }> {
    requests.length = 0;
    await sweepAt(harness, account, minute, healthy);
    // The sweep's own reads: batches, and any read of the silences (sweepAt's history reads are left out).
    const reads = requests
      .filter((r) => r.commandName === 'BatchGetItemCommand' || (!WRITES.has(r.commandName) && JSON.stringify(r.input).includes('{"S":"SILENCE"}')))
      .map((r) => `${r.commandName} ${keysOf(r).join(' ')}`.trim());
    const writes = requests.filter((r) => WRITES.has(r.commandName)).map((r) => `${r.commandName} ${sortKeyOf(r)}`);
    return { reads, writes };
  }

  it('first sweep: one BatchGetItem reads the state and the silences together; the state is created', async () => {
    expect(await sweep(0, true)).toEqual({ reads: [`BatchGetItemCommand ${PAIR_STATE} ${SILENCES}`], writes: ['UpdateItemCommand STATE'] });
  });

  it('a steady sweep: one BatchGetItem (state and silences), and no write at all', async () => {
    expect(await sweep(1, true)).toEqual({ reads: [`BatchGetItemCommand ${PAIR_STATE} ${SILENCES}`], writes: [] });
  });

  it('a failover: the commit (state with the transition in its outbox), the history item born claimed, then mark published and leave the outbox', async () => {
    expect(await sweep(2, false)).toEqual({
      reads: [`BatchGetItemCommand ${PAIR_STATE} ${SILENCES}`],
      writes: ['UpdateItemCommand STATE', 'PutItemCommand T#0000000001', 'UpdateItemCommand T#0000000001', 'UpdateItemCommand STATE'],
    });
    const put = requests.find((r) => r.commandName === 'PutItemCommand');
    expect((put?.input['Item'] as Record<string, { S?: string }>)['claimUntil']?.S).toBe(new Date(Date.UTC(2026, 10, 25, 8, 3)).toISOString());
  });

  it('a reminder costs what a transition costs: the commit, the notice item born claimed, and the same two publishing updates', async () => {
    const reminderKey = `N#REMINDER#${new Date(Date.UTC(2026, 10, 25, 8, 2)).toISOString()}#1`;
    expect((await sweep(2 + 240, false)).writes).toEqual([
      'UpdateItemCommand STATE',
      `PutItemCommand ${reminderKey}`,
      `UpdateItemCommand ${reminderKey}`,
      'UpdateItemCommand STATE',
    ]);
  });
});

describe('every DynamoDB call of the performance targets', () => {
  it('a steady sweep over 250 pairs: three BatchGetItem, the silences riding in one of them (≤ 4, and ≤ 2 + ceil(250/100)), no write', async () => {
    const { account } = generatedAccount({ healthChecks: 500 });
    const harness = await startHarness(account);
    try {
      await harness.poll(loadEvent('scheduled.json'));
      const requests = recordRequests(harness.clients.dynamo);
      harness.clock.set(new Date(Date.parse('2026-11-25T08:01:00Z')));

      const run = await harness.poll(loadEvent('scheduled.json'));

      expect(run).toMatchObject({ pairsInScope: 250, transitionsRecorded: 0, unfinishedPairs: [] });
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE', 'BatchGetItemCommand STATE', 'BatchGetItemCommand STATE']);
      expect(requests.flatMap(keysOf).filter((key) => key === SILENCES)).toEqual([SILENCES]);
      expect(requests.flatMap(keysOf)).toHaveLength(251);
      expect(requests.length).toBeLessThanOrEqual(4);
      expect(requests.length).toBeLessThanOrEqual(2 + Math.ceil(250 / 100));
    } finally {
      await harness.stop();
    }
  });

  it('an alarm event that records one FAILOVER and publishes it: five calls, one read (states and silences) and four writes', async () => {
    const account = referenceAccount();
    const harness = await startHarness(account);
    try {
      await sweepAt(harness, account, 0, true);
      // events/alarm-alarm.json is about the reference primary's check.
      account.setHealthy(REFERENCE.primaryCheckId, false);
      harness.clock.set(new Date(Date.parse('2026-11-25T08:11:41Z')));
      const requests = recordRequests(harness.clients.dynamo);

      const run = await harness.alarm(loadEvent('alarm-alarm.json'));

      expect(run).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1 });
      expect(callsOf(requests)).toEqual([
        'BatchGetItemCommand STATE',
        'UpdateItemCommand STATE',
        'PutItemCommand T#0000000001',
        'UpdateItemCommand T#0000000001',
        'UpdateItemCommand STATE',
      ]);
      expect(keysOf(requests[0]!)).toEqual([PAIR_STATE, SILENCES]);
      expect(requests).toHaveLength(5);
    } finally {
      await harness.stop();
    }
  });
});

/** Reads first (they run side by side, so their order is not fixed), then writes in the order sent. */
function callsOf(requests: readonly WireRequest[]): string[] {
  const named = requests.map((r) => ({ write: WRITES.has(r.commandName), call: `${r.commandName} ${sortKeyOf(r)}` }));
  return [...named.filter((n) => !n.write).map((n) => n.call).sort(), ...named.filter((n) => n.write).map((n) => n.call)];
}

const PAIR_STATE = `PAIR#${REFERENCE.zoneId}|${REFERENCE.recordName}|A/STATE`;
const SILENCES = 'SILENCE/ALL';

/** Every `pk/sk` a BatchGetItem asks for, in order. */
function keysOf(request: WireRequest): string[] {
  const items = request.input['RequestItems'] as Record<string, { Keys?: { pk?: { S?: string }; sk?: { S?: string } }[] }> | undefined;
  return Object.values(items ?? {}).flatMap((table) => (table.Keys ?? []).map((key) => `${key.pk?.S}/${key.sk?.S}`));
}

function sortKeyOf(request: WireRequest): string {
  const input = request.input as {
    Key?: { sk?: { S?: string } };
    Item?: { sk?: { S?: string } };
    RequestItems?: Record<string, { Keys?: { sk?: { S?: string } }[] }>;
    ExpressionAttributeValues?: Record<string, { S?: string }>;
  };
  const batchKey = Object.values(input.RequestItems ?? {})[0]?.Keys?.[0]?.sk?.S;
  const queried = input.ExpressionAttributeValues?.[':pk']?.S;
  return input.Key?.sk?.S ?? input.Item?.sk?.S ?? batchKey ?? queried ?? '?';
}
