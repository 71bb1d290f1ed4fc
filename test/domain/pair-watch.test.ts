/**
 * decideWatch: one look at a pair decided whole (serving state, configuration notices, checks with data),
 * and written only when something changed, for a pair that cannot be judged too.
 */
import type { ConfigLook } from '../../lib/domain/config-notices';
import { detectConfigRisks } from '../../lib/domain/config-risks';
import { observePair } from '../../lib/domain/failover';
import { assessHealthChecks } from '../../lib/domain/health';
import type { HealthCheckDefinition, MetricReading, PairState } from '../../lib/domain/model';
import { DEFAULT_NOTICE_SETTINGS } from '../../lib/domain/notice-policy';
import { checksWithDataOf, decideWatch, type PairWatch } from '../../lib/domain/pair-watch';
import { METRIC_NO_DATA, PRIMARY_CHECK_ID, SCHEDULE_TRIGGER, aDefinition, aPair, aPairState, anAlias, definitionsOf, metricValue } from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const T0 = '2026-11-25T09:00:00.000Z';
const T1 = '2026-11-25T09:05:00.000Z';
const T2 = '2026-11-25T09:10:00.000Z';
const NEW_CHECK = 'hc-attached-later';

/** One look at `pair` (the reference pair unless given), judged from `metric` of its primary's check with the stored watch. */
function lookAt(at: string, options: { pair?: ReturnType<typeof aPair>; definitions?: ReadonlyMap<string, HealthCheckDefinition>; metrics?: ReadonlyMap<string, MetricReading>; watch?: PairWatch; config?: boolean } = {}) {
  const pair = options.pair ?? aPair();
  const definitions = options.definitions ?? definitionsOf(aDefinition());
  const metrics = options.metrics ?? new Map([[PRIMARY_CHECK_ID, metricValue(1)]]);
  const ids = [pair.primary.healthCheckId, pair.secondary.healthCheckId].filter((id): id is string => id !== undefined);
  const signals = new Map(ids.map((id) => [id, { metric: metrics.get(id) ?? METRIC_NO_DATA, checkers: { kind: 'NOT_READ' } as const }]));
  const observation = observePair(pair, [], assessHealthChecks(ids, definitions, signals, checksWithDataOf(options.watch)), at, SCHEDULE_TRIGGER);
  const config: ConfigLook | undefined = options.config === false ? undefined : { risks: detectConfigRisks(pair, [], definitions), readAt: at, observedAt: at, trigger: SCHEDULE_TRIGGER };
  return { observation, healthCheckIds: ids, metrics, config, settings: DEFAULT_NOTICE_SETTINGS, silences: [] };
}

describe('decideWatch: what is written for one look', () => {
  it('a first look at a judgeable pair: its state and its checks (their past unknown), in one write; no notice without a risk', () => {
    const decision = decideWatch({ state: undefined, watch: undefined }, lookAt(T0));
    expect(decision).toMatchObject({ write: true, next: { serving: 'PRIMARY', sequence: 0 }, transitions: [], notices: [], watch: { checksWithData: [PRIMARY_CHECK_ID] } });
    expect(decision.watch).not.toHaveProperty('config');
  });

  it('a steady look writes nothing', () => {
    const first = decideWatch({ state: undefined, watch: undefined }, lookAt(T0));
    const steady = decideWatch({ state: first.next, watch: first.watch }, lookAt(T1));
    expect(steady).toMatchObject({ write: false, next: undefined, notices: [], watch: undefined });
  });

  it('a pair that cannot be judged (blind spot) still gets its notice on the first look, with no state: the watch alone is written', () => {
    const pair = aPair({ primary: { healthCheckId: undefined, values: [], alias: anAlias('lb-1.elb.amazonaws.com.', 'Z32O12XQLNTSW2') } });
    const look = lookAt(T0, { pair, definitions: new Map() });
    expect(look.observation.serving).toBe('UNKNOWN');
    const decision = decideWatch({ state: undefined, watch: undefined }, look);
    expect(decision).toMatchObject({ write: true, next: undefined, transitions: [] });
    expect(decision.notices.map((n) => n.kind)).toEqual(['BLIND_SPOT']);
    expect(decision.watch).toEqual({ config: { open: [expect.objectContaining({ since: T0, episode: 1 })], opened: 1, readAt: T0 }, checksWithData: [] });
    // Not said again.
    const again = decideWatch({ state: undefined, watch: decision.watch }, lookAt(T1, { pair, definitions: new Map() }));
    expect(again).toMatchObject({ write: false, notices: [] });
  });

  it('a risk that appears on a judged, steady pair writes the stored state again with the notice', () => {
    const first = decideWatch({ state: undefined, watch: undefined }, lookAt(T0));
    const disabled = definitionsOf(aDefinition({ disabled: true }));
    const decision = decideWatch({ state: first.next, watch: first.watch }, lookAt(T1, { definitions: disabled }));
    expect(decision).toMatchObject({ write: true, next: first.next, transitions: [] });
    expect(decision.notices.map((n) => n.kind)).toEqual(['DR_HOLE']);
  });

  it('without a dated configuration (judged from stored definitions) no configuration notice is decided, and the stored one is kept', () => {
    const disabled = definitionsOf(aDefinition({ disabled: true }));
    const first = decideWatch({ state: undefined, watch: undefined }, lookAt(T0, { definitions: disabled }));
    const later = decideWatch({ state: first.next, watch: first.watch }, lookAt(T1, { config: false }));
    expect(later).toMatchObject({ write: false, notices: [] });
    const risky = decideWatch({ state: undefined, watch: { checksWithData: [] } }, lookAt(T1, { definitions: disabled, config: false }));
    expect(risky.notices).toEqual([]);
  });
});

describe(`decideWatch: which checks have had data — ${quoting(GUIDE.newInvertedCheck)}`, () => {
  const inverted = (id: string) => aDefinition({ id, inverted: true });
  const withNewCheck = aPair({ secondary: { healthCheckId: NEW_CHECK } });

  it('a check attached after the first look and never seen with data is new: inverted, it is unhealthy', () => {
    const watch: PairWatch = { checksWithData: [PRIMARY_CHECK_ID] };
    const look = lookAt(T1, { pair: withNewCheck, definitions: definitionsOf(aDefinition(), inverted(NEW_CHECK)), watch });
    expect(look.observation.secondary).toMatchObject({ verdict: 'UNHEALTHY', basis: expect.stringMatching(/^inverted: new check healthy/) });
    // Still without data: not recorded as having had any.
    expect(decideWatch({ state: aPairState(), watch }, look).watch).toBeUndefined();
  });

  it('a check present at the first look with no datapoint is UNKNOWN, not new (its past cannot be known), and stays counted', () => {
    const look = lookAt(T0, { pair: withNewCheck, definitions: definitionsOf(aDefinition(), inverted(NEW_CHECK)) });
    expect(look.observation.secondary.verdict).toBe('UNKNOWN');
    expect(decideWatch({ state: undefined, watch: undefined }, look).watch).toEqual({ checksWithData: [NEW_CHECK, PRIMARY_CHECK_ID] });
  });

  it('a check that has had data and now has none is a gap, UNKNOWN, and is kept as having had data', () => {
    const watch: PairWatch = { checksWithData: [PRIMARY_CHECK_ID] };
    const look = lookAt(T2, { metrics: new Map([[PRIMARY_CHECK_ID, METRIC_NO_DATA]]), definitions: definitionsOf(aDefinition({ type: 'CLOUDWATCH_METRIC' })), watch });
    expect(look.observation.serving).toBe('UNKNOWN');
    const state: PairState = aPairState({ serving: 'SECONDARY', lastObservedAt: T1 });
    const decision = decideWatch({ state, watch }, look);
    expect(decision.transitions).toEqual([]);
    expect(decision.watch).toBeUndefined();
  });

  it('the first datapoint of a new check is kept; a check the pair no longer uses is forgotten', () => {
    const watch: PairWatch = { checksWithData: ['hc-detached', PRIMARY_CHECK_ID] };
    const look = lookAt(T1, { pair: withNewCheck, definitions: definitionsOf(aDefinition(), aDefinition({ id: NEW_CHECK })), metrics: new Map([[PRIMARY_CHECK_ID, metricValue(1)], [NEW_CHECK, metricValue(1)]]), watch });
    expect(decideWatch({ state: aPairState(), watch }, look)).toMatchObject({ write: true, next: aPairState(), watch: { checksWithData: [NEW_CHECK, PRIMARY_CHECK_ID] } });
  });
});
