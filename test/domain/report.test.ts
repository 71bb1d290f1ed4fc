/** The DR report's figures and timeline, computed from recorded history alone (time is a parameter). */
import { ServingState, Severity, TriggerKind, Verdict, type KnownServingState, type PairState, type SilenceNote, type Transition, type TransitionKind } from '../../lib/domain/model';
import { buildNotice, type NoticeKind } from '../../lib/domain/notices';
import { buildReport, type PairReportInput, type ReportWindow } from '../../lib/domain/report';


const PAIR = { zoneId: 'Z0REPORT', name: 'app.example.com.', type: 'A' };
const OTHER = { zoneId: 'Z0REPORT', name: 'api.example.com.', type: 'A' };
const TRIGGER = { kind: TriggerKind.SCHEDULE, source: 'test' };
const NOVEMBER: ReportWindow = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };
const AFTER_NOVEMBER = '2026-12-05T00:00:00.000Z';
const HOUR = 3_600;
const DAY = 86_400;
const MONTH = 30 * DAY;

function state(serving: KnownServingState, since: string, overrides: Partial<PairState> = {}): PairState {
  return { pairId: PAIR, serving, secondaryVerdict: Verdict.HEALTHY, servingSince: since, secondarySince: since, sequence: 0, lastObservedAt: since, ...overrides };
}

const SIDES: Record<TransitionKind, [KnownServingState, KnownServingState, Verdict]> = {
  FAILOVER: ['PRIMARY', 'SECONDARY', 'HEALTHY'],
  FAILBACK: ['SECONDARY', 'PRIMARY', 'HEALTHY'],
  STANDBY_LOST: ['PRIMARY', 'PRIMARY', 'UNHEALTHY'],
  STANDBY_RESTORED: ['PRIMARY', 'PRIMARY', 'HEALTHY'],
  ALL_UNHEALTHY: ['PRIMARY', 'ALL_UNHEALTHY', 'UNHEALTHY'],
  ALL_UNHEALTHY_CLEARED: ['ALL_UNHEALTHY', 'PRIMARY', 'HEALTHY'],
};

/** A pair's transitions in order: each [kind, at], the first one ending a state that lasted `firstLastedSeconds`. */
function history(steps: readonly (readonly [TransitionKind, string, Partial<Transition>?])[], firstLastedSeconds = 40 * DAY, pairId = PAIR): Transition[] {
  let previous = Date.parse(steps[0]?.[1] ?? '') - firstLastedSeconds * 1000;
  return steps.map(([kind, at, extra], index) => {
    const [from, to, secondaryVerdict] = SIDES[kind];
    const side = { verdict: Verdict.HEALTHY, basis: 'test', evidence: { failingRegions: [] } };
    const transition: Transition = {
      id: `${pairId.zoneId}|${pairId.name}|A#${index + 1}`,
      pairId,
      sequence: index + 1,
      kind,
      severity: Severity.INFO,
      from,
      to,
      fromValues: [],
      toValues: [],
      primary: side,
      secondary: side,
      observedAt: at,
      trigger: TRIGGER,
      previousStateSeconds: (Date.parse(at) - previous) / 1000,
      stateAfter: { ...state(to, at), pairId, secondaryVerdict, sequence: index + 1 },
      ...extra,
    };
    previous = Date.parse(at);
    return transition;
  });
}

function notice(kind: NoticeKind, about: string, observedAt: string, extra: { lastedSeconds?: number; silence?: SilenceNote } = {}) {
  return buildNotice(PAIR, about, { kind, serving: ServingState.PRIMARY, servingSince: about, servingValues: [], lastedSeconds: extra.lastedSeconds ?? 0, ...(extra.silence ? { silence: extra.silence } : {}) }, observedAt, TRIGGER);
}

function input(overrides: Partial<PairReportInput>): PairReportInput {
  return { pairId: PAIR, transitions: [], notices: [], sent: [], silences: [], ...overrides };
}

function report(pair: Partial<PairReportInput>, window = NOVEMBER, now = AFTER_NOVEMBER) {
  const [only] = buildReport([input(pair)], window, now).pairs;
  return only!;
}

describe('report figures, table-driven', () => {
  const cases: readonly { readonly name: string; readonly pair: Partial<PairReportInput>; readonly window?: ReportWindow; readonly now?: string; readonly expected: Record<string, unknown> }[] = [
    {
      name: 'a month with no episode: steady on the primary since before it (state only)',
      pair: { state: state('PRIMARY', '2026-10-01T00:00:00.000Z') },
      expected: { failovers: 0, episodes: 0, secondarySeconds: 0, primarySeconds: MONTH, unknownSeconds: 0, primaryAvailability: 1, meanTimeToFailbackSeconds: undefined },
    },
    {
      name: 'a month with no episode: every transition was in the month before',
      pair: { transitions: history([['FAILOVER', '2026-10-10T00:00:00.000Z'], ['FAILBACK', '2026-10-10T05:00:00.000Z']]) },
      expected: { failovers: 0, episodes: 0, secondarySeconds: 0, primarySeconds: MONTH, primaryAvailability: 1 },
    },
    {
      name: 'one failover and its failback inside the month',
      pair: { transitions: history([['FAILOVER', '2026-11-10T00:00:00.000Z'], ['FAILBACK', '2026-11-10T06:00:00.000Z']]) },
      expected: { failovers: 1, episodes: 1, secondarySeconds: 6 * HOUR, primarySeconds: MONTH - 6 * HOUR, meanTimeToFailbackSeconds: 6 * HOUR, longestTimeToFailbackSeconds: 6 * HOUR, primaryAvailability: (MONTH - 6 * HOUR) / MONTH },
    },
    {
      name: 'an episode crossing the start is clipped: only its part in the month counts, its failover does not',
      pair: { transitions: history([['FAILOVER', '2026-10-31T22:00:00.000Z'], ['FAILBACK', '2026-11-01T02:00:00.000Z']]) },
      expected: { failovers: 0, episodes: 1, secondarySeconds: 2 * HOUR, meanTimeToFailbackSeconds: 2 * HOUR, longestTimeToFailbackSeconds: 2 * HOUR },
    },
    {
      name: 'an episode crossing the end is clipped, and counts as not failed back yet',
      pair: { transitions: history([['FAILOVER', '2026-11-30T20:00:00.000Z'], ['FAILBACK', '2026-12-01T04:00:00.000Z']]) },
      expected: { failovers: 1, episodes: 1, secondarySeconds: 4 * HOUR, longestTimeToFailbackSeconds: 4 * HOUR },
    },
    {
      name: 'mean and longest over two episodes',
      pair: { transitions: history([['FAILOVER', '2026-11-02T00:00:00.000Z'], ['FAILBACK', '2026-11-02T01:00:00.000Z'], ['FAILOVER', '2026-11-03T00:00:00.000Z'], ['FAILBACK', '2026-11-03T03:00:00.000Z']]) },
      expected: { failovers: 2, episodes: 2, secondarySeconds: 4 * HOUR, meanTimeToFailbackSeconds: 2 * HOUR, longestTimeToFailbackSeconds: 3 * HOUR },
    },
    {
      name: 'standby lost and all-unhealthy time; all-unhealthy is not availability though DNS answers with the primary',
      pair: {
        transitions: history([
          ['STANDBY_LOST', '2026-11-05T00:00:00.000Z'],
          ['STANDBY_RESTORED', '2026-11-05T03:00:00.000Z'],
          ['ALL_UNHEALTHY', '2026-11-06T00:00:00.000Z'],
          ['ALL_UNHEALTHY_CLEARED', '2026-11-06T01:00:00.000Z'],
        ]),
      },
      expected: { failovers: 0, episodes: 0, standbyLostSeconds: 3 * HOUR, allUnhealthySeconds: HOUR, primarySeconds: MONTH - HOUR, primaryAvailability: (MONTH - HOUR) / MONTH },
    },
    {
      name: 'unknown from WATCH_DEGRADED until its WATCH_RESTORED',
      pair: {
        state: state('PRIMARY', '2026-10-01T00:00:00.000Z'),
        notices: [
          notice('WATCH_DEGRADED', '2026-11-15T00:00:00.000Z', '2026-11-15T00:15:00.000Z', { lastedSeconds: 900 }),
          notice('WATCH_RESTORED', '2026-11-15T00:00:00.000Z', '2026-11-15T02:00:00.000Z', { lastedSeconds: 2 * HOUR }),
        ],
      },
      expected: { unknownSeconds: 2 * HOUR, primarySeconds: MONTH - 2 * HOUR, primaryAvailability: (MONTH - 2 * HOUR) / MONTH },
    },
    {
      name: 'a pair first seen in the middle of the month: unknown before',
      pair: { state: state('PRIMARY', '2026-11-21T00:00:00.000Z') },
      expected: { unknownSeconds: 20 * DAY, primarySeconds: 10 * DAY, primaryAvailability: 1 / 3 },
    },
    {
      name: 'a pair never recorded is unknown for the whole window',
      pair: {},
      expected: { unknownSeconds: MONTH, primarySeconds: 0, primaryAvailability: 0, failovers: 0 },
    },
    {
      name: 'a failover confirmed on several observations counts from when it was first seen',
      pair: {
        transitions: history([
          ['FAILOVER', '2026-11-10T00:03:00.000Z', { confirmation: { firstSeenAt: '2026-11-10T00:00:00.000Z', observations: 3 } }],
          ['FAILBACK', '2026-11-10T01:00:00.000Z'],
        ]),
      },
      expected: { failovers: 1, secondarySeconds: HOUR },
    },
    {
      name: 'still failed over now: the window ends now, the episode is ongoing',
      pair: { transitions: history([['FAILOVER', '2026-12-04T00:00:00.000Z']]) },
      window: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
      now: '2026-12-05T00:00:00.000Z',
      expected: { windowSeconds: 4 * DAY, failovers: 1, episodes: 1, secondarySeconds: DAY, primarySeconds: 3 * DAY, primaryAvailability: 0.75 },
    },
    {
      name: 'a flapping spell that ended, and one still going',
      pair: {
        state: state('PRIMARY', '2026-10-01T00:00:00.000Z', { flapping: { since: '2026-11-20T00:00:00.000Z', fromSequence: 9 } }),
        notices: [
          notice('FLAPPING', 'from#3', '2026-11-12T00:00:00.000Z'),
          notice('FLAPPING_ENDED', '2026-11-12T00:00:00.000Z', '2026-11-12T02:00:00.000Z'),
          notice('FLAPPING', 'from#9', '2026-11-20T00:00:00.000Z'),
        ],
      },
      expected: { flappingSpells: 2 },
    },
    {
      name: 'a window wholly after now is empty',
      pair: { state: state('PRIMARY', '2026-10-01T00:00:00.000Z') },
      window: { start: '2027-01-01T00:00:00.000Z', end: '2027-02-01T00:00:00.000Z' },
      expected: { windowSeconds: 0, primarySeconds: 0, primaryAvailability: undefined },
    },
  ];

  it.each(cases)('$name', ({ pair, window, now, expected }) => {
    const figures = report(pair, window, now).figures as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect([name, figures[name]]).toEqual([name, expect.closeTo(value, 6)]);
      else expect([name, figures[name]]).toEqual([name, value]);
    }
  });
});

describe('report timeline', () => {
  it('bands cover the window in order, clipped at both edges, unknown spans cut into the sides', () => {
    const pair = report({
      transitions: history([
        ['FAILOVER', '2026-10-31T22:00:00.000Z'],
        ['FAILBACK', '2026-11-01T02:00:00.000Z'],
        ['ALL_UNHEALTHY', '2026-11-10T00:00:00.000Z'],
        ['ALL_UNHEALTHY_CLEARED', '2026-11-10T01:00:00.000Z'],
        ['FAILOVER', '2026-11-30T20:00:00.000Z'],
      ]),
      notices: [
        notice('WATCH_DEGRADED', '2026-11-15T00:00:00.000Z', '2026-11-15T00:15:00.000Z'),
        notice('WATCH_RESTORED', '2026-11-15T00:00:00.000Z', '2026-11-15T02:00:00.000Z'),
      ],
    });
    expect(pair.bands.map((b) => [b.kind, b.start, b.end])).toEqual([
      ['SECONDARY', '2026-11-01T00:00:00.000Z', '2026-11-01T02:00:00.000Z'],
      ['PRIMARY', '2026-11-01T02:00:00.000Z', '2026-11-10T00:00:00.000Z'],
      ['ALL_UNHEALTHY', '2026-11-10T00:00:00.000Z', '2026-11-10T01:00:00.000Z'],
      ['PRIMARY', '2026-11-10T01:00:00.000Z', '2026-11-15T00:00:00.000Z'],
      ['UNKNOWN', '2026-11-15T00:00:00.000Z', '2026-11-15T02:00:00.000Z'],
      ['PRIMARY', '2026-11-15T02:00:00.000Z', '2026-11-30T20:00:00.000Z'],
      ['SECONDARY', '2026-11-30T20:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ]);
    expect(pair.episodes.map((e) => [e.start, e.end, e.ongoing])).toEqual([
      ['2026-11-01T00:00:00.000Z', '2026-11-01T02:00:00.000Z', false],
      ['2026-11-30T20:00:00.000Z', '2026-12-01T00:00:00.000Z', true],
    ]);
  });

  it('an episode failed back only after the window ends is ongoing at its end; one failed back inside is not', () => {
    const pair = report({ transitions: history([['FAILOVER', '2026-11-20T00:00:00.000Z'], ['FAILBACK', '2026-11-20T01:00:00.000Z'], ['FAILOVER', '2026-11-30T20:00:00.000Z'], ['FAILBACK', '2026-12-01T04:00:00.000Z']]) });
    expect(pair.episodes.map((e) => [e.seconds, e.ongoing])).toEqual([[HOUR, false], [4 * HOUR, true]]);
  });

  it('a silence is shaded from its first silenced transition until its summary', () => {
    const silence = { id: 's-1', reason: 'DR drill', until: '2026-11-08T00:00:00.000Z' };
    const pair = report({
      transitions: history([
        ['FAILOVER', '2026-11-07T01:00:00.000Z', { delivery: { status: 'SILENCED', silence } }],
        ['FAILBACK', '2026-11-07T02:00:00.000Z', { delivery: { status: 'SILENCED', silence } }],
      ]),
      notices: [notice('SILENCE_SUMMARY', 's-1#1', '2026-11-07T06:00:00.000Z', { silence })],
    });
    expect(pair.silences.map((s) => [s.id, s.start, s.end])).toEqual([['s-1', '2026-11-07T01:00:00.000Z', '2026-11-07T06:00:00.000Z']]);
  });

  it('a configured silence with a start is shaded over its window; one naming another record is not', () => {
    const pair = report({
      state: state('PRIMARY', '2026-10-01T00:00:00.000Z'),
      silences: [
        { id: 'config-1', record: 'app.example.com', from: '2026-11-20T00:00:00.000Z', until: '2026-11-20T04:00:00.000Z', reason: 'patching' },
        { id: 'config-2', record: 'other.example.com', from: '2026-11-21T00:00:00.000Z', until: '2026-11-21T04:00:00.000Z', reason: 'other' },
      ],
    });
    expect(pair.silences.map((s) => [s.id, s.start, s.end, s.seconds])).toEqual([['config-1', '2026-11-20T00:00:00.000Z', '2026-11-20T04:00:00.000Z', 4 * HOUR]]);
  });

  it('markers only for notifications sent inside the window', () => {
    const sent = [
      { at: '2026-10-31T23:00:00.000Z', kind: 'FAILOVER', reference: 'AAAA-AAAA' },
      { at: '2026-11-02T00:00:00.000Z', kind: 'FAILBACK', reference: 'BBBB-BBBB' },
    ];
    expect(report({ state: state('PRIMARY', '2026-10-01T00:00:00.000Z'), sent }).sent.map((s) => s.reference)).toEqual(['BBBB-BBBB']);
  });
});

describe('report totals', () => {
  it('sums the pairs; availability over all pair-time; MTTR over every episode', () => {
    const result = buildReport(
      [
        input({ transitions: history([['FAILOVER', '2026-11-10T00:00:00.000Z'], ['FAILBACK', '2026-11-10T06:00:00.000Z']]) }),
        input({ pairId: OTHER, transitions: history([['FAILOVER', '2026-11-11T00:00:00.000Z'], ['FAILBACK', '2026-11-11T02:00:00.000Z']], 40 * DAY, OTHER) }),
        input({ pairId: { ...OTHER, name: 'idle.example.com.' }, state: state('PRIMARY', '2026-10-01T00:00:00.000Z') }),
      ],
      NOVEMBER,
      AFTER_NOVEMBER,
    );
    expect(result.total).toEqual({
      windowSeconds: 3 * MONTH,
      failovers: 2,
      secondarySeconds: 8 * HOUR,
      allUnhealthySeconds: 0,
      standbyLostSeconds: 0,
      unknownSeconds: 0,
      primarySeconds: 3 * MONTH - 8 * HOUR,
      flappingSpells: 0,
      episodes: 2,
      meanTimeToFailbackSeconds: 4 * HOUR,
      longestTimeToFailbackSeconds: 6 * HOUR,
      primaryAvailability: (3 * MONTH - 8 * HOUR) / (3 * MONTH),
    });
  });

  it('a month with no pair at all has zero figures and no availability', () => {
    expect(buildReport([], NOVEMBER, AFTER_NOVEMBER).total).toEqual({
      windowSeconds: 0, failovers: 0, secondarySeconds: 0, allUnhealthySeconds: 0, standbyLostSeconds: 0, unknownSeconds: 0, primarySeconds: 0, flappingSpells: 0, episodes: 0,
    });
  });
});
