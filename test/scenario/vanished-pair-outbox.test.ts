/**
 * A pair whose records are removed from Route 53 is no longer swept; what its outbox still held would never
 * be sent. The poll container that saw it listed finishes that outbox before it forgets the pair's
 * definition (lib/vanished-pairs.ts): a FAILOVER recorded while SNS was down still reaches the topic once
 * SNS is back, even though the pair is gone, and only then is the definition deleted.
 * A simulated account and dynalite, through the real poll handler.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { ThrottledException } from '@aws-sdk/client-sns';
import type { PollResult } from '../../handlers/poll';
import { definitionKey } from '../../lib/aws/dynamo-pair-definitions';
import { pairKey } from '../../lib/domain/model';
import { pollContainer } from '../support/containers';
import { loadEvent, startHarness, type Harness } from '../support/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../support/simulated-aws';

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;
let poll: (event: unknown) => Promise<PollResult>;

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 8, pairsPerZone: 4 }));
  harness = await startHarness(account, { environment: { FAILWATCH_MANAGE_ALARMS: 'false' } });
  poll = pollContainer(harness);
});

afterAll(() => harness.stop());

const sweep = () => poll(loadEvent('scheduled.json'));
const idOf = (pair: GeneratedPair) => ({ zoneId: pair.zoneId, name: pair.name, type: pair.type });

function removeFromRoute53(pair: GeneratedPair): void {
  const zone = account.zones.find((candidate) => candidate.id === pair.zoneId);
  if (zone === undefined) throw new Error(`no zone ${pair.zoneId}`);
  zone.records.splice(0, zone.records.length, ...zone.records.filter((record) => record.Name !== pair.name));
}

describe('a pair removed from Route 53 with a notification still pending', () => {
  it('its FAILOVER, recorded while SNS was down, is sent once SNS is back; then its definition goes', async () => {
    const vanishing = pairs[0];
    if (vanishing === undefined) throw new Error('no pair generated');
    const first = await sweep();
    expect(first.definitions).toMatchObject({ status: 'SYNCED', written: pairs.length, deleted: 0 });

    // The primary fails while SNS throttles: the FAILOVER is committed and left pending.
    account.setHealthy(vanishing.primaryCheckId, false);
    account.publishFailure = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    harness.clock.advanceSeconds(60);
    const failover = await sweep();
    expect(failover.transitionsRecorded).toBe(1);
    expect(failover.notificationsPending).toBe(1);
    expect(account.published).toHaveLength(0);

    // The records are removed, and discovery lists again (its cache is 15 minutes old); SNS is back.
    removeFromRoute53(vanishing);
    account.publishFailure = undefined;
    harness.clock.advanceSeconds(16 * 60);
    const afterRemoval = await sweep();
    expect(afterRemoval.pairsWatched).toBe(pairs.length - 1);
    expect(account.published.map((message) => message.subject)).toEqual([expect.stringMatching(/FAILOVER/)]);
    expect(account.published[0]?.attributes).toMatchObject({ kind: 'FAILOVER', transitionId: `${pairKey(idOf(vanishing))}#1` });
    // Sent, not yet moved to history: the definition stays, and the next sweep comes back to it.
    expect(afterRemoval.definitions).toMatchObject({ status: 'UNFINISHED', deleted: 0, vanishedOutboxes: { pairs: 1, sent: 1, pending: 0, historyNotMoved: 0, unrenderable: [] } });

    harness.clock.advanceSeconds(60);
    const moved = await sweep();
    expect(moved.definitions).toMatchObject({ status: 'UNFINISHED', deleted: 0, vanishedOutboxes: { pairs: 1, sent: 0, pending: 0 } });
    const history = await harness.store.listTransitions(idOf(vanishing));
    expect(history.map((transition) => [transition.kind, transition.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);

    harness.clock.advanceSeconds(60);
    const forgotten = await sweep();
    expect(forgotten.definitions).toEqual({ status: 'SYNCED', read: 0, written: 0, deleted: 1 });
    expect(account.published).toHaveLength(1);
  });

  /** Fails the pair's primary while SNS throttles: one FAILOVER committed and left pending. */
  async function failOverUnsent(pair: GeneratedPair): Promise<void> {
    account.setHealthy(pair.primaryCheckId, false);
    account.publishFailure = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    harness.clock.advanceSeconds(60);
    expect(await sweep()).toMatchObject({ transitionsRecorded: 1, notificationsPending: 1 });
    account.publishFailure = undefined;
  }

  it('when its state cannot be read, its definition stays and the next sweep sends it', async () => {
    const pair = pairs[1];
    if (pair === undefined) throw new Error('no pair generated');
    await failOverUnsent(pair);
    removeFromRoute53(pair);
    const partition = `PAIR#${pairKey(idOf(pair))}`;
    let failing = true;
    harness.clients.dynamo.middlewareStack.add(
      (next, context) => (args) => {
        if (failing && context.commandName === 'BatchGetItemCommand' && JSON.stringify(args.input).includes(partition)) throw new Error('stand-in: DynamoDB unavailable');
        return next(args);
      },
      { step: 'initialize', name: 'failVanishedStateRead' },
    );
    const sent = account.published.length;
    try {
      harness.clock.advanceSeconds(16 * 60);
      const failed = await sweep();
      expect(failed.definitions).toMatchObject({ status: 'FAILED', deleted: 0, error: expect.stringContaining('DynamoDB unavailable') });
      expect(account.published).toHaveLength(sent);
    } finally {
      failing = false;
    }
    harness.clock.advanceSeconds(60);
    const retried = await sweep();
    expect(retried.definitions).toMatchObject({ status: 'UNFINISHED', vanishedOutboxes: { pairs: 1, sent: 1 } });
    expect(account.published.slice(sent).map((message) => message.attributes['transitionId'])).toEqual([`${pairKey(idOf(pair))}#1`]);
  });

  it('without a stored definition its notification cannot be rendered: reported, left unsent in its state, not retried', async () => {
    const pair = pairs[2];
    if (pair === undefined) throw new Error('no pair generated');
    await failOverUnsent(pair);
    removeFromRoute53(pair);
    await harness.clients.dynamo.send(new DeleteItemCommand({ TableName: harness.config.tableName, Key: marshallKey(definitionKey(idOf(pair))) }));
    const sent = account.published.length;
    harness.clock.advanceSeconds(16 * 60);
    const swept = await sweep();
    expect(swept.definitions?.vanishedOutboxes).toMatchObject({ unrenderable: [pairKey(idOf(pair))] });
    expect(account.published.slice(sent).map((message) => message.attributes['transitionId'])).not.toContain(`${pairKey(idOf(pair))}#1`);
    const state = (await harness.store.loadStates([idOf(pair)])).get(pairKey(idOf(pair)));
    expect(state?.pendingSequences).toEqual([1]);
    harness.clock.advanceSeconds(60);
    const next = await sweep();
    expect(next.definitions?.vanishedOutboxes?.unrenderable ?? []).not.toContain(pairKey(idOf(pair)));
  });
});

function marshallKey(key: Record<string, unknown>): Record<string, { S: string }> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: String(value) }]));
}
