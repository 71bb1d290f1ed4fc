/**
 * What a transition's email says: a subject within SNS's rules for any record name, and a body a
 * person on call can act on.
 */
import { TransitionKind, type Evidence, type KnownServingState, type Transition } from '../../lib/domain/model';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { renderTransition, toSnsSubject } from '../../lib/notify/render';
import { historyReference } from '../../lib/notify/reference';
import { aPairState, aSide, SCHEDULE_TRIGGER, ZONE_ID } from '../support/domain-fixtures';

const CHECK_ID = '11111111-2222-3333-4444-555555555555';
/** The longest name DNS allows: 253 characters, labels of up to 63. */
const LONGEST_NAME = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(57)].join('.')}.example.`;

const FAILING: Evidence = {
  checkersHealthy: 1,
  checkersTotal: 4,
  failingRegions: [
    { region: 'eu-west-1', statusReport: 'Failure: Connection timed out.' },
    { region: 'us-east-1', statusReport: 'Failure: Connection timed out.' },
    { region: 'us-west-2', statusReport: 'Failure: HTTP Status Code 503, Service Unavailable.' },
  ],
};

const MOVES: Record<TransitionKind, readonly [KnownServingState, KnownServingState]> = {
  FAILOVER: ['PRIMARY', 'SECONDARY'],
  FAILBACK: ['SECONDARY', 'PRIMARY'],
  STANDBY_LOST: ['PRIMARY', 'PRIMARY'],
  STANDBY_RESTORED: ['PRIMARY', 'PRIMARY'],
  ALL_UNHEALTHY: ['PRIMARY', 'ALL_UNHEALTHY'],
  ALL_UNHEALTHY_CLEARED: ['ALL_UNHEALTHY', 'SECONDARY'],
};

function aTransition(kind: TransitionKind, name = 'app.example.com.'): Transition {
  const [from, to] = MOVES[kind];
  const pairId = { zoneId: ZONE_ID, name, type: 'A' };
  const valuesOf = (state: KnownServingState) => (state === 'SECONDARY' ? ['10.0.1.1'] : ['10.0.0.1']);
  return {
    id: `${ZONE_ID}|${name}|A#3`,
    pairId,
    sequence: 3,
    kind,
    severity: kind === 'FAILOVER' || kind === 'ALL_UNHEALTHY' ? 'critical' : 'info',
    from,
    to,
    fromValues: valuesOf(from),
    toValues: valuesOf(to),
    primary: { ...aSide('UNHEALTHY', 'Route 53 HealthCheckStatus metric = 0'), healthCheckId: CHECK_ID, evidence: FAILING },
    secondary: aSide('HEALTHY', 'no health check: Route 53 counts this record healthy'),
    observedAt: '2026-11-25T08:02:00.000Z',
    trigger: SCHEDULE_TRIGGER,
    previousStateSeconds: 2 * 3600 + 13 * 60,
    stateAfter: aPairState({ pairId, serving: to, sequence: 3 }),
  };
}

const render = (t: Transition) => renderTransition(t, { zoneName: 'example.com.', primaryValues: ['10.0.0.1'], secondaryValues: ['10.0.1.1'] });

describe('transition subjects', () => {
  it.each(Object.values(TransitionKind))('%s: under 100 printable ASCII characters even for the longest DNS name', (kind) => {
    const { subject } = render(aTransition(kind, LONGEST_NAME));
    expect(subject.length).toBeLessThanOrEqual(99); // SNS: under 100
    expect(subject).toMatch(/^[\x20-\x7E]+$/);
    expect(subject.startsWith(`${kind} aaaa`)).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('says what happened at a glance for an ordinary name', () => {
    expect(render(aTransition('FAILOVER')).subject).toBe('FAILOVER app.example.com A: now serving secondary 10.0.1.1');
    expect(render(aTransition('FAILBACK')).subject).toBe('FAILBACK app.example.com A: back on primary 10.0.0.1 after 2h 13m on secondary');
    expect(render(aTransition('STANDBY_LOST')).subject).toBe('STANDBY_LOST app.example.com A: secondary 10.0.1.1 unhealthy, no standby');
  });

  it.each([
    ['line breaks and tabs become single spaces', 'FAILOVER a\r\nb\tc', 'FAILOVER a b c'],
    ['non-ASCII letters lose their accents, other characters go', 'FAILOVER café ☃ ok', 'FAILOVER cafe ok'],
    ['exactly 99 characters stay whole', 'x'.repeat(99), 'x'.repeat(99)],
  ])('toSnsSubject: %s', (_label, raw, expected) => {
    expect(toSnsSubject(raw)).toBe(expected);
  });
});

describe('transition email text', () => {
  const text = render(aTransition('FAILOVER')).text;

  it.each([
    ['what changed', 'the primary is unhealthy, DNS now answers with the secondary 10.0.1.1'],
    ['which side serves now', 'Serving now:'],
    ['how long the previous side served', 'Time on primary:               2h 13m'],
    ['when, and which trigger saw it', '2026-11-25T08:02:00.000Z (schedule failwatch-sweep)'],
    ['checkers healthy of total', 'Checkers reporting healthy: 1 of 4'],
    ['identical failures grouped by report', 'Failing in eu-west-1, us-east-1: Failure: Connection timed out.'],
    ['each distinct failure', 'Failing in us-west-2: Failure: HTTP Status Code 503, Service Unavailable.'],
    ['the health check console link', `https://console.aws.amazon.com/route53/healthchecks/home#/details/${CHECK_ID}`],
    ['the metric console link', 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#metricsV2:graph='],
  ])('says %s', (_what, fragment) => {
    expect(text).toContain(fragment);
  });

  it('ends with a sentence for a person and the short reference of the entry, never the raw id', () => {
    const rendered = render(aTransition('FAILOVER'));
    const reference = historyReference({ zoneId: ZONE_ID, name: 'app.example.com.', type: 'A' }, { sequence: 3 });
    expect(rendered.text.split('\n').at(-1)).toBe(`Failwatch keeps this change and its evidence in its history. Reference: ${reference} (critical).`);
    expect(rendered.text).not.toContain(rendered.transitionId);
    expect(rendered.payload).toMatchObject({ id: `${ZONE_ID}|app.example.com.|A#3`, reference });
  });

  it('carries the attributes subscription filter policies use', () => {
    expect(render(aTransition('FAILOVER')).attributes).toEqual({
      kind: 'FAILOVER',
      severity: 'critical',
      zone: ZONE_ID,
      record: 'app.example.com',
      transitionId: `${ZONE_ID}|app.example.com.|A#3`,
    });
  });
});

describe("what Route 53 answered, in the email and the payload the Slack message is drawn from", () => {
  const agrees = { status: 'AGREES', decided: 'SECONDARY', values: ['10.0.1.1'], responseCode: 'NOERROR', askedAt: '2026-11-25T08:02:00.400Z', sentence: "Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided." } as const;
  const disagrees = { ...agrees, status: 'DISAGREES', values: ['10.0.0.1'], sentence: "Route 53 answers 10.0.0.1, the primary's address, not the secondary Failwatch decided. DNS changes take up to a minute to propagate." } as const;

  it('the answer is the line right under the summary', () => {
    const { text, payload } = render({ ...aTransition('FAILOVER'), dnsAnswer: agrees });
    const lines = text.split('\n');
    expect(lines.slice(1, 3)).toEqual(['', "Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided."]);
    expect(payload).toMatchObject({ dnsAnswer: { status: 'AGREES', values: ['10.0.1.1'], sentence: agrees.sentence } });
    expect(readSnsMessageContent(JSON.stringify(payload)).kind).toBe('payload');
  });

  it('a disagreement says so plainly, and that DNS changes take up to a minute', () => {
    expect(render({ ...aTransition('FAILOVER'), dnsAnswer: disagrees }).text).toContain("Route 53 answers 10.0.0.1, the primary's address, not the secondary Failwatch decided. DNS changes take up to a minute to propagate.");
  });

  it('a transition recorded without an answer says nothing about DNS', () => {
    const { text, payload } = render(aTransition('FAILOVER'));
    expect(text).not.toContain('Route 53 answers');
    expect(payload).not.toHaveProperty('dnsAnswer');
  });
});

describe('a FAILBACK recorded while the primary\'s health is unknown (the secondary unhealthy: DNS serves the primary either way)', () => {
  const failback = aTransition('FAILBACK');
  const unknownPrimary: Transition = {
    ...failback,
    primary: { ...aSide('UNKNOWN', 'no Route 53 HealthCheckStatus datapoint, though the check has had data before (a gap, not a new check)'), healthCheckId: CHECK_ID },
    secondary: aSide('UNHEALTHY', 'Route 53 HealthCheckStatus metric = 0'),
  };

  it('never says the primary is healthy again; says why DNS answers with it and that its health is unknown', () => {
    const { subject, text } = render(unknownPrimary);
    expect(text).not.toMatch(/primary is healthy again/);
    expect(text).toContain('the secondary is unhealthy, and Route 53 then answers with the primary whether it is healthy or not');
    expect(text).toContain('Failwatch cannot tell whether the primary has recovered');
    expect(subject).toBe('FAILBACK app.example.com A: primary 10.0.0.1 again, secondary down, primary health unknown');
  });

  it('a FAILBACK with a healthy primary still says so', () => {
    expect(render({ ...failback, primary: aSide('HEALTHY', 'Route 53 HealthCheckStatus metric = 1') }).text).toContain('the primary is healthy again');
  });
});
