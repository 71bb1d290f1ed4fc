/**
 * `failwatch dead-letters list|replay`: the stage's dead-letter queue, read and sent back to the
 * functions that failed, as the README's runbook did by hand (lib/usecases/dead-letter-shapes.ts says
 * how each kind of letter is replayed). A letter is deleted only once its replay has been accepted (or
 * when it needs none); one that is kept, or whose replay failed, is made visible again at the end.
 */
import { describeError } from '../errors';
import { readDeadLetter, type DeadLetterReading, type DeadLetterSource } from './dead-letter-shapes';
import type { DeadLetter, DeadLetterQueue, FunctionInvoker, StageNames } from './console-ports';

/** How many letters one command reads at most, unless told otherwise. */
export const DEFAULT_DEAD_LETTER_MAX = 100;
/** SQS hands out at most 10 messages a receive. */
const RECEIVE_BATCH = 10;
/** A listed letter is hidden this long, so the next receive of the listing returns others; all are made visible again at its end. */
const LIST_HIDE_SECONDS = 30;
/** Long enough to replay a letter before anyone else can receive it (the runbook's --visibility-timeout 600). */
const REPLAY_HIDE_SECONDS = 600;

export interface DeadLetterEntry extends DeadLetterReading {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  /** The body as received: parsed when it is JSON. */
  readonly body: unknown;
}

export interface DeadLetterListing {
  readonly queue: string;
  /** As the queue counted them before the listing: waiting, and hidden because someone is reading them. */
  readonly counted: { readonly visible: number; readonly inFlight: number };
  readonly letters: readonly DeadLetterEntry[];
  /** False when `max` stopped the listing with more letters waiting. */
  readonly complete: boolean;
}

export async function listDeadLetters(deps: { readonly queue: DeadLetterQueue }, options: { readonly names: StageNames; readonly max?: number }): Promise<DeadLetterListing> {
  const max = options.max ?? DEFAULT_DEAD_LETTER_MAX;
  const counted = await deps.queue.countWaiting();
  const received: DeadLetter[] = [];
  try {
    await receiveEach(deps.queue, max, LIST_HIDE_SECONDS, (letter) => {
      received.push(letter);
      return Promise.resolve();
    });
  } finally {
    if (received.length > 0) await deps.queue.release(received);
  }
  return {
    queue: options.names.deadLetterQueue,
    counted,
    letters: received.map((letter) => entryOf(letter, options.names)),
    complete: received.length < max || counted.visible <= received.length,
  };
}

export const ReplayOutcome = {
  /** Sent back to its function, and deleted. */
  REPLAYED: 'REPLAYED',
  /** Needs no replay (a missed sweep), and deleted. */
  DISCARDED: 'DISCARDED',
  /** Not replayed: not a letter Failwatch can replay safely (the detail says why); left in the queue. */
  KEPT: 'KEPT',
  /** Its replay (or, for one needing none, its deletion) failed; left in the queue. */
  FAILED: 'FAILED',
  /** Sent back to its function, but could not be deleted: the next replay would send it again. */
  NOT_DELETED: 'NOT_DELETED',
} as const;
export type ReplayOutcome = (typeof ReplayOutcome)[keyof typeof ReplayOutcome];

export interface ReplayedLetter {
  readonly messageId: string;
  readonly source: DeadLetterSource;
  readonly functionName?: string;
  readonly about?: string;
  readonly outcome: ReplayOutcome;
  readonly detail: string;
}

export interface ReplayReport {
  readonly queue: string;
  readonly letters: readonly ReplayedLetter[];
  readonly counts: Readonly<Record<ReplayOutcome, number>>;
  /** False when `max` stopped the replay with letters left, or a receive failed (`stoppedBy`). */
  readonly complete: boolean;
  readonly stoppedBy?: string;
  /** Letters asked for (`only`) that the queue did not hand out: already gone, or being read by someone else. */
  readonly notFound: readonly string[];
}

export interface ReplayOptions {
  readonly names: StageNames;
  readonly max?: number;
  /** Only these letters (message ids); the others are left as they were. */
  readonly only?: readonly string[];
}

export async function replayDeadLetters(deps: { readonly queue: DeadLetterQueue; readonly invoker: FunctionInvoker }, options: ReplayOptions): Promise<ReplayReport> {
  const max = options.max ?? DEFAULT_DEAD_LETTER_MAX;
  const chosen = options.only === undefined ? undefined : new Set(options.only);
  const letters: ReplayedLetter[] = [];
  const putBack: DeadLetter[] = [];
  let stoppedBy: string | undefined;
  let reachedMax = false;
  try {
    reachedMax = await receiveEach(
      deps.queue,
      max,
      REPLAY_HIDE_SECONDS,
      async (letter) => {
        if (chosen !== undefined && !chosen.has(letter.messageId)) putBack.push(letter);
        else letters.push(await replayOne(deps, letter, options.names, putBack));
      },
      () => chosen !== undefined && letters.length === chosen.size,
    );
  } catch (error) {
    stoppedBy = describeError(error);
  } finally {
    if (putBack.length > 0) await deps.queue.release(putBack);
  }
  const counts = Object.fromEntries(Object.values(ReplayOutcome).map((outcome) => [outcome, letters.filter((letter) => letter.outcome === outcome).length])) as Record<ReplayOutcome, number>;
  const handled = new Set(letters.map((letter) => letter.messageId));
  return {
    queue: options.names.deadLetterQueue,
    letters,
    counts,
    complete: !reachedMax && stoppedBy === undefined,
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    notFound: [...(chosen ?? [])].filter((id) => !handled.has(id)),
  };
}

async function replayOne(deps: { readonly queue: DeadLetterQueue; readonly invoker: FunctionInvoker }, letter: DeadLetter, names: StageNames, putBack: DeadLetter[]): Promise<ReplayedLetter> {
  const reading = readDeadLetter(letter, names);
  const replayed = (outcome: ReplayOutcome, detail: string): ReplayedLetter => ({
    messageId: letter.messageId,
    source: reading.source,
    ...(reading.functionName === undefined ? {} : { functionName: reading.functionName }),
    ...(reading.about === undefined ? {} : { about: reading.about }),
    outcome,
    detail,
  });
  const plan = reading.replay;
  if (plan.kind === 'KEEP') {
    putBack.push(letter);
    return replayed(ReplayOutcome.KEPT, plan.reason);
  }
  if (plan.kind === 'INVOKE') {
    try {
      await deps.invoker.invokeAsync(plan.functionName, plan.payload);
    } catch (error) {
      putBack.push(letter);
      return replayed(ReplayOutcome.FAILED, `not replayed, left in the queue: ${describeError(error)}`);
    }
  }
  const done = plan.kind === 'INVOKE' ? `replayed to ${plan.functionName}` : plan.reason;
  try {
    await deps.queue.delete(letter);
  } catch (error) {
    if (plan.kind === 'DISCARD') {
      putBack.push(letter);
      return replayed(ReplayOutcome.FAILED, `could not be deleted, left in the queue: ${describeError(error)}`);
    }
    // Not put back: hidden for REPLAY_HIDE_SECONDS, it is not sent twice by this run.
    return replayed(ReplayOutcome.NOT_DELETED, `${done}, but could not be deleted (${describeError(error)}): delete it by hand, or the next replay sends it again`);
  }
  return replayed(plan.kind === 'INVOKE' ? ReplayOutcome.REPLAYED : ReplayOutcome.DISCARDED, done);
}

/**
 * Receives letters, hidden for `hideSeconds`, and hands each one seen for the first time to `each`, until
 * the queue has none left to give, `max` were handed over (returns true then), or `enough` says so.
 */
async function receiveEach(queue: DeadLetterQueue, max: number, hideSeconds: number, each: (letter: DeadLetter) => Promise<void>, enough: () => boolean = () => false): Promise<boolean> {
  const seen = new Set<string>();
  while (!enough()) {
    if (seen.size >= max) return true;
    // A letter received twice (SQS delivers at least once) is handed over once.
    const fresh = (await queue.receive(Math.min(RECEIVE_BATCH, max - seen.size), hideSeconds)).filter((letter) => !seen.has(letter.messageId));
    if (fresh.length === 0) return false;
    for (const letter of fresh) {
      seen.add(letter.messageId);
      await each(letter);
    }
  }
  return false;
}

function entryOf(letter: DeadLetter, names: StageNames): DeadLetterEntry {
  let body: unknown = letter.body;
  try {
    body = JSON.parse(letter.body);
  } catch {
    // Not JSON: shown as received.
  }
  return {
    messageId: letter.messageId,
    ...(letter.sentAt === undefined ? {} : { sentAt: letter.sentAt }),
    ...(letter.receiveCount === undefined ? {} : { receiveCount: letter.receiveCount }),
    ...readDeadLetter(letter, names),
    body,
  };
}
