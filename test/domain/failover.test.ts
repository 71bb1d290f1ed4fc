import { assessRecordHealth, certainServedRole, chooseServingState, healthCheckIdsOfPair, loadBalancersOfPair, observePair } from '../../lib/domain/failover';
import { ServingState, Verdict, type HealthAssessment, type RecordSet, type SideHealth } from '../../lib/domain/model';
import {
  OTHER_ZONE_ID,
  PRIMARY_CHECK_ID,
  SCHEDULE_TRIGGER,
  ZONE_ID,
  aPair,
  aPrimaryRecord,
  aRecord,
  aSecondaryRecord,
  anAlias,
  anAssessment,
  assessmentsOf,
} from '../support/domain-fixtures';
import { GUIDE, LOAD_BALANCER_DOCS, quoting } from './route53-guide';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;

const checksWith = (...entries: readonly (readonly [string, Verdict])[]) =>
  assessmentsOf(...entries.map(([id, verdict]) => anAssessment(id, verdict, `Route 53 HealthCheckStatus metric = ${verdict === HEALTHY ? 1 : 0}`)));

function assess(record: RecordSet, zoneRecords: readonly RecordSet[] = [], checks: ReadonlyMap<string, HealthAssessment> = new Map()) {
  return assessRecordHealth(record, ZONE_ID, zoneRecords, checks);
}

/** The front record every alias test starts from: `app` → alias (evaluate target health) → `api` in the same zone. */
const front = (overrides: Partial<RecordSet> = {}) => aRecord({ values: [], alias: anAlias('api.example.com.'), ...overrides });
const api = (overrides: Partial<RecordSet> = {}) => aRecord({ name: 'api.example.com.', values: ['10.0.2.1'], ...overrides });

describe('chooseServingState: which side Route 53 answers with', () => {
  it.each([
    ['primary healthy → DNS serves the primary', HEALTHY, HEALTHY, ServingState.PRIMARY],
    ['primary healthy, secondary unhealthy → DNS serves the primary', HEALTHY, UNHEALTHY, ServingState.PRIMARY],
    ['primary healthy, secondary unknown → DNS serves the primary', HEALTHY, UNKNOWN, ServingState.PRIMARY],
    ['primary unhealthy, secondary healthy → DNS serves the secondary', UNHEALTHY, HEALTHY, ServingState.SECONDARY],
    ['both unhealthy → DNS serves the primary (ALL_UNHEALTHY)', UNHEALTHY, UNHEALTHY, ServingState.ALL_UNHEALTHY],
    ['primary unhealthy, secondary unknown → UNKNOWN', UNHEALTHY, UNKNOWN, ServingState.UNKNOWN],
    ['primary unknown, secondary healthy → UNKNOWN', UNKNOWN, HEALTHY, ServingState.UNKNOWN],
    ['primary unknown, secondary unhealthy → UNKNOWN', UNKNOWN, UNHEALTHY, ServingState.UNKNOWN],
    ['both unknown → UNKNOWN', UNKNOWN, UNKNOWN, ServingState.UNKNOWN],
  ] as const)('%s', (_behaviour, primary, secondary, serving) => {
    expect(chooseServingState(primary, secondary)).toBe(serving);
  });
});

describe(`certainServedRole: the side DNS answers with even when the serving state is unknown — ${quoting(GUIDE.bothUnhealthy)}`, () => {
  it.each([
    ['primary unknown, secondary unhealthy → the primary (PRIMARY if it is healthy, ALL_UNHEALTHY if not)', UNKNOWN, UNHEALTHY, 'PRIMARY'],
    ['primary unknown, secondary healthy → unknown (primary or secondary)', UNKNOWN, HEALTHY, undefined],
    ['primary unknown, secondary unknown → unknown', UNKNOWN, UNKNOWN, undefined],
    ['primary unhealthy, secondary unknown → unknown (secondary, or the primary if both are down)', UNHEALTHY, UNKNOWN, undefined],
    [`primary healthy → the primary: ${quoting(GUIDE.primaryHealthy)}`, HEALTHY, UNKNOWN, 'PRIMARY'],
    [`primary unhealthy, secondary healthy → the secondary: ${quoting(GUIDE.primaryUnhealthySecondaryHealthy)}`, UNHEALTHY, HEALTHY, 'SECONDARY'],
    ['both unhealthy → the primary', UNHEALTHY, UNHEALTHY, 'PRIMARY'],
  ] as const)('%s', (_behaviour, primary, secondary, role) => {
    expect(certainServedRole(primary, secondary)).toBe(role);
  });
});

describe('assessRecordHealth: records with a health check or none', () => {
  it("a record with a health check takes that check's verdict, basis and evidence", () => {
    const check: HealthAssessment = {
      healthCheckId: PRIMARY_CHECK_ID,
      verdict: UNHEALTHY,
      basis: 'Route 53 HealthCheckStatus metric = 0',
      evidence: { checkersHealthy: 0, checkersTotal: 1, failingRegions: [{ region: 'eu-west-1', statusReport: 'Failure: timeout' }] },
    };
    expect(assess(aPrimaryRecord(), [], assessmentsOf(check))).toEqual({
      verdict: UNHEALTHY,
      healthCheckId: PRIMARY_CHECK_ID,
      basis: check.basis,
      evidence: check.evidence,
    });
  });

  it('a record whose health check was not assessed → UNKNOWN', () => {
    const side = assess(aPrimaryRecord());
    expect(side).toMatchObject({ verdict: UNKNOWN, healthCheckId: PRIMARY_CHECK_ID, basis: 'health check hc-primary was not assessed' });
  });

  it('a record without a health check → HEALTHY: Route 53 counts it healthy (so a dead secondary still gets traffic)', () => {
    expect(assess(aSecondaryRecord())).toEqual({ verdict: HEALTHY, basis: 'no health check: Route 53 counts this record healthy', evidence: { failingRegions: [] } });
  });

  it('an alias that does not evaluate target health counts healthy, whatever its target', () => {
    const record = front({ alias: anAlias('api.example.com.', ZONE_ID, false) });
    expect(assess(record, [api({ healthCheckId: 'hc-api' })], checksWith(['hc-api', UNHEALTHY])).verdict).toBe(HEALTHY);
  });
});

describe('assessRecordHealth: alias evaluating target health', () => {
  it.each([
    ['target with a healthy check → HEALTHY', HEALTHY],
    ['target with an unhealthy check → UNHEALTHY', UNHEALTHY],
    ['target with an unknown check → UNKNOWN', UNKNOWN],
  ] as const)('in-zone %s, inheriting the target check id', (_behaviour, verdict) => {
    const side = assess(front(), [api({ healthCheckId: 'hc-api' })], checksWith(['hc-api', verdict]));
    expect(side.verdict).toBe(verdict);
    expect(side.healthCheckId).toBe('hc-api');
    expect(side.basis).toMatch(/^alias target api\.example\.com A: /);
  });

  it('an in-zone target without a health check is healthy', () => {
    expect(assess(front(), [api()]).basis).toBe(
      'alias target api.example.com A: the record is healthy (no health check: Route 53 counts this record healthy)',
    );
  });

  it.each([
    ['one healthy member → the set is HEALTHY', [HEALTHY, UNHEALTHY, UNKNOWN], HEALTHY],
    ['all members unhealthy → the set is UNHEALTHY', [UNHEALTHY, UNHEALTHY], UNHEALTHY],
    ['none healthy, one unknown → the set is UNKNOWN', [UNHEALTHY, UNKNOWN], UNKNOWN],
  ] as const)('weighted target set: %s', (_behaviour, verdicts, expected) => {
    const members = verdicts.map((_, index) => api({ setIdentifier: `w${index}`, healthCheckId: `hc-w${index}` }));
    const checks = checksWith(...verdicts.map((verdict, index) => [`hc-w${index}`, verdict] as const));
    expect(assess(front(), members, checks).verdict).toBe(expected);
  });

  it.each([
    ['nested primary unhealthy, nested secondary without a check → HEALTHY', UNHEALTHY, undefined, HEALTHY],
    ['nested primary and secondary both unhealthy → UNHEALTHY', UNHEALTHY, UNHEALTHY, UNHEALTHY],
    ['nested primary healthy → HEALTHY', HEALTHY, UNHEALTHY, HEALTHY],
  ] as const)('target is a nested failover pair: %s', (_behaviour, nestedPrimary, nestedSecondary, expected) => {
    const nested = [
      api({ setIdentifier: 'api-primary', failover: 'PRIMARY', healthCheckId: 'hc-api-primary' }),
      api({ setIdentifier: 'api-secondary', failover: 'SECONDARY', ...(nestedSecondary ? { healthCheckId: 'hc-api-secondary' } : {}) }),
    ];
    const checks = checksWith(['hc-api-primary', nestedPrimary], ...(nestedSecondary ? [['hc-api-secondary', nestedSecondary] as const] : []));
    expect(assess(front(), nested, checks).verdict).toBe(expected);
  });

  it('names are compared without case and trailing dot; only records of the same type count', () => {
    const record = front({ alias: anAlias('API.Example.COM') });
    const zone = [api({ type: 'AAAA', healthCheckId: 'hc-v6' }), api({ healthCheckId: 'hc-v4' })];
    const side = assess(record, zone, checksWith(['hc-v6', HEALTHY], ['hc-v4', UNHEALTHY]));
    expect(side.verdict).toBe(UNHEALTHY);
    expect(side.healthCheckId).toBe('hc-v4');
  });

  it('a zone id written as /hostedzone/<id> is still this zone', () => {
    expect(assess(front({ alias: anAlias('api.example.com.', `/hostedzone/${ZONE_ID}`) }), [api()]).verdict).toBe(HEALTHY);
  });

  it('a missing in-zone target → UNKNOWN: the alias target does not exist in the zone', () => {
    expect(assess(front(), [aRecord({ name: 'other.example.com.' })])).toMatchObject({
      verdict: UNKNOWN,
      basis: 'alias target api.example.com A does not exist in the zone',
    });
  });

  it.each([
    ['CloudFront', anAlias('d111111abcdef8.cloudfront.net.', 'Z2FDTNDATAQYW2'), 'd111111abcdef8.cloudfront.net', 'the CloudFront distribution'],
    ['an API Gateway API', anAlias('d-abc123.execute-api.eu-west-1.amazonaws.com.', 'ZLY8HYME6SFDD'), 'd-abc123.execute-api.eu-west-1.amazonaws.com', 'the API Gateway API'],
    ['another hosted zone', anAlias('app.other-zone.com.', OTHER_ZONE_ID), 'app.other-zone.com', 'app.other-zone.com'],
  ] as const)('alias to %s evaluating target health → UNKNOWN, with advice that works', (_target, alias, name, what) => {
    const side = assess(front({ alias }));
    expect(side.verdict).toBe(UNKNOWN);
    expect(side.basis).toMatch(new RegExp(`^alias target ${name.replace(/\./g, '\\.')} evaluates the health of ${what}`));
    expect(side.basis).toMatch(/health check of its own .* AND set Evaluate Target Health to No/);
  });

  describe(`alias to a load balancer: its health as judged from its targets — ${quoting(LOAD_BALANCER_DOCS.albRule)}`, () => {
    const LB = 'dualstack.my-lb-123.eu-west-1.elb.amazonaws.com.';
    const lbAlias = anAlias(LB, 'Z32O12XQLNTSW2');
    const judged = (verdict: Verdict): ReadonlyMap<string, SideHealth> => new Map([['my-lb-123.eu-west-1.elb.amazonaws.com', { verdict, basis: `Application Load Balancer my-lb is ${verdict.toLowerCase()}`, evidence: { failingRegions: [] } }]]);

    it.each([HEALTHY, UNHEALTHY, UNKNOWN])('the balancer %s → the record %s', (verdict) => {
      const side = assessRecordHealth(front({ alias: lbAlias }), ZONE_ID, [], new Map(), judged(verdict));
      expect(side).toMatchObject({ verdict, basis: `alias target dualstack.my-lb-123.eu-west-1.elb.amazonaws.com: Application Load Balancer my-lb is ${verdict.toLowerCase()}` });
    });

    it('a balancer not judged in this run → UNKNOWN, never healthy', () => {
      expect(assess(front({ alias: lbAlias }))).toMatchObject({ verdict: UNKNOWN, basis: expect.stringMatching(/its health was not read in this run/) });
    });

    describe(`with a health check of the record's own: healthy only when both are — ${quoting(LOAD_BALANCER_DOCS.checkAndTarget)}; ${quoting(LOAD_BALANCER_DOCS.checkMustPass)}`, () => {
      it.each([
        ['check healthy, balancer healthy → HEALTHY', HEALTHY, HEALTHY, HEALTHY],
        ['check healthy, balancer unhealthy → UNHEALTHY', HEALTHY, UNHEALTHY, UNHEALTHY],
        ['check unhealthy, balancer healthy → UNHEALTHY', UNHEALTHY, HEALTHY, UNHEALTHY],
        ['check unhealthy, balancer unknown → UNHEALTHY', UNHEALTHY, UNKNOWN, UNHEALTHY],
        ['check healthy, balancer unknown → UNKNOWN', HEALTHY, UNKNOWN, UNKNOWN],
      ] as const)('%s', (_behaviour, check, balancer, expected) => {
        const record = front({ healthCheckId: 'hc-own', alias: lbAlias });
        const side = assessRecordHealth(record, ZONE_ID, [], checksWith(['hc-own', check]), judged(balancer));
        expect(side.verdict).toBe(expected);
        expect(side.healthCheckId).toBe('hc-own');
        expect(side.basis).toMatch(/^health check: .*; alias target dualstack\.my-lb-123\.eu-west-1\.elb\.amazonaws\.com: Application Load Balancer my-lb/);
      });
    });

    it('a pair of aliases to balancers in two regions: each side takes its own balancer\'s health', () => {
      const pair = aPair({
        primary: { healthCheckId: undefined, values: [], alias: lbAlias },
        secondary: { values: [], alias: anAlias('dualstack.dr-lb-456.us-west-2.elb.amazonaws.com.', 'Z1H1FL5HABSF5') },
      });
      const targets = new Map([...judged(UNHEALTHY), ['dr-lb-456.us-west-2.elb.amazonaws.com', { verdict: HEALTHY, basis: 'Application Load Balancer dr-lb is healthy', evidence: { failingRegions: [] } }]]);
      const observation = observePair(pair, [pair.primary, pair.secondary], new Map(), '2026-11-25T10:00:00.000Z', SCHEDULE_TRIGGER, targets);
      expect([observation.primary.verdict, observation.secondary.verdict, observation.serving]).toEqual([UNHEALTHY, HEALTHY, ServingState.SECONDARY]);
      expect(loadBalancersOfPair(pair, [pair.primary, pair.secondary]).map((ref) => [ref.region, ref.name])).toEqual([['eu-west-1', 'my-lb'], ['us-west-2', 'dr-lb']]);
    });

    it('loadBalancersOfPair follows in-zone aliases, lists each balancer once, and skips aliases that do not evaluate target health', () => {
      const pair = aPair({ primary: { values: [], alias: anAlias('api.example.com.') }, secondary: { values: [], alias: anAlias(LB.toUpperCase(), 'Z32O12XQLNTSW2', false) } });
      const zone = [pair.primary, pair.secondary, api({ setIdentifier: 'a', values: [], alias: lbAlias }), api({ setIdentifier: 'b', values: [], alias: anAlias('my-lb-123.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2') })];
      expect(loadBalancersOfPair(pair, zone).map((ref) => ref.dnsName)).toEqual(['my-lb-123.eu-west-1.elb.amazonaws.com']);
    });
  });

  it('an alias cycle → UNKNOWN instead of recursing forever', () => {
    const a = front({ name: 'a.example.com.', alias: anAlias('b.example.com.') });
    const b = front({ name: 'b.example.com.', alias: anAlias('a.example.com.') });
    expect(assess(a, [a, b])).toMatchObject({ verdict: UNKNOWN, basis: expect.stringMatching(/loops back to a\.example\.com A/) });
  });

  it('an alias to its own name still counts the healthy sibling records of that set', () => {
    const self = front({ setIdentifier: 'self', alias: anAlias('app.example.com.') });
    const sibling = aRecord({ setIdentifier: 'sibling' });
    expect(assess(self, [self, sibling]).verdict).toBe(HEALTHY);
  });

  it.each([
    [8, HEALTHY],
    [9, UNKNOWN],
  ] as const)('a chain of %i alias hops → %s (depth guard at 8)', (hops, verdict) => {
    const name = (index: number) => `hop${index}.example.com.`;
    const chain = Array.from({ length: hops }, (_, index) => front({ name: name(index), alias: anAlias(name(index + 1)) }));
    const end = aRecord({ name: name(hops) });
    const [start] = chain;
    if (!start) throw new Error('empty chain');
    const side = assess(start, [...chain, end]);
    expect(side.verdict).toBe(verdict);
    if (verdict === UNKNOWN) expect(side.basis).toMatch(/alias chain is deeper than 8 records/);
  });
});

describe('assessRecordHealth: a health check AND an alias evaluating target health (healthy only if both are)', () => {
  it.each([
    ['check healthy, target healthy → HEALTHY', HEALTHY, HEALTHY, HEALTHY],
    ['check unhealthy, target healthy → UNHEALTHY', UNHEALTHY, HEALTHY, UNHEALTHY],
    ['check healthy, target unhealthy → UNHEALTHY', HEALTHY, UNHEALTHY, UNHEALTHY],
    ['check unhealthy, target unknown → UNHEALTHY', UNHEALTHY, UNKNOWN, UNHEALTHY],
    ['check healthy, target unknown → UNKNOWN', HEALTHY, UNKNOWN, UNKNOWN],
    ['check unknown, target healthy → UNKNOWN', UNKNOWN, HEALTHY, UNKNOWN],
  ] as const)('%s', (_behaviour, check, target, expected) => {
    const record = front({ healthCheckId: 'hc-own' });
    const side = assess(record, [api({ healthCheckId: 'hc-api' })], checksWith(['hc-own', check], ['hc-api', target]));
    expect(side.verdict).toBe(expected);
    expect(side.healthCheckId).toBe('hc-own');
    expect(side.basis).toMatch(/^health check: .*; alias target api\.example\.com A: /);
  });

  it('an external target keeps a healthy check UNKNOWN, but an unhealthy check is still UNHEALTHY', () => {
    const record = front({ healthCheckId: 'hc-own', alias: anAlias('d111111abcdef8.cloudfront.net.', 'Z2FDTNDATAQYW2') });
    expect(assess(record, [], checksWith(['hc-own', HEALTHY])).verdict).toBe(UNKNOWN);
    expect(assess(record, [], checksWith(['hc-own', UNHEALTHY])).verdict).toBe(UNHEALTHY);
  });
});

describe('observePair', () => {
  it('assesses both sides and chooses the serving side: primary check unhealthy, secondary without a check → SECONDARY', () => {
    const pair = aPair();
    const observation = observePair(pair, [pair.primary, pair.secondary], checksWith([PRIMARY_CHECK_ID, UNHEALTHY]), '2026-11-25T10:00:00.000Z', SCHEDULE_TRIGGER);
    expect(observation).toMatchObject({
      pair,
      serving: ServingState.SECONDARY,
      primary: { verdict: UNHEALTHY, healthCheckId: PRIMARY_CHECK_ID },
      secondary: { verdict: HEALTHY },
      observedAt: '2026-11-25T10:00:00.000Z',
      trigger: SCHEDULE_TRIGGER,
    });
  });
});

describe('healthCheckIdsOfPair', () => {
  it("the reference pair depends on the primary's check only", () => {
    const pair = aPair();
    expect(healthCheckIdsOfPair(pair, [pair.primary, pair.secondary])).toEqual([PRIMARY_CHECK_ID]);
  });

  it('follows in-zone target-health aliases (nested, each id once, cycle-safe) but not plain or external aliases', () => {
    const pair = aPair({ secondary: { values: [], alias: anAlias('api.example.com.') } });
    const zone = [
      pair.primary,
      pair.secondary,
      api({ setIdentifier: 'api-primary', failover: 'PRIMARY', healthCheckId: 'hc-api-primary' }),
      api({ setIdentifier: 'api-secondary', failover: 'SECONDARY', values: [], alias: anAlias('deep.example.com.') }),
      aRecord({ name: 'deep.example.com.', setIdentifier: 'deep-1', healthCheckId: PRIMARY_CHECK_ID, values: [], alias: anAlias('app.example.com.') }),
      aRecord({ name: 'deep.example.com.', setIdentifier: 'deep-2', values: [], alias: anAlias('plain.example.com.', ZONE_ID, false) }),
      aRecord({ name: 'deep.example.com.', setIdentifier: 'deep-3', values: [], alias: anAlias('x.cloudfront.net.', 'Z2FDTNDATAQYW2') }),
      aRecord({ name: 'plain.example.com.', healthCheckId: 'hc-not-followed' }),
    ];
    expect(healthCheckIdsOfPair(pair, zone)).toEqual([PRIMARY_CHECK_ID, 'hc-api-primary']);
  });

  it('collects a health check on an alias record itself and on its in-zone target', () => {
    const pair = aPair({ primary: { values: [], healthCheckId: 'hc-own', alias: anAlias('api.example.com.') } });
    expect(healthCheckIdsOfPair(pair, [api({ healthCheckId: 'hc-api' })])).toEqual(['hc-own', 'hc-api']);
  });
});
