/**
 * Whose pair list an alarm run trusts. Definitions outlive the pairs a stage watches: a redeploy that
 * narrows FAILWATCH_ZONE_IDS starts cold and never deletes the dropped zones' definitions, and the alarm
 * rule matches every HealthCheckStatus alarm in the account, other stages' included. So a hint is used
 * only from this stage's own alarms (named with its prefix), and only for pairs in its watched zones;
 * anything else is looked up in the (zone-scoped) listing.
 */
import { loadWatchConfig } from '../../lib/runtime/config';
import { alarmDescriptionFor, alarmNameFor } from '../../lib/domain/alarm-plan';
import { runWatch } from '../../lib/usecases/watch';
import { buildWatchDeps } from '../../lib/runtime/wiring';
import { startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { alarmContainer, alarmEvent, keyOf, pollContainer, storedDefinition } from '../support/containers';

const PREFIX = 'failwatch-prod';

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;

beforeAll(async () => {
  // 4 pairs, 2 per zone: zone A = pairs 0,1; zone B = pairs 2,3.
  ({ account, pairs } = generatedAccount({ healthChecks: 8, pairsPerZone: 2 }));
  harness = await startHarness(account, { environment: { FAILWATCH_ALARM_PREFIX: PREFIX } });
});
afterAll(() => harness.stop());

it('after a redeploy narrows FAILWATCH_ZONE_IDS to zone A, an alarm naming a zone-B pair records nothing for it, though its definition is still stored', async () => {
  const zoneA = pairs[0]!.zoneId;
  const pairB = pairs[2]!;
  expect(pairB.zoneId).not.toBe(zoneA);

  // The stage watches every zone: first sweep stores all 4 definitions and states.
  const first = await pollContainer(harness)({ 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'e1', time: '2026-11-25T08:00:00Z', resources: [] });
  expect(first).toMatchObject({ pairsWatched: 4, definitions: { status: 'SYNCED', written: 4 } });

  // Redeploy with FAILWATCH_ZONE_IDS=<zone A>: new (cold) containers.
  const narrowed = loadWatchConfig({ ...process.env, FAILWATCH_ZONE_IDS: zoneA });
  harness.clock.advanceSeconds(300);
  const sweep = await pollContainer(harness, narrowed)({ 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'e2', time: '2026-11-25T08:05:00Z', resources: [] });
  expect(sweep).toMatchObject({ pairsWatched: 2 });
  // The cold container never knew pair B, so its definition stays in the table.
  expect(await storedDefinition(harness, pairB)).toBeDefined();

  // Another stage (e.g. the team that now owns zone B) has its own Failwatch alarm on pair B's primary check.
  account.setHealthy(pairB.primaryCheckId, false);
  harness.clock.advanceSeconds(60);
  const otherStageAlarm = alarmNameFor('failwatch-teamb', pairB.primaryCheckId);
  const event = alarmEvent(otherStageAlarm, pairB.primaryCheckId, alarmDescriptionFor('failwatch-teamb', pairB.primaryCheckId, [keyOf(pairB)]));
  const published = account.published.length;

  const result = await alarmContainer(harness, narrowed)(event);

  // Zone B is not watched by this deployment any more: nothing may be recorded or sent for pair B.
  expect('changes' in result ? result.changes : []).toEqual([]);
  expect(account.published.slice(published).map((message) => message.attributes['record'])).toEqual([]);
  expect(result).toMatchObject({ pairsInScope: 0 });
});

it.each([
  ['another prefix', 'failwatch-teamb', 0],
  ["a prefix that extends this stage's", `${PREFIX}-eu`, 1],
])("another stage's alarm (%s) naming this stage's pair: its list is not used, the pair is looked up and judged", async (_case, otherPrefix, pairIndex) => {
  const pairA = pairs[pairIndex]!;
  account.setHealthy(pairA.primaryCheckId, false);
  harness.clock.advanceSeconds(60);
  const otherStageAlarm = alarmNameFor(otherPrefix, pairA.primaryCheckId);
  const scope = {
    kind: 'HEALTH_CHECKS',
    healthCheckIds: [pairA.primaryCheckId],
    alarmName: otherStageAlarm,
    pairHint: { kind: 'PAIRS', pairIds: [{ zoneId: pairA.zoneId, name: pairA.name, type: pairA.type }] },
  } as const;

  const summary = await runWatch(buildWatchDeps(harness.config, harness.clients, harness.clock), { trigger: { kind: 'ALARM', source: otherStageAlarm }, scope, deadline: undefined });

  expect(summary.discovery).toEqual({ source: 'INVENTORY', hintUnused: `the alarm is not one of this stage's (named ${PREFIX}-...): its pair list is not used` });
  expect(summary.outcomes.map((outcome) => [outcome.pair, outcome.recorded])).toEqual([[keyOf(pairA), ['FAILOVER']]]);
});
