/**
 * Managed alarms through the real poll handler: a simulated account (Route 53, CloudWatch alarms and
 * metrics, SNS) and dynalite. The sweep runs first; alarms are reconciled after it, only when due.
 */
import { createHandler as createPollHandler, type PollResult } from '../../handlers/poll';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

const PREFIX = 'failwatch-test';
const OWNER_TAG = [{ Key: 'failwatch:managed-by', Value: PREFIX }];

interface World {
  readonly account: SimulatedAws;
  readonly pairs: readonly GeneratedPair[];
  readonly harness: Harness;
  readonly poll: ReturnType<typeof createPollHandler>;
}

async function startWorld(environment: Record<string, string> = {}): Promise<World> {
  const { account, pairs } = generatedAccount({ healthChecks: 6 });
  const harness = await startHarness(account, { environment: { FAILWATCH_ALARM_PREFIX: PREFIX, ...environment } });
  const deps = buildPollDeps(harness.config, harness.clients, harness.clock);
  return { account, pairs, harness, poll: createPollHandler(() => deps) };
}

const sweep = (world: World): Promise<PollResult> => world.poll(loadEvent('scheduled.json'));
const alarmCallCount = (account: SimulatedAws) => Object.values(account.alarmCalls).reduce((sum, n) => sum + n, 0);
const checkIds = (pairs: readonly GeneratedPair[]) => pairs.flatMap((pair) => [pair.primaryCheckId, pair.secondaryCheckId]).sort();

/** Removes a pair from its zone, and its two health checks from the account. */
function removePair(account: SimulatedAws, pair: GeneratedPair): void {
  const zone = account.zones.find((candidate) => candidate.id === pair.zoneId);
  if (zone) zone.records.splice(0, zone.records.length, ...zone.records.filter((record) => record.Name !== pair.name));
  account.checks.delete(pair.primaryCheckId);
  account.checks.delete(pair.secondaryCheckId);
}

describe('managed alarms on (the default)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.harness.stop());

  it('the first sweep creates one tagged HealthCheckStatus alarm per watched health check', async () => {
    const result = await sweep(world);
    expect(result.alarms).toEqual({ status: 'RECONCILED', created: 6, updated: 0, deleted: 0, foreign: 0 });
    expect(result.pairsWatched).toBe(3);
    expect([...world.account.alarms.keys()].sort()).toEqual(checkIds(world.pairs).map((id) => `${PREFIX}-${id}`));
    for (const [name, { alarm, tags }] of world.account.alarms) {
      expect({ name, tags }).toEqual({ name, tags: OWNER_TAG });
      expect(alarm).toMatchObject({ Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Period: 60, ComparisonOperator: 'LessThanThreshold', Threshold: 1 });
    }
  });

  it('a steady sweep makes no alarm call at all', async () => {
    world.harness.clock.advanceSeconds(300);
    const before = alarmCallCount(world.account);
    const result = await sweep(world);
    expect(result.alarms.status).toBe('NOT_DUE');
    expect(alarmCallCount(world.account)).toBe(before);
  });

  it('a foreign alarm under the prefix (no tag) is never touched, even when its name is one Failwatch would use', async () => {
    const kept = world.pairs[0] as GeneratedPair;
    // Someone replaced one of our alarms with their own (no tag), and keeps another for a check soon gone.
    world.account.alarms.delete(`${PREFIX}-${kept.primaryCheckId}`);
    world.account.addAlarm(`${PREFIX}-${kept.primaryCheckId}`, { healthCheckId: kept.primaryCheckId, tags: [{ Key: 'team', Value: 'sre' }] });
    world.account.addAlarm(`${PREFIX}-hand-made`, {});
    // The interval runs out: the reconcile repairs drift.
    world.harness.clock.advanceSeconds(15 * 60);
    const puts = world.account.alarmCalls.putMetricAlarm;
    const result = await sweep(world);
    // `hand-made` is no health check id: never a name Failwatch uses, so neither read nor counted.
    expect(result.alarms).toMatchObject({ status: 'RECONCILED', created: 0, updated: 0, deleted: 0, foreign: 1 });
    expect(result.alarms.foreignAlarms).toEqual([{ name: `${PREFIX}-${kept.primaryCheckId}`, blocks: expect.stringContaining(kept.primaryCheckId) }]);
    expect(world.account.alarmCalls.putMetricAlarm).toBe(puts);
    expect(world.account.alarms.get(`${PREFIX}-${kept.primaryCheckId}`)?.tags).toEqual([{ Key: 'team', Value: 'sre' }]);
  });

  it('a removed pair: once discovery lists again, its checks\' alarms are deleted and the foreign ones stay', async () => {
    const removed = world.pairs[1] as GeneratedPair;
    removePair(world.account, removed);
    // Past the discovery cache's 15 minutes: the sweep lists Route 53 again and watches 4 checks.
    world.harness.clock.advanceSeconds(15 * 60);
    const result = await sweep(world);
    expect(result.pairsWatched).toBe(2);
    expect(result.alarms).toMatchObject({ status: 'RECONCILED', created: 0, deleted: 2, foreign: 1 });
    expect(world.account.alarms.has(`${PREFIX}-${removed.primaryCheckId}`)).toBe(false);
    expect(world.account.alarms.has(`${PREFIX}-${removed.secondaryCheckId}`)).toBe(false);
    expect(world.account.alarms.has(`${PREFIX}-hand-made`)).toBe(true);
    expect(world.account.alarms.size).toBe(5);
  });

  it('a failed reconcile does not fail the sweep, is reported, and is tried again at the next sweep', async () => {
    world.harness.clock.advanceSeconds(15 * 60);
    world.account.alarmFailure = () => Object.assign(new Error('User is not authorized to perform cloudwatch:DescribeAlarms'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const failed = await sweep(world);
    expect(failed.alarms).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/grant cloudwatch:DescribeAlarms/) });
    expect(failed.pairsWatched).toBe(2);
    world.account.alarmFailure = undefined;
    world.harness.clock.advanceSeconds(300);
    expect((await sweep(world)).alarms.status).toBe('RECONCILED');
  });
});

describe('managed alarms off (FAILWATCH_MANAGE_ALARMS=false)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ FAILWATCH_MANAGE_ALARMS: 'false' });
  });
  afterAll(() => world.harness.stop());

  it('sweeps make no alarm call, create nothing, and say so', async () => {
    const first = await sweep(world);
    world.harness.clock.advanceSeconds(20 * 60);
    const later = await sweep(world);
    expect(first.alarms).toEqual({ status: 'OFF', created: 0, updated: 0, deleted: 0, foreign: 0 });
    expect(later.alarms.status).toBe('OFF');
    expect(first.pairsWatched).toBe(3);
    expect(world.account.alarmCalls).toEqual({ describeAlarms: 0, putMetricAlarm: 0, deleteAlarms: 0, listTagsForResource: 0 });
    expect(world.account.alarms.size).toBe(0);
  });
});

describe('each alarm names the pairs of its check (the pair hint the alarm function reads)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.harness.stop());

  const keyOf = (pair: GeneratedPair) => `${pair.zoneId}|${pair.name}|${pair.type}`;
  const descriptionOf = (checkId: string) => world.account.alarms.get(`${PREFIX}-${checkId}`)?.alarm.AlarmDescription;

  it('a check two pairs share names both; once one pair stops using it, the reconcile that follows discovery names the other alone', async () => {
    const [first, second] = world.pairs as [GeneratedPair, GeneratedPair];
    // The second pair's primary is watched by the first pair's primary check too.
    const zone = world.account.zones.find((candidate) => candidate.id === second.zoneId)!;
    const record = zone.records.find((candidate) => candidate.Name === second.name && candidate.Failover === 'PRIMARY')!;
    record.HealthCheckId = first.primaryCheckId;

    const created = await sweep(world);
    expect(created.alarms).toMatchObject({ status: 'RECONCILED', created: 5 });
    const hint = (...pairs: GeneratedPair[]) => ` Pairs: ${JSON.stringify(pairs.map(keyOf).sort())}`;
    expect(descriptionOf(first.primaryCheckId)?.endsWith(hint(first, second))).toBe(true);
    expect(descriptionOf(first.secondaryCheckId)?.endsWith(hint(first))).toBe(true);

    record.HealthCheckId = second.primaryCheckId;
    world.harness.clock.advanceSeconds(16 * 60);
    const updated = await sweep(world);
    expect(updated.alarms).toMatchObject({ status: 'RECONCILED', created: 1, updated: 1, deleted: 0 });
    expect(descriptionOf(first.primaryCheckId)?.endsWith(hint(first))).toBe(true);
    expect(descriptionOf(second.primaryCheckId)?.endsWith(hint(second))).toBe(true);
  });
});
