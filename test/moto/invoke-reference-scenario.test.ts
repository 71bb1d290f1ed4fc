/**
 * The reference scenario of the spec through the bundled `poll` function, run by `serverless invoke local
 * --stage moto` against moto: the failover pair in moto's Route 53, Route 53's verdict as HealthCheckStatus
 * datapoints (back-dated a minute apart, never waited for), the notifications read from an SQS queue
 * subscribed to the stage's topic, the history read back with `failwatch history`. moto has no TestDNSAnswer:
 * the FAILOVER is still recorded and sent, and says why Route 53's answer is missing.
 *
 * One story, step by step as the spec's table: each test runs on what the one before it left. Step 2 (still
 * healthy: nothing) is left out, as each run is one `invoke local` (about 5 s): step 4 proves that an unchanged
 * state sends nothing, and test/scenario/reference-scenario.test.ts runs all five through the poll handler
 * in `npm test`.
 */
import { DnsAgreement } from '../../lib/domain/model';
import { formatDuration } from '../../lib/notify/render';
import { loadEvent } from '../../local/harness';
import type { Invocation } from '../support/invoke-local';
import { historyOf, payloadOf, useReferenceStory, type QueuedNotification } from '../support/moto-failover';

const NO_TEST_DNS_ANSWER =
  "Route 53's answer could not be read: The Route 53 endpoint does not offer TestDNSAnswer: it answered HTTP 404 with no Route 53 error (an emulator or a proxy without this operation; Route 53 itself has it).";

/** One HealthCheckStatus datapoint per step run (1, 3, 4, 5), a minute apart. */
const story = useReferenceStory('moto', 4);
const STEPS_RUN = [1, 3, 4, 5];
const sweeps: Invocation[] = [];
const received: QueuedNotification[] = [];

/** Step `step` of the table: Route 53's verdict on the primary published, then one scheduled sweep; what it sent, taken off the queue. */
async function step(step: number, primaryHealthy: boolean): Promise<{ sweep: Invocation; sent: QueuedNotification[] }> {
  await story.publishPrimaryStatus(STEPS_RUN.indexOf(step) + 1, primaryHealthy);
  const sweep = await story.functions.invoke('poll', loadEvent('scheduled.json'));
  if (!sweep.succeeded) throw new Error(`poll failed at step ${step}:\n${sweep.stdout}\n${sweep.stderr}`);
  expect(sweep.logs.filter((line) => line.level === 'ERROR' || line.level === 'WARN')).toEqual([]);
  sweeps[step] = sweep;
  const sent = await story.queue.drain();
  received.push(...sent);
  return { sweep, sent };
}

/** Whole seconds between the sweeps of two steps, as Failwatch counts how long a state lasted. */
function secondsBetweenSweeps(from: number, to: number): number {
  const observedAt = (step: number) => Date.parse(String(sweeps[step]?.result['observedAt']));
  return Math.floor((observedAt(to) - observedAt(from)) / 1000);
}
const secondsOnSecondary = () => secondsBetweenSweeps(3, 5);

const nothingChanged = { pairsWatched: 1, transitionsRecorded: 0, noticesRecorded: 0, notificationsSent: 0, notificationsPending: 0, changes: [] };

describe('the reference scenario through the bundled poll, on moto', () => {
  it('step 1, primary healthy: the first look stores the state and its definition, creates the managed alarm, sends nothing', async () => {
    const { sweep, sent } = await step(1, true);
    expect(sweep.result).toMatchObject({ ...nothingChanged, definitions: { status: 'SYNCED', written: 1 }, alarms: { status: 'RECONCILED', created: 1 } });
    expect(sent).toEqual([]);
  });

  it("step 3, primary unhealthy: one FAILOVER, one notification; moto's missing TestDNSAnswer said, not fatal", async () => {
    const { sweep, sent } = await step(3, false);
    expect(sweep.result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, notificationsPending: 0, changes: [{ pair: story.pair.key, recorded: ['FAILOVER'], notices: [], dns: DnsAgreement.UNAVAILABLE }] });
    expect(sent.map((message) => message.Subject)).toEqual(['FAILOVER app.example.com A: now serving secondary 10.0.1.1']);
    const payload = payloadOf(sent[0]!);
    expect(payload).toMatchObject({ kind: 'FAILOVER', severity: 'critical', dnsAnswer: { status: DnsAgreement.UNAVAILABLE, sentence: NO_TEST_DNS_ANSWER } });
    expect(payload.text).toContain(`\n\n${NO_TEST_DNS_ANSWER}\n\n`);
    expect(payload.text).toContain('Route 53 HealthCheckStatus metric = 0');
  });

  it('step 4, primary still unhealthy: nothing, no duplicate', async () => {
    const { sweep, sent } = await step(4, false);
    expect(sweep.result).toMatchObject(nothingChanged);
    expect(sent).toEqual([]);
  });

  it('step 5, primary healthy again: one FAILBACK with the time spent on the secondary, one notification', async () => {
    const { sweep, sent } = await step(5, true);
    expect(sweep.result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 1, changes: [{ pair: story.pair.key, recorded: ['FAILBACK'], notices: [] }] });
    expect(sent.map((message) => message.Subject)).toEqual([`FAILBACK app.example.com A: back on primary 10.0.0.1 after ${formatDuration(secondsOnSecondary())} on secondary`]);
    expect(payloadOf(sent[0]!).facts).toContainEqual({ label: 'Time on secondary', value: formatDuration(secondsOnSecondary()) });
  });

  it('exactly two messages reached the subscribed queue, and the history holds both transitions with their SNS message ids', async () => {
    expect(received.map((message) => payloadOf(message).kind)).toEqual(['FAILOVER', 'FAILBACK']);
    const history = await historyOf(story.stage.tableName);
    expect(history.map(({ kind, from, to, previousSeconds, status, snsMessageId, trigger }) => ({ kind, from, to, previousSeconds, status, snsMessageId, trigger }))).toEqual([
      { kind: 'FAILBACK', from: 'SECONDARY', to: 'PRIMARY', previousSeconds: secondsOnSecondary(), status: 'PUBLISHED', snsMessageId: received[1]!.MessageId, trigger: 'schedule arn:aws:events:us-east-1:123456789012:rule/failwatch-prod-poll' },
      { kind: 'FAILOVER', from: 'PRIMARY', to: 'SECONDARY', previousSeconds: secondsBetweenSweeps(1, 3), status: 'PUBLISHED', snsMessageId: received[0]!.MessageId, trigger: 'schedule arn:aws:events:us-east-1:123456789012:rule/failwatch-prod-poll' },
    ]);
  });
});
