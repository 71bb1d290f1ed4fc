import { decideConfigNotices, type ConfigLook, type ConfigWatch } from '../../lib/domain/config-notices';
import { detectConfigRisks, type ConfigRisk } from '../../lib/domain/config-risks';
import { observePair } from '../../lib/domain/failover';
import { assessHealthChecks } from '../../lib/domain/health';
import { decideStep, DEFAULT_NOTICE_SETTINGS } from '../../lib/domain/notice-policy';
import { PRIMARY_CHECK_ID, SCHEDULE_TRIGGER, aDefinition, aPair, anAlias, definitionsOf, metricValue, someSignals } from '../support/domain-fixtures';
import { GUIDE, quoting } from './route53-guide';

const PAIR = aPair();
const PAIR_KEY = 'Z0FAILWATCH|app.example.com.|A';
const T0 = '2026-11-25T09:00:00.000Z';
const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T11:00:00.000Z';

const disabledPrimary = detectConfigRisks(PAIR, [], definitionsOf(aDefinition({ disabled: true })));
const noCheckPrimary = detectConfigRisks(aPair({ primary: { healthCheckId: undefined } }), [], new Map());
const elbSecondary = detectConfigRisks(aPair({ secondary: { values: [], alias: anAlias('lb.elb.amazonaws.com.', 'Z32O12XQLNTSW2') } }), [], definitionsOf(aDefinition()));

function look(risks: readonly ConfigRisk[], observedAt: string, readAt = observedAt): ConfigLook {
  return { risks, readAt, observedAt, trigger: SCHEDULE_TRIGGER };
}

function kindsAndKeys(decision: ReturnType<typeof decideConfigNotices>) {
  return decision.notices.map((n) => [n.kind, n.key]);
}

describe(`decideConfigNotices: one notice when a risk appears, one when it is gone — ${quoting(GUIDE.disabledAlwaysHealthy)}`, () => {
  it('a first look reports every risk it finds (a configuration warning is not a transition): warning, what to change, lasted 0', () => {
    const decision = decideConfigNotices(undefined, PAIR.id, look([...disabledPrimary, ...elbSecondary], T0));
    expect(kindsAndKeys(decision)).toEqual([
      ['DR_HOLE', 'DR_HOLE#PRIMARY_CHECK_DISABLED#hc-primary#1'],
      ['BLIND_SPOT', 'BLIND_SPOT#TARGET_HEALTH_UNREADABLE#SECONDARY#lb.elb.amazonaws.com#2'],
    ]);
    expect(decision.notices[0]).toEqual({
      id: `${PAIR_KEY}#DR_HOLE#PRIMARY_CHECK_DISABLED#hc-primary#1`,
      key: 'DR_HOLE#PRIMARY_CHECK_DISABLED#hc-primary#1',
      pairId: PAIR.id,
      kind: 'DR_HOLE',
      severity: 'warning',
      observedAt: T0,
      trigger: SCHEDULE_TRIGGER,
      risk: disabledPrimary[0],
      openSince: T0,
      lastedSeconds: 0,
    });
    expect(decision.notices[1]?.severity).toBe('warning');
    expect(decision.next).toEqual({
      open: [
        { risk: disabledPrimary[0], since: T0, episode: 1 },
        { risk: elbSecondary[0], since: T0, episode: 2 },
      ],
      opened: 2,
      readAt: T0,
    });
  });

  it('a first look without risks writes nothing and says nothing', () => {
    expect(decideConfigNotices(undefined, PAIR.id, look([], T0))).toEqual({ next: undefined, notices: [], reason: 'configuration risks unchanged (0 open)' });
  });

  it('the same risks on the next look: nothing written, nothing sent (no duplicate)', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    expect(decideConfigNotices(first, PAIR.id, look(disabledPrimary, T1))).toEqual({ next: undefined, notices: [], reason: 'configuration risks unchanged (1 open)' });
  });

  it('gone: DR_HOLE_CLOSED (warning) with how long it lasted, keyed by the same episode', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    const closed = decideConfigNotices(first, PAIR.id, look([], T1));
    expect(closed.notices.map((n) => [n.kind, n.key, n.severity, n.lastedSeconds, n.openSince, n.risk])).toEqual([
      ['DR_HOLE_CLOSED', 'DR_HOLE_CLOSED#PRIMARY_CHECK_DISABLED#hc-primary#1', 'warning', 3600, T0, disabledPrimary[0]],
    ]);
    expect(closed.next).toEqual({ open: [], opened: 1, readAt: T1 });
  });

  it('a blind spot that is gone: BLIND_SPOT_CLEARED', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(elbSecondary, T0)).next;
    expect(decideConfigNotices(first, PAIR.id, look([], T1)).notices.map((n) => n.kind)).toEqual(['BLIND_SPOT_CLEARED']);
  });

  it('fixed, then back: a new episode, so the new notices are not taken for the old ones', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    const closed = decideConfigNotices(first, PAIR.id, look([], T1)).next;
    const again = decideConfigNotices(closed, PAIR.id, look(disabledPrimary, T2));
    expect(kindsAndKeys(again)).toEqual([['DR_HOLE', 'DR_HOLE#PRIMARY_CHECK_DISABLED#hc-primary#2']]);
  });

  it('one risk replacing another (check removed from a disabled primary): the old one closes, the new one opens', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    expect(kindsAndKeys(decideConfigNotices(first, PAIR.id, look(noCheckPrimary, T1)))).toEqual([
      ['DR_HOLE_CLOSED', 'DR_HOLE_CLOSED#PRIMARY_CHECK_DISABLED#hc-primary#1'],
      ['DR_HOLE', 'DR_HOLE#PRIMARY_WITHOUT_HEALTH_CHECK#primary#2'],
    ]);
  });

  it('deduplicated like other notices: two runs deciding from the same stored record at different instants give the same keys', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    const runA = decideConfigNotices(first, PAIR.id, look([], T1));
    const runB = decideConfigNotices(first, PAIR.id, look([], '2026-11-25T10:00:07.000Z'));
    expect(runA.notices.map((n) => n.id)).toEqual(runB.notices.map((n) => n.id));
  });

  it('a risk reworded (its check now watches another target) is stored without a notice, and its end says the latest words', () => {
    const calculated = (target: string) => detectConfigRisks(PAIR, [], definitionsOf({ ...aDefinition({ type: 'CALCULATED', target }), childHealthCheckIds: [], healthThreshold: 0 }));
    const first = decideConfigNotices(undefined, PAIR.id, look(calculated('calculated (0 of 0)'), T0)).next;
    const reworded = decideConfigNotices(first, PAIR.id, look(calculated('calculated (0 of 2)'), T1));
    expect(reworded.notices).toEqual([]);
    expect(reworded.next?.open[0]).toMatchObject({ since: T0, episode: 1, risk: { problem: expect.stringContaining('calculated (0 of 2)') } });
  });

  it('a reading of the configuration older than the one last decided from changes nothing (a stale cache must not reopen a closed hole)', () => {
    const first = decideConfigNotices(undefined, PAIR.id, look(disabledPrimary, T0)).next;
    const closed = decideConfigNotices(first, PAIR.id, look([], T1)).next as ConfigWatch;
    const stale = decideConfigNotices(closed, PAIR.id, look(disabledPrimary, T2, T0));
    expect(stale).toMatchObject({ next: undefined, notices: [], reason: expect.stringMatching(/older than the one last decided from/) });
  });
});

describe(`config notices need no judgeable serving side — ${quoting(GUIDE.disabledChildInvert)}`, () => {
  it('a pair that is UNKNOWN on its first look stores no state, yet its DR hole is reported', () => {
    const pair = aPair({ secondary: { healthCheckId: 'hc-secondary' } });
    const definitions = definitionsOf(aDefinition(), aDefinition({ id: 'hc-secondary', disabled: true, inverted: true }));
    const signals = new Map([
      [PRIMARY_CHECK_ID, someSignals({ metric: { kind: 'UNAVAILABLE', reason: 'throttled' } })],
      ['hc-secondary', someSignals({ metric: metricValue(1) })],
    ]);
    const observation = observePair(pair, [pair.primary, pair.secondary], assessHealthChecks([PRIMARY_CHECK_ID, 'hc-secondary'], definitions, signals), T0, SCHEDULE_TRIGGER);
    expect(observation.serving).toBe('UNKNOWN');
    expect(decideStep(undefined, observation, DEFAULT_NOTICE_SETTINGS, [])).toMatchObject({ next: undefined, transitions: [], notices: [] });
    const config = decideConfigNotices(undefined, pair.id, look(detectConfigRisks(pair, [pair.primary, pair.secondary], definitions), T0));
    expect(kindsAndKeys(config)).toEqual([['DR_HOLE', 'DR_HOLE#SECONDARY_ALWAYS_UNHEALTHY#hc-secondary#1']]);
  });
});
