/**
 * A pair whose records are removed from Route 53 is no longer swept; what its outbox still held would never
 * be sent. A poll container that listed it finishes that outbox every sweep, from the pair as it last listed
 * it, until it is empty (lib/usecases/vanished-pairs.ts): a FAILOVER recorded while SNS was down still reaches the
 * topic once SNS is back, though the pair is gone and its stored definition deleted.
 * A simulated account and dynalite, through the real poll handler.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ThrottledException } from '@aws-sdk/client-sns';
import type { PollResult } from '../../handlers/poll';
import { pairKey } from '../../lib/domain/model';
import { alarmDescriptionFor } from '../../lib/domain/alarm-plan';
import { alarmContainer, alarmEvent, pollContainer } from '../support/containers';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

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
const sweepWith = (event: unknown) => poll(event);
const idOf = (pair: GeneratedPair) => ({ zoneId: pair.zoneId, name: pair.name, type: pair.type });

function removeFromRoute53(pair: GeneratedPair): void {
  const zone = account.zones.find((candidate) => candidate.id === pair.zoneId);
  if (zone === undefined) throw new Error(`no zone ${pair.zoneId}`);
  zone.records.splice(0, zone.records.length, ...zone.records.filter((record) => record.Name !== pair.name));
}

describe('a pair removed from Route 53 with a notification still pending', () => {
  /** Fails the pair's primary while SNS throttles: one FAILOVER committed and left pending. */
  async function failOverUnsent(pair: GeneratedPair, poll: (event: unknown) => Promise<PollResult> = sweepWith): Promise<void> {
    account.setHealthy(pair.primaryCheckId, false);
    account.publishFailure = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    harness.clock.advanceSeconds(60);
    expect(await poll(loadEvent('scheduled.json'))).toMatchObject({ transitionsRecorded: 1, notificationsPending: 1 });
    account.publishFailure = undefined;
  }
  const sent = (pair: GeneratedPair) => account.published.filter((message) => message.attributes['transitionId'] === `${pairKey(idOf(pair))}#1`);

  it('its FAILOVER, recorded while SNS was down, is sent once SNS is back, from the pair as the container last listed it', async () => {
    const vanishing = pairs[0];
    if (vanishing === undefined) throw new Error('no pair generated');
    const first = await sweep();
    expect(first.definitions).toMatchObject({ status: 'SYNCED', written: pairs.length, deleted: 0 });
    await failOverUnsent(vanishing);
    expect(sent(vanishing)).toHaveLength(0);

    // The records are removed and discovery lists again (its cache is 15 minutes old); SNS is back.
    removeFromRoute53(vanishing);
    harness.clock.advanceSeconds(16 * 60);
    const afterRemoval = await sweep();
    expect(afterRemoval.pairsWatched).toBe(pairs.length - 1);
    // Its definition goes at once (the alarm function must not judge it any more); its FAILOVER is sent.
    expect(afterRemoval.definitions).toMatchObject({ status: 'SYNCED', deleted: 1, vanishedOutboxes: { pairs: 1, sent: 1, pending: 0, historyNotMoved: 0 } });
    expect(sent(vanishing).map((message) => message.subject)).toEqual([expect.stringMatching(/FAILOVER/)]);

    // Steady sweeps (no listing): the sent entry is moved to history, then nothing is left to do.
    harness.clock.advanceSeconds(60);
    const moved = await sweep();
    expect(moved.definitions).toEqual({ status: 'NOT_DUE', read: 0, written: 0, deleted: 0, vanishedOutboxes: { pairs: 1, sent: 0, pending: 0, historyNotMoved: 0 } });
    const history = await harness.store.listTransitions(idOf(vanishing));
    expect(history.map((transition) => [transition.kind, transition.publishStatus])).toEqual([['FAILOVER', 'PUBLISHED']]);
    harness.clock.advanceSeconds(60);
    expect((await sweep()).definitions).toEqual({ status: 'NOT_DUE', read: 0, written: 0, deleted: 0 });
    expect(sent(vanishing)).toHaveLength(1);
  });

  it('when its state cannot be read, the next sweep tries again and sends it', async () => {
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
    try {
      harness.clock.advanceSeconds(16 * 60);
      const failed = await sweep();
      expect(failed.definitions).toMatchObject({ status: 'SYNCED', deleted: 1, vanishedOutboxes: { pairs: 1, sent: 0, error: expect.stringContaining('DynamoDB unavailable') } });
      expect(sent(pair)).toHaveLength(0);
    } finally {
      failing = false;
    }
    harness.clock.advanceSeconds(60);
    const retried = await sweep();
    expect(retried.definitions).toMatchObject({ status: 'NOT_DUE', vanishedOutboxes: { pairs: 1, sent: 1 } });
    expect(sent(pair)).toHaveLength(1);
  });

  it('recorded by a container with an older listing after another one forgot the pair: sent once that container lists again', async () => {
    const pair = pairs[2];
    if (pair === undefined) throw new Error('no pair generated');
    const a = pollContainer(harness);
    const b = pollContainer(harness);
    await a(loadEvent('scheduled.json'));
    harness.clock.advanceSeconds(5 * 60);
    await b(loadEvent('scheduled.json'));
    removeFromRoute53(pair);
    harness.clock.advanceSeconds(11 * 60);
    // A lists again: the pair is gone, its outbox empty; its definition is deleted.
    expect((await a(loadEvent('scheduled.json'))).definitions).toMatchObject({ deleted: 1 });
    // B's listing is still fresh: it still sweeps the pair, and records a FAILOVER SNS refuses.
    await failOverUnsent(pair, b);
    harness.clock.advanceSeconds(5 * 60);
    const relisted = await b(loadEvent('scheduled.json'));
    expect(relisted.definitions).toMatchObject({ vanishedOutboxes: { pairs: 1, sent: 1 } });
    expect(sent(pair)).toHaveLength(1);
  });

  it('recorded by an alarm invocation that read the pair\'s definition just before it was deleted: the next sweep still sends it', async () => {
    const pair = pairs[3];
    if (pair === undefined) throw new Error('no pair generated');
    const poll = pollContainer(harness);
    await poll(loadEvent('scheduled.json'));
    const definition = { TableName: harness.config.tableName, Key: { pk: { S: `PAIR#${pairKey(idOf(pair))}` }, sk: { S: 'DEFINITION' } } };
    const stored = (await harness.clients.dynamo.send(new GetItemCommand(definition))).Item;
    expect(stored).toBeDefined();

    removeFromRoute53(pair);
    harness.clock.advanceSeconds(16 * 60);
    // The poll container lists again: the pair is gone with an empty outbox, its definition deleted.
    expect((await poll(loadEvent('scheduled.json'))).definitions).toMatchObject({ deleted: 1 });
    // An alarm invocation that read the definition before that commits a FAILOVER after it; SNS refuses it.
    await harness.clients.dynamo.send(new PutItemCommand({ TableName: harness.config.tableName, Item: stored }));
    account.setHealthy(pair.primaryCheckId, false);
    account.publishFailure = () => new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    const prefix = harness.config.alarms.prefix;
    const alarm = await alarmContainer(harness)(alarmEvent(`${prefix}-${pair.primaryCheckId}`, pair.primaryCheckId, alarmDescriptionFor(prefix, pair.primaryCheckId, [pairKey(idOf(pair))])));
    expect(alarm).toMatchObject({ transitionsRecorded: 1, notificationsPending: 1 });
    await harness.clients.dynamo.send(new DeleteItemCommand(definition));
    account.publishFailure = undefined;

    harness.clock.advanceSeconds(60);
    const next = await poll(loadEvent('scheduled.json'));
    expect(next.definitions).toMatchObject({ vanishedOutboxes: { pairs: 1, sent: 1 } });
    expect(sent(pair)).toHaveLength(1);
  });
});
