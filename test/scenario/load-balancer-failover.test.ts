/**
 * The commonest setup, through the poll handler: `www.example.com` a PRIMARY alias to an Application Load
 * Balancer in eu-west-1, a SECONDARY alias to one in us-west-2, both with Evaluate Target Health and no
 * health check of their own. Failwatch judges each balancer from its target groups (described once, then
 * counted in its own region every sweep), records the FAILOVER and the FAILBACK, and each message says
 * what Route 53 answers then. Beside it, the reference pair: a disagreement (Route 53 has not caught up),
 * an answer that cannot be read (the FAILOVER still goes out), a private zone (not asked), and a balancer
 * that cannot be described (UNKNOWN with what to grant).
 */
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { PollResult } from '../../handlers/poll';
import { pairKey } from '../../lib/domain/model';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { renderSlackMessage } from '../../lib/notify/slack-message';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { addLoadBalancerPair, type LoadBalancerPair } from '../../local/load-balancer-pair';
import { REFERENCE, referenceAccount, type PublishedMessage, type SimulatedAws } from '../../local/simulated-aws';
import { kinds, minutesIn, PAIR_ID } from '../support/notice-scenario';

interface Sweep {
  readonly result: PollResult;
  readonly sent: PublishedMessage[];
  readonly describes: number;
  readonly metricCalls: number;
  readonly dnsAnswers: number;
}

async function sweepAt(harness: Harness, account: SimulatedAws, minute: number): Promise<Sweep> {
  harness.clock.set(minutesIn(minute));
  const before = { sent: account.published.length, describes: account.loadBalancers.calls.describe, metricCalls: account.calls.cloudwatch, dnsAnswers: account.route53Operations['TestDNSAnswer'] ?? 0 };
  const result = (await harness.poll(loadEvent('scheduled.json'))) as PollResult;
  return {
    result,
    sent: account.published.slice(before.sent),
    describes: account.loadBalancers.calls.describe - before.describes,
    metricCalls: account.calls.cloudwatch - before.metricCalls,
    dnsAnswers: (account.route53Operations['TestDNSAnswer'] ?? 0) - before.dnsAnswers,
  };
}

const slackOf = (message: PublishedMessage | undefined) => {
  const content = readSnsMessageContent(JSON.stringify(message?.payload));
  if (content.kind !== 'payload') throw new Error('not a Failwatch payload');
  return renderSlackMessage(content.payload);
};
const slackTexts = (message: PublishedMessage | undefined) => (slackOf(message).blocks ?? []).flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));

describe('an ALB-alias pair with balancers in two regions fails over and back', () => {
  let account: SimulatedAws;
  let harness: Harness;
  let pair: LoadBalancerPair;
  const sweeps = new Map<number, Sweep>();

  beforeAll(async () => {
    account = referenceAccount();
    pair = addLoadBalancerPair(account);
    harness = await startHarness(account);
    sweeps.set(0, await sweepAt(harness, account, 0));
    sweeps.set(1, await sweepAt(harness, account, 1));
    account.loadBalancers.setHealthy(pair.primary.name, false);
    sweeps.set(2, await sweepAt(harness, account, 2));
    sweeps.set(3, await sweepAt(harness, account, 3));
    account.loadBalancers.setHealthy(pair.primary.name, true);
    sweeps.set(4, await sweepAt(harness, account, 4));
  });

  afterAll(() => harness.stop());

  it.each([
    [0, []],
    [1, []],
    [2, ['FAILOVER']],
    [3, []],
    [4, ['FAILBACK']],
  ])('minute %i: sends %j', (minute, expected) => {
    expect(kinds(sweeps.get(minute)!.sent)).toEqual(expected);
  });

  it('the pair is judged from the first look: never unknown, never a blind spot', () => {
    for (const sweep of sweeps.values()) expect(sweep.result.unknownPairs).toEqual([]);
    expect([...sweeps.values()].flatMap((sweep) => sweep.result.configNotices ?? [])).toEqual([]);
  });

  it('the FAILOVER says why, from the balancer\'s targets: no zone meets its target group\'s minimum, though the balancer fails open', () => {
    const [failover] = sweeps.get(2)!.sent;
    expect(failover?.attributes).toMatchObject({ kind: 'FAILOVER', severity: 'critical', record: 'www.example.com' });
    expect(failover?.text).toContain(`Primary (dualstack.${pair.primary.dnsName}): UNHEALTHY, no health check`);
    expect(failover?.text).toContain('Application Load Balancer web-eu (eu-west-1) is unhealthy by Failwatch\'s reading of the documented rule');
    expect(failover?.text).toContain('target group web-eu-tg in all zones: 0 of 2 targets healthy, below the DNS failover minimum of 1 healthy');
    expect(failover?.text).toContain('Failing in all zones: target group web-eu-tg: 0 of 2 targets healthy');
    expect(failover?.text).toContain('but Route 53 considers it unhealthy');
    expect(failover?.text).toContain('Application Load Balancer web-us (us-west-2) is healthy');
  });

  it('each message says what Route 53 answers then: the serving balancer\'s addresses, reported, not compared', () => {
    const failover = sweeps.get(2)!.sent[0];
    const failback = sweeps.get(4)!.sent[0];
    const addresses = (balancer: LoadBalancerPair['primary']) => Object.values(balancer.addresses).join(', ');
    expect(failover?.text).toContain(`Route 53 answers ${addresses(pair.secondary)} (the addresses of the secondary's alias target dualstack.${pair.secondary.dnsName}, reported as they are, not compared).`);
    expect(failback?.text).toContain(`Route 53 answers ${addresses(pair.primary)} (the addresses of the primary's alias target`);
    expect(slackTexts(failover).some((text) => text.startsWith(`Route 53 answers ${addresses(pair.secondary)}`))).toBe(true);
    expect(sweeps.get(2)!.result.changes).toEqual([{ pair: pairKey(pair.pairId), recorded: ['FAILOVER'], notices: [], dns: 'NOT_COMPARED' }]);
  });

  it('the FAILBACK says how long the secondary served', async () => {
    expect(sweeps.get(4)!.sent[0]?.text).toContain(`it served the secondary dualstack.${pair.secondary.dnsName} for 2m`);
    expect((await harness.store.listTransitions(pair.pairId)).map((t) => [t.kind, t.dnsAnswer?.status])).toEqual([['FAILBACK', 'NOT_COMPARED'], ['FAILOVER', 'NOT_COMPARED']]);
  });

  it('costs: the balancers are described on the first sweep only; each sweep reads their counts with one GetMetricData per region; one TestDNSAnswer per recorded change', () => {
    expect(sweeps.get(0)!.describes).toBeGreaterThan(0);
    for (const minute of [1, 2, 3, 4]) expect(sweeps.get(minute)!.describes).toBe(0);
    // us-east-1 (the reference pair's HealthCheckStatus), eu-west-1 and us-west-2 (the balancers' counts).
    for (const sweep of sweeps.values()) expect(sweep.metricCalls).toBe(3);
    expect([0, 1, 2, 3, 4].map((minute) => sweeps.get(minute)!.dnsAnswers)).toEqual([0, 0, 1, 0, 1]);
  });
});

describe('what Route 53 answers, beside what Failwatch decided, for the reference pair', () => {
  let account: SimulatedAws;
  let harness: Harness;

  beforeEach(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await sweepAt(harness, account, 0);
  });

  afterEach(() => harness.stop());

  it('Route 53 has not caught up yet: the email and Slack say plainly that it disagrees, and that DNS changes take up to a minute', async () => {
    account.holdDnsAnswer(REFERENCE.zoneId, REFERENCE.recordName, 'A');
    account.setHealthy(REFERENCE.primaryCheckId, false);
    const sweep = await sweepAt(harness, account, 1);
    const [failover] = sweep.sent;
    expect(failover?.text).toContain("Route 53 answers 10.0.0.1, the primary's address, not the secondary Failwatch decided. DNS changes take up to a minute to propagate");
    expect(slackTexts(failover)).toContainEqual(expect.stringMatching(/^:warning: Route 53 answers 10\.0\.0\.1, the primary's address, not the secondary/));
    expect(sweep.result.dnsDisagreements).toEqual([{ pair: pairKey(PAIR_ID), sentence: expect.stringMatching(/^Route 53 answers 10\.0\.0\.1/) }]);
    expect((await harness.store.getTransition(PAIR_ID, 1))?.dnsAnswer).toMatchObject({ status: 'DISAGREES', decided: 'SECONDARY', values: ['10.0.0.1'] });
  });

  it('Route 53 agrees: "Route 53 answers 10.0.1.1", stored with the transition', async () => {
    account.setHealthy(REFERENCE.primaryCheckId, false);
    const [failover] = (await sweepAt(harness, account, 1)).sent;
    expect(failover?.text.split('\n').slice(0, 3)).toEqual([expect.stringMatching(/^Route 53 failed over app\.example\.com A/), '', "Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided."]);
  });

  it('an answer that cannot be read never holds the FAILOVER back: it is recorded and sent, saying so', async () => {
    account.testDnsAnswer = () => {
      throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    };
    account.setHealthy(REFERENCE.primaryCheckId, false);
    const sweep = await sweepAt(harness, account, 1);
    expect(kinds(sweep.sent)).toEqual(['FAILOVER']);
    expect(sweep.sent[0]?.text).toContain("Route 53's answer could not be read: Route 53 TestDNSAnswer on * failed (InternalFailure");
  });
});

describe('a private zone is not asked, and a balancer that cannot be described is UNKNOWN with what to grant', () => {
  it('private: the FAILOVER says why no answer was asked for, and TestDNSAnswer is not called', async () => {
    const account = referenceAccount();
    Object.assign(account.zones[0]!, { private: true });
    const harness = await startHarness(account);
    try {
      await sweepAt(harness, account, 0);
      account.setHealthy(REFERENCE.primaryCheckId, false);
      const sweep = await sweepAt(harness, account, 1);
      expect(sweep.dnsAnswers).toBe(0);
      expect(sweep.sent[0]?.text).toContain('Route 53\'s answer was not asked for: the hosted zone is private, and TestDNSAnswer "only supports querying public hosted zones".');
    } finally {
      await harness.stop();
    }
  });

  it('a refused DescribeLoadBalancers: the pair is unknown, its reason says what to grant, nothing is recorded', async () => {
    const account = referenceAccount();
    const pair = addLoadBalancerPair(account);
    account.loadBalancers.describeFailure = (operation) =>
      new ElasticLoadBalancingV2ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: `not authorized to perform: elasticloadbalancing:${operation}` });
    const harness = await startHarness(account);
    try {
      const sweep = await sweepAt(harness, account, 0);
      expect(sweep.result.unknownPairs).toEqual([pairKey(pair.pairId)]);
      expect(sweep.result.unknownReasons?.[0]?.reason).toMatch(/Elastic Load Balancing refused DescribeLoadBalancers in eu-west-1 .*grant elasticloadbalancing:DescribeLoadBalancers to the function's role/);
      expect(await harness.store.listTransitions(pair.pairId)).toEqual([]);
    } finally {
      await harness.stop();
    }
  });
});
