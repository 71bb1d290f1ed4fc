import { configRisksOfDefinition, detectConfigRisks, type ConfigRisk } from '../../lib/domain/config-risks';
import type { FailoverPair, HealthCheckDefinition, RecordSet } from '../../lib/domain/model';
import { definePair } from '../../lib/domain/pair-definition';
import {
  PRIMARY_CHECK_ID,
  ZONE_ID,
  aCalculatedDefinition,
  aDefinition,
  aPair,
  aRecord,
  anAlias,
  definitionsOf,
} from '../support/domain-fixtures';
import { GUIDE, LOAD_BALANCER_DOCS, quoting, type GuideSentence } from './route53-guide';

const ELB = 'dualstack.app-lb-123.eu-west-1.elb.amazonaws.com.';
const ELB_ZONE = 'Z32O12XQLNTSW2';
const API = 'd-abc123.execute-api.eu-west-1.amazonaws.com.';
const API_ZONE = 'ZLY8HYME6SFDD';

interface RiskCase {
  readonly behaviour: string;
  readonly guide: GuideSentence;
  readonly pair: FailoverPair;
  readonly zone?: readonly RecordSet[];
  readonly checks?: readonly HealthCheckDefinition[];
  /** [kind, reason, id, side] of each risk, in order. */
  readonly risks: readonly (readonly [string, string, string, string | undefined])[];
}

function summary(risks: readonly ConfigRisk[]) {
  return risks.map((risk) => [risk.kind, risk.reason, risk.id, risk.side]);
}

function runTable(cases: readonly RiskCase[]): void {
  it.each(cases.map((row) => [row.behaviour, row] as const))('%s', (_behaviour, row) => {
    const zone = [row.pair.primary, row.pair.secondary, ...(row.zone ?? [])];
    expect(summary(detectConfigRisks(row.pair, zone, definitionsOf(...(row.checks ?? [aDefinition()]))))).toEqual(row.risks);
  });
}

/** The rows grouped by the guide sentence they follow, in first-seen order: one describe per sentence. */
function bySentence(cases: readonly RiskCase[]): [string, RiskCase[]][] {
  const groups = new Map<string, RiskCase[]>();
  for (const row of cases) groups.set(quoting(row.guide), [...(groups.get(quoting(row.guide)) ?? []), row]);
  return [...groups];
}

const elbAlias = (evaluateTargetHealth = true) => ({ values: [], alias: anAlias(ELB, ELB_ZONE, evaluateTargetHealth) });
const noHealthCheck = { healthCheckId: undefined };

describe('detectConfigRisks: DR holes on the primary (Route 53 itself can never fail the pair over)', () => {
  const cases: RiskCase[] = [
    { behaviour: 'an enabled primary check → no risk', guide: GUIDE.primaryHealthy, pair: aPair(), risks: [] },
    { behaviour: 'primary check disabled, not inverted → DR hole', guide: GUIDE.disabledAlwaysHealthy, pair: aPair(), checks: [aDefinition({ disabled: true })], risks: [['DR_HOLE', 'PRIMARY_CHECK_DISABLED', 'PRIMARY_CHECK_DISABLED#hc-primary', 'PRIMARY']] },
    { behaviour: 'primary check disabled + inverted (maintenance: traffic forced off) → no DR hole', guide: GUIDE.disabledInvertToStopTraffic, pair: aPair(), checks: [aDefinition({ disabled: true, inverted: true })], risks: [] },
    { behaviour: 'primary without a health check → DR hole', guide: GUIDE.noCheckAlwaysHealthy, pair: aPair({ primary: noHealthCheck }), risks: [['DR_HOLE', 'PRIMARY_WITHOUT_HEALTH_CHECK', 'PRIMARY_WITHOUT_HEALTH_CHECK#primary', 'PRIMARY']] },
    { behaviour: 'primary alias that does not evaluate target health, no check → DR hole', guide: GUIDE.noCheckAlwaysHealthy, pair: aPair({ primary: { ...noHealthCheck, ...elbAlias(false) } }), risks: [['DR_HOLE', 'PRIMARY_WITHOUT_HEALTH_CHECK', 'PRIMARY_WITHOUT_HEALTH_CHECK#primary', 'PRIMARY']] },
    { behaviour: 'primary in-zone alias evaluating target health, no check → no DR hole (its target decides)', guide: GUIDE.evaluateTargetHealth, pair: aPair({ primary: { ...noHealthCheck, values: [], alias: anAlias('api.example.com.') } }), zone: [aRecord({ name: 'api.example.com.', healthCheckId: 'hc-api' })], checks: [aDefinition({ id: 'hc-api' })], risks: [] },
    { behaviour: 'primary disabled check but an alias evaluating target health → no DR hole (the target still decides), no blind spot (Failwatch reads the load balancer)', guide: GUIDE.evaluateTargetHealth, pair: aPair({ primary: elbAlias() }), checks: [aDefinition({ disabled: true })], risks: [] },
    { behaviour: 'primary CALCULATED check with threshold 0 → DR hole (always healthy)', guide: GUIDE.calculatedZero, pair: aPair(), checks: [aCalculatedDefinition(PRIMARY_CHECK_ID, ['a'], 0), aDefinition({ id: 'a' })], risks: [['DR_HOLE', 'PRIMARY_CHECK_ALWAYS_HEALTHY', 'PRIMARY_CHECK_ALWAYS_HEALTHY#hc-primary', 'PRIMARY']] },
    { behaviour: 'primary CALCULATED check whose children are all disabled → DR hole (always healthy)', guide: GUIDE.disabledChildHealthy, pair: aPair(), checks: [aCalculatedDefinition(PRIMARY_CHECK_ID, ['a', 'b'], 2), aDefinition({ id: 'a', disabled: true }), aDefinition({ id: 'b', disabled: true })], risks: [['DR_HOLE', 'PRIMARY_CHECK_ALWAYS_HEALTHY', 'PRIMARY_CHECK_ALWAYS_HEALTHY#hc-primary', 'PRIMARY']] },
    { behaviour: 'primary CALCULATED check with threshold above its children → no DR hole (always unhealthy: traffic is on the secondary)', guide: GUIDE.calculatedAbove, pair: aPair(), checks: [aCalculatedDefinition(PRIMARY_CHECK_ID, ['a'], 2), aDefinition({ id: 'a' })], risks: [] },
    { behaviour: 'primary check deleted → no claim (judged UNKNOWN elsewhere)', guide: GUIDE.primaryHealthy, pair: aPair(), checks: [], risks: [] },
  ];
  describe.each(bySentence(cases))('%s', (_quote, rows) => runTable(rows));
});

describe('detectConfigRisks: DR holes on the secondary and the pair (the standby can never take over)', () => {
  const secondaryChecked = aPair({ secondary: { healthCheckId: 'hc-secondary' } });
  const cases: RiskCase[] = [
    { behaviour: 'secondary check disabled + inverted → DR hole: with the primary down both are, and DNS keeps the primary', guide: GUIDE.bothUnhealthy, pair: secondaryChecked, checks: [aDefinition(), aDefinition({ id: 'hc-secondary', disabled: true, inverted: true })], risks: [['DR_HOLE', 'SECONDARY_ALWAYS_UNHEALTHY', 'SECONDARY_ALWAYS_UNHEALTHY#hc-secondary', 'SECONDARY']] },
    { behaviour: 'secondary check disabled, not inverted → no risk (always healthy is what a standby may be)', guide: GUIDE.disabledAlwaysHealthy, pair: secondaryChecked, checks: [aDefinition(), aDefinition({ id: 'hc-secondary', disabled: true })], risks: [] },
    { behaviour: 'secondary without a health check → no risk', guide: GUIDE.noCheckAlwaysHealthy, pair: aPair(), risks: [] },
    { behaviour: 'both records answer the same addresses (order and case aside) → DR hole', guide: GUIDE.primaryUnhealthySecondaryHealthy, pair: aPair({ primary: { values: ['10.0.0.2', '10.0.0.1'] }, secondary: { values: [' 10.0.0.1', '10.0.0.2'] } }), risks: [['DR_HOLE', 'SAME_ANSWER', 'SAME_ANSWER#pair', undefined]] },
    { behaviour: 'both records alias the same target (zone id written two ways) → DR hole', guide: GUIDE.primaryUnhealthySecondaryHealthy, pair: aPair({ primary: { values: [], alias: anAlias('LB.example.net', ZONE_ID, false) }, secondary: { values: [], alias: anAlias('lb.example.net.', `/hostedzone/${ZONE_ID}`, false) } }), risks: [['DR_HOLE', 'SAME_ANSWER', 'SAME_ANSWER#pair', undefined]] },
    { behaviour: 'records sharing only some addresses → no risk', guide: GUIDE.primaryUnhealthySecondaryHealthy, pair: aPair({ primary: { values: ['10.0.0.1', '10.0.0.2'] }, secondary: { values: ['10.0.0.2', '10.0.1.1'] } }), risks: [] },
  ];
  describe.each(bySentence(cases))('%s', (_quote, rows) => runTable(rows));
});

const apiAlias = (evaluateTargetHealth = true) => ({ values: [], alias: anAlias(API, API_ZONE, evaluateTargetHealth) });

describe(`detectConfigRisks: blind spots (Route 53 can fail over, Failwatch cannot read why) — ${quoting(GUIDE.evaluateTargetHealth)}`, () => {
  const target = API.slice(0, -1);
  runTable([
    { behaviour: 'primary alias evaluating an API Gateway target → blind spot on the primary', guide: GUIDE.evaluateTargetHealth, pair: aPair({ primary: { ...noHealthCheck, ...apiAlias() } }), risks: [['BLIND_SPOT', 'TARGET_HEALTH_UNREADABLE', `TARGET_HEALTH_UNREADABLE#PRIMARY#${target}`, 'PRIMARY']] },
    { behaviour: 'primary alias evaluating an API Gateway target and a health check → still a blind spot (both must be healthy)', guide: GUIDE.evaluateTargetHealth, pair: aPair({ primary: apiAlias() }), risks: [['BLIND_SPOT', 'TARGET_HEALTH_UNREADABLE', `TARGET_HEALTH_UNREADABLE#PRIMARY#${target}`, 'PRIMARY']] },
    { behaviour: 'secondary alias evaluating an API Gateway target → blind spot on the secondary', guide: GUIDE.evaluateTargetHealth, pair: aPair({ secondary: apiAlias() }), risks: [['BLIND_SPOT', 'TARGET_HEALTH_UNREADABLE', `TARGET_HEALTH_UNREADABLE#SECONDARY#${target}`, 'SECONDARY']] },
    { behaviour: 'an alias to an API Gateway that does not evaluate target health → no blind spot (Route 53 counts it healthy)', guide: GUIDE.noCheckAlwaysHealthy, pair: aPair({ secondary: apiAlias(false) }), risks: [] },
    { behaviour: 'an in-zone alias reaching a record that evaluates an API Gateway → blind spot on that side', guide: GUIDE.evaluateTargetHealth, pair: aPair({ secondary: { values: [], alias: anAlias('dr.example.com.') } }), zone: [aRecord({ name: 'dr.example.com.', setIdentifier: 'dr-api', values: [], alias: anAlias(API, API_ZONE) })], risks: [['BLIND_SPOT', 'TARGET_HEALTH_UNREADABLE', `TARGET_HEALTH_UNREADABLE#SECONDARY#${target}`, 'SECONDARY']] },
  ]);
});

describe(`detectConfigRisks: a load balancer is no blind spot, Failwatch reads its target groups — ${quoting(LOAD_BALANCER_DOCS.albRule)}`, () => {
  runTable([
    { behaviour: 'primary alias evaluating an ELB target → no risk', guide: GUIDE.evaluateTargetHealth, pair: aPair({ primary: { ...noHealthCheck, ...elbAlias() } }), risks: [] },
    { behaviour: 'secondary alias evaluating an ELB target → no risk', guide: GUIDE.evaluateTargetHealth, pair: aPair({ secondary: elbAlias() }), risks: [] },
    { behaviour: 'an in-zone alias reaching a record that evaluates an ELB → no risk', guide: GUIDE.evaluateTargetHealth, pair: aPair({ secondary: { values: [], alias: anAlias('dr.example.com.') } }), zone: [aRecord({ name: 'dr.example.com.', setIdentifier: 'dr-lb', values: [], alias: anAlias(ELB, ELB_ZONE) })], risks: [] },
  ]);
});

describe('detectConfigRisks: what each risk says', () => {
  it('a disabled primary check: the problem and what to change', () => {
    const [risk] = detectConfigRisks(aPair(), [], definitionsOf(aDefinition({ disabled: true })));
    expect(risk).toEqual({
      kind: 'DR_HOLE',
      reason: 'PRIMARY_CHECK_DISABLED',
      id: 'PRIMARY_CHECK_DISABLED#hc-primary',
      side: 'PRIMARY',
      healthCheckId: 'hc-primary',
      problem: "the primary's health check hc-primary is disabled and not inverted: Route 53 counts it always healthy, so the pair never fails over",
      fix: 'enable health check hc-primary again; to move traffic off the primary on purpose, invert it as well as disabling it',
    });
  });

  it('a blind spot reached through an in-zone alias names the record that holds it, and advice that works', () => {
    const pair = aPair({ secondary: { values: [], alias: anAlias('dr.example.com.') } });
    const holder = aRecord({ name: 'dr.example.com.', setIdentifier: 'dr-api', values: [], alias: anAlias(API, API_ZONE) });
    const [risk] = detectConfigRisks(pair, [holder], definitionsOf(aDefinition()));
    expect(risk?.problem).toBe(
      `the record dr.example.com A 'dr-api' alias ${API.slice(0, -1)}, which the secondary record's alias reaches, evaluates the health of the API Gateway API ${API.slice(0, -1)}: Route 53 can fail over on it, but Failwatch cannot read that health (API Gateway is highly available by design: the API reference says "EvaluateTargetHealth provides no operational benefit and Route 53 health checks are recommended instead for failover scenarios"), so it reports the secondary's health as unknown unless a health check of its own fails`,
    );
    expect(risk?.fix).toMatch(/health check of its own .* AND set Evaluate Target Health to No, so the record's health is that check's, which Failwatch reads$/);
  });

  it('several risks at once come in a fixed order: primary, secondary, pair, then blind spots', () => {
    const pair = aPair({ primary: { healthCheckId: undefined }, secondary: { healthCheckId: 'hc-secondary', values: ['10.0.0.1'] } });
    const checks = definitionsOf(aDefinition({ id: 'hc-secondary', disabled: true, inverted: true }));
    expect(detectConfigRisks(pair, [], checks).map((risk) => risk.reason)).toEqual(['PRIMARY_WITHOUT_HEALTH_CHECK', 'SECONDARY_ALWAYS_UNHEALTHY', 'SAME_ANSWER']);
  });
});

describe('configRisksOfDefinition: the same risks from the stored definition as from the whole listing', () => {
  it.each([
    ['a disabled primary check', aPair(), [], [aDefinition({ disabled: true })]],
    ['a blind spot through an in-zone alias', aPair({ secondary: { values: [], alias: anAlias('dr.example.com.') } }), [aRecord({ name: 'dr.example.com.', setIdentifier: 'dr-api', values: [], alias: anAlias(API, API_ZONE) })], [aDefinition()]],
    ['a CALCULATED primary whose children are all disabled', aPair(), [], [aCalculatedDefinition(PRIMARY_CHECK_ID, ['a'], 1), aDefinition({ id: 'a', disabled: true })]],
  ] as const)('%s', (_behaviour, pair, others, checks) => {
    const zone = [aRecord({ name: 'noise.example.com.', setIdentifier: 'noise', healthCheckId: 'hc-noise' }), pair.primary, pair.secondary, ...others];
    const definitions = definitionsOf(...checks, aDefinition({ id: 'hc-noise', disabled: true }));
    const fromListing = detectConfigRisks(pair, zone, definitions);
    expect(fromListing.length).toBeGreaterThan(0);
    expect(configRisksOfDefinition(definePair(pair, zone, definitions))).toEqual(fromListing);
  });
});
