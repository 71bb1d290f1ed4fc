/**
 * Publish leases protect what they claim, however long a run takes: a claim's lease counts from when it
 * is taken, a born claim is used only while its lease lasts, and a run releases only its own claim.
 * Real DynamoStateStore on dynalite, real publishOutbox; only SNS and the clock are stand-ins.
 */
import { pairKey, type FailoverPair, type PairId } from '../../lib/domain/model';
import { NotifierError } from '../../lib/errors';
import type { Notifier, OutgoingNotification, RecordedPair } from '../../lib/ports';
import { outboxEntries, publishOutbox, type OutboxEntry } from '../../lib/usecases/publish';
import { FixedClock } from '../../local/fixed-clock';
import { aPair } from '../support/domain-fixtures';
import { firstState, freshPairId, minutesAfter, readOutboxEntry, transitionsAfter, T0, startLocalStore, stopLocalStore, type LocalStore } from '../aws/dynamo-state-store-fixtures';

let { db, tableName, client, store } = {} as LocalStore;
beforeAll(async () => ({ db, tableName, client, store } = await startLocalStore()));
afterAll(() => stopLocalStore({ db, client }));

const LEASE_SECONDS = 60;
const t0 = minutesAfter(T0, 10);
const plus = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function pairOf(pairId: PairId): FailoverPair {
  return { ...aPair(), id: pairId };
}

/** A pair whose outbox holds one PENDING transition (sequence 1); born claimed until `claimUntil` if given. */
async function pairWithPending(claimUntil?: Date): Promise<{ pairId: PairId; state: RecordedPair }> {
  const start = firstState(freshPairId());
  await store.record({ expected: undefined, next: start, transitions: [], expectedRevision: undefined });
  const { transitions, next } = transitionsAfter(start, 1);
  const state = await store.record({ expected: start, next, transitions, expectedRevision: 1 }, claimUntil ? { claimUntil } : {});
  return { pairId: start.pairId, state };
}

function deps(clock: FixedClock, notifier: Notifier) {
  return { store, notifier, clock, settings: { publishLeaseSeconds: LEASE_SECONDS, pairConcurrency: 1 } };
}

function entriesOf(pairId: PairId, state: RecordedPair | undefined): OutboxEntry[] {
  return outboxEntries({ pair: pairOf(pairId), state });
}

describe('a run releases only its own claim', () => {
  test('a slow failing publish by run A does not let run C send what run B is sending inside B\'s lease', async () => {
    const { pairId } = await pairWithPending();
    const entries = entriesOf(pairId, await store.loadStateConsistent(pairId));
    const sends: string[] = [];

    // Run A claims at t0; its SNS call hangs past its lease, then fails (retryable).
    const inA = deferred();
    const failA = deferred();
    const clockA = new FixedClock(t0);
    const runA = publishOutbox(
      deps(clockA, {
        publish: async () => {
          inA.resolve();
          await failA.promise;
          throw new NotifierError('SNS timed out', true);
        },
      }),
      entries,
    );
    await inA.promise;

    // Run B at t0+61 s: A's lease ran out, B claims and starts sending.
    const inB = deferred();
    const finishB = deferred();
    const runB = publishOutbox(
      deps(new FixedClock(plus(61)), {
        publish: async () => {
          inB.resolve();
          await finishB.promise;
          sends.push('B');
          return { messageId: 'sns-B' };
        },
      }),
      entries,
    );
    await inB.promise;

    // A's call fails at t0+62 s: A releases the claim (B's, by now).
    clockA.set(plus(62));
    failA.resolve();
    expect((await runA)[0]?.status).toBe('PENDING');

    // Run C at t0+63 s, inside B's lease (until t0+121 s).
    const outC = await publishOutbox(deps(new FixedClock(plus(63)), { publish: async () => (sends.push('C'), { messageId: 'sns-C' }) }), entries);
    finishB.resolve();
    await runB;

    expect(outC[0]?.status).toBe('CLAIMED_ELSEWHERE');
    expect(sends).toEqual(['B']);
  });
});

describe('leases count from when they are taken', () => {
  test('a claim taken late in a run holds for a whole lease from then: another run does not send the same entry', async () => {
    const first = await pairWithPending();
    const second = await pairWithPending();
    const entries = [...entriesOf(first.pairId, first.state), ...entriesOf(second.pairId, second.state)];
    const sends: string[] = [];
    const clockA = new FixedClock(t0);
    let claimUntilSeen: unknown;

    const notifierA: Notifier = {
      publish: async (notification: OutgoingNotification) => {
        if (notification.transitionId.startsWith(`${pairKey(first.pairId)}#`)) {
          // SNS slow for the first pair: 61 s of timeouts and retries, then it takes the message.
          clockA.advanceSeconds(61);
          return { messageId: 'sns-A-1' };
        }
        sends.push('A');
        claimUntilSeen = (await readOutboxEntry(client, tableName, second.pairId, 'T#0000000001'))?.['claimUntil'];
        // While A sends the second pair's entry (it claimed it a moment ago), run B starts at t0+62 s.
        const outB = await publishOutbox(deps(new FixedClock(plus(62)), { publish: async () => (sends.push('B'), { messageId: 'sns-B' }) }), entriesOf(second.pairId, second.state));
        expect(outB[0]?.status).toBeDefined();
        return { messageId: 'sns-A-2' };
      },
    };

    await publishOutbox(deps(clockA, notifierA), entries);

    // A claimed at t0+61 s; its lease should run to t0+121 s, not to t0+60 s (already past when taken).
    expect(sends).toEqual(['A']);
    expect(claimUntilSeen).toBe(plus(61 + LEASE_SECONDS).toISOString());
  });

  test('a born claim that ran out while the run sent other pairs is not used: the entry another run took over and sent is not sent again', async () => {
    // Run A (a sweep) committed both pairs' transitions born claimed until t0+60 s.
    const first = await pairWithPending(plus(LEASE_SECONDS));
    const second = await pairWithPending(plus(LEASE_SECONDS));
    const entries = [...entriesOf(first.pairId, first.state), ...entriesOf(second.pairId, second.state)];
    expect(entries.every((entry) => entry.bornClaim !== undefined)).toBe(true);
    const sends: string[] = [];
    const clockA = new FixedClock(t0);

    const notifierA: Notifier = {
      publish: async (notification: OutgoingNotification) => {
        if (notification.transitionId.startsWith(`${pairKey(first.pairId)}#`)) {
          // SNS slow for the first pair; meanwhile, at t0+65 s, an alarm run B finds the second pair's
          // entry with its lease run out, claims it and sends it.
          clockA.advanceSeconds(65);
          const loaded = await store.loadStateConsistent(second.pairId);
          await publishOutbox(deps(new FixedClock(plus(65)), { publish: async () => (sends.push('B'), { messageId: 'sns-B' }) }), entriesOf(second.pairId, loaded));
          return { messageId: 'sns-A-1' };
        }
        sends.push('A');
        return { messageId: 'sns-A-2' };
      },
    };

    await publishOutbox(deps(clockA, notifierA), entries);

    // B holds it and sent it; A, whose claim ran out and was taken over, must not send it again.
    expect(sends).toEqual(['B']);
  });
});
