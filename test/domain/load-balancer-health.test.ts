import { LoadBalancerFamily, type LoadBalancerRef } from '../../lib/domain/alias-targets';
import {
  LoadBalancerType,
  TargetCount,
  judgeLoadBalancer,
  targetCountQueries,
  type LoadBalancerDescription,
  type TargetCountQuery,
  type TargetCountReading,
  type TargetGroupDescription,
} from '../../lib/domain/load-balancer-health';
import { Verdict } from '../../lib/domain/model';
import { LOAD_BALANCER_DOCS, quoting, type GuideSentence } from './route53-guide';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;

function aRef(region: string, name: string, family: LoadBalancerFamily = LoadBalancerFamily.APPLICATION_OR_CLASSIC): LoadBalancerRef {
  return { family, region, name, dnsName: `${name}-1234567890.${region}.elb.amazonaws.com` };
}

function aTargetGroup(name: string, overrides: Partial<TargetGroupDescription> = {}): TargetGroupDescription {
  // The API's defaults: minimum count 1, percentage off.
  return { name, metricId: `targetgroup/${name}/0123456789abcdef`, dnsMinimumHealthyCount: 1, ...overrides };
}

function anAlb(overrides: Partial<LoadBalancerDescription> = {}): LoadBalancerDescription {
  const ref = overrides.ref ?? aRef('eu-west-1', 'web');
  return { ref, type: LoadBalancerType.APPLICATION, metricId: `app/${ref.name}/50dc6c495c0c9188`, availabilityZones: [`${ref.region}a`, `${ref.region}b`], crossZone: true, targetGroups: [aTargetGroup('web')], ...overrides };
}

/** Counts by target group name and scope (`all` or a zone): [healthy, unhealthy], or a reading that is not a value. */
type Counts = Readonly<Record<string, Readonly<Record<string, readonly [number, number] | TargetCountReading>>>>;

function readingsOf(description: LoadBalancerDescription, counts: Counts): Map<string, TargetCountReading> {
  const readings = new Map<string, TargetCountReading>();
  for (const query of targetCountQueries(description)) {
    const group = description.targetGroups.find((candidate) => candidate.metricId === query.targetGroup)?.name ?? 'classic';
    const entry = counts[group]?.[query.availabilityZone ?? 'all'];
    if (entry === undefined) continue;
    const value = Array.isArray(entry) ? entry[query.count === TargetCount.HEALTHY ? 0 : 1] : undefined;
    readings.set(query.id, value !== undefined ? { kind: 'VALUE', value, timestamp: '2026-11-25T09:59:00.000Z' } : (entry as TargetCountReading));
  }
  return readings;
}

function judge(description: LoadBalancerDescription, counts: Counts) {
  return judgeLoadBalancer({ kind: 'DESCRIBED', description }, readingsOf(description, counts));
}

interface Row {
  readonly behaviour: string;
  readonly quote: GuideSentence;
  readonly balancer: LoadBalancerDescription;
  readonly counts: Counts;
  readonly verdict: Verdict;
  /** Something the basis must say. */
  readonly says?: RegExp;
  /** The failing zones (or `all zones`) the evidence lists. */
  readonly failing?: readonly string[];
}

const twoGroups = anAlb({ targetGroups: [aTargetGroup('web'), aTargetGroup('api')] });
const perZone = anAlb({ crossZone: false });
const network = anAlb({ ref: aRef('ap-southeast-2', 'edge', LoadBalancerFamily.NETWORK), type: LoadBalancerType.NETWORK, metricId: 'net/edge/0a1b2c3d4e5f', crossZone: false, availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'] });
const guideExample = (crossZone: boolean) => anAlb({ crossZone, targetGroups: [aTargetGroup('fleet', { dnsMinimumHealthyCount: undefined, dnsMinimumHealthyPercentage: 50 })] });

const rows: readonly Row[] = [
  { behaviour: 'one target group, 3 of 3 healthy → HEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: anAlb(), counts: { web: { all: [3, 0] } }, verdict: HEALTHY, says: /eu-west-1a, eu-west-1b meet every target group's DNS failover minimum \(target group web in all zones: 3 of 3 targets healthy\)/ },
  { behaviour: 'one target group, 0 of 3 healthy → UNHEALTHY, though it fails open', quote: LOAD_BALANCER_DOCS.albRule, balancer: anAlb(), counts: { web: { all: [0, 3] } }, verdict: UNHEALTHY, says: /fails open"\), but Route 53 considers it unhealthy$/, failing: ['all zones'] },
  { behaviour: 'two target groups, one with only unhealthy targets → UNHEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: twoGroups, counts: { web: { all: [2, 0] }, api: { all: [0, 2] } }, verdict: UNHEALTHY, says: /target group api in all zones: 0 of 2 targets healthy/ },
  { behaviour: 'two target groups, each with a healthy target → HEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: twoGroups, counts: { web: { all: [1, 1] }, api: { all: [1, 3] } }, verdict: HEALTHY },
  { behaviour: 'a target group with no registered targets → UNHEALTHY, even beside a healthy one', quote: LOAD_BALANCER_DOCS.emptyTargetGroup, balancer: twoGroups, counts: { web: { all: [4, 0] }, api: { all: [0, 0] } }, verdict: UNHEALTHY, says: /target group api in all zones: no registered targets, and "A target group that has no registered targets is considered unhealthy"/ },
  { behaviour: 'minimum count 3, 2 of 4 healthy → UNHEALTHY', quote: LOAD_BALANCER_DOCS.dnsFailover, balancer: anAlb({ targetGroups: [aTargetGroup('web', { dnsMinimumHealthyCount: 3 })] }), counts: { web: { all: [2, 2] } }, verdict: UNHEALTHY, says: /2 of 4 targets healthy, below the DNS failover minimum of 3 healthy/ },
  { behaviour: 'minimum 50%, 1 of 4 healthy → UNHEALTHY', quote: LOAD_BALANCER_DOCS.dnsFailover, balancer: guideExample(true), counts: { fleet: { all: [1, 3] } }, verdict: UNHEALTHY, says: /below the DNS failover minimum of 50% healthy/ },
  { behaviour: 'minimum count 2 and 50%: 2 of 5 healthy breaches the percentage alone → UNHEALTHY', quote: LOAD_BALANCER_DOCS.eitherThreshold, balancer: anAlb({ targetGroups: [aTargetGroup('web', { dnsMinimumHealthyCount: 2, dnsMinimumHealthyPercentage: 50 })] }), counts: { web: { all: [2, 3] } }, verdict: UNHEALTHY, says: /minimum of 50% healthy$|minimum of 50% healthy\)/ },
  { behaviour: 'both minimums off, 1 of 5 healthy → HEALTHY (at least one healthy target)', quote: LOAD_BALANCER_DOCS.albRule, balancer: anAlb({ targetGroups: [aTargetGroup('web', { dnsMinimumHealthyCount: undefined })] }), counts: { web: { all: [1, 4] } }, verdict: HEALTHY },
  { behaviour: 'both minimums off, 0 of 5 healthy → UNHEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: anAlb({ targetGroups: [aTargetGroup('web', { dnsMinimumHealthyCount: undefined })] }), counts: { web: { all: [0, 5] } }, verdict: UNHEALTHY },
  { behaviour: "the guide's example, cross-zone off: 10 of 10 healthy in A, 4 of 10 in B, 50% → HEALTHY, zone B failing", quote: LOAD_BALANCER_DOCS.crossZoneOff, balancer: guideExample(false), counts: { fleet: { 'eu-west-1a': [10, 0], 'eu-west-1b': [4, 6] } }, verdict: HEALTHY, says: /eu-west-1a meets every/, failing: ['eu-west-1b'] },
  { behaviour: "the guide's example, cross-zone on: 14 of 20 healthy, 50% → HEALTHY, no zone failing", quote: LOAD_BALANCER_DOCS.crossZoneOn, balancer: guideExample(true), counts: { fleet: { all: [14, 6] } }, verdict: HEALTHY, failing: [] },
  { behaviour: 'cross-zone off, every zone below the minimum → UNHEALTHY', quote: LOAD_BALANCER_DOCS.allZonesUnhealthy, balancer: perZone, counts: { web: { 'eu-west-1a': [0, 2], 'eu-west-1b': [0, 2] } }, verdict: UNHEALTHY, failing: ['eu-west-1a', 'eu-west-1b'] },
  { behaviour: "a target group's own cross-zone off overrides the balancer's: one healthy zone → HEALTHY", quote: LOAD_BALANCER_DOCS.crossZoneOff, balancer: anAlb({ targetGroups: [aTargetGroup('web', { crossZone: false })] }), counts: { web: { 'eu-west-1a': [0, 2], 'eu-west-1b': [1, 1] } }, verdict: HEALTHY, failing: ['eu-west-1a'] },
  { behaviour: 'cross-zone off, each zone missing a different target group → UNHEALTHY (no zone meets every minimum)', quote: LOAD_BALANCER_DOCS.dnsFailover, balancer: anAlb({ crossZone: false, targetGroups: [aTargetGroup('web'), aTargetGroup('api')] }), counts: { web: { 'eu-west-1a': [2, 0], 'eu-west-1b': [0, 2] }, api: { 'eu-west-1a': [0, 2], 'eu-west-1b': [2, 0] } }, verdict: UNHEALTHY },
  { behaviour: 'a Network Load Balancer in ap-southeast-2, three zones, cross-zone off by default, one healthy zone → HEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: network, counts: { web: { 'ap-southeast-2a': [0, 1], 'ap-southeast-2b': [0, 1], 'ap-southeast-2c': [1, 0] } }, verdict: HEALTHY, says: /^Network Load Balancer edge \(ap-southeast-2\) is healthy/, failing: ['ap-southeast-2a', 'ap-southeast-2b'] },
  { behaviour: 'a Network Load Balancer with no healthy target in any zone → UNHEALTHY', quote: LOAD_BALANCER_DOCS.failOpen, balancer: network, counts: { web: { 'ap-southeast-2a': [0, 1], 'ap-southeast-2b': [0, 1], 'ap-southeast-2c': [0, 1] } }, verdict: UNHEALTHY },
  { behaviour: 'an unreadable count and no zone known healthy → UNKNOWN, saying which count', quote: LOAD_BALANCER_DOCS.albRule, balancer: twoGroups, counts: { web: { all: [2, 0] }, api: { all: { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' } } }, verdict: UNKNOWN, says: /target group api in all zones: HealthyHostCount could not be read \(GetMetricData: ThrottlingException\)/ },
  { behaviour: 'no datapoint → UNKNOWN (never taken for healthy or empty)', quote: LOAD_BALANCER_DOCS.emptyTargetGroup, balancer: anAlb(), counts: { web: { all: { kind: 'NO_DATA' } } }, verdict: UNKNOWN, says: /no HealthyHostCount datapoint/ },
  { behaviour: 'an unreadable target group does not hide one known to have no healthy target → UNHEALTHY', quote: LOAD_BALANCER_DOCS.albRule, balancer: twoGroups, counts: { web: { all: [0, 2] }, api: { all: { kind: 'NO_DATA' } } }, verdict: UNHEALTHY },
  { behaviour: 'cross-zone off, one zone healthy and one unreadable → HEALTHY (one zone answers in DNS)', quote: LOAD_BALANCER_DOCS.dnsFailover, balancer: perZone, counts: { web: { 'eu-west-1a': [2, 0], 'eu-west-1b': { kind: 'NO_DATA' } } }, verdict: HEALTHY },
  { behaviour: 'no target group at all → HEALTHY (none can make it unhealthy)', quote: LOAD_BALANCER_DOCS.albRule, balancer: anAlb({ targetGroups: [] }), counts: {}, verdict: HEALTHY },
];

describe('judgeLoadBalancer: an Application or Network Load Balancer, by its target groups and their DNS failover minimums', () => {
  const bySentence = new Map<string, Row[]>();
  for (const row of rows) bySentence.set(quoting(row.quote), [...(bySentence.get(quoting(row.quote)) ?? []), row]);
  describe.each([...bySentence])('%s', (_quote, table) => {
    it.each(table.map((row) => [row.behaviour, row] as const))('%s', (_behaviour, row) => {
      const health = judge(row.balancer, row.counts);
      expect(health.verdict).toBe(row.verdict);
      if (row.says) expect(health.basis).toMatch(row.says);
      if (row.failing) expect(health.evidence.failingRegions.map((failure) => failure.region)).toEqual(row.failing);
      if (row.verdict !== UNKNOWN && row.balancer.targetGroups.length > 0) expect(health.basis).toContain("by Failwatch's reading of the documented rule");
    });
  });
});

describe(`judgeLoadBalancer: a Classic Load Balancer — ${quoting(LOAD_BALANCER_DOCS.classic)}`, () => {
  const classic = anAlb({ ref: aRef('us-west-2', 'legacy'), type: LoadBalancerType.CLASSIC, metricId: 'legacy', targetGroups: [] });
  it.each([
    ['healthy instances in one zone → HEALTHY', { classic: { 'us-west-2a': [0, 0], 'us-west-2b': [2, 0] } }, HEALTHY, /us-west-2b: 2 healthy/],
    ['no healthy instance in any zone → UNHEALTHY', { classic: { 'us-west-2a': [0, 0], 'us-west-2b': [0, 0] } }, UNHEALTHY, /no EC2 instances are healthy/],
    ['no healthy instance seen and a zone unread → UNKNOWN', { classic: { 'us-west-2a': [0, 0], 'us-west-2b': { kind: 'NO_DATA' } } }, UNKNOWN, /no HealthyHostCount datapoint in us-west-2b/],
  ] as const)('%s', (_behaviour, counts, verdict, says) => {
    const health = judge(classic, counts as Counts);
    expect(health.verdict).toBe(verdict);
    expect(health.basis).toMatch(says);
  });

  it('says what it cannot see: the load balancer itself being unhealthy', () => {
    expect(judge(classic, { classic: { 'us-west-2a': [1, 0], 'us-west-2b': [1, 0] } }).basis).toMatch(/"the load balancer itself is unhealthy", which Failwatch cannot see$/);
  });
});

describe('judgeLoadBalancer: a balancer that could not be described', () => {
  it('→ UNKNOWN with the reason', () => {
    const health = judgeLoadBalancer({ kind: 'UNREADABLE', ref: aRef('us-east-1', 'gone'), reason: 'no load balancer named gone in us-east-1' }, new Map());
    expect(health).toEqual({ verdict: UNKNOWN, basis: 'load balancer gone (Application or Classic, us-east-1) could not be read: no load balancer named gone in us-east-1', evidence: { failingRegions: [] } });
  });
});

describe('targetCountQueries: what one sweep reads, in the balancer\'s own region', () => {
  const shape = (queries: readonly TargetCountQuery[]) => queries.map((query) => [query.region, query.targetGroup ?? '-', query.availabilityZone ?? 'all', query.count]);

  it(`cross-zone on: healthy and unhealthy counts per target group, over all zones — ${quoting(LOAD_BALANCER_DOCS.crossZoneOn)}`, () => {
    expect(shape(targetCountQueries(twoGroups))).toEqual([
      ['eu-west-1', 'targetgroup/web/0123456789abcdef', 'all', 'HEALTHY'],
      ['eu-west-1', 'targetgroup/web/0123456789abcdef', 'all', 'UNHEALTHY'],
      ['eu-west-1', 'targetgroup/api/0123456789abcdef', 'all', 'HEALTHY'],
      ['eu-west-1', 'targetgroup/api/0123456789abcdef', 'all', 'UNHEALTHY'],
    ]);
  });

  it(`cross-zone off: per enabled zone — ${quoting(LOAD_BALANCER_DOCS.crossZoneOff)}`, () => {
    expect(targetCountQueries(network)).toHaveLength(2 * 3);
    expect(new Set(targetCountQueries(network).map((query) => query.region))).toEqual(new Set(['ap-southeast-2']));
  });

  it('a Classic Load Balancer: healthy instances per zone', () => {
    const classic = anAlb({ ref: aRef('sa-east-1', 'legacy'), type: LoadBalancerType.CLASSIC, metricId: 'legacy', targetGroups: [], availabilityZones: ['sa-east-1a', 'sa-east-1c'] });
    expect(shape(targetCountQueries(classic))).toEqual([
      ['sa-east-1', '-', 'sa-east-1a', 'HEALTHY'],
      ['sa-east-1', '-', 'sa-east-1c', 'HEALTHY'],
    ]);
  });

  it('every query id is unique, across balancers of several regions', () => {
    // The same names in two regions: only the region tells their queries apart.
    const balancers = [anAlb(), anAlb({ ref: aRef('us-east-1', 'web') }), network];
    const ids = balancers.flatMap((balancer) => targetCountQueries(balancer).map((query) => query.id));
    expect(ids).toHaveLength(2 + 2 + 6);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
