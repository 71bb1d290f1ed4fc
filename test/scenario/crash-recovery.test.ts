/**
 * A run that dies anywhere while recording, through the real handlers on dynalite. The state's one
 * conditional write is the commit point: before it nothing is left behind, and the next run decides
 * again from the same state; after it the state's outbox carries the transition, and the next run —
 * even one that observes no change — writes it to history and publishes it, exactly once.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_SORT_KEY } from '../../lib/aws/dynamo-table';
import { loadEvent, startHarness, type Harness } from '../support/harness';
import { PAIR_ID, history, kinds, minutesIn, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../support/simulated-aws';
import { isHistoryPut, readPartition, type WireRequest } from '../aws/dynamo-state-store-fixtures';

/** The commit of `record`: the state's UpdateItem that carries a new revision (not the outbox's bookkeeping). */
function isCommit(request: WireRequest): boolean {
  const key = request.input['Key'] as { sk?: { S?: string } } | undefined;
  return request.commandName === 'UpdateItemCommand' && key?.sk?.S === STATE_SORT_KEY && String(request.input['UpdateExpression']).includes('#revision');
}

function isClaim(request: WireRequest): boolean {
  return request.commandName === 'UpdateItemCommand' && String(request.input['UpdateExpression']).startsWith('SET #claimUntil');
}

/**
 * The Lambda dies once `point` has happened: `before` it (the request never reaches DynamoDB) or `after`
 * it (DynamoDB applied it, nothing follows). Every later DynamoDB request of the run fails, so nothing
 * after the crash is written, claimed or sent. Returns the function that ends the crash (a new container).
 */
function dieAt(client: DynamoDBDocumentClient, point: (request: WireRequest) => boolean, when: 'before' | 'after'): () => void {
  let dead = false;
  const name = `crashRecoveryDie${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = { commandName: String(context.commandName), input: args.input as Record<string, unknown> };
      if (dead) throw new Error('Lambda died');
      if (when === 'before' && point(request)) {
        dead = true;
        throw new Error('Lambda died');
      }
      const result = await next(args);
      if (point(request)) dead = true;
      return result;
    },
    { step: 'serialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

/** One scheduled sweep at `minutes` that dies at `point`; the store is usable again once it returns. */
async function crashingSweep(harness: Harness, account: SimulatedAws, minutes: number, primaryHealthy: boolean, point: (request: WireRequest) => boolean, when: 'before' | 'after'): Promise<void> {
  account.setHealthy(REFERENCE.primaryCheckId, primaryHealthy);
  harness.clock.set(minutesIn(minutes));
  const revive = dieAt(harness.clients.dynamo, point, when);
  try {
    await harness.poll(loadEvent('scheduled.json'));
  } finally {
    revive();
  }
}

async function historyStatuses(harness: Harness): Promise<string[][]> {
  return (await history(harness)).map((t) => [t.kind, t.publishStatus]);
}

async function outboxOf(harness: Harness): Promise<string[]> {
  return Object.keys(((await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID))[STATE_SORT_KEY]?.['outbox'] ?? {}) as object).sort();
}

describe('a run that dies while recording a FAILOVER', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    harness = await startHarness(account, { settings: { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 0 } });
    await sweepAt(harness, account, 0, true);
  });

  afterEach(() => harness.stop());

  async function crashedFailover(point: (request: WireRequest) => boolean, when: 'before' | 'after'): Promise<void> {
    // A dead Lambda sends nothing either.
    account.publishFailure = () => new Error('Lambda died');
    await crashingSweep(harness, account, 1, false, point, when);
    account.publishFailure = undefined;
    expect(account.published).toEqual([]);
  }

  it('after the commit, before the history item: the next run, observing no change, writes it and sends it once', async () => {
    await crashedFailover(isCommit, 'after');
    expect(Object.keys(await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID))).toEqual([STATE_SORT_KEY]);
    // Committed, so history already shows it.
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PENDING']]);

    const next = await sweepAt(harness, account, 2, false);

    expect(next.recorded).toEqual([]);
    expect(kinds(next.sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect((await history(harness))[0]?.snsMessageId).toBe(next.sent[0]?.messageId);
    expect(await outboxOf(harness)).toEqual([]);
    expect(kinds((await sweepAt(harness, account, 3, false)).sent)).toEqual([]);
  });

  it('after the commit, and two runs (sweep and alarm) finishing it at once: one history item, one message', async () => {
    await crashedFailover(isCommit, 'after');
    harness.clock.set(minutesIn(2));

    await Promise.all([harness.poll(loadEvent('scheduled.json')), harness.alarm(loadEvent('alarm-alarm.json'))]);

    expect(kinds(account.published)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('after the commit, and the primary back before the next run: the FAILOVER is still sent, then the FAILBACK', async () => {
    await crashedFailover(isCommit, 'after');

    const next = await sweepAt(harness, account, 2, true);

    expect(next.recorded).toEqual(['FAILBACK']);
    expect(kinds(next.sent)).toEqual(['FAILOVER', 'FAILBACK']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'PUBLISHED']]);
    expect(await outboxOf(harness)).toEqual([]);
  });

  it('after the history item (written already claimed by the run that recorded it), before SNS: the next run sends it once the lease has run out', async () => {
    await crashedFailover((r) => isHistoryPut(r, 'T#'), 'after');
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PENDING']]);
    expect(await outboxOf(harness)).toEqual(['T#0000000001']);

    // The born claim holds like any claim: within the lease nobody sends it.
    expect(kinds((await sweepAt(harness, account, 1.5, false)).sent)).toEqual([]);
    const next = await sweepAt(harness, account, 3, false);

    expect(kinds(next.sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect(await outboxOf(harness)).toEqual([]);
  });

  it('after a later run\'s claim (the recording run died after its commit), before SNS: sent once that lease has run out', async () => {
    await crashedFailover(isCommit, 'after');
    // The next run finds it only in the outbox: it writes it to history, claims it, and dies.
    account.publishFailure = () => new Error('Lambda died');
    await crashingSweep(harness, account, 2, false, isClaim, 'after');
    account.publishFailure = undefined;
    expect(account.published).toEqual([]);

    expect(kinds((await sweepAt(harness, account, 2.5, false)).sent)).toEqual([]);
    expect(kinds((await sweepAt(harness, account, 4, false)).sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('before the commit: nothing is left behind, and the next run decides again from the same state', async () => {
    const before = await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID);
    await crashedFailover(isCommit, 'before');
    expect(await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).toEqual(before);
    expect(await history(harness)).toEqual([]);

    const next = await sweepAt(harness, account, 2, false);

    expect(next.recorded).toEqual(['FAILOVER']);
    expect(kinds(next.sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('before the commit, and the primary back before the next run: nothing was recorded, so nothing is sent, and history agrees with the state', async () => {
    await crashedFailover(isCommit, 'before');

    const next = await sweepAt(harness, account, 2, true);

    expect(next).toEqual({ recorded: [], sent: [] });
    expect(await history(harness)).toEqual([]);
    expect((await harness.store.loadStateConsistent(PAIR_ID))).toMatchObject({ serving: 'PRIMARY', sequence: 0 });
  });
});

describe('a run that dies after committing a HELD transition', () => {
  it('the next run writes it to history and takes it out of the outbox, without sending it', async () => {
    const account = referenceAccount();
    // Flapping from the second side change within the hour.
    const harness = await startHarness(account, { settings: { confirmations: 1, flapChanges: 1, flapWindowSeconds: 3_600, reminderIntervalSeconds: 0 } });
    try {
      await sweepAt(harness, account, 0, true);
      await sweepAt(harness, account, 1, false);
      await crashingSweep(harness, account, 2, true, isCommit, 'after');
      expect(await outboxOf(harness)).toEqual([expect.stringMatching(/^N#FLAPPING#/), 'T#0000000002']);
      expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'HELD']]);

      const next = await sweepAt(harness, account, 3, true);

      expect(kinds(next.sent)).toEqual(['FLAPPING']);
      expect(Object.keys(await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID))).toEqual([
        expect.stringMatching(/^N#FLAPPING#/),
        STATE_SORT_KEY,
        'T#0000000001',
        'T#0000000002',
      ]);
      expect(await outboxOf(harness)).toEqual([]);
      expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'HELD']]);
      expect(kinds(account.published)).toEqual(['FAILOVER', 'FLAPPING']);
    } finally {
      await harness.stop();
    }
  });
});
