/**
 * What Failwatch costs in DynamoDB requests, counted at the SDK boundary. Each sweep reads the states with
 * one BatchGetItem per 100 pairs, and the CLI silences (one item) ride in the same requests; the outbox
 * rides in the state item: no extra read. A steady sweep writes nothing. A transition costs the commit of
 * the state (the transition in its outbox, already claimed by the run that records it: no claim call)
 * and the published mark of that outbox entry: with the read, three calls for an alarm, and two more when the
 * changed check's evidence and Route 53's answer are asked for: the claim of the account's GetHealthCheckStatus
 * second (a conditional PutItem, partition `RATE#GetHealthCheckStatus`) and of its TestDNSAnswer window
 * (`RATE#TestDNSAnswer`), which keep concurrent alarms inside those rates. Moving published
 * entries to history items of their own is the next sweep's housekeeping (a Put per entry and one update
 * taking them out of the outbox), once; an alarm run never does it. A notice costs one read more than a
 * transition: before it is sent, history is asked whether its key was recorded before.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { minutesIn } from '../support/notice-scenario';
import { REFERENCE, generatedAccount, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { readOutboxKeys, recordRequests, type WireRequest } from '../aws/dynamo-state-store-fixtures';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const PAIR_ID = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' } as const;

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

  /** Every DynamoDB call of one scheduled sweep at `minute`, reads first (sorted), then writes in the order sent. */
  async function sweep(minute: number, healthy: boolean): Promise<string[]> {
    account.setHealthy(REFERENCE.primaryCheckId, healthy);
    harness.clock.set(minutesIn(minute));
    requests.length = 0;
    await harness.poll(loadEvent('scheduled.json'));
    return callsOf(requests);
  }

  it('first sweep: one BatchGetItem reads the state and the silences together; the state is created', async () => {
    expect(await sweep(0, true)).toEqual(['BatchGetItemCommand STATE', 'UpdateItemCommand STATE']);
    expect(keysOf(requests[0]!)).toEqual([PAIR_STATE, SILENCES]);
  });

  it('a steady sweep: one BatchGetItem (state and silences), and no write at all', async () => {
    expect(await sweep(1, true)).toEqual(['BatchGetItemCommand STATE']);
    expect(keysOf(requests[0]!)).toEqual([PAIR_STATE, SILENCES]);
  });

  it('a failover: the commit (the transition in the state\'s outbox, already claimed by this run), then its published mark; no history item yet', async () => {
    expect(await sweep(2, false)).toEqual(['BatchGetItemCommand STATE', 'PutItemCommand 2026-11-25T08:02:00.000Z', 'PutItemCommand 2026-11-25T08:02:00.000Z', 'UpdateItemCommand STATE', 'UpdateItemCommand STATE']);
    const [claim, answerClaim, commit, mark] = requests.filter((r) => WRITES.has(r.commandName));
    expect(claim?.input['Item']).toMatchObject({ pk: { S: 'RATE#GetHealthCheckStatus' } });
    expect(answerClaim?.input['Item']).toMatchObject({ pk: { S: 'RATE#TestDNSAnswer' } });
    expect(String(commit?.input['UpdateExpression'])).toContain('#revision');
    const entry = (commit?.input['ExpressionAttributeValues'] as Record<string, { M?: Record<string, { S?: string }> }>)[':o0']?.M;
    expect(entry?.['publishStatus']?.S).toBe('PENDING');
    expect(entry?.['claimUntil']?.S).toBe(new Date(Date.UTC(2026, 10, 25, 8, 3)).toISOString());
    expect(String(mark?.input['UpdateExpression'])).toMatch(/^SET #outbox\.#entry\.#publishStatus = :published/);
    expect(String(mark?.input['UpdateExpression'])).not.toContain('#revision');
    expect(account.published).toHaveLength(1);
  });

  it('the next sweep moves the published FAILOVER to history (its Put, one update taking it out of the outbox), once; then steady again', async () => {
    expect(await sweep(3, false)).toEqual(['BatchGetItemCommand STATE', 'PutItemCommand T#0000000001', 'UpdateItemCommand STATE']);
    expect(await readOutboxKeys(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).toEqual([]);
    expect(await sweep(4, false)).toEqual(['BatchGetItemCommand STATE']);
  });

  it('a reminder costs what a transition costs, and one read: the commit, the check that history does not hold its key yet, the mark; the next sweep moves it', async () => {
    const reminderKey = `N#REMINDER#${new Date(Date.UTC(2026, 10, 25, 8, 2)).toISOString()}#1`;
    expect(await sweep(2 + 240, false)).toEqual(['BatchGetItemCommand STATE', `GetItemCommand ${reminderKey}`, 'UpdateItemCommand STATE', 'UpdateItemCommand STATE']);
    expect(account.published.map((m) => m.attributes['kind'])).toEqual(['FAILOVER', 'REMINDER']);
    expect(await sweep(3 + 240, false)).toEqual(['BatchGetItemCommand STATE', `PutItemCommand ${reminderKey}`, 'UpdateItemCommand STATE']);
    expect(await sweep(4 + 240, false)).toEqual(['BatchGetItemCommand STATE']);
  });
});

describe('every DynamoDB call of the performance targets', () => {
  it('a steady sweep over 250 pairs: three BatchGetItem, the silences riding in one of them (≤ 4, and ≤ 2 + ceil(250/100)), no write; one Route 53 call (the health check definitions, 500 on one page)', async () => {
    const { account } = generatedAccount({ healthChecks: 500 });
    const harness = await startHarness(account);
    try {
      await harness.poll(loadEvent('scheduled.json'));
      const requests = recordRequests(harness.clients.dynamo);
      const route53Before = { ...account.route53Operations };
      harness.clock.set(new Date(Date.parse('2026-11-25T08:01:00Z')));

      const run = await harness.poll(loadEvent('scheduled.json'));

      expect(run).toMatchObject({ pairsInScope: 250, transitionsRecorded: 0, unfinishedPairs: [] });
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE', 'BatchGetItemCommand STATE', 'BatchGetItemCommand STATE']);
      expect(requests.flatMap(keysOf).filter((key) => key === SILENCES)).toEqual([SILENCES]);
      expect(requests.flatMap(keysOf)).toHaveLength(251);
      expect(requests.length).toBeLessThanOrEqual(4);
      expect(requests.length).toBeLessThanOrEqual(2 + Math.ceil(250 / 100));
      // Zones and records from the discovery cache; the definitions listed again, so a disable or an invert is seen now.
      expect(operationsSince(route53Before, account.route53Operations)).toEqual({ ListHealthChecks: 1 });
    } finally {
      await harness.stop();
    }
  });

  it('pairs that cannot be judged and pairs with a DR hole: their notices cost the first sweep\'s writes only; a steady sweep reads their items with the rest and writes nothing', async () => {
    const account = referenceAccount();
    account.zones[0]!.records.push(
      { Name: 'api.example.com.', Type: 'A', SetIdentifier: 'api-primary', Failover: 'PRIMARY', AliasTarget: { HostedZoneId: 'ZLY8HYME6SFDD', DNSName: 'd-abc123.execute-api.eu-west-1.amazonaws.com.', EvaluateTargetHealth: true } },
      { Name: 'api.example.com.', Type: 'A', SetIdentifier: 'api-secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: '10.0.2.1' }] },
      // A DR hole: no health check on the primary.
      { Name: 'www.example.com.', Type: 'A', SetIdentifier: 'www-primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: '10.0.3.1' }] },
      { Name: 'www.example.com.', Type: 'A', SetIdentifier: 'www-secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: '10.0.3.2' }] },
    );
    const harness = await startHarness(account);
    try {
      const requests = recordRequests(harness.clients.dynamo);
      const first = await harness.poll(loadEvent('scheduled.json'));
      expect(first.configNotices?.map((notice) => notice.kind).sort()).toEqual(['BLIND_SPOT', 'DR_HOLE']);
      // Three commits (one per pair: the reference pair's state; the blind pair's watch alone; the DR hole's
      // state with its notice), each notice's check that history does not hold it yet, and its published mark.
      expect(callsOf(requests)).toEqual([
        'BatchGetItemCommand STATE',
        'GetItemCommand N#BLIND_SPOT#TARGET_HEALTH_UNREADABLE#PRIMARY#d-abc123.execute-api.eu-west-1.amazonaws.com#1',
        'GetItemCommand N#DR_HOLE#PRIMARY_WITHOUT_HEALTH_CHECK#primary#1',
        ...Array(5).fill('UpdateItemCommand STATE'),
      ]);

      requests.length = 0;
      harness.clock.set(new Date(Date.parse('2026-11-25T08:01:00Z')));
      await harness.poll(loadEvent('scheduled.json'));
      // The sweep after moves the two published notices to history; the one after that is steady.
      requests.length = 0;
      harness.clock.set(new Date(Date.parse('2026-11-25T08:02:00Z')));
      const steady = await harness.poll(loadEvent('scheduled.json'));

      expect(steady).toMatchObject({ pairsInScope: 3, unknownPairs: [expect.stringContaining('api.example.com.')], noticesRecorded: 0 });
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE']);
      expect(requests.flatMap(keysOf)).toHaveLength(4);
    } finally {
      await harness.stop();
    }
  });

  it('a state stored before the watch existed is written once, by the first sweep after the upgrade (its checks recorded), then never again while steady', async () => {
    const account = referenceAccount();
    const harness = await startHarness(account);
    try {
      await harness.poll(loadEvent('scheduled.json'));
      await harness.clients.dynamo.send(new UpdateCommand({ TableName: harness.config.tableName, Key: { pk: PAIR_STATE.split('/')[0], sk: 'STATE' }, UpdateExpression: 'REMOVE #watch', ExpressionAttributeNames: { '#watch': 'watch' } }));
      const requests = recordRequests(harness.clients.dynamo);
      harness.clock.set(new Date(Date.parse('2026-11-25T08:01:00Z')));
      await harness.poll(loadEvent('scheduled.json'));
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE', 'UpdateItemCommand STATE']);
      requests.length = 0;
      harness.clock.set(new Date(Date.parse('2026-11-25T08:02:00Z')));
      await harness.poll(loadEvent('scheduled.json'));
      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE']);
    } finally {
      await harness.stop();
    }
  });

  describe('alarm events for one check (events/alarm-*.json, about the reference primary\'s check)', () => {
    let account: SimulatedAws;
    let harness: Harness;

    beforeAll(async () => {
      account = referenceAccount();
      harness = await startHarness(account);
      harness.clock.set(minutesIn(0));
      await harness.poll(loadEvent('scheduled.json'));
    });

    afterAll(() => harness.stop());

    /** One alarm at `at`, with its DynamoDB calls in order and the other AWS calls it made. */
    async function alarmAt(at: string, event: string, primaryHealthy: boolean) {
      account.setHealthy(REFERENCE.primaryCheckId, primaryHealthy);
      harness.clock.set(new Date(Date.parse(at)));
      const before = { ...account.calls };
      const route53Before = { ...account.route53Operations };
      const requests = recordRequests(harness.clients.dynamo);
      try {
        const run = await harness.alarm(loadEvent(event));
        return { run, requests: [...requests], route53: operationsSince(route53Before, account.route53Operations), cloudwatch: account.calls.cloudwatch - before.cloudwatch, sns: account.calls.sns - before.sns };
      } finally {
        harness.clients.dynamo.middlewareStack.remove('failwatchTestRecordRequests');
      }
    }

    /**
     * One transition recorded and sent with the read (state and silences), the claim of the account's
     * GetHealthCheckStatus second for its evidence, the claim of its TestDNSAnswer window, the commit and
     * the published mark; Route 53: 1 GetHealthCheckStatus and 1 TestDNSAnswer; 1 CloudWatch call.
     */
    function expectOneTransitionInFiveCalls({ run, requests, route53, cloudwatch, sns }: Awaited<ReturnType<typeof alarmAt>>, at: string): void {
      expect(run).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, unfinishedPairs: [] });
      const window = `PutItemCommand ${new Date(Date.parse(at)).toISOString()}`;
      expect(alarmCalls(requests)).toEqual(['BatchGetItemCommand', window, window, 'UpdateItemCommand STATE', 'UpdateItemCommand STATE']);
      expect(requests).toHaveLength(5);
      // The pair's state and the silences in one read (whatever else the alarm needs may ride in it too).
      expect(keysOf(requests[0]!)).toEqual(expect.arrayContaining([PAIR_STATE, SILENCES]));
      expect(requests[1]?.input['Item']).toMatchObject({ pk: { S: 'RATE#GetHealthCheckStatus' } });
      expect(requests[2]?.input['Item']).toMatchObject({ pk: { S: 'RATE#TestDNSAnswer' } });
      expect(String(requests[3]?.input['UpdateExpression'])).toContain('#revision');
      expect(String(requests[4]?.input['UpdateExpression'])).toMatch(/^SET #outbox\.#entry\.#publishStatus = :published/);
      // The evidence, read once the account's second is claimed; what Route 53 answers is asked once its window is claimed, before the commit, and stored with the transition.
      expect({ route53, cloudwatch, sns }).toEqual({ route53: { GetHealthCheckStatus: 1, TestDNSAnswer: 1 }, cloudwatch: 1, sns: 1 });
    }

    it('a FAILOVER: five DynamoDB calls (the read of state and silences, the claims of the GetHealthCheckStatus second and the TestDNSAnswer window, the commit, the published mark), one GetHealthCheckStatus and one TestDNSAnswer, one CloudWatch call', async () => {
      expectOneTransitionInFiveCalls(await alarmAt('2026-11-25T08:11:41Z', 'alarm-alarm.json', false), '2026-11-25T08:11:41Z');
      // Not moved to history by the alarm: the published entry waits in the outbox for the sweep.
      expect(await readOutboxKeys(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).toEqual(['T#0000000001']);
      expect(await harness.store.listTransitions(PAIR_ID)).toEqual([expect.objectContaining({ kind: 'FAILOVER', publishStatus: 'PUBLISHED' })]);
    });

    it('a FAILBACK while the FAILOVER\'s entry is still in the outbox, not yet moved to history: five calls too', async () => {
      expectOneTransitionInFiveCalls(await alarmAt('2026-11-25T08:13:41Z', 'alarm-ok.json', true), '2026-11-25T08:13:41Z');
      expect(await readOutboxKeys(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).toEqual(['T#0000000001', 'T#0000000002']);
      expect((await harness.store.listTransitions(PAIR_ID)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILBACK', 'PUBLISHED'], ['FAILOVER', 'PUBLISHED']]);
    });

    it('the following sweep moves both to history: a Put each and one update of the outbox, and sends nothing', async () => {
      harness.clock.set(new Date(Date.parse('2026-11-25T08:15:00Z')));
      const requests = recordRequests(harness.clients.dynamo);
      try {
        await harness.poll(loadEvent('scheduled.json'));
      } finally {
        harness.clients.dynamo.middlewareStack.remove('failwatchTestRecordRequests');
      }

      expect(callsOf(requests)).toEqual(['BatchGetItemCommand STATE', 'PutItemCommand T#0000000001', 'PutItemCommand T#0000000002', 'UpdateItemCommand STATE']);
      expect(await readOutboxKeys(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).toEqual([]);
      expect((await harness.store.listTransitions(PAIR_ID)).map((t) => [t.kind, t.publishStatus])).toEqual([['FAILBACK', 'PUBLISHED'], ['FAILOVER', 'PUBLISHED']]);
      expect(account.published.map((m) => m.attributes['kind'])).toEqual(['FAILOVER', 'FAILBACK']);
    });
  });
});

/** Route 53 requests by operation between two snapshots of `route53Operations`, those made only. */
function operationsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([operation, count]) => [operation, count - (before[operation] ?? 0)]).filter(([, count]) => count !== 0));
}

/** An alarm's calls in the order sent, a BatchGetItem named without its keys (checked on their own). */
function alarmCalls(requests: readonly WireRequest[]): string[] {
  return requests.map((r) => (r.commandName === 'BatchGetItemCommand' ? r.commandName : `${r.commandName} ${sortKeyOf(r)}`));
}

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
