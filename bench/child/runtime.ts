/**
 * The inside of a bench child: one fresh Node process standing for one Lambda container. It runs the
 * invocations the parent sends over IPC, one at a time, and reports each one's wall time, the heap
 * sampled every 100 ms while it ran, and the process's peak RSS so far (`process.resourceUsage().maxRSS`,
 * the high-water mark the kernel keeps: exact and free to read, unlike a sampler). Past the function's
 * timeout it does what Lambda does: the invocation fails with "Task timed out" and the container is gone.
 */
import type { DiscoveryReport } from '../../lib/ports';

/** A Lambda handler: the event, and the context's part Failwatch reads (what remains of the timeout). */
export type Invoke = (event: unknown, context?: { readonly getRemainingTimeInMillis: () => number }) => Promise<unknown>;

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
}

export interface DoneMessage {
  readonly type: 'done';
  readonly id: number;
  readonly wallMs: number;
  readonly error?: string;
  /** Numbers and list lengths of what the handler returned. */
  readonly result: Readonly<Record<string, number>>;
  /** For each list in the result whose entries carry an `error` (unfinishedPairs...): the first one's. */
  readonly firstErrors?: Readonly<Record<string, string>>;
  /** The result's `status` strings one level down, by the field holding them (`definitions`: SYNCED, UNFINISHED...). */
  readonly statuses?: Readonly<Record<string, string>>;
  /** poll's `discovery`, whole: where the sweep was judged from and where a listing under way stands (absent: a complete listing, none under way). */
  readonly discovery?: DiscoveryReport;
  /** Most heap in use at a 100 ms sample or at the end: a lower bound of the peak (a 5 ms sampler cost ~5% CPU). */
  readonly heapPeakBytes: number;
  readonly maxRssBytes: number;
  /** The invocation ran past the function's timeout: Lambda would have stopped it there, and this container exits. */
  readonly timedOut?: boolean;
}

export interface ReadyMessage {
  readonly type: 'ready';
  /** Peak RSS once the function's module is loaded, before the first invocation. */
  readonly maxRssBytes: number;
}

const SAMPLE_EVERY_MS = 100;

/** Numbers, booleans (1/0) and list lengths of what the handler returned, nested objects as `outer.inner`. */
export function countsOf(result: unknown, prefix = ''): Record<string, number> {
  if (typeof result !== 'object' || result === null) return {};
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(result)) {
    if (typeof value === 'number') counts[prefix + key] = value;
    else if (typeof value === 'boolean') counts[prefix + key] = value ? 1 : 0;
    else if (Array.isArray(value)) counts[prefix + key] = value.length;
    else if (typeof value === 'object' && value !== null && prefix === '') Object.assign(counts, countsOf(value, `${key}.`));
  }
  return counts;
}

const optionalErrors = (firstErrors: Record<string, string> | undefined) => (firstErrors === undefined ? {} : { firstErrors });

const optionalFields = (statuses: Record<string, string> | undefined, discovery: DiscoveryReport | undefined) => ({ ...(statuses === undefined ? {} : { statuses }), ...(discovery === undefined ? {} : { discovery }) });

/** `{ definitions: { status: 'SYNCED' } }` → `{ definitions: 'SYNCED' }`; undefined when there is none. */
export function statusesOf(result: unknown): Record<string, string> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const statuses: Record<string, string> = {};
  for (const [key, value] of Object.entries(result)) {
    const status: unknown = typeof value === 'object' && value !== null && 'status' in value ? value.status : undefined;
    if (typeof status === 'string') statuses[key] = status;
  }
  return Object.keys(statuses).length === 0 ? undefined : statuses;
}

/** The result's `discovery` as the handler returned it (an object), else undefined. */
function discoveryOf(result: unknown): DiscoveryReport | undefined {
  if (typeof result !== 'object' || result === null || !('discovery' in result)) return undefined;
  const { discovery } = result;
  return typeof discovery === 'object' && discovery !== null ? (discovery as DiscoveryReport) : undefined;
}

function firstErrorsOf(result: unknown): Record<string, string> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const errors: Record<string, string> = {};
  for (const [key, value] of Object.entries(result)) {
    const first: unknown = Array.isArray(value) ? value[0] : undefined;
    if (typeof first === 'object' && first !== null && 'error' in first) errors[key] = String(first.error);
  }
  return Object.keys(errors).length === 0 ? undefined : errors;
}

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

/** With `timeoutSeconds`, each invocation gets a context whose remaining time runs out that long after it starts, as on Lambda. */
export function serveInvocations(invoke: Invoke, options: { readonly timeoutSeconds?: number } = {}): void {
  const send = (message: ReadyMessage | DoneMessage) => process.send?.(message);
  send({ type: 'ready', maxRssBytes: maxRssBytes() });
  // The bench stopped (or died): a container has no reason to outlive it.
  process.on('disconnect', () => process.exit(0));

  process.on('message', (message: InvokeMessage | { readonly type: 'exit' }) => {
    if (message.type === 'exit') {
      process.disconnect?.();
      return;
    }
    void (async () => {
      (globalThis as { gc?: () => void }).gc?.();
      let heapPeakBytes = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
      }, SAMPLE_EVERY_MS);
      const begin = performance.now();
      const { timeoutSeconds } = options;
      const context = timeoutSeconds === undefined ? undefined : { getRemainingTimeInMillis: () => Math.max(0, Math.round(begin + timeoutSeconds * 1000 - performance.now())) };
      let result: unknown;
      let error: string | undefined;
      let timedOut = false;
      const invocation = invoke(message.event, context).then(
        (value) => {
          result = value;
        },
        (thrown: unknown) => {
          error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
        },
      );
      let timer: NodeJS.Timeout | undefined;
      if (timeoutSeconds !== undefined) {
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            timedOut = true;
            error = `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
            resolve();
          }, timeoutSeconds * 1000);
        });
        await Promise.race([invocation, timeout]);
        clearTimeout(timer);
      } else {
        await invocation;
      }
      const wallMs = performance.now() - begin;
      clearInterval(sampler);
      heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
      const done: DoneMessage = { type: 'done', id: message.id, wallMs, ...(error !== undefined ? { error } : {}), result: countsOf(result), ...optionalErrors(firstErrorsOf(result)), ...optionalFields(statusesOf(result), discoveryOf(result)), heapPeakBytes, maxRssBytes: maxRssBytes(), ...(timedOut ? { timedOut } : {}) };
      // As on Lambda, a timed-out invocation takes its container with it: whatever it was doing stops here.
      if (timedOut) process.send?.(done, () => process.exit(1));
      else send(done);
    })();
  });
}
