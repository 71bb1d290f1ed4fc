/** The bench's output: one table of sweep figures beside the naive sweep's, the cold start table, the targets. */
import type { ColdStartReport, ProbeFigures } from './cold-start';
import { benchMemorySize, benchNodeFlags } from './deployed';
import { CAPPED_HEAP_FLAGS, type SizeFigures, type StepFigures } from './sweep-bench';

export interface TargetResult {
  readonly target: string;
  readonly status: 'MET' | 'MISSED' | 'NOT MEASURED';
  readonly measured: string;
}

const NOT_RUN = '—';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function ratio(naive: number, optimized: number): string {
  if (optimized === 0) return naive === 0 ? '1×' : '∞';
  const r = naive / optimized;
  return `${r >= 100 ? Math.round(r) : r.toFixed(1)}×`;
}

function renderGrid(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (rightAligned.has(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

function r53(step: StepFigures): string {
  return step.route53Throttled > 0 ? `${step.route53Calls} (+${step.route53Throttled} thr)` : String(step.route53Calls);
}

function optimizedCells(step: StepFigures | undefined, rssMb: number | undefined): string[] {
  if (step === undefined) return Array(7).fill('n/a') as string[];
  return [
    `${seconds(step.wallMs)}${step.error !== undefined ? ' ERR' : ''}`,
    r53(step),
    ...countCells(step, rssMb),
  ];
}

/** The columns both sweeps report alike: calls other than Route 53, writes, and peak memory. */
function countCells(step: StepFigures, rssMb: number | undefined): string[] {
  return [String(step.cloudWatchCalls), String(step.dynamoCalls), String(step.dynamoWrites), String(step.snsCalls), rssMb === undefined ? 'n/a' : rssMb.toFixed(1)];
}

function naiveCells(step: StepFigures | undefined, rssMb: number | undefined): string[] {
  if (step === undefined) return Array(7).fill(NOT_RUN) as string[];
  const estimate = step.extrapolated;
  return [
    estimate ? `~${seconds(estimate.wallMs)}*` : seconds(step.wallMs),
    estimate ? `~${estimate.route53Calls}*` : r53(step),
    ...countCells(step, rssMb),
  ];
}

function ratioCells(optimized: StepFigures | undefined, naive: StepFigures | undefined): string[] {
  if (optimized === undefined || naive === undefined) return [NOT_RUN, NOT_RUN, NOT_RUN];
  const naiveWall = naive.extrapolated?.wallMs ?? naive.wallMs;
  const naiveCalls = (naive.extrapolated?.route53Calls ?? naive.route53Calls) + naive.cloudWatchCalls;
  const mark = naive.extrapolated ? '~' : '';
  return [`${mark}${ratio(naiveWall, optimized.wallMs)}`, `${mark}${ratio(naiveCalls, optimized.route53Calls + optimized.cloudWatchCalls)}`, ratio(naive.dynamoCalls, optimized.dynamoCalls)];
}

export function renderSweepTable(sizes: readonly SizeFigures[]): string {
  const header = [
    'checks',
    'run',
    'wall s',
    'R53',
    'CW',
    'DDB',
    'DDB wr',
    'SNS',
    'RSS MB',
    '‖ naive wall s',
    'R53',
    'CW',
    'DDB',
    'DDB wr',
    'SNS',
    'RSS MB',
    '‖ × wall',
    '× R53+CW',
    '× DDB',
  ];
  const rows: string[][] = [];
  for (const size of sizes) {
    const o = size.optimized;
    const label = `${size.checks}`;
    const line = (run: string, step: StepFigures | undefined, rss: number | undefined, naive?: StepFigures) => [
      label,
      run,
      ...optimizedCells(step, rss),
      ...naiveCells(naive, naive === undefined ? undefined : size.naive.peakRssMb),
      ...ratioCells(step, naive),
    ];
    rows.push(line('first sweep, cold container', o.firstSweep, o.firstSweep?.peakRssMb));
    rows.push(line('steady', o.steady, o.pollPeakRssMb, size.naive.steady));
    rows.push(line(`change ${size.changedChecks} checks (1%)`, o.change, o.pollPeakRssMb, size.naive.change));
    rows.push(line('alarm, 1 check, cold container', o.alarmCold, o.alarmCold?.peakRssMb));
    rows.push(line('alarm, 1 check, warm container', o.alarmWarm, o.alarmPeakRssMb));
    rows.push(line('steady, V8 heap capped †', o.steadyHeapCapped, o.heapCappedPeakRssMb));
  }
  const right = new Set(Array.from({ length: header.length }, (_, i) => i).filter((i) => i !== 1));
  return renderGrid(header, rows, right);
}

/** How the containers' `node` ran: the memory size whose Lambda flags they had, or plain node. */
export function describeContainerNode(): string {
  const memoryMb = benchMemorySize();
  return memoryMb === undefined
    ? 'plain node (BENCH_LAMBDA_MEMORY_MB=none: V8 sizes its heap for this machine)'
    : `node ${benchNodeFlags(memoryMb).join(' ')} (the Lambda runtime's flags for a ${memoryMb} MB function)`;
}

export const SWEEP_TABLE_NOTES = [
  'Failwatch = the deployed poll/alarm bundle (unpacked from serverless package), one fresh Node process per container, with the deployed NODE_OPTIONS; naive = bench/naive-sweep.ts, same clients, stand-ins and bundling.',
  `Every container ran ${describeContainerNode()}.`,
  'R53 = Route 53 calls answered (+ attempts answered Throttling, all retried unless the targets say otherwise); CW = GetMetricData calls; DDB = DynamoDB requests (wr = Put/Update/Delete); SNS = Publish calls.',
  'RSS MB = the container\'s peak RSS up to that run (the cold first sweep included): process.resourceUsage().maxRSS.',
  '* ~ = estimate, not a measurement: the naive sweep read GetHealthCheckStatus for a sample (12, plus every changed check); each skipped read adds 1 s (its 1-per-second limit) and 1 Route 53 call.',
  '× = naive / Failwatch (∞: Failwatch made none). Ratios use the estimates where marked ~.',
  `† a second poll container with ${CAPPED_HEAP_FLAGS.join(' ')} on top (the bench's choice, tighter than Lambda's): its steady sweep, after its own cold one; shows whether the sweep fits a small heap.`,
];

/** RSS of each container once its bundle is loaded, before any invocation: the floor every row above stands on. */
export function renderLoadedRss(sizes: readonly SizeFigures[]): string {
  const mb = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(1));
  return sizes
    .map((size) => `  ${size.checks} checks: RSS after loading the bundle: poll ${mb(size.optimized.pollLoadedRssMb)} MB, alarm ${mb(size.optimized.alarmLoadedRssMb)} MB, naive ${mb(size.naive.loadedRssMb)} MB`)
    .join('\n');
}

function figures(probe: ProbeFigures | undefined): string {
  return probe === undefined ? 'n/a' : `${probe.loadMs.toFixed(0)} + ${probe.initMs.toFixed(0)} = ${probe.loadAndInitMs.toFixed(0)}`;
}

export function renderColdStartTable(report: ColdStartReport): string {
  const header = [
    'function',
    'zip KB',
    'bundle KB',
    'map KB',
    'NODE_OPTIONS',
    'bundle load+init ms (as deployed)',
    'unbundled tsc load+init ms',
    'bundle / unbundled',
    'modules (bundle/tsc)',
    'RSS MB (bundle/tsc)',
    'what-if: + --enable-source-maps, ms',
  ];
  const kb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(0));
  const mb = (probe: ProbeFigures | undefined) => (probe === undefined || Number.isNaN(probe.rssMb) ? 'n/a' : probe.rssMb.toFixed(1));
  const rows = report.functions.map((fn) => [
    fn.name,
    kb(fn.zipBytes),
    kb(fn.bundleBytes),
    kb(fn.sourceMapBytes),
    fn.nodeOptions ?? '(none)',
    figures(fn.bundle),
    figures(fn.unbundled),
    fn.ratio === undefined ? 'n/a' : fn.ratio.toFixed(2),
    `${fn.bundle?.modules ?? 'n/a'} / ${fn.unbundled?.modules ?? 'n/a'}`,
    `${mb(fn.bundle)} / ${mb(fn.unbundled)}`,
    fn.bundleWithSourceMaps === undefined ? 'n/a' : `${figures(fn.bundleWithSourceMaps)} (RSS ${mb(fn.bundleWithSourceMaps)})`,
  ]);
  return renderGrid(header, rows, new Set([1, 2, 3, 5, 6, 7, 8, 9, 10]));
}

export const COLD_START_NOTES = [
  'load = require() of the handler module in a fresh process; init = from there to the handler\'s first outbound HTTP request (configuration read, clients built, first command signed; the request is not sent). Medians.',
  `Every variant ran as deployed: ${describeContainerNode()}, and the function's NODE_OPTIONS as packaged (column NODE_OPTIONS).`,
  'One unmeasured round of every variant first, so the bundle and the ~200 files of the unbundled output are all in the page cache (on a cold Lambda the unbundled files would be first reads).',
  'modules = entries in require.cache at that point. Node built-ins are not counted. RSS = at the first outbound request.',
  'unbundled = tsc output of handlers/ and lib/ in a temporary outDir, node_modules resolved from the project.',
  'what-if (not deployed): the deployed bundle with --enable-source-maps (what readable stack traces cost at start).',
  'Cold start is reported as information: no target (the detection delay is a minute of CloudWatch time).',
];

export function evaluateTargets(sizes: readonly SizeFigures[]): TargetResult[] {
  const targets: TargetResult[] = [];
  const push = (target: string, met: boolean | undefined, measured: string) =>
    targets.push({ target, status: met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'MISSED', measured });
  const five = sizes.find((size) => size.checks === 5000);

  const steady5k = five?.optimized.steady;
  push(
    '5,000 checks steady: sweep under 60 s, 5 req/s Route 53, no Throttling left unretried',
    steady5k === undefined ? undefined : steady5k.wallMs < 60_000 && steady5k.route53ThrottledUnretried === 0 && steady5k.error === undefined,
    steady5k === undefined ? 'not run (--quick or failed)' : `${seconds(steady5k.wallMs)} s, ${steady5k.route53Throttled} throttled attempts, ${steady5k.route53ThrottledUnretried} unretried`,
  );
  const change5k = five?.optimized.change;
  push(
    "5,000 checks, 1% change: within the poll function's 60 s timeout (not a stated target, which is for the steady state)",
    change5k === undefined ? undefined : change5k.wallMs < 60_000 && change5k.route53ThrottledUnretried === 0 && change5k.error === undefined,
    change5k === undefined ? 'not run' : `${seconds(change5k.wallMs)} s, ${change5k.route53ByOperation['GetHealthCheckStatus'] ?? 0} GetHealthCheckStatus, ${change5k.route53ThrottledUnretried} unretried throttles`,
  );
  for (const size of sizes) {
    // Every sweep: the metrics (GetMetricData, 500 checks a call) and the health check definitions (ListHealthChecks, 1,000 a page,
    // so a disabled or inverted check is judged by the next sweep). Per changed check: its evidence (GetHealthCheckStatus) and, for
    // the FAILOVER it records, what Route 53 answers (TestDNSAnswer).
    const limit = (changed: number) => Math.ceil(size.checks / 500) + Math.ceil(size.checks / 1000) + 2 * changed;
    for (const [run, step, changed] of [
      ['steady', size.optimized.steady, 0],
      ['1% change', size.optimized.change, size.changedChecks],
    ] as const) {
      push(
        `${size.checks} checks ${run}: Route 53 + CloudWatch calls ≤ ceil(N/500) + ceil(N/1000) + 2 × changed checks = ${limit(changed)}`,
        step === undefined ? undefined : step.route53Calls + step.cloudWatchCalls <= limit(changed),
        step === undefined ? 'not run' : `${step.route53Calls} Route 53 + ${step.cloudWatchCalls} CloudWatch = ${step.route53Calls + step.cloudWatchCalls}`,
      );
    }
    const ddbLimit = 2 + Math.ceil(size.pairs / 100);
    const steady = size.optimized.steady;
    push(
      `${size.checks} checks steady: DynamoDB calls ≤ 2 + ceil(pairs/100) = ${ddbLimit}, zero writes`,
      steady === undefined ? undefined : steady.dynamoCalls <= ddbLimit && steady.dynamoWrites === 0,
      steady === undefined ? 'not run' : `${steady.dynamoCalls} calls (${describeOps(steady.dynamoByOperation)}), ${steady.dynamoWrites} writes`,
    );
    // A cold container counts as much as a warm one: "whatever the account's size" rules out listing Route 53 first.
    for (const [container, alarm] of [
      ['cold', size.optimized.alarmCold],
      ['warm', size.optimized.alarmWarm],
    ] as const) {
      push(
        `${size.checks} checks: alarm for 1 check (${container} container) ≤ 2 Route 53 (evidence, DNS answer), 1 CloudWatch, 3 DynamoDB calls`,
        alarm === undefined ? undefined : alarm.route53Calls <= 2 && alarm.cloudWatchCalls <= 1 && alarm.dynamoCalls <= 3 && (alarm.result['transitionsRecorded'] ?? 0) > 0,
        alarm === undefined
          ? 'not run'
          : `${alarm.route53Calls} Route 53 (${describeOps(alarm.route53ByOperation)}), ${alarm.cloudWatchCalls} CloudWatch, ${alarm.dynamoCalls} DynamoDB (${describeOps(alarm.dynamoByOperation)}); ` +
            `${alarm.result['transitionsRecorded'] ?? 0} transition, ${alarm.snsCalls} SNS, ${seconds(alarm.wallMs)} s`,
      );
    }
  }
  const peak = five === undefined ? undefined : Math.max(five.optimized.pollPeakRssMb ?? 0, five.optimized.alarmPeakRssMb ?? 0);
  push(
    '5,000 checks: peak memory under 128 MB',
    peak === undefined ? undefined : peak < 128,
    five === undefined
      ? 'not run'
      : `${describeContainerNode()}: peak RSS poll container ${five.optimized.pollPeakRssMb?.toFixed(1) ?? 'n/a'} MB, alarm container ${five.optimized.alarmPeakRssMb?.toFixed(1) ?? 'n/a'} MB; ` +
        `with the heap capped, poll ${five.optimized.heapCappedPeakRssMb?.toFixed(1) ?? 'n/a'} MB${five.optimized.steadyHeapCapped?.error !== undefined ? ' (FAILED)' : ''}; ` +
        `after loading the bundle, before any work: ${five.optimized.pollLoadedRssMb?.toFixed(1) ?? 'n/a'} MB`,
  );
  return targets;
}

function describeOps(byOperation: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byOperation);
  return entries.length === 0 ? 'none' : entries.map(([operation, count]) => `${count} ${operation}`).join(', ');
}

export function renderTargets(targets: readonly TargetResult[]): string {
  return targets.map((t) => `${t.status === 'MET' ? '[met]   ' : t.status === 'MISSED' ? '[MISSED]' : '[n/a]   '} ${t.target} — ${t.measured}`).join('\n');
}

/** Floats to 2 decimals so the committed JSON does not churn on noise below that. */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, rounded(v)]));
  return value;
}
