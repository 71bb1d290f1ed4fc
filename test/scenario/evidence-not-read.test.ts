/**
 * Checker evidence (GetHealthCheckStatus) is optional: when it cannot be read, the transition is still
 * recorded and sent, and its message says in one line why the evidence is missing. Through the real poll
 * handler, simulated Route 53 / CloudWatch / SNS at the SDK boundary, dynalite for the table and the
 * account-wide gate.
 */
import { Route53ServiceException } from '@aws-sdk/client-route-53';
import { DynamoRateGate } from '../../lib/aws/dynamodb/rate-gate';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { renderSlackMessage } from '../../lib/notify/slack-message';
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

async function failoverMessage() {
  const sentBefore = account.published.length;
  const result = await harness.poll(loadEvent('scheduled.json'));
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
