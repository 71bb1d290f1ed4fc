/**
 * A blind spot, through the poll handler: a failover pair whose primary is an alias evaluating the health
 * of an API Gateway API (a load balancer's Failwatch reads), with no Route 53 health check of its own. Route 53 can fail it over; Failwatch cannot
 * read that health, so the pair is UNKNOWN and has no serving state. It is still told once, on the first
 * look, and once when the owners fix it (a health check attached, the records listed again when the
 * discovery cache expires): the notices are kept in the pair's item without a serving state.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { PollResult } from '../../handlers/poll';
import { pairKey } from '../../lib/domain/model';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type PublishedMessage, type SimulatedAws } from '../../local/simulated-aws';
import { kinds, minutesIn } from '../support/notice-scenario';

const API = { zoneId: REFERENCE.zoneId, name: 'api.example.com.', type: 'A' } as const;
const API_CHECK_ID = 'dddddddd-0000-4000-8000-0000000000a1';
const API_GATEWAY = { HostedZoneId: 'ZLY8HYME6SFDD', DNSName: 'd-api1234.execute-api.eu-west-1.amazonaws.com.', EvaluateTargetHealth: true };

const apiPrimary: ResourceRecordSet = { Name: API.name, Type: 'A', SetIdentifier: 'api-primary', Failover: 'PRIMARY', AliasTarget: API_GATEWAY };
const apiSecondary: ResourceRecordSet = { Name: API.name, Type: 'A', SetIdentifier: 'api-secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: '10.0.2.1' }] };

describe('a blind spot: said on the first look, not again, and cleared once fixed', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const runs = new Map<number, { result: PollResult; sent: PublishedMessage[] }>();
  let whileBlind: Awaited<ReturnType<Harness['store']['loadStateConsistent']>>;
  let noticesWhileBlind: string[][] = [];

  async function sweepAt(minute: number): Promise<void> {
    harness.clock.set(minutesIn(minute));
    const before = account.published.length;
    const result = (await harness.poll(loadEvent('scheduled.json'))) as PollResult;
    runs.set(minute, { result, sent: account.published.slice(before) });
  }

  beforeAll(async () => {
    account = referenceAccount();
    account.zones[0]!.records.push(apiPrimary, apiSecondary);
    harness = await startHarness(account);
    await sweepAt(0);
    await sweepAt(1);
    await sweepAt(5);
    whileBlind = await harness.store.loadStateConsistent(API);
    noticesWhileBlind = (await harness.store.listNotices(API)).map((n) => [n.kind, n.publishStatus]);
    // The owners attach a health check to the primary and stop evaluating the API's health.
    account.addHealthCheck({ Id: API_CHECK_ID, CallerReference: 'api', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'api.example.com', Port: 443, ResourcePath: '/health', Inverted: false, Disabled: false } });
    account.replaceRecord(API.zoneId, 'api-primary', { ...apiPrimary, AliasTarget: { ...API_GATEWAY, EvaluateTargetHealth: false }, HealthCheckId: API_CHECK_ID });
    await sweepAt(6);
    // The records are listed again once the discovery cache (15 minutes) has expired.
    await sweepAt(16);
    await sweepAt(17);
  });

  afterAll(() => harness.stop());

  it.each([
    [0, ['BLIND_SPOT']],
    [1, []],
    [5, []],
    [6, []],
    [16, ['BLIND_SPOT_CLEARED']],
    [17, []],
  ])('minute %i: sends %j', (minute, expected) => {
    expect(kinds(runs.get(minute)!.sent)).toEqual(expected);
  });

  it('the notice names the target Failwatch cannot read and what to attach, at warning severity; the reference pair gets none', () => {
    const [notice] = runs.get(0)!.sent;
    expect(notice?.attributes).toMatchObject({ kind: 'BLIND_SPOT', severity: 'warning', record: 'api.example.com' });
    expect(notice?.subject).toBe('BLIND_SPOT api.example.com A: primary target health unreadable: Failwatch cannot judge it');
    expect(notice?.text).toContain('evaluates the health of the API Gateway API d-api1234.execute-api.eu-west-1.amazonaws.com');
    expect(notice?.text).toContain('What to change: associate a Route 53 health check of its own with the record');
    expect(runs.get(0)!.result.configNotices).toEqual([{ pair: pairKey(API), kind: 'BLIND_SPOT', risk: 'TARGET_HEALTH_UNREADABLE#PRIMARY#d-api1234.execute-api.eu-west-1.amazonaws.com' }]);
  });

  it('while blind the pair is UNKNOWN and has no serving state: its notice and its watch live in an item without one', () => {
    expect(runs.get(1)!.result.unknownPairs).toEqual([pairKey(API)]);
    expect(whileBlind).toMatchObject({ pairId: API, watch: { config: { open: [expect.objectContaining({ since: minutesIn(0).toISOString() })] }, checksWithData: [] } });
    expect(whileBlind?.serving).toBeUndefined();
    expect(noticesWhileBlind).toEqual([['BLIND_SPOT', 'PUBLISHED']]);
  });

  it('once fixed the pair is judged: its first state is stored, and the clearing notice says how long the blind spot lasted', async () => {
    expect(runs.get(16)!.result.unknownPairs).toEqual([]);
    expect(await harness.store.loadStateConsistent(API)).toMatchObject({ serving: 'PRIMARY', sequence: 0, servingSince: minutesIn(16).toISOString() });
    expect(runs.get(16)!.sent[0]?.subject).toBe('BLIND_SPOT_CLEARED api.example.com A: cleared after 16m (primary target health unreadable)');
    expect(await harness.store.listTransitions(API)).toEqual([]);
  });
});
