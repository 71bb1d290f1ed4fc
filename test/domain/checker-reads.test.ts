import { checksForCheckerEvidence, checksForCheckerVerdict, hasCheckerReports } from '../../lib/domain/checker-reports';
import type { HealthCheckDefinition, HealthCheckType, MetricReading } from '../../lib/domain/model';
import { METRIC_NO_DATA, METRIC_UNAVAILABLE, aCalculatedDefinition, aDefinition, definitionsOf, metricValue } from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const ENDPOINT_TYPES: readonly HealthCheckType[] = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'];

describe(`hasCheckerReports: whether GetHealthCheckStatus can tell anything — ${quoting(GUIDE.noCalculatedStatus)}`, () => {
  it.each([
    ['a CALCULATED check → no (it has no checkers)', aCalculatedDefinition('calc', ['a'], 1), false],
    ['a disabled endpoint check → no (its checkers stopped; the definition decides)', aDefinition({ disabled: true }), false],
    ['a disabled + inverted endpoint check → no', aDefinition({ disabled: true, inverted: true }), false],
    ['a deleted check → no', undefined, false],
    ...ENDPOINT_TYPES.map((type) => [`an enabled ${type} check → yes`, aDefinition({ type }), true] as const),
    ['an inverted endpoint check → yes (inversion applies after)', aDefinition({ inverted: true }), true],
    ['a CLOUDWATCH_METRIC check → yes (for evidence)', aDefinition({ type: 'CLOUDWATCH_METRIC' }), true],
    ['a RECOVERY_CONTROL check → yes (for evidence)', aDefinition({ type: 'RECOVERY_CONTROL' }), true],
  ] as const)('%s', (_behaviour, definition: HealthCheckDefinition | undefined, expected) => {
    expect(hasCheckerReports(definition)).toBe(expected);
  });
});

describe(`checksForCheckerVerdict: the 18% fallback, read only where it can decide — ${quoting(GUIDE.moreThan18)}`, () => {
  const definitions = definitionsOf(
    aDefinition({ id: 'https-gap' }),
    aDefinition({ id: 'tcp-gap', type: 'TCP' }),
    aDefinition({ id: 'https-value' }),
    aDefinition({ id: 'https-unavailable' }),
    aDefinition({ id: 'disabled-gap', disabled: true }),
    aDefinition({ id: 'alarm-gap', type: 'CLOUDWATCH_METRIC' }),
    aDefinition({ id: 'control-gap', type: 'RECOVERY_CONTROL' }),
    aCalculatedDefinition('calc-gap', ['https-gap'], 1),
  );
  const metrics = new Map<string, MetricReading>([
    ['https-gap', METRIC_NO_DATA],
    ['tcp-gap', METRIC_NO_DATA],
    ['https-value', metricValue(1)],
    ['https-unavailable', METRIC_UNAVAILABLE],
    ['disabled-gap', METRIC_NO_DATA],
    ['alarm-gap', METRIC_NO_DATA],
    ['control-gap', METRIC_NO_DATA],
    ['calc-gap', METRIC_NO_DATA],
    ['deleted-gap', METRIC_NO_DATA],
  ]);

  it('picks enabled endpoint checks without a datapoint, each once, in order: never CALCULATED, disabled, alarm, routing-control or deleted ones', () => {
    const ids = ['calc-gap', 'https-gap', 'alarm-gap', 'tcp-gap', 'https-gap', 'https-value', 'https-unavailable', 'disabled-gap', 'control-gap', 'deleted-gap'];
    expect(checksForCheckerVerdict(ids, definitions, metrics)).toEqual(['https-gap', 'tcp-gap']);
  });

  it('a check without any metric reading is not picked (its reading failed, not empty)', () => {
    expect(checksForCheckerVerdict(['https-gap'], definitions, new Map())).toEqual([]);
  });
});

describe('checksForCheckerEvidence: which regions fail and why, for checks whose verdict changed', () => {
  it('never a CALCULATED, disabled or deleted check; each once, in order', () => {
    const definitions = definitionsOf(
      aCalculatedDefinition('calc', ['a'], 1),
      aDefinition({ id: 'https' }),
      aDefinition({ id: 'alarm', type: 'CLOUDWATCH_METRIC' }),
      aDefinition({ id: 'maintenance', disabled: true, inverted: true }),
    );
    expect(checksForCheckerEvidence(['calc', 'alarm', 'https', 'maintenance', 'gone', 'alarm'], definitions)).toEqual(['alarm', 'https']);
  });
});
