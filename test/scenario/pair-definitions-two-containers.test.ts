/**
 * Two warm poll containers (Lambda runs one per overlapping invocation) each remember what they stored;
 * one's memory goes stale when the other writes. So each new listing reads the stored hashes again before
 * deciding what to write.
 *
 * Pair P's secondary has no health check (X): container C1 stores X. Check Hs is attached to the
 * secondary (Y): a new container C2 stores Y. Hs is detached again (X): C1 lists again and, having read
 * Y back, writes X. The primary then fails while the unused Hs is unhealthy: Route 53 serves the
 * secondary, and the alarm, judging from X, records a FAILOVER (judged from Y it would be ALL_UNHEALTHY).
 */
import { startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { keyOf, ownAlarmEvent, pollContainer, recordOf, storedDefinition, alarmContainer } from '../support/containers';

const PREFIX = 'failwatch-prod';
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'e', time: '2026-11-25T08:00:00Z', resources: [] };

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 4, pairsPerZone: 2 }));
  harness = await startHarness(account, { environment: { FAILWATCH_ALARM_PREFIX: PREFIX } });
});
afterAll(() => harness.stop());

it('a change reverted while another poll container wrote it is written back at the next listing', async () => {
  const pair = pairs[0]!;
  const secondary = recordOf(account, pair, 'SECONDARY');

  // State X: the secondary has no health check. Container C1 (cold) stores X.
  delete secondary.HealthCheckId;
  const c1 = pollContainer(harness);
  expect(await c1(SCHEDULED)).toMatchObject({ definitions: { status: 'SYNCED' } });

  // State Y: Hs attached to the secondary. A second container C2 (cold) relists and stores Y.
  secondary.HealthCheckId = pair.secondaryCheckId;
  harness.clock.advanceSeconds(120);
  const c2 = pollContainer(harness);
  expect(await c2(SCHEDULED)).toMatchObject({ definitions: { status: 'SYNCED', written: 1 } });

  // State X again (the user reverts). C1's discovery cache expires, it relists: its memory says X is stored.
  delete secondary.HealthCheckId;
  harness.clock.advanceSeconds(16 * 60);
  expect(await c1(SCHEDULED)).toMatchObject({ definitions: { status: 'SYNCED' } });

  // What is stored is still Y: the secondary judged by Hs, which Route 53 no longer uses for it.
  expect((await storedDefinition(harness, pair))?.pair.secondary.healthCheckId).toBeUndefined();
});

it('…so the alarm on the primary check records the FAILOVER Route 53 made', async () => {
  const pair = pairs[0]!;
  account.setHealthy(pair.secondaryCheckId, false); // Hs is unhealthy, but no record uses it any more
  account.setHealthy(pair.primaryCheckId, false);
  harness.clock.advanceSeconds(60);
  // Route 53 answers with the secondary's address.
  expect(account.dnsAnswer(pair.zoneId, pair.name, 'A')[0]).toMatch(/^10\.1\./);

  const result = await alarmContainer(harness)(ownAlarmEvent(account, PREFIX, pair.primaryCheckId));

  expect('changes' in result ? result.changes : []).toEqual([{ pair: keyOf(pair), recorded: ['FAILOVER'], notices: [], dns: 'AGREES' }]);
});
