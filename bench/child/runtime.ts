/**
 * The inside of a bench child: one fresh Node process standing for one Lambda container. It runs the
 * invocations the parent sends over IPC, one at a time, and reports each one's wall time, the peak
 * heap sampled while it ran, and the process's peak RSS so far (`process.resourceUsage().maxRSS`).
 */
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
  readonly heapPeakBytes: number;
  readonly maxRssBytes: number;
}

export interface ReadyMessage {
  readonly type: 'ready';
  /** Peak RSS once the function's module is loaded, before the first invocation. */
  readonly maxRssBytes: number;
}

const SAMPLE_EVERY_MS = 5;

function countsOf(result: unknown): Record<string, number> {
  if (typeof result !== 'object' || result === null) return {};
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(result)) {
    if (typeof value === 'number') counts[key] = value;
    else if (Array.isArray(value)) counts[key] = value.length;
  }
  return counts;
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
      try {
        result = await invoke(message.event, context);
      } catch (thrown) {
        error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
      }
      const wallMs = performance.now() - begin;
      clearInterval(sampler);
      heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
      send({ type: 'done', id: message.id, wallMs, ...(error !== undefined ? { error } : {}), result: countsOf(result), heapPeakBytes, maxRssBytes: maxRssBytes() });
    })();
  });
}
