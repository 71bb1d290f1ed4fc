/**
 * A run that dies anywhere while recording or publishing, through the real handlers on dynalite. The
 * state's one conditional write is the commit point: before it nothing is left behind, and the next run
 * decides again from the same state; after it the state's outbox carries the transition, claimed by the
 * dead run until its lease runs out, and then the next run — even one that observes no change — sends it,
 * exactly once (at least once if SNS took it before the run died). Published entries wait in the outbox
 * until the next sweep moves them to history; a sweep that dies while moving them leaves them for the next.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STATE_SORT_KEY } from '../../lib/aws/dynamodb/table';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { PAIR_ID, history, kinds, minutesIn, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { isHistoryPut, readPartition, type WireRequest } from '../aws/dynamo-state-store-fixtures';

/** The commit of `record`: the state's UpdateItem that carries a new revision (not the outbox's bookkeeping). */
function isCommit(request: WireRequest): boolean {
  const key = request.input['Key'] as { sk?: { S?: string } } | undefined;
  return request.commandName === 'UpdateItemCommand' && key?.sk?.S === STATE_SORT_KEY && String(request.input['UpdateExpression']).includes('#revision');
}

/** A claim of an outbox entry (the lease), by a run that did not record it. */
function isClaim(request: WireRequest): boolean {
  return request.commandName === 'UpdateItemCommand' && String(request.input['UpdateExpression']).startsWith('SET #outbox.#entry.#claimUntil = :lease');
}

/** The published mark of an outbox entry. */
function isMarkPublished(request: WireRequest): boolean {
  return request.commandName === 'UpdateItemCommand' && String(request.input['UpdateExpression']).startsWith('SET #outbox.#entry.#publishStatus = :published');
}

/**
 * The Lambda dies once `point` has happened: `before` it (the request never reaches DynamoDB) or `after`
 * it (DynamoDB applied it, nothing follows). Every later DynamoDB request of the run fails, so nothing
 * after the crash is written, claimed or marked. Returns the function that ends the crash (a new container).
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

/** The pair's state and history items by sort key (other items of the partition left out). */
async function itemsOf(harness: Harness): Promise<string[]> {
  return Object.keys(await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID)).filter((sk) => sk === STATE_SORT_KEY || /^[TN]#/.test(sk));
}

async function outboxOf(harness: Harness): Promise<string[]> {
  return Object.keys(((await readPartition(harness.clients.dynamo, harness.config.tableName, PAIR_ID))[STATE_SORT_KEY]?.['outbox'] ?? {}) as object).sort();
}

describe('a run that dies while recording or sending a FAILOVER', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    // The publish lease is 60 s: a run at minute 1 holds what it recorded until minute 2.
    harness = await startHarness(account, { settings: { confirmations: 1, flapChanges: 0, reminderIntervalSeconds: 0, publishLeaseSeconds: 60 } });
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

  it('after the commit, before SNS: the FAILOVER waits in the outbox under the dead run\'s claim; once that lease has run out the next run, observing no change, sends it once; the sweep after moves it to history', async () => {
    await crashedFailover(isCommit, 'after');
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY]);
    expect(await outboxOf(harness)).toEqual(['T#0000000001']);
    // Committed, so history already shows it.
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PENDING']]);

    // The claim the commit was born with holds like any claim: within the lease nobody sends it.
    expect(kinds((await sweepAt(harness, account, 1.5, false)).sent)).toEqual([]);
    const next = await sweepAt(harness, account, 2.5, false);

    expect(next.recorded).toEqual([]);
    expect(kinds(next.sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect((await history(harness))[0]?.snsMessageId).toBe(next.sent[0]?.messageId);
    // Published in that sweep, after it had moved what was final: the next sweep moves it.
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY]);

    expect(kinds((await sweepAt(harness, account, 3.5, false)).sent)).toEqual([]);
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY, 'T#0000000001']);
    expect(await outboxOf(harness)).toEqual([]);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('after the commit, and two runs (sweep and alarm) finishing it at once after the lease: one message', async () => {
    await crashedFailover(isCommit, 'after');
    harness.clock.set(minutesIn(2.5));

    await Promise.all([harness.poll(loadEvent('scheduled.json')), harness.alarm(loadEvent('alarm-alarm.json'))]);

    expect(kinds(account.published)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('after the commit, and the primary back before the next run: the FAILBACK waits behind the FAILOVER the dead run still holds, then both go out in order', async () => {
    await crashedFailover(isCommit, 'after');

    const back = await sweepAt(harness, account, 1.5, true);
    expect(back.recorded).toEqual(['FAILBACK']);
    expect(kinds(back.sent)).toEqual([]);

    const next = await sweepAt(harness, account, 2.5, true);

    expect(next.recorded).toEqual([]);
    expect(kinds(next.sent)).toEqual(['FAILOVER', 'FAILBACK']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'PUBLISHED']]);
    await sweepAt(harness, account, 3.5, true);
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY, 'T#0000000001', 'T#0000000002']);
    expect(await outboxOf(harness)).toEqual([]);
  });

  it('after SNS took it, before the mark: sent again (same transitionId) once the lease has run out — at least once, never lost', async () => {
    await crashingSweep(harness, account, 1, false, isMarkPublished, 'before');
    expect(kinds(account.published)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PENDING']]);

    expect(kinds((await sweepAt(harness, account, 1.5, false)).sent)).toEqual([]);
    const next = await sweepAt(harness, account, 2.5, false);

    expect(kinds(next.sent)).toEqual(['FAILOVER']);
    expect(account.published.map((m) => m.attributes['transitionId'])).toEqual([`${REFERENCE.zoneId}|${REFERENCE.recordName}|A#1`, `${REFERENCE.zoneId}|${REFERENCE.recordName}|A#1`]);
    expect(await history(harness)).toEqual([expect.objectContaining({ kind: 'FAILOVER', publishStatus: 'PUBLISHED', snsMessageId: next.sent[0]?.messageId })]);
    expect(kinds((await sweepAt(harness, account, 3.5, false)).sent)).toEqual([]);
  });

  it('after a later run\'s claim (the recording run died after its commit), before SNS: sent once that lease has run out', async () => {
    await crashedFailover(isCommit, 'after');
    // Once the dead run's lease has run out, the next run claims it, and dies too.
    account.publishFailure = () => new Error('Lambda died');
    await crashingSweep(harness, account, 2.5, false, isClaim, 'after');
    account.publishFailure = undefined;
    expect(account.published).toEqual([]);

    expect(kinds((await sweepAt(harness, account, 3, false)).sent)).toEqual([]);
    expect(kinds((await sweepAt(harness, account, 4, false)).sent)).toEqual(['FAILOVER']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
  });

  it('after the mark, before any sweep moved it: reads show it PUBLISHED, nothing is sent again, and the next sweep moves it to history', async () => {
    await crashingSweep(harness, account, 1, false, isMarkPublished, 'after');
    expect(kinds(account.published)).toEqual(['FAILOVER']);
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY]);
    expect(await history(harness)).toEqual([expect.objectContaining({ kind: 'FAILOVER', publishStatus: 'PUBLISHED', snsMessageId: account.published[0]?.messageId })]);

    // An alarm run does not move it either; it finds nothing to send.
    harness.clock.set(minutesIn(1.5));
    await harness.alarm(loadEvent('alarm-alarm.json'));
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY]);

    expect(kinds((await sweepAt(harness, account, 2, false)).sent)).toEqual([]);
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY, 'T#0000000001']);
    expect(await outboxOf(harness)).toEqual([]);
    expect(kinds(account.published)).toEqual(['FAILOVER']);
  });

  it('a sweep that dies while moving it to history (after the history item, before the outbox removal): one copy shows, and the next sweep takes the entry out', async () => {
    await sweepAt(harness, account, 1, false);
    await crashingSweep(harness, account, 2, false, (r) => isHistoryPut(r, 'T#'), 'after');
    expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY, 'T#0000000001']);
    expect(await outboxOf(harness)).toEqual(['T#0000000001']);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);

    expect(kinds((await sweepAt(harness, account, 3, false)).sent)).toEqual([]);
    expect(await outboxOf(harness)).toEqual([]);
    expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED']]);
    expect(kinds(account.published)).toEqual(['FAILOVER']);
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
  it('the next sweeps move it to history without sending it, and send the FLAPPING notice once the dead run\'s lease has run out', async () => {
    const account = referenceAccount();
    // Flapping from the second side change within the hour.
    const harness = await startHarness(account, { settings: { confirmations: 1, flapChanges: 1, flapWindowSeconds: 3_600, reminderIntervalSeconds: 0, publishLeaseSeconds: 60 } });
    try {
      await sweepAt(harness, account, 0, true);
      await sweepAt(harness, account, 1, false);
      await crashingSweep(harness, account, 2, true, isCommit, 'after');
      // The published FAILOVER too: the dead sweep did not get to move it.
      expect(await outboxOf(harness)).toEqual([expect.stringMatching(/^N#FLAPPING#/), 'T#0000000001', 'T#0000000002']);
      expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'HELD']]);

      const next = await sweepAt(harness, account, 3.5, true);

      expect(kinds(next.sent)).toEqual(['FLAPPING']);
      expect(await itemsOf(harness)).toEqual([STATE_SORT_KEY, 'T#0000000001', 'T#0000000002']);
      expect(await outboxOf(harness)).toEqual([expect.stringMatching(/^N#FLAPPING#/)]);

      await sweepAt(harness, account, 4.5, true);

      expect(await itemsOf(harness)).toEqual([expect.stringMatching(/^N#FLAPPING#/), STATE_SORT_KEY, 'T#0000000001', 'T#0000000002']);
      expect(await outboxOf(harness)).toEqual([]);
      expect(await historyStatuses(harness)).toEqual([['FAILOVER', 'PUBLISHED'], ['FAILBACK', 'HELD']]);
      expect(kinds(account.published)).toEqual(['FAILOVER', 'FLAPPING']);
    } finally {
      await harness.stop();
    }
  });
});
