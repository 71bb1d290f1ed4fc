/**
 * A pair judged from its stored definition is judged exactly as from the whole listing: same health
 * checks read, same observation (verdicts, bases, evidence, serving side), for every pair shape and
 * whatever the checks say. The definition holds only what the pair reaches.
 */
import fc from 'fast-check';
import { healthCheckIdsOfPair, observePair } from '../../lib/domain/failover';
import { assessHealthChecks, healthCheckClosure } from '../../lib/domain/health';
import type { FailoverPair, HealthCheckDefinition, HealthSignals, PairObservation, RecordSet } from '../../lib/domain/model';
import { definePair, reachOfDefinition, type PairDefinition } from '../../lib/domain/pair-definition';
import { decodePairDefinition, encodePairDefinition } from '../../lib/pair-definition-codec';
import {
  aCalculatedDefinition,
  aDefinition,
  anAlias,
  aPrimaryRecord,
  aRecord,
  aSecondaryRecord,
  APP_NAME,
  checkerReports,
  CHECKERS_NOT_READ,
  CHECKERS_UNAVAILABLE,
  definitionsOf,
  METRIC_NO_DATA,
  METRIC_UNAVAILABLE,
  metricValue,
  OTHER_ZONE_ID,
  SCHEDULE_TRIGGER,
  ZONE_ID,
} from '../support/domain-fixtures';

interface Shape {
  readonly pair: FailoverPair;
  readonly zone: readonly RecordSet[];
  readonly checks: ReadonlyMap<string, HealthCheckDefinition>;
  /** What the definition must hold besides the pair: alias targets (by set identifier) and health checks. */
  readonly aliasTargets: readonly string[];
  readonly healthChecks: readonly string[];
}

const POOL = 'pool.example.com.';
const MID = 'mid.example.com.';

function shape(primary: RecordSet, secondary: RecordSet, others: readonly RecordSet[], checks: readonly HealthCheckDefinition[], expected: Pick<Shape, 'aliasTargets' | 'healthChecks'>): Shape {
  const noise = [aRecord({ name: 'unrelated.example.com.', setIdentifier: 'noise', healthCheckId: 'hc-noise' }), aRecord({ name: POOL, type: 'AAAA', setIdentifier: 'pool-v6', values: ['::1'] })];
  return {
    pair: { id: { zoneId: ZONE_ID, name: primary.name, type: primary.type }, zoneName: 'example.com.', primary, secondary },
    zone: [noise[0]!, primary, ...others, secondary, noise[1]!],
    checks: definitionsOf(...checks, aDefinition({ id: 'hc-noise' })),
    ...expected,
  };
}

const pool = (id: string, healthCheckId?: string) => aRecord({ name: POOL, setIdentifier: id, values: [`10.9.0.${id.length}`], ...(healthCheckId ? { healthCheckId } : {}) });

const SHAPES: readonly [string, Shape][] = [
  ['plain: a checked primary, a secondary without a check', shape(aPrimaryRecord(), aSecondaryRecord(), [], [aDefinition()], { aliasTargets: [], healthChecks: ['hc-primary'] })],
  [
    'both sides checked, one inverted, one disabled',
    shape(aPrimaryRecord(), aSecondaryRecord({ healthCheckId: 'hc-secondary' }), [], [aDefinition({ inverted: true }), aDefinition({ id: 'hc-secondary', disabled: true })], { aliasTargets: [], healthChecks: ['hc-primary', 'hc-secondary'] }),
  ],
  [
    'primary alias evaluating target health of a weighted pool of two checked records',
    shape(
      aPrimaryRecord({ healthCheckId: undefined, alias: anAlias(POOL), values: [] }),
      aSecondaryRecord(),
      [pool('pool-a', 'hc-a'), pool('pool-b', 'hc-b')],
      [aDefinition({ id: 'hc-a' }), aDefinition({ id: 'hc-b', type: 'TCP' })],
      { aliasTargets: ['pool-a', 'pool-b'], healthChecks: ['hc-a', 'hc-b'] },
    ),
  ],
  [
    'alias to an alias to the pool (recursively), the secondary an alias with its own check',
    shape(
      aPrimaryRecord({ healthCheckId: undefined, alias: anAlias(MID), values: [] }),
      aSecondaryRecord({ healthCheckId: 'hc-secondary', alias: anAlias(POOL), values: [] }),
      [aRecord({ name: MID, setIdentifier: 'mid', alias: anAlias(POOL), values: [] }), pool('pool-a', 'hc-a'), pool('pool-b')],
      [aDefinition({ id: 'hc-a' }), aDefinition({ id: 'hc-secondary' })],
      { aliasTargets: ['mid', 'pool-a', 'pool-b'], healthChecks: ['hc-a', 'hc-secondary'] },
    ),
  ],
  [
    'an alias looping back to the pair itself, and one to another zone',
    shape(
      aPrimaryRecord({ alias: anAlias(APP_NAME), values: [] }),
      aSecondaryRecord({ alias: anAlias('elsewhere.example.net.', OTHER_ZONE_ID), values: [] }),
      [],
      [aDefinition()],
      { aliasTargets: ['primary', 'secondary'], healthChecks: ['hc-primary'] },
    ),
  ],
  [
    'an alias not evaluating target health reaches nothing',
    shape(aPrimaryRecord({ alias: anAlias(POOL, ZONE_ID, false), values: [] }), aSecondaryRecord(), [pool('pool-a', 'hc-a')], [aDefinition(), aDefinition({ id: 'hc-a' })], { aliasTargets: [], healthChecks: ['hc-primary'] }),
  ],
  [
    'calculated: 2 of 3 children, one deleted, one itself calculated; a CLOUDWATCH_METRIC secondary',
    shape(
      aPrimaryRecord({ healthCheckId: 'hc-calc' }),
      aSecondaryRecord({ healthCheckId: 'hc-cw' }),
      [],
      [
        aCalculatedDefinition('hc-calc', ['hc-c1', 'hc-gone', 'hc-calc2'], 2),
        aDefinition({ id: 'hc-c1' }),
        aCalculatedDefinition('hc-calc2', ['hc-c2'], 1),
        aDefinition({ id: 'hc-c2', type: 'HTTP' }),
        aDefinition({ id: 'hc-cw', type: 'CLOUDWATCH_METRIC', target: 'alarm us-east-1/db' }),
      ],
      { aliasTargets: [], healthChecks: ['hc-calc', 'hc-c1', 'hc-calc2', 'hc-c2', 'hc-cw'] },
    ),
  ],
];

function judge(pair: FailoverPair, zoneRecords: readonly RecordSet[], ids: readonly string[], checks: ReadonlyMap<string, HealthCheckDefinition>, signals: ReadonlyMap<string, HealthSignals>): PairObservation {
  return observePair(pair, zoneRecords, assessHealthChecks(ids, checks, signals), '2026-11-25T10:00:00.000Z', SCHEDULE_TRIGGER);
}

function fromListing(s: Shape, signals: ReadonlyMap<string, HealthSignals>): { ids: string[]; observation: PairObservation } {
  const ids = healthCheckClosure(healthCheckIdsOfPair(s.pair, s.zone), s.checks);
  return { ids, observation: judge(s.pair, s.zone, ids, s.checks, signals) };
}

function fromDefinition(definition: PairDefinition, signals: ReadonlyMap<string, HealthSignals>): { ids: readonly string[]; observation: PairObservation } {
  const reach = reachOfDefinition(definition);
  const checks = new Map(definition.healthChecks.map((check) => [check.id, check]));
  return { ids: reach.healthCheckIds, observation: judge(definition.pair, reach.zoneRecords, reach.healthCheckIds, checks, signals) };
}

/** The definition as the alarm function reads it: encoded, stored, decoded. */
function stored(definition: PairDefinition): PairDefinition {
  const decoded = decodePairDefinition(encodePairDefinition(definition));
  if (!('definition' in decoded)) throw new Error(decoded.problem);
  return decoded.definition;
}

const signalsArbitrary: fc.Arbitrary<HealthSignals> = fc.record({
  metric: fc.constantFrom(metricValue(1, 100), metricValue(0, 12.5), METRIC_NO_DATA, METRIC_UNAVAILABLE),
  checkers: fc.constantFrom(CHECKERS_NOT_READ, CHECKERS_UNAVAILABLE, checkerReports(8, 0), checkerReports(1, 7), checkerReports(2, 6)),
});

describe('a pair definition holds what judging the pair reads, and only that', () => {
  it.each(SHAPES)('%s', (_, s) => {
    const definition = definePair(s.pair, s.zone, s.checks);
    expect(definition.pair).toBe(s.pair);
    expect(definition.aliasTargets.map((record) => record.setIdentifier)).toEqual(s.aliasTargets);
    expect(definition.healthChecks.map((check) => check.id)).toEqual(s.healthChecks);
  });
});

describe('judged from its definition, a pair is judged exactly as from the whole listing', () => {
  it.each(SHAPES)('%s: same checks read, same observation, whatever the checks say (stored form included)', (_, s) => {
    const allIds = [...s.checks.keys(), 'hc-gone'];
    fc.assert(
      fc.property(fc.array(signalsArbitrary, { minLength: allIds.length, maxLength: allIds.length }), (drawn) => {
        const signals = new Map(allIds.map((id, index) => [id, drawn[index]!]));
        const listing = fromListing(s, signals);
        const definition = definePair(s.pair, s.zone, s.checks);
        expect(fromDefinition(definition, signals)).toEqual(listing);
        expect(fromDefinition(stored(definition), signals)).toEqual(listing);
      }),
      { numRuns: 60 },
    );
  });

  it('the encoding is the same text whatever order the objects were built in, and decodes to an equal definition', () => {
    const [, s] = SHAPES[3]!;
    const definition = definePair(s.pair, s.zone, s.checks);
    const reordered = JSON.parse(JSON.stringify(definition), (_key, value: unknown) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as PairDefinition;
    expect(encodePairDefinition(reordered)).toBe(encodePairDefinition(definition));
    expect(stored(definition)).toEqual(definition);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['a record without values', JSON.stringify({ pair: { id: { zoneId: 'Z', name: 'a.', type: 'A' }, zoneName: 'z.', primary: { name: 'a.', type: 'A' }, secondary: { name: 'a.', type: 'A', values: [] } }, aliasTargets: [], healthChecks: [] }), /pair\.primary\.values/],
    ['a check of an unknown type', JSON.stringify({ ...definePair(SHAPES[0]![1].pair, [], SHAPES[0]![1].checks), healthChecks: [{ ...aDefinition(), type: 'PING' }] }), /healthChecks\.0\.type/],
  ])('a damaged definition is reported, never trusted: %s', (_, text, problem) => {
    const decoded = decodePairDefinition(text);
    expect('problem' in decoded ? decoded.problem : '').toMatch(problem);
  });
});
