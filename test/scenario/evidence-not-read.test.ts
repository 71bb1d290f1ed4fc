/**
 * Checker evidence (GetHealthCheckStatus) and Route 53's DNS answer (TestDNSAnswer) are optional: when
 * one cannot be read, the transition is still recorded and sent, and its message says in one line why
 * it is missing. Through the real poll handler, simulated Route 53 / CloudWatch / SNS at the SDK
 * boundary, dynalite for the table and the account-wide gates.
 */
import { Route53ServiceException } from '@aws-sdk/client-route-53';
import { DynamoRateGate } from '../../lib/aws/dynamodb/rate-gate';
import { Route53DnsAnswerSource } from '../../lib/aws/route53/dns-answer';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { renderSlackMessage } from '../../lib/notify/slack-message';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
const throttling = () => new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });

let account: SimulatedAws;
let harness: Harness;

beforeEach(async () => {
  account = referenceAccount();
  harness = await startHarness(account);
  harness.clock.set(new Date('2026-11-25T08:00:00Z'));
  await harness.poll(loadEvent('scheduled.json'));
  account.setHealthy(REFERENCE.primaryCheckId, false);
  harness.clock.set(new Date('2026-11-25T08:01:00Z'));
});

afterEach(() => harness.stop());

async function failoverMessage(poll: Harness['poll'] = harness.poll) {
  const sentBefore = account.published.length;
  const result = await poll(loadEvent('scheduled.json'));
  const messages = account.published.slice(sentBefore);
  const transitions = await harness.store.listTransitions(pairId);
  return { result, messages, transition: transitions.at(-1) };
}

describe('checker evidence not read', () => {
  it('Route 53 throttles the evidence read → FAILOVER recorded and sent once, its message says why the evidence is missing', async () => {
    account.checkerStatusFailure = throttling;
    const { result, messages, transition } = await failoverMessage();
    expect(result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, notificationsPending: 0 });
    expect(messages.map((m) => m.attributes['kind'])).toEqual(['FAILOVER']);
    const text = messages[0]!.text;
    expect(text).not.toContain('Checkers reporting healthy');
    expect(text).toMatch(/^ {2}Checker evidence not read: Route 53 throttled GetHealthCheckStatus \(about 1 call a second for the whole account, shared with other callers\); not retried, so the alert is not delayed; see the health check in the console\.$/m);
    // Only the primary's verdict changed: the unchanged secondary's checkers were never asked for, so it has no note.
    expect(text.match(/Checker evidence not read/g)).toHaveLength(1);
    expect(transition).toMatchObject({ kind: 'FAILOVER', primary: { evidence: { checkersNotRead: expect.stringMatching(/^Route 53 throttled GetHealthCheckStatus/) } } });
    // The Slack function reads the JSON message as SNS delivers it, and says the same in the primary's section.
    const content = readSnsMessageContent(JSON.stringify(messages[0]!.payload));
    expect(content.kind).toBe('payload');
    const slack = content.kind === 'payload' ? JSON.stringify(renderSlackMessage(content.payload)) : '';
    expect(slack).toContain('Checker reports: not read: Route 53 throttled GetHealthCheckStatus');
  });

  it("another container took this second's GetHealthCheckStatus call → no Route 53 call, FAILOVER sent with the note", async () => {
    const otherContainer = new DynamoRateGate({ client: harness.clients.dynamo, tableName: harness.config.tableName, operation: 'GetHealthCheckStatus', callsPerSecond: 1, clock: harness.clock });
    await expect(otherContainer.claim()).resolves.toBe('GRANTED');
    const statusCallsBefore = account.calls.getHealthCheckStatus;
    const { result, messages } = await failoverMessage();
    expect(result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1 });
    expect(account.calls.getHealthCheckStatus).toBe(statusCallsBefore);
    expect(messages[0]!.text).toContain(
      "Checker evidence not read: Route 53's GetHealthCheckStatus rate (about 1 call a second for the whole account) was spent by other alarms at the same moment; see the health check in the console.",
    );
  });

  it('the second is free → the evidence is read and the message carries it, without a note', async () => {
    const { messages } = await failoverMessage();
    expect(messages[0]!.text).toContain('Checkers reporting healthy: 0 of 8');
    expect(messages[0]!.text).not.toContain('Checker evidence not read');
  });
});

describe("Route 53's DNS answer not asked for", () => {
  const dnsAnswerCalls = () => account.route53Operations['TestDNSAnswer'] ?? 0;

  it("another container took this window of the account's rate for DNS answers → no TestDNSAnswer, FAILOVER recorded and sent saying why", async () => {
    const otherContainer = new DynamoRateGate({ client: harness.clients.dynamo, tableName: harness.config.tableName, operation: 'TestDNSAnswer', callsPerSecond: 2, clock: harness.clock });
    await expect(otherContainer.claim()).resolves.toBe('GRANTED');
    const answersBefore = dnsAnswerCalls();
    const { result, messages, transition } = await failoverMessage();
    expect(result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, notificationsPending: 0 });
    expect(dnsAnswerCalls()).toBe(answersBefore);
    const reason = "Route 53's rate for DNS answers (about 2 calls a second for the whole account) was spent by other changes at the same moment";
    expect(messages[0]!.text).toContain(`Route 53's answer was not asked for: ${reason}.`);
    expect(transition).toMatchObject({ kind: 'FAILOVER', dnsAnswer: { status: 'SKIPPED', reason } });
  });

  it('the gate cannot be claimed (DynamoDB fails) → FAILOVER still recorded and sent, saying the answer could not be read', async () => {
    const brokenGate = new DynamoRateGate({ client: harness.clients.dynamo, tableName: 'failwatch-no-such-table', operation: 'TestDNSAnswer', callsPerSecond: 2, clock: harness.clock });
    const dnsAnswers = new Route53DnsAnswerSource({ client: harness.clients.route53Evidence, budget: harness.clients.route53Budget, gate: brokenGate });
    const answersBefore = dnsAnswerCalls();
    const { result, messages, transition } = await failoverMessage(createPollHandler(() => ({ ...harness.deps, dnsAnswers })));
    expect(result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, notificationsPending: 0 });
    expect(dnsAnswerCalls()).toBe(answersBefore);
    expect(messages[0]!.text).toContain("Route 53's answer could not be read: the account's TestDNSAnswer allowance could not be claimed (");
    expect(transition).toMatchObject({ kind: 'FAILOVER', dnsAnswer: { status: 'UNAVAILABLE' } });
  });

  it('the window is free → one TestDNSAnswer, and the message carries its answer', async () => {
    const answersBefore = dnsAnswerCalls();
    const { messages, transition } = await failoverMessage();
    expect(dnsAnswerCalls()).toBe(answersBefore + 1);
    expect(transition).toMatchObject({ kind: 'FAILOVER', dnsAnswer: { status: 'AGREES' } });
    expect(messages[0]!.text).not.toContain("Route 53's answer was not asked for");
  });
});
