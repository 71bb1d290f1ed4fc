import { assessHealthChecks, healthCheckClosure, verdictByDefinition } from '../../lib/domain/health';
import { Verdict, type HealthCheckDefinition, type HealthSignals } from '../../lib/domain/model';
import { aCalculatedDefinition, aDefinition, checkerReports, definitionsOf, metricValue, someSignals } from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const { HEALTHY, UNHEALTHY, UNKNOWN } = Verdict;
const PRIMARY = 'hc-primary';

/** Endpoint children whose verdict comes from Route 53's metric. */
const healthyChild = (id: string) => ({ definition: aDefinition({ id }), signals: someSignals({ metric: metricValue(1) }) });
const unhealthyChild = (id: string) => ({ definition: aDefinition({ id }), signals: someSignals({ metric: metricValue(0) }) });
const unknownChild = (id: string) => ({ definition: aDefinition({ id }), signals: someSignals({ metric: { kind: 'UNAVAILABLE', reason: 'throttled' } }) });
const disabledFailingChild = (id: string) => ({ definition: aDefinition({ id, disabled: true }), signals: someSignals({ checkers: checkerReports(0, 16) }) });
/** Disabled + inverted, while its own metric and checkers still say healthy: Route 53 counts it unhealthy. */
const disabledInvertedChild = (id: string) => ({ definition: aDefinition({ id, disabled: true, inverted: true }), signals: someSignals({ metric: metricValue(1), checkers: checkerReports(16, 0) }) });

type Child = { readonly definition: HealthCheckDefinition; readonly signals: HealthSignals };

/** `checksWithData` as assessHealthChecks takes it; absent: nothing known of the past (a missing datapoint is a gap). */
function assessCalculated(root: HealthCheckDefinition, children: readonly Child[], rootSignals: HealthSignals = someSignals(), checksWithData?: ReadonlySet<string>) {
  const definitions = definitionsOf(root, ...children.map((child) => child.definition));
  const signals = new Map<string, HealthSignals>([[root.id, rootSignals], ...children.map((child) => [child.definition.id, child.signals] as const)]);
  const result = assessHealthChecks([root.id], definitions, signals, checksWithData).get(root.id);
  if (!result) throw new Error('no assessment');
  return result;
}

describe('assessHealthChecks: CALCULATED health checks', () => {
  it.each([
    ['2 of 3 children healthy, threshold 2 → HEALTHY', [healthyChild('a'), healthyChild('b'), unhealthyChild('c')], 2, HEALTHY],
    ['1 of 3 children healthy, threshold 2 → UNHEALTHY', [healthyChild('a'), unhealthyChild('b'), unhealthyChild('c')], 2, UNHEALTHY],
    ['threshold above the child count → UNHEALTHY even when every child is healthy', [healthyChild('a'), healthyChild('b')], 3, UNHEALTHY],
    ['threshold 0 → HEALTHY even when every child is unhealthy', [unhealthyChild('a'), unhealthyChild('b')], 0, HEALTHY],
    ['unknown children: the healthy ones alone reach the threshold → HEALTHY', [healthyChild('a'), healthyChild('b'), unknownChild('c')], 2, HEALTHY],
    ['unknown children: healthy + unknown cannot reach the threshold → UNHEALTHY', [healthyChild('a'), unhealthyChild('b'), unknownChild('c')], 3, UNHEALTHY],
    ['unknown children: the unknown ones decide → UNKNOWN', [healthyChild('a'), unknownChild('b'), unhealthyChild('c')], 2, UNKNOWN],
  ] as const)('%s', (_behaviour, children, threshold, verdict) => {
    const root = aCalculatedDefinition('calc', children.map((child) => child.definition.id), threshold);
    expect(assessCalculated(root, children).verdict).toBe(verdict);
  });

  it('a child missing from the definitions (deleted) is unknown, so it can keep the parent UNKNOWN', () => {
    const root = aCalculatedDefinition('calc', ['a', 'deleted'], 2);
    const assessment = assessCalculated(root, [healthyChild('a')]);
    expect(assessment.verdict).toBe(UNKNOWN);
    expect(assessment.basis).toMatch(/\(a gap, not a new check\); 1 of 2 child health checks healthy \(1 unknown\); Route 53 needs 2; unknown: deleted$/);
  });

  it('the basis counts the children and names the unhealthy ones', () => {
    const root = aCalculatedDefinition('calc', ['a', 'b', 'c'], 2);
    expect(assessCalculated(root, [healthyChild('a'), unhealthyChild('b'), unhealthyChild('c')]).basis).toBe(
      '1 of 3 child health checks healthy; Route 53 needs 2; unhealthy: b, c',
    );
  });

  it('threshold above the child count says so in the basis', () => {
    const assessment = assessCalculated(aCalculatedDefinition('calc', ['a'], 2), [healthyChild('a')]);
    expect(assessment.basis).toBe('health threshold 2 is above its 1 child health checks: Route 53 counts it unhealthy');
  });

  it.each([
    ['inverted: children healthy → UNHEALTHY', [healthyChild('a')], 1, UNHEALTHY, /^inverted: children healthy, so the check is unhealthy/],
    ['inverted: children unhealthy → HEALTHY', [unhealthyChild('a')], 1, HEALTHY, /^inverted: children unhealthy, so the check is healthy/],
    ['inverted: threshold above the child count → HEALTHY', [healthyChild('a')], 2, HEALTHY, /^inverted: children unhealthy/],
    ['inverted: UNKNOWN stays UNKNOWN', [unknownChild('a')], 1, UNKNOWN, /; 0 of 1 child health checks healthy \(1 unknown\)/],
  ] as const)('%s', (_behaviour, children, threshold, verdict, basis) => {
    const root = aCalculatedDefinition('calc', children.map((child) => child.definition.id), threshold, { inverted: true });
    const assessment = assessCalculated(root, children);
    expect(assessment.verdict).toBe(verdict);
    expect(assessment.basis).toMatch(basis);
  });

  it("Route 53's metric for the CALCULATED check wins over its children", () => {
    const root = aCalculatedDefinition('calc', ['a'], 1);
    expect(assessCalculated(root, [unhealthyChild('a')], someSignals({ metric: metricValue(1) })).verdict).toBe(HEALTHY);
  });

  it('children are assessed by the same rules: a child without metric data falls back to its checkers (and its inversion)', () => {
    const root = aCalculatedDefinition('calc', ['a', 'b'], 2);
    const invertedFailing = { definition: aDefinition({ id: 'b', inverted: true }), signals: someSignals({ checkers: checkerReports(0, 16) }) };
    const endpointPassing = { definition: aDefinition({ id: 'a' }), signals: someSignals({ checkers: checkerReports(16, 0) }) };
    expect(assessCalculated(root, [endpointPassing, invertedFailing]).verdict).toBe(HEALTHY);
  });

  describe('nested CALCULATED children', () => {
    const inner = aCalculatedDefinition('inner', ['a', 'b'], 2);
    const root = aCalculatedDefinition('root', ['inner', 'x'], 1);
    const innerChild = (signals: HealthSignals = someSignals()) => ({ definition: inner, signals });

    it.each([
      ['inner unhealthy (1 of 2) and x unhealthy → root UNHEALTHY', [innerChild(), healthyChild('a'), unhealthyChild('b'), unhealthyChild('x')], UNHEALTHY],
      ['inner healthy (2 of 2) and x unhealthy → root HEALTHY', [innerChild(), healthyChild('a'), healthyChild('b'), unhealthyChild('x')], HEALTHY],
      ["inner's own metric 1 wins over its unhealthy children → root HEALTHY", [innerChild(someSignals({ metric: metricValue(1) })), unhealthyChild('a'), unhealthyChild('b'), unhealthyChild('x')], HEALTHY],
      ['inner unknown and x unhealthy → root UNKNOWN', [innerChild(), healthyChild('a'), unknownChild('b'), unhealthyChild('x')], UNKNOWN],
    ] as const)('%s', (_behaviour, children, verdict) => {
      expect(assessCalculated(root, children).verdict).toBe(verdict);
    });

    it('returns only the ids asked for, though children were assessed', () => {
      const definitions = definitionsOf(root, inner, aDefinition({ id: 'a' }), aDefinition({ id: 'b' }), aDefinition({ id: 'x' }));
      expect([...assessHealthChecks(['root'], definitions, new Map()).keys()]).toEqual(['root']);
    });
  });

  describe('cycles (Route 53 forbids them; Failwatch must still terminate)', () => {
    it('a → b → a → UNKNOWN with the cycle named in the basis', () => {
      const definitions = definitionsOf(aCalculatedDefinition('a', ['b'], 1), aCalculatedDefinition('b', ['a'], 1));
      const assessment = assessHealthChecks(['a'], definitions, new Map()).get('a');
      expect(assessment?.verdict).toBe(UNKNOWN);
      expect(assessment?.basis).toBe('child health checks form a cycle (a -> b -> a), which Route 53 cannot evaluate');
    });

    it('a check that is its own child → UNKNOWN', () => {
      const assessment = assessHealthChecks(['a'], definitionsOf(aCalculatedDefinition('a', ['a'], 1)), new Map()).get('a');
      expect(assessment?.basis).toMatch(/cycle \(a -> a\)/);
    });

    it('a parent above a cycle treats the cycle as an unknown child', () => {
      const definitions = definitionsOf(
        aCalculatedDefinition('parent', ['a', 'ok'], 1),
        aCalculatedDefinition('a', ['b'], 1),
        aCalculatedDefinition('b', ['a'], 1),
        aDefinition({ id: 'ok' }),
      );
      const signals = new Map([['ok', someSignals({ metric: metricValue(1) })]]);
      const assessments = assessHealthChecks(['parent', 'b'], definitions, signals);
      expect(assessments.get('parent')?.verdict).toBe(HEALTHY);
      expect(assessments.get('b')?.verdict).toBe(UNKNOWN);
    });
  });
});

describe(`${quoting(GUIDE.disabledChildHealthy)} ${quoting(GUIDE.disabledChildInvert)}: a child's raw status first, then its inversion, then the count`, () => {
  it.each([
    ['disabled children count healthy, even when their checkers fail: 2 of 3, threshold 2 → HEALTHY', [disabledFailingChild('a'), disabledFailingChild('b'), unhealthyChild('c')], 2, HEALTHY],
    ['disabled + inverted children count UNHEALTHY, though their metric says 1: 1 of 3, threshold 2 → UNHEALTHY', [disabledInvertedChild('a'), disabledInvertedChild('b'), healthyChild('c')], 2, UNHEALTHY],
    ['one disabled + inverted child of two, threshold 2 → UNHEALTHY', [healthyChild('a'), disabledInvertedChild('b')], 2, UNHEALTHY],
    ['one disabled + inverted child of two, threshold 1 → HEALTHY (the other is enough)', [healthyChild('a'), disabledInvertedChild('b')], 1, HEALTHY],
  ] as const)('%s', (_behaviour, children, threshold, verdict) => {
    const root = aCalculatedDefinition('calc', children.map((child) => child.definition.id), threshold);
    expect(assessCalculated(root, children).verdict).toBe(verdict);
  });

  it('the parent names the disabled + inverted child among the unhealthy ones', () => {
    const root = aCalculatedDefinition('calc', ['a', 'b'], 2);
    expect(assessCalculated(root, [healthyChild('a'), disabledInvertedChild('b')]).basis).toBe('1 of 2 child health checks healthy; Route 53 needs 2; unhealthy: b');
  });
});

describe(`${quoting(GUIDE.disabledInvertToStopTraffic)}: a disabled CALCULATED check`, () => {
  it.each([
    ['disabled + inverted → UNHEALTHY, though its metric says 1 and every child is healthy', { disabled: true, inverted: true }, UNHEALTHY],
    ['disabled → HEALTHY, though its metric says 0', { disabled: true }, HEALTHY],
  ] as const)('%s', (_behaviour, overrides, verdict) => {
    const root = aCalculatedDefinition('calc', ['a'], 1, overrides);
    expect(assessCalculated(root, [healthyChild('a')], someSignals({ metric: metricValue(verdict === UNHEALTHY ? 1 : 0) })).verdict).toBe(verdict);
  });
});

describe(`${quoting(GUIDE.calculatedAbove)} / ${quoting(GUIDE.calculatedZero)}: the definition alone decides, even in a gap`, () => {
  const hadData = new Set(['calc']);
  it.each([
    ['threshold above the child count, no datapoint though it had data → UNHEALTHY', 3, false, UNHEALTHY],
    ['threshold 0, no datapoint though it had data → HEALTHY', 0, false, HEALTHY],
    ['threshold 0, inverted, no datapoint → UNHEALTHY', 0, true, UNHEALTHY],
    ['threshold above the child count, inverted, no datapoint → HEALTHY', 3, true, HEALTHY],
  ] as const)('%s', (_behaviour, threshold, inverted, verdict) => {
    const root = aCalculatedDefinition('calc', ['a', 'b'], threshold, { inverted });
    expect(assessCalculated(root, [unknownChild('a'), unknownChild('b')], someSignals(), hadData).verdict).toBe(verdict);
  });
});

describe(`${quoting(GUIDE.newCheck)} / ${quoting(GUIDE.newInvertedCheck)}: a CALCULATED check whose children do not decide`, () => {
  const children = [healthyChild('a'), unknownChild('b')];
  it.each([
    ['new (never a datapoint) → HEALTHY', false, new Set<string>(), HEALTHY, /^no Route 53 data yet: a new health check counts as healthy/],
    ['new and inverted → UNHEALTHY', true, new Set<string>(), UNHEALTHY, /^inverted: new check healthy, so the check is unhealthy/],
    ['had data (a gap) → UNKNOWN', false, new Set(['calc']), UNKNOWN, /^no Route 53 HealthCheckStatus datapoint, though the check has had data before/],
    ['had data (a gap), inverted → UNKNOWN', true, new Set(['calc']), UNKNOWN, /a gap, not a new check\); 1 of 2 child health checks healthy \(1 unknown\)/],
  ] as const)('%s', (_behaviour, inverted, checksWithData, verdict, basis) => {
    const assessment = assessCalculated(aCalculatedDefinition('calc', ['a', 'b'], 2, { inverted }), children, someSignals(), checksWithData);
    expect(assessment.verdict).toBe(verdict);
    expect(assessment.basis).toMatch(basis);
  });

  it('children that decide come before the new-check default: a new CALCULATED check with 0 of 2 healthy children → UNHEALTHY', () => {
    const root = aCalculatedDefinition('calc', ['a', 'b'], 1);
    expect(assessCalculated(root, [unhealthyChild('a'), unhealthyChild('b')], someSignals(), new Set()).verdict).toBe(UNHEALTHY);
  });
});

describe('verdictByDefinition: what the definition alone decides, whatever Route 53 measures', () => {
  it.each([
    [`disabled → HEALTHY: ${quoting(GUIDE.disabledAlwaysHealthy)}`, [aDefinition({ disabled: true })], HEALTHY],
    [`disabled + inverted → UNHEALTHY: ${quoting(GUIDE.disabledInvertToStopTraffic)}`, [aDefinition({ disabled: true, inverted: true })], UNHEALTHY],
    ['an enabled endpoint check → undefined (its measurements decide)', [aDefinition()], undefined],
    ['an inverted endpoint check → undefined', [aDefinition({ inverted: true })], undefined],
    [`CALCULATED threshold 0 → HEALTHY: ${quoting(GUIDE.calculatedZero)}`, [aCalculatedDefinition(PRIMARY, ['a'], 0), aDefinition({ id: 'a' })], HEALTHY],
    [`CALCULATED threshold above the child count → UNHEALTHY: ${quoting(GUIDE.calculatedAbove)}`, [aCalculatedDefinition(PRIMARY, ['a'], 2), aDefinition({ id: 'a' })], UNHEALTHY],
    ['CALCULATED threshold 0, inverted → UNHEALTHY', [aCalculatedDefinition(PRIMARY, ['a'], 0, { inverted: true })], UNHEALTHY],
    [`CALCULATED 2 of 3 with two disabled children → HEALTHY: ${quoting(GUIDE.disabledChildHealthy)}`, [aCalculatedDefinition(PRIMARY, ['a', 'b', 'c'], 2), aDefinition({ id: 'a', disabled: true }), aDefinition({ id: 'b', disabled: true }), aDefinition({ id: 'c' })], HEALTHY],
    [`CALCULATED 2 of 3 with two disabled + inverted children → UNHEALTHY: ${quoting(GUIDE.disabledChildInvert)}`, [aCalculatedDefinition(PRIMARY, ['a', 'b', 'c'], 2), aDefinition({ id: 'a', disabled: true, inverted: true }), aDefinition({ id: 'b', disabled: true, inverted: true }), aDefinition({ id: 'c' })], UNHEALTHY],
    ['CALCULATED 2 of 3 with one disabled child → undefined (the others decide)', [aCalculatedDefinition(PRIMARY, ['a', 'b', 'c'], 2), aDefinition({ id: 'a', disabled: true }), aDefinition({ id: 'b' }), aDefinition({ id: 'c' })], undefined],
    ['CALCULATED with a deleted child → undefined', [aCalculatedDefinition(PRIMARY, ['gone'], 1)], undefined],
    ['a cycle → undefined (never loops)', [aCalculatedDefinition(PRIMARY, ['b'], 1), aCalculatedDefinition('b', [PRIMARY], 1)], undefined],
    ['a deleted check → undefined', [], undefined],
  ] as const)('%s', (_behaviour, definitions, verdict) => {
    expect(verdictByDefinition(PRIMARY, definitionsOf(...definitions))).toBe(verdict);
  });
});

describe('healthCheckClosure', () => {
  it('returns the ids plus every CALCULATED descendant, each once', () => {
    const definitions = definitionsOf(
      aCalculatedDefinition('root', ['inner', 'x'], 1),
      aCalculatedDefinition('inner', ['a', 'x'], 1),
      aDefinition({ id: 'a' }),
      aDefinition({ id: 'x' }),
      aDefinition({ id: 'plain' }),
    );
    expect(healthCheckClosure(['plain', 'root', 'inner'], definitions)).toEqual(['plain', 'root', 'inner', 'a', 'x']);
  });

  it('keeps ids without a definition (deleted checks still need their reading) and does not loop on cycles', () => {
    const definitions = definitionsOf(aCalculatedDefinition('a', ['b', 'gone'], 1), aCalculatedDefinition('b', ['a'], 1));
    expect(healthCheckClosure(['a', 'missing'], definitions)).toEqual(['a', 'b', 'gone', 'missing']);
  });

  it('does not follow children of non-CALCULATED checks', () => {
    const definitions = definitionsOf(aDefinition({ id: 'endpoint', childHealthCheckIds: ['stray'] }));
    expect(healthCheckClosure(['endpoint'], definitions)).toEqual(['endpoint']);
  });
});
