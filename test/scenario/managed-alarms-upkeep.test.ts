/**
 * Managed-alarm upkeep at the reconciler: a simulated account at the SDK boundary (aws-sdk-client-mock),
 * the real Route 53 inventory, the real CloudWatchAlarmManager and AlarmReconciler, and a hand-moved
 * clock: the time an AWS call takes is modelled by advancing the clock inside the simulated call.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Route53Client } from '@aws-sdk/client-route-53';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { AlarmReconciler } from '../../lib/usecases/reconcile-alarms';
import { FixedClock } from '../../local/fixed-clock';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

const PREFIX = 'failwatch-prod';
const OWNER_TAG = [{ Key: 'failwatch:managed-by', Value: PREFIX }];
const START = new Date('2026-11-25T08:00:00Z');
/** FAILWATCH_ALARM_RECONCILE_MINUTES' default: a finished reconcile is not due again for 15 minutes. */
const INTERVAL_SECONDS = 15 * 60;

interface World {
  readonly account: SimulatedAws;
  readonly pairs: readonly GeneratedPair[];
  readonly clock: FixedClock;
  readonly inventory: Route53InventorySource;
}

function world(healthChecks: number): World {
  const { account, pairs } = generatedAccount({ healthChecks });
  account.install();
  return {
    account,
    pairs,
    clock: new FixedClock(START),
    // No cache: each reconcile sees the account as it is now.
    inventory: new Route53InventorySource(new Route53Client({ region: 'us-east-1', maxAttempts: 1 }), { zoneIds: [] }),
  };
}

/** A container: its own alarm manager (and what it has proven) and reconciler. */
function container(w: World, prefix = PREFIX, intervalSeconds = 0): AlarmReconciler {
  const manager = new CloudWatchAlarmManager(new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 }), { prefix });
  return new AlarmReconciler(manager, w.inventory, w.clock, { prefix, intervalSeconds });
}

function removePair(account: SimulatedAws, pair: GeneratedPair): void {
  const zone = account.zones.find((candidate) => candidate.id === pair.zoneId);
  if (zone) zone.records.splice(0, zone.records.length, ...zone.records.filter((record) => record.Name !== pair.name));
  account.checks.delete(pair.primaryCheckId);
  account.checks.delete(pair.secondaryCheckId);
}

/** Watches one zone of 3 pairs (6 checks) only, as when zoneIds is narrowed or zones are deleted. */
function narrowToThreePairs(account: SimulatedAws): void {
  const zone = account.zones[0]!;
  account.zones.splice(1);
  zone.records.splice(8); // NS, SOA, then two records a pair
}

/** Each simulated call of `operation` takes `ms` of the clock. */
function slowDown(w: World, operation: 'listTagsForResource' | 'deleteAlarms', ms: number): void {
  const account = w.account as unknown as Record<string, (input: unknown) => unknown>;
  const original = account[operation]!.bind(w.account);
  account[operation] = (input: unknown) => {
    w.clock.set(new Date(w.clock.now().getTime() + ms));
    return original(input);
  };
}

const deadlineIn = (w: World, ms: number): Date => new Date(w.clock.now().getTime() + ms);
const overrunMs = (w: World, deadline: Date): number => Math.max(0, w.clock.now().getTime() - deadline.getTime());

let current: World | undefined;
afterEach(() => {
  current?.account.restore();
  current = undefined;
});

describe('ownership is confirmed by the tag right before an alarm is changed', () => {
  it('a warm container neither deletes nor updates an alarm whose failwatch:managed-by tag was removed, and reports it as foreign', async () => {
    const w = (current = world(6));
    const reconciler = container(w);
    expect((await reconciler.reconcileIfDue()).created).toBe(6);
    expect((await reconciler.reconcileIfDue()).status).toBe('RECONCILED');
    const [first, second, third] = w.pairs as [GeneratedPair, GeneratedPair, GeneratedPair];

    // An operator takes two alarms out of Failwatch's hands by removing the owner tag (UntagResource changes
    // tags only, not the alarm's configuration or its AlarmConfigurationUpdatedTimestamp)...
    const notDeleted = `${PREFIX}-${second.primaryCheckId}`;
    const notUpdated = `${PREFIX}-${first.primaryCheckId}`;
    w.account.alarms.get(notDeleted)!.tags = [];
    w.account.alarms.get(notUpdated)!.tags = [];
    const description = w.account.alarms.get(notUpdated)!.alarm.AlarmDescription;
    // ...then the second pair goes (its alarms are no longer wanted), and the third pair's primary uses the
    // first pair's primary check (whose alarm must now name both pairs).
    removePair(w.account, second);
    const zone = w.account.zones.find((candidate) => candidate.id === third.zoneId)!;
    zone.records.find((record) => record.Name === third.name && record.Failover === 'PRIMARY')!.HealthCheckId = first.primaryCheckId;

    const result = await reconciler.reconcileIfDue();
    expect(result).toMatchObject({ status: 'RECONCILED', created: 0, updated: 0, deleted: 2, foreign: 2 });
    expect(result.foreignAlarms).toHaveLength(2);
    expect(result.foreignAlarms).toContainEqual({ name: notUpdated, blocks: expect.stringContaining(first.primaryCheckId) });
    expect(result.foreignAlarms).toContainEqual({ name: notDeleted });
    expect(w.account.alarms.has(notDeleted)).toBe(true);
    expect(w.account.alarms.get(notUpdated)!.alarm.AlarmDescription).toBe(description);
    expect(w.account.alarms.has(`${PREFIX}-${second.secondaryCheckId}`)).toBe(false);
    expect(w.account.alarms.has(`${PREFIX}-${third.primaryCheckId}`)).toBe(false);
    // Both stay foreign: the next listing reads their tags again.
    expect(await reconciler.reconcileIfDue()).toMatchObject({ status: 'RECONCILED', created: 0, updated: 0, deleted: 0, foreign: 2 });
  });

  it('alarms this container created are taken as its own at the next listing: an unchanged alarm costs no tag read', async () => {
    const w = (current = world(6));
    const reconciler = container(w);
    expect((await reconciler.reconcileIfDue()).created).toBe(6);
    expect([...w.account.alarms.values()].map((entry) => entry.tags)).toEqual(Array<unknown>(6).fill(OWNER_TAG));
    const before = w.account.alarmCalls.listTagsForResource;
    expect(await reconciler.reconcileIfDue()).toEqual({ status: 'RECONCILED', created: 0, updated: 0, deleted: 0, foreign: 0 });
    expect(w.account.alarmCalls.listTagsForResource).toBe(before);
  });
});

describe('the reconcile stops at the run\'s deadline, and the next sweep finishes it', () => {
  it('a cold container stops reading the tags of 2,000 existing alarms at the deadline; its next sweep, still due, reads the rest', async () => {
    const w = (current = world(2000));
    // A previous container created the alarms.
    expect((await container(w).reconcileIfDue()).created).toBe(2000);

    // The next cold container: one ListTagsForResource per alarm, 30 ms each (a real round trip).
    slowDown(w, 'listTagsForResource', 30);
    const reconciler = container(w, PREFIX, INTERVAL_SECONDS);
    const deadline = deadlineIn(w, 30_000);
    const first = await reconciler.reconcileIfDue(deadline);
    expect(first).toMatchObject({ status: 'UNFINISHED', created: 0, updated: 0, deleted: 0 });
    expect(overrunMs(w, deadline)).toBe(0);
    expect(w.account.alarmCalls.listTagsForResource).toBe(1000);

    w.clock.advanceSeconds(300);
    const second = await reconciler.reconcileIfDue(deadlineIn(w, 50_000));
    expect(second).toEqual({ status: 'RECONCILED', created: 0, updated: 0, deleted: 0, foreign: 0 });
    expect(w.account.alarmCalls.listTagsForResource).toBe(2000);
    expect(w.account.alarmCalls.putMetricAlarm).toBe(2000);

    w.clock.advanceSeconds(300);
    expect((await reconciler.reconcileIfDue(deadlineIn(w, 50_000))).status).toBe('NOT_DUE');
  });

  it('alarms of another stage whose prefix extends this one (failwatch-prod-eu-<id> under failwatch-prod) are skipped: no tag read, not foreign', async () => {
    const w = (current = world(2000));
    // failwatch-prod-eu watches the whole account; failwatch-prod lists "failwatch-prod-*", which holds them all.
    expect((await container(w, `${PREFIX}-eu`).reconcileIfDue()).created).toBe(2000);
    narrowToThreePairs(w.account);
    slowDown(w, 'listTagsForResource', 30);
    const prod = container(w, PREFIX);
    const deadline = deadlineIn(w, 30_000);

    const first = await prod.reconcileIfDue(deadline);
    const second = await prod.reconcileIfDue(deadline);

    expect(first).toEqual({ status: 'RECONCILED', created: 6, updated: 0, deleted: 0, foreign: 0 });
    expect(second).toEqual({ status: 'RECONCILED', created: 0, updated: 0, deleted: 0, foreign: 0 });
    expect({ tagReads: w.account.alarmCalls.listTagsForResource, overrunMs: overrunMs(w, deadline) }).toEqual({ tagReads: 0, overrunMs: 0 });
    expect([...w.account.alarms.keys()].filter((name) => name.startsWith(`${PREFIX}-eu-`))).toHaveLength(2000);
  });

  it('stale alarms are deleted 100 a call with the deadline checked between calls; the next sweeps, still due, delete the rest', async () => {
    const w = (current = world(2000));
    const reconciler = container(w, PREFIX, INTERVAL_SECONDS);
    expect((await reconciler.reconcileIfDue()).created).toBe(2000);
    narrowToThreePairs(w.account);
    // DeleteAlarms waits on the 2-a-second write budget: 500 ms a call of up to 100 names.
    slowDown(w, 'deleteAlarms', 500);

    const deadline = deadlineIn(w, 1_000);
    const first = await reconciler.reconcileIfDue(deadline);
    expect(first).toEqual({ status: 'UNFINISHED', created: 0, updated: 0, deleted: 200, foreign: 0 });
    expect(overrunMs(w, deadline)).toBe(0);
    expect(w.account.alarmCalls.deleteAlarms).toBe(2);
    // Each alarm's tags were read again right before its deletion, and only those.
    expect(w.account.alarmCalls.listTagsForResource).toBe(200);

    let deleted = first.deleted;
    let sweeps = 1;
    for (let result = first; result.status === 'UNFINISHED'; sweeps++) {
      w.clock.advanceSeconds(300);
      const sweepDeadline = deadlineIn(w, 5_000);
      result = await reconciler.reconcileIfDue(sweepDeadline);
      expect(overrunMs(w, sweepDeadline)).toBe(0);
      deleted += result.deleted;
    }
    expect({ deleted, sweeps, alarmsLeft: w.account.alarms.size }).toEqual({ deleted: 1994, sweeps: 3, alarmsLeft: 6 });
    w.clock.advanceSeconds(300);
    expect((await reconciler.reconcileIfDue(deadlineIn(w, 5_000))).status).toBe('NOT_DUE');
  });
});
