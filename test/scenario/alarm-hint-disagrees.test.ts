/**
 * An alarm's pair list and the pairs' stored definitions can disagree: the sweep rewrites alarm
 * descriptions even when storing the definitions failed just before. A named pair whose definition does
 * not use the alarmed check means one of the two is stale; the run then looks the pairs up in the listing
 * rather than judge only the others.
 *
 * Pairs P and Q. Q's primary record is switched to P's primary check Hp. The next listing sweep fails to
 * store definitions (BatchWriteItem error) but reconciles: Hp's alarm now names P and Q. Hp fails: Route 53
 * fails both P and Q over, and the alarm records both FAILOVERs.
 */
import { startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { alarmContainer, keyOf, ownAlarmEvent, pollContainer, recordOf } from '../support/containers';

const PREFIX = 'failwatch-prod';
const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', id: 'e', time: '2026-11-25T08:00:00Z', resources: [] };

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;
let failDefinitionWrites = false;

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 4, pairsPerZone: 2 }));
  harness = await startHarness(account, { environment: { FAILWATCH_ALARM_PREFIX: PREFIX } });
  harness.clients.dynamo.middlewareStack.add(
    (next, context) => (args) => {
      if (failDefinitionWrites && context.commandName === 'BatchWriteItemCommand') {
        throw Object.assign(new Error('simulated: BatchWriteItem failed'), { name: 'InternalServerError', $fault: 'server' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'reviewFailDefinitionWrites' },
  );
});
afterAll(() => harness.stop());

it('a hinted pair whose stored definition lags the hint is looked up in the listing: both FAILOVERs are recorded', async () => {
  const [p, q] = pairs as [GeneratedPair, GeneratedPair];
  const poll = pollContainer(harness);
  expect(await poll(SCHEDULED)).toMatchObject({ definitions: { status: 'SYNCED', written: 2 }, alarms: { status: 'RECONCILED' } });

  // Q's primary is now watched by P's primary check.
  recordOf(account, q, 'PRIMARY').HealthCheckId = p.primaryCheckId;
  harness.clock.advanceSeconds(16 * 60);
  failDefinitionWrites = true;
  const relisted = await poll(SCHEDULED);
  failDefinitionWrites = false;
  expect(relisted).toMatchObject({ definitions: { status: 'FAILED' }, alarms: { status: 'RECONCILED' } });
  // The alarm's pair list is the new one; Q's stored definition is the old one.
  expect(account.alarms.get(`${PREFIX}-${p.primaryCheckId}`)?.alarm.AlarmDescription).toContain(JSON.stringify([keyOf(p), keyOf(q)].sort()));

  account.setHealthy(p.primaryCheckId, false);
  harness.clock.advanceSeconds(60);
  // Route 53 now serves both pairs' secondaries.
  expect(account.dnsAnswer(q.zoneId, q.name, 'A')[0]).toMatch(/^10\.1\./);

  const result = await alarmContainer(harness)(ownAlarmEvent(account, PREFIX, p.primaryCheckId));

  const changes = 'changes' in result ? result.changes : [];
  expect(changes.map((change) => [change.pair, change.recorded]).sort()).toEqual(
    [
      [keyOf(p), ['FAILOVER']],
      [keyOf(q), ['FAILOVER']],
    ].sort(),
  );
});
