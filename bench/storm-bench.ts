/**
 * Part `storm`: a tenth of the primaries fail at once (500 of 5,000 checks).
 *   (a) through alarms: one alarm event per failed check, at most STORM_CONCURRENCY at once, as Lambda runs
 *       them: containers started on demand (cold), each taking the next event when it is free. The
 *       stand-ins enforce Route 53's limits (5 requests a second account-wide; GetHealthCheckStatus 4 then
 *       1 a second) and CloudWatch's 50 GetMetricData a second; every container has its own client-side
 *       budgets, as deployed. Then a poll sweep checks that nothing was lost: it records and sends nothing more.
 *   (b) through the sweep: another tenth fails; the first sweep must record them all, and all must be sent
 *       within two sweeps.
 * Times are on the real clock of this machine: on 2 cores, 50 containers measure the machine as much as Failwatch.
 */
import { createTestTable } from '../local/dynalite';
import type { PublishedMessage } from '../local/simulated-aws';
import { totalRequests, totalThrottled, trafficBetween } from '../local/stand-ins/traffic';
import type { DoneMessage } from './child/runtime';
import { Container } from './containers';
import { alarmEventFor, containerEnvironment, loadEvent, MB, noteStep, runStep, startStand, stopStand, withContainer, type BenchContext, type StepFigures } from './stand';

/** Lambda's concurrency for the alarm function in this scenario: at most this many containers at once. */
export const STORM_CONCURRENCY = 50;
export const STORM_SHARE = 0.1;
const CONTAINER_START_TIMEOUT_MS = 180_000;
const SAMPLE_CHARS = 1500;

export interface AlarmStormFigures {
  readonly invocations: number;
  readonly containers: number;
  /** From the first event dispatched (containers start cold, inside this time) to the last SNS publish of the storm's pairs. */
  readonly lastNotificationSeconds?: number;
  /** From the first event dispatched to the last invocation's end. */
  readonly wallSeconds: number;
  readonly clock: 'real';
  readonly invocationSeconds: { readonly median: number; readonly max: number };
  readonly transitionsRecorded: number;
  /** Pairs with exactly one FAILOVER message / with more than one / with none. */
  readonly pairsNotifiedOnce: number;
  readonly pairsNotifiedTwiceOrMore: number;
  readonly pairsNotNotified: number;
  readonly notificationsPending: number;
  readonly errors: number;
  readonly timedOut: number;
  readonly unfinishedPairs: number;
  readonly firstError?: string;
  readonly route53ByOperation: Readonly<Record<string, { readonly answered: number; readonly throttled: number }>>;
  readonly route53ThrottledUnretried: number;
  readonly cloudWatchCalls: number;
  readonly cloudWatchThrottled: number;
  readonly dynamoCalls: number;
  readonly snsCalls: number;
  /** FAILOVER messages whose text carries checker evidence ("Checkers reporting healthy"), and those that say why it is missing. */
  readonly messagesWithEvidence: number;
  readonly messagesWithEvidenceNote: number;
  readonly sampleEvidenceNote?: string;
  /** FAILOVER messages that carry what Route 53 answered (TestDNSAnswer), and those that say why it was not asked for or read. */
  readonly messagesWithDnsAnswer: number;
  readonly messagesWithDnsAnswerNote: number;
  readonly sampleDnsAnswerNote?: string;
  /** The start of one FAILOVER message without evidence, to show what a person reads then. */
  readonly sampleWithoutEvidence?: string;
  /** The first error of an unfinished pair, when some were. */
  readonly firstUnfinished?: string;
  readonly peakRssMb: number;
}

export interface StormFigures {
  readonly checks: number;
  readonly failing: number;
  readonly concurrency: number;
  readonly seedSweep?: StepFigures;
  readonly alarms?: AlarmStormFigures;
  /** The poll sweep after the alarm storm: what the alarms left unrecorded or unsent. */
  readonly sweepAfterAlarms?: StepFigures;
  readonly sweep?: { readonly first?: StepFigures; readonly second?: StepFigures; readonly recordedByFirst: number; readonly sentWithinTwo: number };
  readonly problems: readonly string[];
}

const pairOf = (message: PublishedMessage) => `${message.attributes['zone'] ?? '?'}|${message.attributes['record'] ?? '?'}`;

/** A line of a message that says evidence is missing and why (the product's wording is not fixed here: any line naming the checkers or GetHealthCheckStatus as not read, skipped or unavailable). */
const EVIDENCE_NOTE = /^.*(?:GetHealthCheckStatus|checker).*(?:not read|skipped|unavailable|rate|budget).*$/im;
/** The sentence of the transition's DNS answer when it was not asked for or could not be read (lib/domain/dns-answer.ts). */
const DNS_ANSWER_NOTE = /Route 53's answer (?:was not asked for|could not be read): [^\n]*/;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchStorm(checks: number, context: BenchContext): Promise<StormFigures> {
  const stand = await startStand(checks);
  const problems: string[] = [];
  const failing = Math.max(1, Math.round(checks * STORM_SHARE));
  // Two disjoint sets of evenly spread pairs: one fails for the alarms, the other for the sweep.
  const spread = Array.from({ length: Math.min(2 * failing, stand.pairs.length) }, (_, i) => stand.pairs[Math.floor((i * stand.pairs.length) / Math.min(2 * failing, stand.pairs.length))]!);
  const alarmPairs = spread.filter((_, i) => i % 2 === 0);
  const sweepPairs = spread.filter((_, i) => i % 2 === 1);
  const scheduled = loadEvent(context.root, 'scheduled.json');
  let lastPublishAt = 0;
  const publish = stand.world.publish.bind(stand.world);
  stand.world.publish = (input) => {
    lastPublishAt = performance.now();
    return publish(input);
  };
  const figures: { -readonly [K in keyof StormFigures]?: StormFigures[K] } = {};
  try {
    const table = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-storm');
    const env = containerEnvironment(stand, table);
    await withContainer(stand, context, 'poll container', context.children.poll, env, problems, async (poll) => {
      const step = async (what: string) => {
        const result = await runStep(stand, poll, scheduled, context.stepTimeoutMs);
        noteStep(stand, context, problems, what, result);
        return result;
      };
      // Stores every pair's definition and first state: what the alarm function reads.
      figures.seedSweep = await step('storm: seeding sweep (cold)');
      await step('storm: second sweep (warm, settles)');

      for (const pair of alarmPairs) stand.world.setHealthy(pair.primaryCheckId, false);
      figures.alarms = await alarmStorm(alarmPairs.map((pair) => alarmEventFor(context.root, pair)), alarmPairs.length, env);
      context.log(`  ${checks} checks, alarm storm: ${alarmPairs.length} invocations, last notification after ${figures.alarms.lastNotificationSeconds?.toFixed(1) ?? 'n/a'} s`);
      figures.sweepAfterAlarms = await step('storm: sweep after the alarm storm');

      for (const pair of sweepPairs) stand.world.setHealthy(pair.primaryCheckId, false);
      const sentBefore = stand.world.published.length;
      const first = await step('storm: first sweep after the failures');
      const second = await step('storm: second sweep');
      const sweepKeys = new Set(sweepPairs.map((pair) => `${pair.zoneId}|${pair.name.replace(/\.$/, '')}`));
      const sent = new Set(stand.world.published.slice(sentBefore).filter((m) => m.attributes['kind'] === 'FAILOVER' && sweepKeys.has(pairOf(m))).map(pairOf));
      figures.sweep = { first, second, recordedByFirst: first.result['transitionsRecorded'] ?? 0, sentWithinTwo: sent.size };
    });
  } finally {
    await stopStand(stand);
  }
  return { checks, failing: alarmPairs.length, concurrency: STORM_CONCURRENCY, ...figures, problems };

  async function alarmStorm(events: readonly unknown[], expectedPairs: number, env: Readonly<Record<string, string>>): Promise<AlarmStormFigures> {
    stand.traffic.forgetInvocations();
    const before = stand.traffic.snapshot();
    const sentBefore = stand.world.published.length;
    const queue = [...events];
    const done: DoneMessage[] = [];
    let containers = 0;
    let peakRss = 0;
    const started = performance.now();
    const worker = async () => {
      while (queue.length > 0) {
        containers += 1;
        let container: Container | undefined;
        try {
          // 50 Node processes starting at once on this machine take far longer than one.
          container = (await Container.start(context.children.alarm, env, [], CONTAINER_START_TIMEOUT_MS)).container;
          while (queue.length > 0 && !container.gone) {
            const event = queue.shift()!;
            const result = await container.invoke(event, context.stepTimeoutMs);
            done.push(result);
            peakRss = Math.max(peakRss, result.maxRssBytes / MB);
            if (result.timedOut === true) break;
          }
        } catch (error) {
          problems.push(`${checks} checks, alarm storm: ${error instanceof Error ? error.message : String(error)}`);
          return;
        } finally {
          await container?.stop();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STORM_CONCURRENCY, events.length) }, worker));
    const wallSeconds = (performance.now() - started) / 1000;
    const traffic = trafficBetween(before, stand.traffic.snapshot());
    const messages = stand.world.published.slice(sentBefore).filter((m) => m.attributes['kind'] === 'FAILOVER');
    const perPair = new Map<string, number>();
    for (const message of messages) perPair.set(pairOf(message), (perPair.get(pairOf(message)) ?? 0) + 1);
    const notes = messages.map((m) => EVIDENCE_NOTE.exec(m.text)?.[0]).filter((line): line is string => line !== undefined);
    const dnsNotes = messages.map((m) => DNS_ANSWER_NOTE.exec(m.text)?.[0]).filter((line): line is string => line !== undefined);
    const sum = (key: string) => done.reduce((total, d) => total + (d.result[key] ?? 0), 0);
    const errors = done.filter((d) => d.error !== undefined);
    const withoutEvidence = messages.find((m) => !m.text.includes('Checkers reporting healthy'));
    const unfinished = done.map((d) => d.firstErrors?.['unfinishedPairs']).find((e) => e !== undefined);
    return {
      invocations: done.length,
      containers,
      ...(messages.length > 0 && lastPublishAt > started ? { lastNotificationSeconds: (lastPublishAt - started) / 1000 } : {}),
      wallSeconds,
      clock: 'real',
      invocationSeconds: { median: median(done.map((d) => d.wallMs / 1000)), max: Math.max(0, ...done.map((d) => d.wallMs / 1000)) },
      transitionsRecorded: sum('transitionsRecorded'),
      pairsNotifiedOnce: [...perPair.values()].filter((n) => n === 1).length,
      pairsNotifiedTwiceOrMore: [...perPair.values()].filter((n) => n > 1).length,
      pairsNotNotified: expectedPairs - perPair.size,
      notificationsPending: sum('notificationsPending'),
      errors: errors.length,
      timedOut: done.filter((d) => d.timedOut === true).length,
      unfinishedPairs: sum('unfinishedPairs'),
      ...(errors[0]?.error !== undefined ? { firstError: errors[0].error } : {}),
      route53ByOperation: Object.fromEntries(Object.entries(traffic.services.route53).map(([op, c]) => [op, { answered: c.requests - c.throttled, throttled: c.throttled }])),
      route53ThrottledUnretried: traffic.throttledInvocations,
      cloudWatchCalls: totalRequests(traffic.services.cloudwatch) - totalThrottled(traffic.services.cloudwatch),
      cloudWatchThrottled: totalThrottled(traffic.services.cloudwatch),
      dynamoCalls: totalRequests(traffic.services.dynamodb),
      snsCalls: totalRequests(traffic.services.sns),
      messagesWithEvidence: messages.filter((m) => m.text.includes('Checkers reporting healthy')).length,
      messagesWithEvidenceNote: notes.length,
      ...(notes[0] !== undefined ? { sampleEvidenceNote: notes[0].trim() } : {}),
      messagesWithDnsAnswer: messages.filter((m) => /Route 53 answers /.test(m.text)).length,
      messagesWithDnsAnswerNote: dnsNotes.length,
      ...(dnsNotes[0] !== undefined ? { sampleDnsAnswerNote: dnsNotes[0].trim() } : {}),
      ...(withoutEvidence !== undefined ? { sampleWithoutEvidence: withoutEvidence.text.slice(0, SAMPLE_CHARS) } : {}),
      ...(unfinished !== undefined ? { firstUnfinished: unfinished } : {}),
      peakRssMb: peakRss,
    };
  }
}
