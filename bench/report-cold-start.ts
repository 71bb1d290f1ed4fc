/** The cold start table and how the containers' node ran. */
import type { ColdStartReport, ProbeFigures } from './cold-start';
import { benchMemorySize, benchNodeFlags } from './deployed';
import { renderGrid } from './report-format';

/** How the containers' `node` ran: the memory size whose Lambda flags they had, or plain node. */
export function describeContainerNode(): string {
  const memoryMb = benchMemorySize();
  return memoryMb === undefined
    ? 'plain node (BENCH_LAMBDA_MEMORY_MB=none: V8 sizes its heap for this machine)'
    : `node ${benchNodeFlags(memoryMb).join(' ')} (the Lambda runtime's flags for a ${memoryMb} MB function)`;
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
  return renderGrid(header, rows, new Set([0, 4]));
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

