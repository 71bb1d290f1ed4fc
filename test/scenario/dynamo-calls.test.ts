/**
 * What the notice machinery costs in DynamoDB requests: each sweep reads the CLI silences with one
 * Query; a steady sweep writes nothing; a notice is written like a transition, only when it is due.
 */
import { startHarness, type Harness } from '../support/harness';
import { sweepAt } from '../support/notice-scenario';
import { referenceAccount, type SimulatedAws } from '../support/simulated-aws';
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

  it('a failover: the transition, the state, then claim, mark published and leave the outbox', async () => {
    expect((await sweep(2, false)).writes).toEqual([
      'PutItemCommand T#0000000001',
      'UpdateItemCommand STATE',
      'UpdateItemCommand T#0000000001',
      'UpdateItemCommand T#0000000001',
      'UpdateItemCommand STATE',
    ]);
  });

  it('a reminder costs what a transition costs: the notice item, the state, and the same three publishing updates', async () => {
    const reminderKey = `N#REMINDER#${new Date(Date.UTC(2026, 10, 25, 8, 2)).toISOString()}#1`;
    expect((await sweep(2 + 240, false)).writes).toEqual([
      `PutItemCommand ${reminderKey}`,
      'UpdateItemCommand STATE',
      `UpdateItemCommand ${reminderKey}`,
      `UpdateItemCommand ${reminderKey}`,
      'UpdateItemCommand STATE',
    ]);
  });
});

function sortKeyOf(request: WireRequest): string {
  const input = request.input as { Key?: { sk?: { S?: string } }; Item?: { sk?: { S?: string } } };
  return input.Key?.sk?.S ?? input.Item?.sk?.S ?? '?';
}
