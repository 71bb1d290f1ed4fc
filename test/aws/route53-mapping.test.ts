import type { HealthCheck, ResourceRecordSet } from '@aws-sdk/client-route-53';
import fc from 'fast-check';
import { buildPairs, recordsPairsReach, toHealthCheckDefinition, toRecordSet, toZone, type Zone } from '../../lib/aws/route53/mapping';
import { observePair } from '../../lib/domain/failover';
import { TriggerKind, Verdict, type HealthAssessment } from '../../lib/domain/model';

const ZONE: Zone = { id: 'Z1', name: 'example.com.', private: false };

type RecordSpec = Partial<ResourceRecordSet> & { Name: string };
const record = (spec: RecordSpec): ResourceRecordSet => ({ Type: 'A', TTL: 60, ...spec });
const alias = (dnsName: string, evaluateTargetHealth: boolean, zoneId = '/hostedzone/Z1'): ResourceRecordSet['AliasTarget'] => ({
  DNSName: dnsName,
  HostedZoneId: zoneId,
  EvaluateTargetHealth: evaluateTargetHealth,
});

/**
 * A zone where the web pair reaches other records through target-health aliases: its primary names
 * the weighted pool (two records, one itself an alias to deep), its secondary names a record in
 * another zone. Everything else is there to be left out.
 */
const ZONE_RECORDS: readonly ResourceRecordSet[] = [
  record({ Name: 'example.com.', Type: 'NS', ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }] }),
  record({ Name: 'web.example.com.', SetIdentifier: 'web-primary', Failover: 'PRIMARY', HealthCheckId: 'hc-web', AliasTarget: alias('Pool.example.com', true) }),
  record({ Name: 'web.example.com.', SetIdentifier: 'web-secondary', Failover: 'SECONDARY', AliasTarget: alias('web.other.org.', true, 'Z2') }),
  record({ Name: 'pool.example.com.', SetIdentifier: 'pool-1', Weight: 1, HealthCheckId: 'hc-pool-1', ResourceRecords: [{ Value: '10.0.0.1' }] }),
  record({ Name: 'pool.example.com.', SetIdentifier: 'pool-2', Weight: 1, AliasTarget: alias('deep.example.com.', true) }),
  record({ Name: 'pool.example.com.', Type: 'AAAA', SetIdentifier: 'pool-v6', Weight: 1, HealthCheckId: 'hc-pool-v6', ResourceRecords: [{ Value: '2001:db8::1' }] }),
  record({ Name: 'deep.example.com.', HealthCheckId: 'hc-deep', ResourceRecords: [{ Value: '10.0.0.2' }] }),
  record({ Name: 'api.example.com.', SetIdentifier: 'api-primary', Failover: 'PRIMARY', HealthCheckId: 'hc-api', AliasTarget: alias('quiet.example.com.', false) }),
  record({ Name: 'api.example.com.', SetIdentifier: 'api-secondary', Failover: 'SECONDARY', ResourceRecords: [{ Value: '10.0.9.9' }] }),
  record({ Name: 'quiet.example.com.', HealthCheckId: 'hc-quiet', ResourceRecords: [{ Value: '10.0.0.3' }] }),
  record({ Name: 'lonely.example.com.', SetIdentifier: 'lonely', Failover: 'PRIMARY', AliasTarget: alias('deep.example.com.', true) }),
  record({ Name: 'unrelated.example.com.', Type: 'CNAME', ResourceRecords: [{ Value: 'web.example.com' }] }),
];

const records = ZONE_RECORDS.map(toRecordSet);
const { pairs } = buildPairs(ZONE, records);
const describe_ = (r: { name: string; type: string; setIdentifier?: string }) => `${r.name} ${r.type}${r.setIdentifier ? ` ${r.setIdentifier}` : ''}`;

describe('recordsPairsReach: the records of a zone judging its pairs reads', () => {
  it('keeps the pairs\' records and every in-zone target-health alias target, recursively, in zone order', () => {
    expect(pairs.map((p) => p.id.name)).toEqual(['web.example.com.', 'api.example.com.']);
    expect(recordsPairsReach(pairs, records).map(describe_)).toEqual([
      'web.example.com. A web-primary',
      'web.example.com. A web-secondary',
      'pool.example.com. A pool-1',
      'pool.example.com. A pool-2',
      'deep.example.com. A',
      'api.example.com. A api-primary',
      'api.example.com. A api-secondary',
    ]);
  });

  it.each([
    ['an alias that does not evaluate target health', 'quiet.example.com. A'],
    ['a record of the target name with another type', 'pool.example.com. AAAA pool-v6'],
    ['a record reached only from a failover record that forms no pair', 'lonely.example.com. A lonely'],
    ['records no pair names at all', 'unrelated.example.com. CNAME'],
    ['the zone apex records', 'example.com. NS'],
  ])('leaves out %s', (_why, left) => {
    expect(recordsPairsReach(pairs, records).map(describe_)).not.toContain(left);
  });

  it('keeps nothing of a zone without pairs', () => {
    expect(recordsPairsReach([], records)).toEqual([]);
  });

  it('follows an alias loop once and stops', () => {
    const loop = [
      record({ Name: 'a.example.com.', SetIdentifier: 'a-primary', Failover: 'PRIMARY', AliasTarget: alias('b.example.com.', true) }),
      record({ Name: 'a.example.com.', SetIdentifier: 'a-secondary', Failover: 'SECONDARY', ResourceRecords: [{ Value: '10.0.0.9' }] }),
      record({ Name: 'b.example.com.', AliasTarget: alias('a.example.com.', true) }),
    ].map(toRecordSet);
    expect(recordsPairsReach(buildPairs(ZONE, loop).pairs, loop)).toHaveLength(3);
  });

  const CHECK_IDS = ['hc-web', 'hc-pool-1', 'hc-pool-v6', 'hc-deep', 'hc-api', 'hc-quiet'] as const;
  const verdicts = fc.tuple(...CHECK_IDS.map(() => fc.constantFrom(Verdict.HEALTHY, Verdict.UNHEALTHY, Verdict.UNKNOWN)));

  it('judged against the kept records, every pair is observed exactly as against the whole zone (property)', () => {
    const kept = recordsPairsReach(pairs, records);
    fc.assert(
      fc.property(verdicts, (drawn) => {
        const assessments = new Map<string, HealthAssessment>(
          CHECK_IDS.map((id, i) => [id, { healthCheckId: id, verdict: drawn[i]!, basis: `${id} is ${drawn[i]!}`, evidence: { failingRegions: [] } }]),
        );
        const trigger = { kind: TriggerKind.SCHEDULE, source: 'test' };
        for (const pair of pairs) {
          expect(observePair(pair, kept, assessments, '2026-01-01T00:00:00.000Z', trigger)).toEqual(
            observePair(pair, records, assessments, '2026-01-01T00:00:00.000Z', trigger),
          );
        }
      }),
    );
  });
});

describe('toRecordSet and toHealthCheckDefinition: only what is present', () => {
  it('lower-cases names but leaves octal escapes such as \\052 as they are', () => {
    expect(toRecordSet({ Name: '\\052.Example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'app.example.com' }] })).toEqual({
      name: '\\052.example.com.',
      type: 'CNAME',
      values: ['app.example.com'],
    });
  });

  it('adds no key for an absent optional field (no undefined values to store or compare)', () => {
    const mapped = toRecordSet({ Name: 'app.example.com', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.0.1' }] });
    expect(Object.keys(mapped).sort()).toEqual(['name', 'type', 'values']);
    expect(mapped.values).toEqual(['10.0.0.1']);
    const check: HealthCheck = { Id: 'hc', CallerReference: 'hc', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTP', IPAddress: '192.0.2.1' } };
    expect(Object.keys(toHealthCheckDefinition(check)).sort()).toEqual(['childHealthCheckIds', 'disabled', 'healthThreshold', 'id', 'inverted', 'target', 'type']);
  });

  it('gives an alias no values, and a CALCULATED check its own copy of its children', () => {
    const children = ['hc-a', 'hc-b'];
    const calculated = toHealthCheckDefinition({ Id: 'hc-calc', CallerReference: 'c', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: children, HealthThreshold: 1 } });
    children.push('hc-c');
    expect(calculated).toMatchObject({ childHealthCheckIds: ['hc-a', 'hc-b'], healthThreshold: 1 });
    expect(toRecordSet({ Name: 'x.example.com.', Type: 'A', AliasTarget: { DNSName: 'y.example.com', HostedZoneId: 'Z1', EvaluateTargetHealth: false } }).values).toEqual([]);
  });
});

describe('toZone and buildPairs: a private zone\'s pairs say so, for TestDNSAnswer "only supports querying public hosted zones"', () => {
  it.each([
    ['a private zone', { Id: '/hostedzone/Z9', Name: 'corp.internal.', CallerReference: 'r', Config: { PrivateZone: true } }, true],
    ['a public zone: no field at all, so its stored definitions are as before', { Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'r', Config: { PrivateZone: false } }, undefined],
    ['a zone without Config', { Id: '/hostedzone/Z1', Name: 'example.com.', CallerReference: 'r' }, undefined],
  ] as const)('%s', (_case, hostedZone, privateZone) => {
    const [pair] = buildPairs(toZone(hostedZone), records).pairs;
    expect(pair && Object.entries(pair).filter(([key]) => key === 'privateZone')).toEqual(privateZone === undefined ? [] : [['privateZone', privateZone]]);
  });
});
