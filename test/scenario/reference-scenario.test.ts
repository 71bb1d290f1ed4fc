/**
 * The spec's reference scenario, end to end through the real poll handler: simulated Route 53,
 * CloudWatch and SNS at the SDK boundary, a real DynamoDB (dynalite) for state and history.
 */
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { loadEvent, startHarness, type Harness } from '../../local/harness';

const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };

interface StepResult {
  readonly dnsAnswer: string[];
  readonly recorded: string[];
  readonly notified: string[];
}

describe('reference scenario through the poll handler', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const results: StepResult[] = [];
  const primaryHealthPerStep = [true, true, false, false, true];

  beforeAll(async () => {
    account = referenceAccount({ pageSize: 2 });
    harness = await startHarness(account);
    for (const [index, healthy] of primaryHealthPerStep.entries()) {
      account.setHealthy(REFERENCE.primaryCheckId, healthy);
      harness.clock.set(new Date(Date.UTC(2026, 10, 25, 8, index)));
      const transitionsBefore = (await harness.store.listTransitions(pairId)).length;
      const sentBefore = account.published.length;
      await harness.poll(loadEvent('scheduled.json'));
      const transitions = await harness.store.listTransitions(pairId);
      results.push({
        dnsAnswer: account.dnsAnswer(REFERENCE.zoneId, REFERENCE.recordName, 'A'),
        recorded: transitions.slice(0, transitions.length - transitionsBefore).map((t) => t.kind),
        notified: account.published.slice(sentBefore).map((m) => m.attributes['kind'] ?? '?'),
      });
    }
  });

  afterAll(() => harness.stop());

  it.each([
    [1, REFERENCE.primaryIp, [], []],
    [2, REFERENCE.primaryIp, [], []],
    [3, REFERENCE.secondaryIp, ['FAILOVER'], ['FAILOVER']],
    [4, REFERENCE.secondaryIp, [], []],
    [5, REFERENCE.primaryIp, ['FAILBACK'], ['FAILBACK']],
  ])('step %i: DNS answers %s, records %j, notifies %j', (step, dns, recorded, notified) => {
    const result = results[step - 1]!;
    expect(result.dnsAnswer).toEqual([dns]);
    expect(result.recorded).toEqual(recorded);
    expect(result.notified).toEqual(notified);
  });

  it('stores the first observation as state without a transition', async () => {
    const state = (await harness.store.loadStates([pairId])).get(`${pairId.zoneId}|${pairId.name}|${pairId.type}`);
    expect(state).toMatchObject({ serving: 'PRIMARY', sequence: 2, servingSince: '2026-11-25T08:04:00.000Z', pendingSequences: [] });
  });

  it('records FAILOVER with everything the contract promises, and the SNS message id', async () => {
    const failover = await harness.store.getTransition(pairId, 1);
    expect(failover).toMatchObject({
      pairId,
      kind: 'FAILOVER',
      severity: 'critical',
      from: 'PRIMARY',
      to: 'SECONDARY',
      fromValues: [REFERENCE.primaryIp],
      toValues: [REFERENCE.secondaryIp],
      observedAt: '2026-11-25T08:02:00.000Z',
      trigger: { kind: 'SCHEDULE' },
      previousStateSeconds: 120,
      publishStatus: 'PUBLISHED',
      snsMessageId: account.published[0]!.messageId,
    });
    expect(failover!.primary).toMatchObject({ verdict: 'UNHEALTHY', healthCheckId: REFERENCE.primaryCheckId });
    expect(failover!.primary.evidence).toMatchObject({ checkersHealthy: 0, checkersTotal: 8 });
    expect(failover!.primary.evidence.failingRegions).toHaveLength(8);
    expect(failover!.primary.evidence.failingRegions[0]!.statusReport).toMatch(/^Failure: /);
    expect(failover!.secondary).toMatchObject({ verdict: 'HEALTHY' });
    expect(failover!.secondary.healthCheckId).toBeUndefined();
  });

  it('records FAILBACK with the time spent on the secondary', async () => {
    const failback = await harness.store.getTransition(pairId, 2);
    expect(failback).toMatchObject({ kind: 'FAILBACK', from: 'SECONDARY', to: 'PRIMARY', previousStateSeconds: 120, publishStatus: 'PUBLISHED' });
  });

  it('sends a subject a person reads at a glance, within SNS limits, with filterable attributes', () => {
    const [failover, failback] = account.published;
    expect(failover!.subject).toBe('FAILOVER app.example.com A: now serving secondary 10.0.1.1');
    expect(failback!.subject).toBe('FAILBACK app.example.com A: back on primary 10.0.0.1 after 2m on secondary');
    expect(failover!.attributes).toMatchObject({ kind: 'FAILOVER', severity: 'critical', zone: REFERENCE.zoneId, record: 'app.example.com' });
    expect(failover!.text).toContain('Failing in ');
    expect(failover!.text).toContain(`https://console.aws.amazon.com/route53/healthchecks/home#/details/${REFERENCE.primaryCheckId}`);
  });

  it('reads per-checker evidence only when something changed', () => {
    // Steps 3 and 5 changed the pair; each needed one GetHealthCheckStatus for the primary's check.
    expect(account.calls.getHealthCheckStatus).toBe(2);
  });
});
