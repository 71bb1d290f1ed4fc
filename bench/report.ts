/** Part `sweep`'s table, the memory table, and the targets. */
import type { BaselineSize } from './baseline-bench';
import { describeContainerNode } from './report-cold-start';
import { describeOps, mb, renderGrid, route53Cell, seconds, wallCell } from './report-format';
import type { StepFigures } from './stand';
import type { StormFigures } from './storm-bench';
import { CAPPED_HEAP_FLAGS, judgedFrom, MAX_SETTLING_SWEEPS, settled, type SweepSize } from './sweep-bench';

export interface TargetResult {
  readonly target: string;
  readonly status: 'MET' | 'MISSED' | 'NOT MEASURED';
  readonly measured: string;
}

function stepCells(step: StepFigures | undefined, given = ''): string[] {
  if (step === undefined) return ['n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', given || 'not measured'];
  const unfinished = step.result['unfinishedPairs'] ?? 0;
  const note = [given, unfinished > 0 ? `${unfinished} pairs unfinished` : ''].filter((part) => part !== '').join('; ');
  const cw = step.cloudWatchThrottled > 0 ? `${step.cloudWatchCalls} (+${step.cloudWatchThrottled} thr)` : String(step.cloudWatchCalls);
  const dynamo = step.dynamoDefinitionCalls > 0 ? `${step.dynamoCalls} (${step.dynamoDefinitionCalls} def)` : String(step.dynamoCalls);
  const writes = step.dynamoDefinitionWrites > 0 ? `${step.dynamoWrites} (${step.dynamoDefinitionWrites} def)` : String(step.dynamoWrites);
  return [wallCell(step), route53Cell(step), cw, dynamo, writes, String(step.snsCalls), mb(step.peakRssMb), note];
}

/** The DynamoDB requests about definitions alone, summed over every sweep that wrote one before steady (their time is inside theirs). */
function definitionCells(steps: readonly StepFigures[]): string[] {
  if (steps.length === 0) return stepCells(undefined, 'no sweep of the first containers wrote a definition');
  const sum = (of: (step: StepFigures) => number) => steps.reduce((total, step) => total + of(step), 0);
  const ops: Record<string, number> = {};
  for (const step of steps) for (const [operation, count] of Object.entries(definitionOps(step))) ops[operation] = (ops[operation] ?? 0) + count;
  const spread = steps.length === 1 ? 'in one sweep' : `over ${steps.length} sweeps (${steps.map((step) => step.dynamoDefinitionWrites).join(' + ')} writes)`;
  return ['(in them)', '', '', String(sum((step) => step.dynamoDefinitionCalls)), String(sum((step) => step.dynamoDefinitionWrites)), '', '', `${sum((step) => step.result['definitions.written'] ?? 0)} definitions written ${spread}; ${describeOps(ops)}`];
}

/** Where a poll sweep was judged from and, while a listing is under way, where it stands. */
export function describeDiscovery(step: StepFigures): string {
  const from = judgedFrom(step);
  const parts = [from === undefined ? 'no result' : `judged from ${from}`];
  const listing = step.discovery?.listing;
  if (listing !== undefined) parts.push(`listing under way: ${listing.phase}, ${listing.zonesDone}/${listing.zones} zones, ${listing.healthChecks} checks, run ${listing.runs}`);
  if (step.discovery?.error !== undefined) parts.push(`listing call failed: ${step.discovery.error.message}`);
  if (step.discovery?.storeProblem !== undefined) parts.push(`store: ${step.discovery.storeProblem}`);
  const sync = step.statuses?.['definitions'];
  if (sync !== undefined) parts.push(`definitions ${sync}`);
  return parts.join('; ');
}

function definitionOps(step: StepFigures): Record<string, number> {
  return Object.fromEntries(Object.entries(step.dynamoByOperation).filter(([operation]) => operation.endsWith('(definitions)')));
}

/** DynamoDB writes of the re-listing's sweeps before the measured one (its progress). */
function relistProgressWrites(size: SweepSize): number {
  const earlier = size.relistEarlier ?? [];
  const sweeps = size.relistSweeps ?? 1;
  return earlier.slice(earlier.length - (sweeps - 1)).reduce((sum, step) => sum + step.dynamoWrites, 0);
}

export function renderSweepTable(sizes: readonly SweepSize[]): string {
  const header = ['checks', 'row', 'wall s', 'R53', 'CW', 'DDB', 'DDB wr', 'SNS', 'RSS MB', 'note'];
  const rows: string[][] = [];
  for (const size of sizes) {
    const row = (label: string, cells: string[]) => rows.push([String(size.checks), label, ...cells]);
    const listing = size.coldNoListing;
    listing?.sweeps.forEach((sweep, index) => {
      const last = index === listing.sweeps.length - 1;
      const note = last ? (listing.sweepsToComplete !== undefined ? `listing complete after ${listing.sweepsToComplete} sweep(s), ${listing.containers} container(s)` : `listing NOT complete after ${listing.maxSweeps} sweeps`) : '';
      row(`cold, no stored listing: sweep ${index + 1}`, stepCells(sweep, [note, describeDiscovery(sweep)].filter((part) => part !== '').join('; ')));
    });
    row('first store of definitions', definitionCells(size.firstDefinitionsStore));
    const notSteady = (step: StepFigures | undefined) => (step !== undefined && step.dynamoWrites > 0 ? `NOT steady: ${step.dynamoWrites} writes` : '');
    const settlingNote = (earlier: readonly StepFigures[] | undefined) => {
      const count = earlier?.length ?? 0;
      const last = earlier?.at(-1);
      return last !== undefined && !settled(last) ? `after ${count} settling sweeps, none settled` : `after ${count} settling sweep(s)`;
    };
    size.settling?.forEach((sweep, index) => row(`settling sweep ${index + 1}`, stepCells(sweep, describeDiscovery(sweep))));
    row('steady', stepCells(size.steady, size.steady === undefined ? '' : [notSteady(size.steady), settlingNote(size.settling), describeDiscovery(size.steady)].filter((part) => part !== '').join('; ')));
    row(`change ${size.changedChecks} checks (1%)`, stepCells(size.change));
    const stored = size.coldStoredListing;
    const storedFrom = stored === undefined ? undefined : judgedFrom(stored);
    row(
      'cold, stored listing',
      stepCells(stored, stored === undefined ? '' : [storedFrom === 'PARTIAL' ? 'NOT judged from the stored listing' : '', `${size.definitionsStoredBefore ?? 'n/a'} definitions stored before it`, describeDiscovery(stored)].filter((part) => part !== '').join('; ')),
    );
    const relist = size.relist;
    row(
      're-listing sweep (warm)',
      stepCells(relist, relist === undefined ? '' : `DDB reads ${(relist.dynamoCalls - relist.dynamoWrites).toString()}, ${relist.result['definitions.listingWrites'] ?? 0} write(s) recording the complete listing; the re-listing took ${size.relistSweeps ?? 'n/a'} sweep(s) (earlier ones wrote ${relistProgressWrites(size)}), ${size.relistEarlier?.length ?? 0} sweep(s) before it in this container; ${describeDiscovery(relist)}`),
    );
    row('alarm, 1 check, cold container', stepCells(size.alarmCold));
    row('alarm, 1 check, warm container', stepCells(size.alarmWarm));
    if (size.steadyHeapCapped !== undefined) {
      const capped = size.steadyHeapCapped;
      row('steady, V8 heap capped †', stepCells(capped, [notSteady(capped), settlingNote(size.heapCappedEarlier?.slice(1)), describeDiscovery(capped)].filter((part) => part !== '').join('; ')));
    }
  }
  return renderGrid(header, rows, new Set([1, 9]));
}

export const SWEEP_TABLE_NOTES = [
  'Failwatch = the deployed poll/alarm bundle (unpacked from serverless package), one fresh Node process per container, with the deployed NODE_OPTIONS and timeout (a sweep past 60 s is stopped there, as Lambda does: TIMEOUT).',
  `Every container ran ${describeContainerNode()}.`,
  'R53 = Route 53 calls answered (+ attempts answered Throttling); CW = GetMetricData calls; DDB = DynamoDB requests, (N def) of them about pair definitions; DDB wr = Put/Update/Delete/BatchWrite/TransactWrite; SNS = Publish calls.',
  'RSS MB = the container\'s peak RSS up to that run (process.resourceUsage().maxRSS, the kernel\'s high-water mark).',
  'cold, no stored listing: a new container on an empty table, sweeping until a run result has no listing under way (no discovery.listing, no discovery.error); "judged from" is the result\'s discovery.judgedFrom (COMPLETE when it has no discovery).',
  'first store of definitions: the DynamoDB requests about definitions in every sweep before steady that wrote one (the first store may spill past the sweep that completed the listing; their time is inside those sweeps\').',
  `settling sweeps: after the listing completed, sweeps until one wrote nothing with no listing under way and no definition sync unfinished (at most ${MAX_SETTLING_SWEEPS}); steady is the sweep after.`,
  're-listing sweep: in a container with FAILWATCH_DISCOVERY_MAX_AGE_MINUTES=0, the sweep that completes a listing started while it had a complete one (everything stored); earlier sweeps of that listing write its progress.',
  `† a poll container with ${CAPPED_HEAP_FLAGS.join(' ')} on top (the bench's choice, tighter than Lambda's); after its cold sweep and the settling sweeps that finish what the earlier rows left, a sweep with nothing to do; its DDB wr must be 0.`,
];

/** Peak RSS per function and size: what a Lambda memory size must hold. */
export function renderMemoryTable(sweeps: readonly SweepSize[], baselines: readonly BaselineSize[], storm: StormFigures | undefined): string {
  const header = ['checks', 'poll (cold, no listing → change)', 'poll (cold, stored listing)', 'poll (re-listing)', 'poll, heap capped †', 'alarm', 'competent poller', 'naive', 'poll / alarm loaded'];
  const checks = [...new Set([...sweeps.map((s) => s.checks), ...baselines.map((b) => b.checks)])].sort((a, b) => a - b);
  const rows = checks.map((n) => {
    const s = sweeps.find((x) => x.checks === n);
    const b = baselines.find((x) => x.checks === n);
    return [String(n), mb(s?.peakRssMb.poll), mb(s?.peakRssMb.pollStoredListing), mb(s?.peakRssMb.pollRelist), mb(s?.peakRssMb.heapCapped), mb(s?.peakRssMb.alarm), mb(b?.competent.peakRssMb), mb(b?.naive?.peakRssMb), `${mb(s?.loadedRssMb.poll)} / ${mb(s?.loadedRssMb.alarm)}`];
  });
  if (storm?.alarms !== undefined) rows.push([`${storm.checks} storm`, '', '', '', '', `${mb(storm.alarms.peakRssMb)} (max of ${storm.alarms.containers})`, '', '', '']);
  return renderGrid(header, rows, new Set());
}

/** Writes that record or close a listing's progress: allowed only because the listing was incomplete when the sweep began. */
function listingWritesOf(step: StepFigures): number {
  return step.result['definitions.listingWrites'] ?? 0;
}

export function evaluateTargets(sweeps: readonly SweepSize[], storm: StormFigures | undefined): TargetResult[] {
  const targets: TargetResult[] = [];
  const push = (target: string, met: boolean | undefined, measured: string) => targets.push({ target, status: met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'MISSED', measured });
  const ok = (step: StepFigures) => step.error === undefined && step.route53ThrottledUnretried === 0;
  for (const size of sweeps) {
    const n = size.checks;
    const ddbSteady = 2 + Math.ceil(size.pairs / 100);
    const ddbRelist = 2 + 2 * Math.ceil(size.pairs / 100);
    const { steady, relist, coldStoredListing } = size;
    push(
      `${n} checks steady: DynamoDB ≤ 2 + ⌈pairs/100⌉ = ${ddbSteady} calls, 0 writes`,
      steady === undefined ? undefined : steady.dynamoCalls <= ddbSteady && steady.dynamoWrites === 0,
      steady === undefined ? 'not run' : `${steady.dynamoCalls} calls (${describeOps(steady.dynamoByOperation)}), ${steady.dynamoWrites} writes`,
    );
    push(
      `${n} checks re-listing sweep: DynamoDB reads ≤ 2 + 2·⌈pairs/100⌉ = ${ddbRelist}, writes only what changed (nothing: 0, besides closing the listing's own progress when it spanned sweeps)`,
      relist === undefined ? undefined : relist.dynamoCalls - relist.dynamoWrites <= ddbRelist && relist.dynamoWrites - listingWritesOf(relist) === 0,
      relist === undefined
        ? 'not run'
        : `${relist.dynamoCalls - relist.dynamoWrites} reads, ${relist.dynamoWrites} writes, ${listingWritesOf(relist)} of them closing the listing's progress (${describeOps(relist.dynamoByOperation)}); ${relist.route53Calls} Route 53 calls`,
    );
    // Per sweep: the metrics (500 checks a GetMetricData call) and the health check definitions (ListHealthChecks, 1,000 a page,
    // so a disabled or inverted check is judged by the next sweep). Per changed check: its evidence (GetHealthCheckStatus) and,
    // for the FAILOVER it records, what Route 53 answers (TestDNSAnswer).
    const callLimit = (changed: number) => Math.ceil(n / 500) + Math.ceil(n / 1000) + 2 * changed;
    for (const [run, step, changed] of [['steady', steady, 0], ['1% change', size.change, size.changedChecks]] as const) {
      push(
        `${n} checks ${run}: Route 53 + CloudWatch calls ≤ ⌈N/500⌉ + ⌈N/1000⌉ + 2 × changed = ${callLimit(changed)}${changed === 0 ? ', no Throttling left unretried' : ''}`,
        step === undefined ? undefined : step.route53Calls + step.cloudWatchCalls <= callLimit(changed) && (changed === 0 ? ok(step) : step.error === undefined),
        step === undefined ? 'not run' : `${step.route53Calls} Route 53 + ${step.cloudWatchCalls} CloudWatch, ${step.route53ThrottledUnretried} unretried throttles, ${seconds(step.wallMs)} s`,
      );
    }
    for (const [container, alarm] of [['cold', size.alarmCold], ['warm', size.alarmWarm]] as const) {
      push(
        `${n} checks: alarm for 1 check (${container} container) ≤ 2 Route 53, 1 CloudWatch, 5 DynamoDB calls (one claims the account's GetHealthCheckStatus second, one its TestDNSAnswer window), records its transition`,
        alarm === undefined ? undefined : alarm.route53Calls <= 2 && alarm.cloudWatchCalls <= 1 && alarm.dynamoCalls <= 5 && (alarm.result['transitionsRecorded'] ?? 0) > 0,
        alarm === undefined ? 'not run' : `${alarm.route53Calls} Route 53 (${describeOps(alarm.route53ByOperation)}), ${alarm.cloudWatchCalls} CloudWatch, ${alarm.dynamoCalls} DynamoDB; ${alarm.result['transitionsRecorded'] ?? 0} transition, ${seconds(alarm.wallMs)} s`,
      );
    }
    if (n >= 20_000) {
      push(`${n} checks: cold container's first sweep with a stored listing < 30 s`, coldStoredListing === undefined ? undefined : coldStoredListing.wallMs < 30_000 && ok(coldStoredListing), coldStoredListing === undefined ? 'not run' : `${seconds(coldStoredListing.wallMs)} s${coldStoredListing.error ? ` (${coldStoredListing.error})` : ''}`);
      push(`${n} checks: steady sweep < 5 s`, steady === undefined ? undefined : steady.wallMs < 5_000 && ok(steady), steady === undefined ? 'not run (the listing never completed)' : `${seconds(steady.wallMs)} s`);
      const listing = size.coldNoListing;
      push(
        `${n} checks: with no stored listing, the listing completes (report the number of sweeps)`,
        listing === undefined ? undefined : listing.sweepsToComplete !== undefined,
        listing === undefined ? 'not run' : listing.sweepsToComplete !== undefined ? `${listing.sweepsToComplete} sweep(s), ${seconds(listing.sweeps.reduce((t, s) => t + s.wallMs, 0))} s in all` : `not after ${listing.maxSweeps} sweeps (${listing.sweeps.filter((s) => s.timedOut).length} timed out)`,
      );
    }
  }
  const five = sweeps.find((size) => size.checks === 5000);
  if (five !== undefined) {
    const peaks = [five.peakRssMb.poll, five.peakRssMb.pollStoredListing, five.peakRssMb.pollRelist, five.peakRssMb.alarm].filter((v): v is number => v !== undefined);
    const peak = peaks.length === 0 ? undefined : Math.max(...peaks);
    push('5,000 checks: peak RSS < 128 MB on Node 24, every poll and alarm container', peak === undefined ? undefined : peak < 128, `${describeContainerNode()}: max ${mb(peak)} MB (poll ${mb(five.peakRssMb.poll)}, stored listing ${mb(five.peakRssMb.pollStoredListing)}, re-listing ${mb(five.peakRssMb.pollRelist)}, alarm ${mb(five.peakRssMb.alarm)})`);
  }
  if (storm?.alarms !== undefined) {
    const a = storm.alarms;
    push(
      `storm, ${storm.failing} of ${storm.checks} checks through alarms: every transition recorded once and sent, none lost to throttling`,
      a.pairsNotifiedOnce === storm.failing && a.pairsNotifiedTwiceOrMore === 0 && a.errors === 0 && a.unfinishedPairs === 0 && (storm.sweepAfterAlarms?.result['transitionsRecorded'] ?? 0) === 0,
      `${a.transitionsRecorded} recorded, ${a.pairsNotifiedOnce} pairs notified once, ${a.pairsNotifiedTwiceOrMore} twice or more, ${a.pairsNotNotified} not; ${a.errors} errors, ${a.unfinishedPairs} unfinished; the sweep after recorded ${storm.sweepAfterAlarms?.result['transitionsRecorded'] ?? 'n/a'} and sent ${storm.sweepAfterAlarms?.snsCalls ?? 'n/a'}; last notification after ${a.lastNotificationSeconds?.toFixed(1) ?? 'n/a'} s (real clock)`,
    );
    const status = a.route53ByOperation['GetHealthCheckStatus'];
    push(
      'storm through alarms: evidence reads within GetHealthCheckStatus\'s rate (no throttled attempt), the rest skipped with a note in the message',
      (status?.throttled ?? 0) === 0 && a.messagesWithEvidence + a.messagesWithEvidenceNote >= a.pairsNotifiedOnce,
      `GetHealthCheckStatus ${status?.answered ?? 0} answered, ${status?.throttled ?? 0} throttled attempts; ${a.messagesWithEvidence} messages with evidence, ${a.messagesWithEvidenceNote} with a note saying why not${a.sampleEvidenceNote ? ` ("${a.sampleEvidenceNote}")` : ''}`,
    );
    const answers = a.route53ByOperation['TestDNSAnswer'];
    push(
      "storm through alarms: TestDNSAnswer within its account-wide share (2 a second: no throttled attempt, the rest of Route 53's rate left for DNS changes), the rest skipped with the reason in the message",
      (answers?.throttled ?? 0) === 0 && a.messagesWithDnsAnswer + a.messagesWithDnsAnswerNote >= a.pairsNotifiedOnce,
      `TestDNSAnswer ${answers?.answered ?? 0} answered, ${answers?.throttled ?? 0} throttled attempts; ${a.messagesWithDnsAnswer} messages with Route 53's answer, ${a.messagesWithDnsAnswerNote} saying why not${a.sampleDnsAnswerNote ? ` ("${a.sampleDnsAnswerNote}")` : ''}`,
    );
  }
  if (storm?.sweep !== undefined) {
    push(
      `storm, ${storm.failing} of ${storm.checks} checks through the sweep: all recorded by the first sweep, all sent within two`,
      storm.sweep.recordedByFirst === storm.failing && storm.sweep.sentWithinTwo === storm.failing,
      `${storm.sweep.recordedByFirst} recorded by the first sweep (${seconds(storm.sweep.first?.wallMs ?? 0)} s), ${storm.sweep.sentWithinTwo} sent within two`,
    );
  }
  return targets;
}

export function renderTargets(targets: readonly TargetResult[]): string {
  return targets.map((t) => `${t.status === 'MET' ? '[met]   ' : t.status === 'MISSED' ? '[MISSED]' : '[n/a]   '} ${t.target} — ${t.measured}`).join('\n');
}
