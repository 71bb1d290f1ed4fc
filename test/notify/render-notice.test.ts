import { pairKey } from '../../lib/domain/model';
import { buildNotice, type Notice, type NoticeFields } from '../../lib/domain/notices';
import { MAX_SUBJECT_LENGTH } from '../../lib/notify/render';
import { renderConfigNotice, renderNotice } from '../../lib/notify/render-notice';
import { notificationPayloadSchema } from '../../lib/notify/payload-schema';
import { decideConfigNotices } from '../../lib/domain/config-notices';
import { detectConfigRisks, type ConfigRisk } from '../../lib/domain/config-risks';
import { historyReference } from '../../lib/notify/reference';
import { decideTransitions } from '../../lib/domain/transitions';
import { SCHEDULE_TRIGGER, aDefinition, aPair, aPairState, aSide, anAlias, anObservation, definitionsOf } from '../support/domain-fixtures';

const pair = aPair();
const context = { zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] };
const AT = '2026-11-25T13:00:00.000Z';
const onSecondary = { serving: 'SECONDARY', servingSince: '2026-11-25T09:00:00.000Z', servingValues: ['10.0.1.1'] } as const;
const onPrimary = { serving: 'PRIMARY', servingSince: '2026-11-25T12:00:00.000Z', servingValues: ['10.0.0.1'] } as const;

function notice(about: string, fields: NoticeFields): Notice {
  return buildNotice(pair.id, about, fields, AT, SCHEDULE_TRIGGER);
}

const silence = { id: 's-1a2b3c4d', reason: 'DR drill', until: '2026-11-25T12:30:00.000Z' };
const failover = decideTransitions(aPairState(), anObservation('SECONDARY', '2026-11-25T11:00:00.000Z', { primary: aSide('UNHEALTHY') })).transitions[0]!;

describe('renderNotice: subjects a person reads at a glance, within SNS limits', () => {
  it.each([
    [notice('a', { kind: 'REMINDER', lastedSeconds: 14_400, ...onSecondary }), [], 'REMINDER app.example.com A: still on secondary 10.0.1.1 after 4h', 'warning'],
    [notice('b', { kind: 'REMINDER', lastedSeconds: 28_800, ...onSecondary, serving: 'ALL_UNHEALTHY', servingValues: ['10.0.0.1'] }), [], 'REMINDER app.example.com A: primary and secondary still unhealthy after 8h', 'critical'],
    [notice('c', { kind: 'FLAPPING', lastedSeconds: 1_200, sideChanges: 5, windowSeconds: 3_600, ...onSecondary }), [], 'FLAPPING app.example.com A: 5 side changes within 1h, now on secondary 10.0.1.1; holding alerts', 'warning'],
    [notice('d', { kind: 'FLAPPING_ENDED', lastedSeconds: 3_600, windowSeconds: 3_600, ...onPrimary }), [failover, failover], 'FLAPPING_ENDED app.example.com A: stable on primary 10.0.0.1 for 1h, 2 changes held', 'info'],
    [notice('e', { kind: 'SILENCE_SUMMARY', lastedSeconds: 3_600, silence, ...onPrimary }), [failover], 'SILENCE_SUMMARY app.example.com A: 1 transition during "DR drill", now on primary 10.0.0.1', 'info'],
    [notice('f', { kind: 'WATCH_DEGRADED', lastedSeconds: 900, detail: 'primary health unknown', ...onPrimary }), [], 'WATCH_DEGRADED app.example.com A: health unreadable for 15m, last known on primary 10.0.0.1', 'warning'],
    [notice('g', { kind: 'WATCH_RESTORED', lastedSeconds: 1_500, ...onPrimary }), [], 'WATCH_RESTORED app.example.com A: health readable again after 25m, on primary 10.0.0.1', 'info'],
  ] as const)('%#: %s', (n, covered, subject, severity) => {
    const rendered = renderNotice(n, covered, context);
    expect(rendered.subject).toBe(subject);
    expect(rendered.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(rendered.subject).toMatch(/^[\x20-\x7E]+$/);
    expect(rendered.attributes).toEqual({ kind: n.kind, severity, zone: pair.id.zoneId, record: 'app.example.com', noticeId: `${pairKey(pair.id)}#${n.key}` });
    const reference = historyReference(pair.id, { noticeKey: n.key });
    expect(rendered.payload).toMatchObject({ schema: 'failwatch.notification/v1', id: n.id, reference, kind: n.kind, severity, subject });
    expect(rendered.text.split('\n').at(-1)).toMatch(new RegExp(`^[A-Z].* Reference: ${reference} \\(${severity}\\)\\.$`));
    expect(rendered.text).not.toContain(n.id);
    expect(rendered.text).not.toMatch(/FAILWATCH_/);
  });

  it('a long record name and reason still give a subject under 100 characters', () => {
    const long = buildNotice({ ...pair.id, name: `${'a'.repeat(60)}.example.com.` }, 'x', { kind: 'SILENCE_SUMMARY', lastedSeconds: 1, silence: { ...silence, reason: 'r'.repeat(80) }, ...onPrimary }, AT, SCHEDULE_TRIGGER);
    expect(renderNotice(long, [], context).subject.length).toBeLessThan(100);
  });

  it('a summary lists each transition it stands for, and the window it fell in', () => {
    const text = renderNotice(notice('e', { kind: 'SILENCE_SUMMARY', lastedSeconds: 3_600, silence, ...onPrimary }), [failover], context).text;
    expect(text).toContain(`FAILOVER at 2026-11-25T11:00:00.000Z: PRIMARY -> SECONDARY 10.0.1.1 (previous state lasted 2h), reference ${historyReference(pair.id, { sequence: 1 })}`);
    expect(text).toContain('Maintenance window:');
    expect(text).toContain('"DR drill" (s-1a2b3c4d) until 2026-11-25T12:30:00.000Z');
  });
});

describe('renderConfigNotice: a DR hole or blind spot, said once when it appears and once when it is gone', () => {
  const opened = '2026-11-25T09:00:00.000Z';
  const closed = '2026-11-25T11:05:00.000Z';
  const disabledPrimary = detectConfigRisks(pair, [], definitionsOf(aDefinition({ disabled: true })));
  // An API Gateway: a load balancer is no blind spot (Failwatch reads its target groups).
  const apiPrimary = detectConfigRisks(aPair({ primary: { healthCheckId: undefined, values: [], alias: anAlias('d-abc123.execute-api.eu-west-1.amazonaws.com.', 'ZLY8HYME6SFDD') } }), [], new Map());
  const look = (risks: readonly ConfigRisk[], at: string) => ({ risks, readAt: at, observedAt: at, trigger: SCHEDULE_TRIGGER });
  const appeared = (risks: readonly ConfigRisk[]) => decideConfigNotices(undefined, pair.id, look(risks, opened));
  const gone = (risks: readonly ConfigRisk[]) => decideConfigNotices(appeared(risks).next, pair.id, look([], closed)).notices[0]!;
  const drHole = appeared(disabledPrimary).notices[0]!;
  const blindSpot = appeared(apiPrimary).notices[0]!;

  it.each([
    [drHole, 'DR_HOLE app.example.com A: primary check disabled, not inverted: no failover possible'],
    [gone(disabledPrimary), 'DR_HOLE_CLOSED app.example.com A: closed after 2h 5m (primary check disabled, not inverted)'],
    [blindSpot, 'BLIND_SPOT app.example.com A: primary target health unreadable: Failwatch cannot judge it'],
    [gone(apiPrimary), 'BLIND_SPOT_CLEARED app.example.com A: cleared after 2h 5m (primary target health unreadable)'],
  ] as const)('%#: the headline, at warning severity, with the filter attributes and the reference', (n, subject) => {
    const rendered = renderConfigNotice(n, context);
    expect(rendered.subject).toBe(subject);
    expect(rendered.subject).toMatch(/^[\x20-\x7E]{1,99}$/);
    expect(rendered.attributes).toEqual({ kind: n.kind, severity: 'warning', zone: pair.id.zoneId, record: 'app.example.com', noticeId: n.id });
    const reference = historyReference(pair.id, { noticeKey: n.key });
    expect(rendered.text.split('\n').at(-1)).toMatch(new RegExp(`^[A-Z].* Reference: ${reference} \\(warning\\)\\.$`));
    expect(notificationPayloadSchema.safeParse(rendered.payload).success).toBe(true);
  });

  it('an appearing risk says what is wrong, what to change and since when; its payload carries the risk as data', () => {
    const rendered = renderConfigNotice(drHole, context);
    expect(rendered.text).toContain('app.example.com A (zone example.com) has a DR hole: the primary\'s health check hc-primary is disabled and not inverted');
    expect(rendered.text).toContain('What to change: enable health check hc-primary again; to move traffic off the primary on purpose, invert it as well as disabling it.');
    expect(rendered.text).toContain(`Open since:                    ${opened}`);
    expect(rendered.text).toContain('https://console.aws.amazon.com/route53/healthchecks/home#/details/hc-primary');
    expect(rendered.payload).toMatchObject({
      kind: 'DR_HOLE',
      risk: { kind: 'DR_HOLE', reason: 'PRIMARY_CHECK_DISABLED', id: 'PRIMARY_CHECK_DISABLED#hc-primary', side: 'PRIMARY', healthCheckId: 'hc-primary', status: 'OPEN', openSince: opened, lastedSeconds: 0 },
    });
  });

  it('a closing notice says how long the risk lasted and what it was, and asks for nothing', () => {
    const rendered = renderConfigNotice(gone(disabledPrimary), context);
    expect(rendered.text).toContain(`is closed (it lasted 2h 5m, since ${opened})`);
    expect(rendered.text).toContain('Lasted:                        2h 5m');
    expect(rendered.text).not.toContain('What to change');
    expect(rendered.payload).toMatchObject({ risk: { status: 'CLOSED', lastedSeconds: 7_500, openSince: opened } });
  });

  it('a blind spot names the target whose health Failwatch cannot read, and what to attach instead', () => {
    const { text } = renderConfigNotice(blindSpot, context);
    expect(text).toContain('has a blind spot: the primary record evaluates the health of the API Gateway API d-abc123.execute-api.eu-west-1.amazonaws.com');
    expect(text).toContain('What to change: associate a Route 53 health check of its own with the record');
    expect(text).toContain('AND set Evaluate Target Health to No');
  });
});
