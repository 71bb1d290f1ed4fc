/**
 * The demo's load balancer act: the commonest setup, `www.example.com` a PRIMARY alias to an Application
 * Load Balancer in eu-west-1 and a SECONDARY alias to one in us-west-2, both evaluating target health, no
 * Route 53 health check at all. The primary balancer's targets fail and recover; Failwatch judges each
 * balancer from its target groups, and every email says what Route 53 answers. Its own account and
 * table, so the reference pair's tables above stay as they are.
 */
import { loadEvent, startHarness } from '../local/harness';
import { addLoadBalancerPair } from '../local/load-balancer-pair';
import { referenceAccount, type PublishedMessage } from '../local/simulated-aws';

export interface LoadBalancerRow {
  readonly at: string;
  readonly what: string;
  readonly dnsRoute: string;
  readonly recorded: string;
  readonly sent: string;
}

const STEPS = [
  { minute: 0, primaryHealthy: true, what: 'both balancers healthy (first look)', expect: { dnsRoute: 'primary (eu-west-1)', recorded: 'state stored', sent: '-' } },
  { minute: 1, primaryHealthy: false, what: "the eu-west-1 balancer's targets fail", expect: { dnsRoute: 'secondary (us-west-2)', recorded: 'FAILOVER', sent: 'FAILOVER' } },
  { minute: 2, primaryHealthy: false, what: 'still failing (the balancer fails open; Route 53 does not)', expect: { dnsRoute: 'secondary (us-west-2)', recorded: '-', sent: '-' } },
  { minute: 3, primaryHealthy: true, what: 'the targets are healthy again', expect: { dnsRoute: 'primary (eu-west-1)', recorded: 'FAILBACK', sent: 'FAILBACK' } },
] as const;

export async function runLoadBalancerAct(): Promise<{ rows: LoadBalancerRow[]; emails: PublishedMessage[]; problems: string[] }> {
  const account = referenceAccount();
  const pair = addLoadBalancerPair(account);
  const harness = await startHarness(account);
  const rows: LoadBalancerRow[] = [];
  const problems: string[] = [];
  try {
    for (const step of STEPS) {
      account.loadBalancers.setHealthy(pair.primary.name, step.primaryHealthy);
      harness.clock.set(new Date(Date.UTC(2026, 10, 26, 8, step.minute)));
      const before = { transitions: (await harness.store.listTransitions(pair.pairId)).length, sent: account.published.length, state: (await harness.store.loadStates([pair.pairId])).size };
      await harness.poll(loadEvent('scheduled.json'));
      const answer = account.dnsAnswer(pair.pairId.zoneId, pair.pairId.name, 'A');
      const side = answer.every((address) => Object.values(pair.primary.addresses).includes(address)) ? 'primary (eu-west-1)' : answer.every((address) => Object.values(pair.secondary.addresses).includes(address)) ? 'secondary (us-west-2)' : 'neither';
      const transitions = await harness.store.listTransitions(pair.pairId);
      const fresh = transitions.slice(0, transitions.length - before.transitions).map((t) => t.kind);
      const stateStored = before.state === 0 && (await harness.store.loadStates([pair.pairId])).size === 1;
      const row: LoadBalancerRow = {
        at: `minute ${step.minute}`,
        what: step.what,
        dnsRoute: side,
        recorded: fresh.join(', ') || (stateStored ? 'state stored' : '-'),
        sent: account.published.slice(before.sent).map((message) => message.attributes['kind']).join(', ') || '-',
      };
      rows.push(row);
      for (const column of ['dnsRoute', 'recorded', 'sent'] as const) {
        if (row[column] !== step.expect[column]) problems.push(`${row.at} (${step.what}): ${column} is "${row[column]}", expected "${step.expect[column]}"`);
      }
    }
    const emails = account.published.filter((message) => message.attributes['record'] === 'www.example.com');
    for (const email of emails) {
      if (!email.text.includes('Route 53 answers ')) problems.push(`the ${email.attributes['kind']} email does not say what Route 53 answers`);
    }
    return { rows, emails, problems };
  } finally {
    await harness.stop();
  }
}
