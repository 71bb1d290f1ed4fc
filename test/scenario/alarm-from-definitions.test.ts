/**
 * An alarm for one check, whatever the account's size: a Failwatch alarm's description names the pairs
 * of its check, the sweep has stored their definitions, so even a cold alarm container judges them with
 * no Route 53 listing: one BatchGetItem (definitions, states, silences), one GetMetricData, one
 * GetHealthCheckStatus (the changed check's evidence), one TestDNSAnswer (what Route 53 answers, stored
 * with the transition). Every way the hint can fall short falls back to
 * the listing, and records the same transition.
 *
 * The world: a simulated account of 200 pairs (Route 53, CloudWatch and its alarms, SNS at the SDK
 * boundary) and dynalite, swept once by the real poll function with managed alarms on, which stores the
 * definitions and writes the alarms the events below come from.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { alarmDescriptionFor, alarmNameFor } from '../../lib/domain/alarm-plan';
import { pairKey } from '../../lib/domain/model';
import { parseAlarmEvent } from '../../lib/runtime/events';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { runWatch, type WatchSummary } from '../../lib/usecases/watch';
import { buildWatchDeps } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';

const PREFIX = 'failwatch-test';
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

interface Request {
  readonly command: string;
  /** `pk/sk` of every key a BatchGetItem asks for. */
  readonly keys: readonly string[];
}

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;
const requests: Request[] = [];

beforeAll(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 400, pairsPerZone: 100 }));
  harness = await startHarness(account, { environment: { FAILWATCH_ALARM_PREFIX: PREFIX } });
  harness.clients.dynamo.middlewareStack.add(
    (next, context) => (args) => {
      const items = (args.input as { RequestItems?: Record<string, { Keys?: { pk?: { S?: string }; sk?: { S?: string } }[] }> }).RequestItems;
      const keys = context.commandName === 'BatchGetItemCommand' ? Object.values(items ?? {}).flatMap((table) => (table.Keys ?? []).map((key) => `${key.pk?.S}/${key.sk?.S}`)) : [];
      requests.push({ command: String(context.commandName), keys });
      return next(args);
    },
    { step: 'serialize', name: 'alarmFromDefinitionsRequests' },
  );
  const poll = createPollHandler(() => buildPollDeps(harness.config, harness.clients, harness.clock));
  const first = await poll(loadEvent('scheduled.json'));
  expect(first).toMatchObject({ pairsWatched: 200, definitions: { status: 'SYNCED', written: 200 }, alarms: { status: 'RECONCILED', created: 400 } });
});

afterAll(() => harness.stop());

const keyOf = (pair: GeneratedPair) => pairKey({ zoneId: pair.zoneId, name: pair.name, type: pair.type });
const definitionKey = (pair: GeneratedPair) => `PAIR#${keyOf(pair)}/DEFINITION`;
const stateKey = (pair: GeneratedPair) => `PAIR#${keyOf(pair)}/STATE`;

/** events/alarm-alarm.json as CloudWatch sends it for Failwatch's alarm on the pair's primary check: its description as the reconciler wrote it. */
function alarmEventFor(pair: GeneratedPair, description = account.alarms.get(alarmNameFor(PREFIX, pair.primaryCheckId))?.alarm.AlarmDescription): unknown {
  const event = loadEvent<{ resources: string[]; detail: { alarmName: string; configuration: { description?: string; metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] } } }>('alarm-alarm.json');
  const alarmName = alarmNameFor(PREFIX, pair.primaryCheckId);
  event.detail.alarmName = alarmName;
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`];
  event.detail.configuration.metrics[0]!.metricStat.metric.dimensions['HealthCheckId'] = pair.primaryCheckId;
  if (description === undefined) delete event.detail.configuration.description;
  else event.detail.configuration.description = description;
  return event;
}

/** What one run cost, at the SDK boundary. */
async function measure<T>(run: () => Promise<T>): Promise<{ result: T; route53Lists: number; statusReads: number; dnsAnswers: number; metricReads: number; reads: Request[] }> {
  const before = { ...account.calls };
  const dnsAnswersBefore = account.route53Operations['TestDNSAnswer'] ?? 0;
  requests.length = 0;
  const result = await run();
  return {
    result,
    route53Lists: account.calls.route53 - before.route53 - (account.calls.getHealthCheckStatus - before.getHealthCheckStatus) - ((account.route53Operations['TestDNSAnswer'] ?? 0) - dnsAnswersBefore),
    statusReads: account.calls.getHealthCheckStatus - before.getHealthCheckStatus,
    dnsAnswers: (account.route53Operations['TestDNSAnswer'] ?? 0) - dnsAnswersBefore,
    metricReads: account.calls.cloudwatch - before.cloudwatch,
    reads: requests.filter((request) => !WRITES.has(request.command)),
  };
}

/** The pair's primary fails, a minute passes; a fresh container (no discovery cached) gets the alarm. */
function coldAlarmRun(pair: GeneratedPair, event: unknown = alarmEventFor(pair)): Promise<WatchSummary> {
  account.setHealthy(pair.primaryCheckId, false);
  harness.clock.advanceSeconds(60);
  const plan = parseAlarmEvent(event);
  if (plan.kind !== 'WATCH') throw new Error('expected an alarm to watch');
  const deps = buildWatchDeps(harness.config, harness.clients, harness.clock);
  return runWatch(deps, { trigger: plan.trigger, scope: { kind: 'HEALTH_CHECKS', healthCheckIds: plan.healthCheckIds, ...(plan.pairHint ? { pairHint: plan.pairHint } : {}) } });
}

describe('a cold alarm container, one check, 200 pairs: no Route 53 listing', () => {
  it('the alarm function: 0 listings, 1 GetHealthCheckStatus, 1 TestDNSAnswer, 1 GetMetricData, and ONE BatchGetItem for definition, state and silences', async () => {
    const pair = pairs[150]!;
    account.setHealthy(pair.primaryCheckId, false);
    harness.clock.advanceSeconds(60);
    const cold = buildWatchDeps(harness.config, harness.clients, harness.clock);
    const published = account.published.length;

    const { result, route53Lists, statusReads, dnsAnswers, metricReads, reads } = await measure(() => createAlarmHandler(() => cold)(alarmEventFor(pair)));

    expect(result).toMatchObject({ pairsInScope: 1, transitionsRecorded: 1, changes: [{ pair: keyOf(pair), recorded: ['FAILOVER'] }], unfinishedPairs: [] });
    // One more Route 53 call than the evidence: what Route 53 answers, asked before the commit.
    expect({ route53Lists, statusReads, dnsAnswers, metricReads }).toEqual({ route53Lists: 0, statusReads: 1, dnsAnswers: 1, metricReads: 1 });
    expect(reads.map((read) => read.command)).toEqual(['BatchGetItemCommand']);
    expect([...reads[0]!.keys].sort()).toEqual([definitionKey(pair), stateKey(pair), 'SILENCE/ALL'].sort());
    expect(account.published.slice(published).map((message) => message.attributes['kind'])).toEqual(['FAILOVER']);
  });

  it('judged from the definition, the pair is where the sweep sees it: the next sweep records nothing more', async () => {
    const pair = pairs[151]!;
    const summary = await coldAlarmRun(pair);
    expect(summary.discovery).toEqual({ source: 'PAIR_DEFINITIONS' });
    expect(summary.outcomes.map((outcome) => [outcome.pair, outcome.serving, outcome.recorded])).toEqual([[keyOf(pair), 'SECONDARY', ['FAILOVER']]]);
    const sweep = await createPollHandler(() => buildPollDeps(harness.config, harness.clients, harness.clock))(loadEvent('scheduled.json'));
    expect(sweep.changes.filter((change) => change.pair === keyOf(pair))).toEqual([]);
  });
});

describe('the hint falls short → the pairs are looked up in Route 53, and the same transition is recorded', () => {
  // Each case on a pair of its own, healthy and steady since the first sweep.
  let nextPair = 170;
  it.each<[string, (pair: GeneratedPair) => Promise<unknown>, RegExp, boolean]>([
    ['no hint (a user\'s alarm, or one made before hints)', async (pair) => alarmEventFor(pair, 'Goes into alarm when the primary is down'), /names no pairs/, false],
    ['the "too many" marker', async (pair) => alarmEventFor(pair, `${alarmDescriptionFor(PREFIX, pair.primaryCheckId)} Pairs: too many to list`), /too many pairs/, false],
    [
      'a hinted pair without a stored definition',
      async (pair) => {
        await harness.clients.dynamo.send(new DeleteCommand({ TableName: harness.config.tableName, Key: { pk: `PAIR#${keyOf(pair)}`, sk: 'DEFINITION' } }));
        return alarmEventFor(pair);
      },
      /no stored definition for pair/,
      true,
    ],
    ['a stale hint: no hinted pair depends on the check', async (pair) => alarmEventFor(pair, alarmDescriptionFor(PREFIX, pair.primaryCheckId, [keyOf(pairs[0]!)])), /no hinted pair depends on health check/, true],
    ['an unreadable hint', async (pair) => alarmEventFor(pair, `${alarmDescriptionFor(PREFIX, pair.primaryCheckId)} Pairs: [not json`), /unreadable/, false],
  ])('%s', async (_, eventFor, reason, readsDefinitions) => {
    const pair = pairs[nextPair++]!;
    const event = await eventFor(pair);

    const { result, route53Lists, statusReads, metricReads, reads } = await measure(() => coldAlarmRun(pair, event));

    expect(result.discovery).toEqual({ source: 'INVENTORY', hintUnused: expect.stringMatching(reason) });
    expect(result.outcomes.filter((outcome) => outcome.recorded.length > 0).map((outcome) => [outcome.pair, outcome.recorded])).toEqual([[keyOf(pair), ['FAILOVER']]]);
    expect(route53Lists).toBeGreaterThan(0);
    expect({ statusReads, metricReads }).toEqual({ statusReads: 1, metricReads: 1 });
    const keys = reads.flatMap((read) => read.keys);
    expect(keys.some((key) => key.endsWith('/DEFINITION'))).toBe(readsDefinitions);
    // The state and the silences read with the hint are not read again.
    expect(keys.filter((key) => key === stateKey(pair))).toHaveLength(1);
    expect(keys.filter((key) => key === 'SILENCE/ALL')).toHaveLength(1);
  });
});
