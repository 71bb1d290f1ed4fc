/**
 * What Failwatch costs in DynamoDB requests. Each sweep reads the CLI silences with one Query and the
 * states with one BatchGetItem per 100 pairs (the outbox rides in the state item: no extra read); a
 * steady sweep writes nothing. A transition or a notice costs one commit of the state, the history
 * item, then claim, mark published and leave the outbox.
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

  async function sweep(minute: number, healthy: boolean): Promise<{ silenceQueries: number; writes: string[] }> {
    requests.length = 0;
    await sweepAt(harness, account, minute, healthy);
    const silenceQueries = requests.filter((r) => r.commandName === 'QueryCommand' && JSON.stringify(r.input).includes('{"S":"SILENCE"}')).length;
    const writes = requests.filter((r) => WRITES.has(r.commandName)).map((r) => `${r.commandName} ${sortKeyOf(r)}`);
    return { silenceQueries, writes };
  }

  it('first sweep: one Query for the silences; the state is created', async () => {
    expect(await sweep(0, true)).toEqual({ silenceQueries: 1, writes: ['UpdateItemCommand STATE'] });
  });

  it('a steady sweep: one Query for the silences, and no write at all', async () => {
    expect(await sweep(1, true)).toEqual({ silenceQueries: 1, writes: [] });
  });

  it('a failover: the commit (state with the transition in its outbox), the history item, then claim, mark published and leave the outbox', async () => {
    expect((await sweep(2, false)).writes).toEqual([
      'UpdateItemCommand STATE',
      'PutItemCommand T#0000000001',
      'UpdateItemCommand T#0000000001',
      'UpdateItemCommand T#0000000001',
      'UpdateItemCommand STATE',
    ]);
  });

  it('a reminder costs what a transition costs: the commit, the notice item, and the same three publishing updates', async () => {
    const reminderKey = `N#REMINDER#${new Date(Date.UTC(2026, 10, 25, 8, 2)).toISOString()}#1`;
    expect((await sweep(2 + 240, false)).writes).toEqual([
      'UpdateItemCommand STATE',
      `PutItemCommand ${reminderKey}`,
      `UpdateItemCommand ${reminderKey}`,
      `UpdateItemCommand ${reminderKey}`,
      'UpdateItemCommand STATE',
    ]);
  });
});

describe('every DynamoDB call of the performance targets', () => {
  it('a steady sweep over 250 pairs: one Query and three BatchGetItem (≤ 2 + ceil(250/100)), no write', async () => {
    const { account } = generatedAccount({ healthChecks: 500 });
    const harness = await startHarness(account);
    try {
      await harness.poll(loadEvent('scheduled.json'));
      const requests = recordRequests(harness.clients.dynamo);
      harness.clock.set(new Date(Date.parse('2026-11-25T08:01:00Z')));

      const run = await harness.poll(loadEvent('scheduled.json'));

      expect(run).toMatchObject({ pairsInScope: 250, transitionsRecorded: 0, unfinishedPairs: [] });
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE', 'BatchGetItemCommand STATE', 'BatchGetItemCommand STATE', 'QueryCommand SILENCE']);
      expect(requests.length).toBeLessThanOrEqual(2 + Math.ceil(250 / 100));
    } finally {
      await harness.stop();
    }
  });

  it('an alarm event that records one FAILOVER and publishes it: two reads, then five writes', async () => {
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
        'QueryCommand SILENCE',
        'UpdateItemCommand STATE',
        'PutItemCommand T#0000000001',
        'UpdateItemCommand T#0000000001',
        'UpdateItemCommand T#0000000001',
        'UpdateItemCommand STATE',
      ]);
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
