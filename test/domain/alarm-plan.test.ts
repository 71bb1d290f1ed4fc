import {
  ALARM_DESCRIPTION_MAX_LENGTH,
  alarmDescriptionFor,
  alarmNameFor,
  DEFAULT_ALARM_SETTINGS,
  parsePairHint,
  planAlarms,
  TreatMissingData,
  type AlarmPlan,
  type AlarmPlanInput,
  type ManagedAlarm,
} from '../../lib/domain/alarm-plan';
import { pairKey, parsePairKey } from '../../lib/domain/model';

const PREFIX = 'failwatch-prod';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const name = (id: string) => alarmNameFor(PREFIX, id);
const ours = (id: string, overrides: Partial<ManagedAlarm> = {}): ManagedAlarm => ({ name: name(id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, id), ...overrides });
const spec = (id: string, pairKeys?: readonly string[]) => ({ name: name(id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, id, pairKeys) });
const plan = (input: Partial<AlarmPlanInput>): AlarmPlan => planAlarms({ prefix: PREFIX, healthCheckIds: [], existing: [], ...input });
const empty: AlarmPlan = { create: [], update: [], delete: [], foreign: [], unchanged: 0 };

describe('alarm settings: Route 53 verdict one minute at a time', () => {
  it('HealthCheckStatus Minimum over 60 s, 1 period, below 1 → ALARM, missing data treated as missing', () => {
    expect(DEFAULT_ALARM_SETTINGS).toEqual({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      statistic: 'Minimum',
      periodSeconds: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'missing',
    });
  });

  it('names an alarm after the prefix and the health check', () => {
    expect(alarmNameFor('failwatch-dev', A)).toBe(`failwatch-dev-${A}`);
  });
});

describe('planAlarms', () => {
  it.each<[string, Partial<AlarmPlanInput>, AlarmPlan]>([
    ['nothing watched, nothing existing → nothing to do', {}, empty],
    ['two watched checks, no alarms → create both, in id order', { healthCheckIds: [B, A] }, { ...empty, create: [spec(A), spec(B)] }],
    ['a check named twice → one alarm', { healthCheckIds: [A, A] }, { ...empty, create: [spec(A)] }],
    ['every alarm already right → unchanged, no calls', { healthCheckIds: [A, B], existing: [ours(A), ours(B)] }, { ...empty, unchanged: 2 }],
    ['a check no longer watched → its alarm is deleted', { healthCheckIds: [A], existing: [ours(A), ours(B)] }, { ...empty, delete: [name(B)], unchanged: 1 }],
    ['nothing watched any more → every Failwatch alarm deleted', { existing: [ours(B), ours(A)] }, { ...empty, delete: [name(A), name(B)] }],
    [
      'an alarm whose settings drifted → updated, naming what changed',
      { healthCheckIds: [A], existing: [ours(A, { settings: { ...DEFAULT_ALARM_SETTINGS, treatMissingData: TreatMissingData.BREACHING, periodSeconds: 300 } })] },
      { ...empty, update: [{ ...spec(A), changed: ['periodSeconds', 'treatMissingData'] }] },
    ],
    [
      'an alarm of ours now pointing at another check → updated back to its own',
      { healthCheckIds: [A], existing: [ours(A, { healthCheckId: C })] },
      { ...empty, update: [{ ...spec(A), changed: ['healthCheckId'] }] },
    ],
    [
      'an alarm of ours watching another metric → updated',
      { healthCheckIds: [A], existing: [ours(A, { healthCheckId: undefined, settings: { ...DEFAULT_ALARM_SETTINGS, metricName: 'HealthCheckPercentageHealthy' } })] },
      { ...empty, update: [{ ...spec(A), changed: ['healthCheckId', 'metricName'] }] },
    ],
    [
      'a foreign alarm (prefix, no tag) with another name → reported, untouched',
      { healthCheckIds: [A], foreign: [{ name: `${PREFIX}-dead-letters` }] },
      { ...empty, create: [spec(A)], foreign: [{ name: `${PREFIX}-dead-letters` }] },
    ],
    [
      'a foreign alarm holding the wanted name → not overwritten, reported with the alarm it blocks',
      { healthCheckIds: [A, B], foreign: [{ name: name(A) }] },
      { ...empty, create: [spec(B)], foreign: [{ name: name(A), blocks: `no alarm for health check ${A}: an alarm of that name exists without the failwatch:managed-by tag` }] },
    ],
    [
      'a foreign alarm for a check no longer watched → still never deleted',
      { healthCheckIds: [], foreign: [{ name: name(C) }] },
      { ...empty, foreign: [{ name: name(C) }] },
    ],
  ])('%s', (_, input, expected) => {
    expect(plan(input)).toEqual(expected);
  });

  it('desired settings can be given (a future setting), and existing alarms are compared against them', () => {
    const settings = { ...DEFAULT_ALARM_SETTINGS, evaluationPeriods: 2 };
    expect(plan({ healthCheckIds: [A], existing: [ours(A)], settings })).toEqual({ ...empty, update: [{ ...spec(A), settings, changed: ['evaluationPeriods'] }] });
  });

  it('each alarm is described with the pairs of its check; one whose pairs changed (or an older one without them) is updated', () => {
    const pairKeys = new Map([
      [A, ['Z1|a.example.com.|A']],
      [B, ['Z1|b.example.com.|A', 'Z1|a.example.com.|A']],
    ]);
    expect(plan({ healthCheckIds: [A, B], pairKeys, existing: [ours(A, { description: spec(A, ['Z1|a.example.com.|A']).description }), ours(B)] })).toEqual({
      ...empty,
      update: [{ ...spec(B, ['Z1|a.example.com.|A', 'Z1|b.example.com.|A']), changed: ['description'] }],
      unchanged: 1,
    });
  });
});

describe('pair hints in the alarm description', () => {
  const zone = 'Z0123456789ABCDEFGHIJ';
  const keyOf = (name: string) => pairKey({ zoneId: zone, name, type: 'AAAA' });

  it('lists the pairs after the sentence, sorted, and reads them back', () => {
    const description = alarmDescriptionFor(PREFIX, A, [keyOf('b.example.com.'), keyOf('a.example.com.')]);
    expect(description).toBe(`Failwatch (${PREFIX}): Route 53 health check ${A} is unhealthy. Managed by Failwatch; changes are overwritten. Pairs: ["${zone}|a.example.com.|AAAA","${zone}|b.example.com.|AAAA"]`);
    expect(parsePairHint(description)).toEqual({ kind: 'PAIRS', pairIds: [parsePairKey(keyOf('a.example.com.')), parsePairKey(keyOf('b.example.com.'))] });
  });

  it('a record name holding "|" or an escaped character survives the round trip', () => {
    const odd = keyOf('\\052.odd|name.example.com.');
    expect(parsePairHint(alarmDescriptionFor(PREFIX, A, [odd]))).toEqual({ kind: 'PAIRS', pairIds: [{ zoneId: zone, name: '\\052.odd|name.example.com.', type: 'AAAA' }] });
  });

  it.each([
    [1, 'PAIRS'],
    [2, 'PAIRS'],
    [3, 'TOO_MANY'],
    [20, 'TOO_MANY'],
    [200, 'TOO_MANY'],
  ])('%d pairs of 253-character names: never past 1024 characters (%s)', (count, kind) => {
    const longName = (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(60)}.${'y'.repeat(62)}.${'z'.repeat(62)}.${'w'.repeat(62)}.`;
    const keys = Array.from({ length: count }, (_, i) => keyOf(longName(i)));
    expect(longName(0)).toHaveLength(253);
    const description = alarmDescriptionFor('failwatch-a-rather-long-stage-name', A, keys);
    expect(description.length).toBeLessThanOrEqual(ALARM_DESCRIPTION_MAX_LENGTH);
    const hint = parsePairHint(description);
    expect(hint).toEqual(kind === 'PAIRS' ? { kind, pairIds: keys.map((key) => parsePairKey(key)) } : { kind });
  });

  it.each([
    ['an older alarm', 'no hint', alarmDescriptionFor(PREFIX, A), undefined],
    ['a user\'s alarm', 'no hint', 'Goes into alarm when the primary is down', undefined],
    ['not JSON', 'MALFORMED', 'Something. Pairs: [oops', 'MALFORMED'],
    ['an empty list', 'MALFORMED', 'Something. Pairs: []', 'MALFORMED'],
    ['not a list', 'MALFORMED', 'Something. Pairs: {"a":1}', 'MALFORMED'],
    ['not pair keys', 'MALFORMED', 'Something. Pairs: ["Z1|a.example.com."]', 'MALFORMED'],
    ['numbers', 'MALFORMED', 'Something. Pairs: [1, 2]', 'MALFORMED'],
  ])('%s → %s, never a throw', (_, __, description, kind) => {
    expect(parsePairHint(description)?.kind).toBe(kind);
  });
});
