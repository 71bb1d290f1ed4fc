/**
 * The outbox: every recorded transition and notice is published at least once. It is committed with the
 * pair's state, in the state's outbox; a run claims it (a lease counted from the claim, so two runs do not
 * both send it; the run that recorded it committed it already claimed, and skips the claim while that
 * lease lasts), publishes, and marks it published with the SNS message id. A claim is released only by
 * its own holder (its token). A failed publish leaves it pending for the next run. Held and silenced
 * transitions are never sent on their own (the notice that summarizes them is). The scheduled sweep
 * moves what is final (published, held, silenced) out of the outbox into history items of their own;
 * an alarm run never does, which keeps it to the read, the commit and the mark.
 */
import { isConfigNotice } from '../domain/config-notices';
import { answerValues, pairKey, type FailoverPair, type Transition } from '../domain/model';
import { mapBounded } from '../batches';
import { NotifierError } from '../errors';
import { isPastDeadline } from './deadline';
import { historyReference } from '../notify/reference';
import { renderConfigNotice, renderNotice } from '../notify/render-notice';
import { renderTransition } from '../notify/render';
import { PublishStatus, type BornClaim, type Clock, type Notifier, type OutboxItem, type OutgoingNotification, type PairNotice, type RecordedPair, type StateStore } from '../ports';

export type OutboxEntry = (
  /** `transition` is present when the state's outbox carried it; otherwise it is read from the store. */
  | { readonly kind: 'TRANSITION'; readonly pair: FailoverPair; readonly sequence: number; readonly transition?: Transition }
  | { readonly kind: 'NOTICE'; readonly pair: FailoverPair; readonly key: string; readonly notice?: PairNotice }
) & {
  /** This run's `record` committed it already claimed (born claimed): while that lease lasts it is sent without a claim call. */
  readonly bornClaim?: { readonly token: string; readonly until: Date };
};

export interface PublishOutcome {
  /** The transition's or the notice's id. */
  readonly transitionId: string;
  /** The pair's key (`<zone id>|<record name>|<type>`). */
  readonly pair: string;
  /** The short reference its message ends with (lib/notify/reference.ts), for a person to look it up. */
  readonly reference: string;
  readonly kind?: string;
  /** When the transition or notice was observed; absent when this run did not have it at hand. */
  readonly observedAt?: string;
  /** PUBLISHED now; PENDING: left for the next run; CLAIMED_ELSEWHERE: another run holds it or sent it. */
  readonly status: 'PUBLISHED' | 'PENDING' | 'CLAIMED_ELSEWHERE';
  readonly messageId?: string;
  readonly error?: string;
  /**
   * Present when this run tried and failed to send it (SNS refused it, or the store around the send
   * failed): the error's code (SNS `NotFoundException`, `StoreError`) and message. Absent for an entry
   * only left waiting (the deadline, or an earlier entry of its pair).
   */
  readonly failure?: { readonly code: string; readonly message: string };
}

/** A notification this run failed to send, with what it was for: it stays pending and the next run retries it. */
export interface PublishFailure {
  readonly pair: string;
  readonly kind?: string;
  readonly reference: string;
  readonly transitionId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export function publishFailuresOf(outcomes: readonly PublishOutcome[]): PublishFailure[] {
  return outcomes.flatMap(({ pair, kind, reference, transitionId, failure }) =>
    failure === undefined ? [] : [{ pair, ...(kind === undefined ? {} : { kind }), reference, transitionId, errorCode: failure.code, errorMessage: failure.message }],
  );
}

/** When the oldest entry left PENDING by these outcomes was observed; undefined when none is (or none says). */
export function oldestPendingObservedAt(outcomes: readonly PublishOutcome[]): string | undefined {
  const pending = outcomes.flatMap((outcome) => (outcome.status === 'PENDING' && outcome.observedAt !== undefined ? [outcome.observedAt] : []));
  return pending.length === 0 ? undefined : pending.reduce((oldest, at) => (Date.parse(at) < Date.parse(oldest) ? at : oldest));
}

interface PublishDeps {
  readonly store: StateStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** `pairConcurrency`: pairs published at once (each pair's entries one after another, in order). */
  readonly settings: { readonly publishLeaseSeconds: number; readonly pairConcurrency: number };
}

/** How many of `outcomes` were published now, and how many are left pending for a later run. */
export function countPublishing(outcomes: readonly PublishOutcome[]): { readonly sent: number; readonly pending: number } {
  return { sent: outcomes.filter((entry) => entry.status === 'PUBLISHED').length, pending: outcomes.filter((entry) => entry.status === 'PENDING').length };
}

export interface OutboxResult {
  readonly publishing: PublishOutcome[];
  /** Pairs whose final entries could not be moved to history this sweep (they stay in the outbox, and reads show them). */
  readonly historyNotMoved: readonly { readonly pair: string; readonly error: string }[];
}

/** One pair's outbox, as the state this run loaded or recorded carries it (with what `record` claimed). */
export interface PairOutbox {
  readonly pair: FailoverPair;
  readonly state: RecordedPair | undefined;
}

/** What is waiting to be sent: PENDING transitions in sequence order, then PENDING notices in the order they were decided. */
export function outboxEntries({ pair, state }: PairOutbox): OutboxEntry[] {
  const items = (state?.outbox ?? []).filter((item) => statusOf(item) === PublishStatus.PENDING);
  const transitions = items.flatMap((item) => (item.kind === 'TRANSITION' ? [item.transition] : [])).sort((a, b) => a.sequence - b.sequence);
  const notices = items.flatMap((item) => (item.kind === 'NOTICE' ? [item.notice] : []));
  notices.sort((a, b) => a.observedAt.localeCompare(b.observedAt) || a.key.localeCompare(b.key));
  return [
    ...transitions.map((transition): OutboxEntry => ({ kind: 'TRANSITION', pair, sequence: transition.sequence, transition, ...bornClaimOf(state?.claimed, state?.claimed?.sequences.includes(transition.sequence)) })),
    ...notices.map((notice): OutboxEntry => ({ kind: 'NOTICE', pair, key: notice.key, notice, ...bornClaimOf(state?.claimed, state?.claimed?.notices.includes(notice.key)) })),
  ];
}

/**
 * Finishes the pairs' outboxes: what is pending is published; then, with `materialize` (the scheduled
 * sweep), what was final in them when read (PUBLISHED, HELD, SILENCED) is moved to history, at no cost
 * for an empty outbox. Entries this run publishes are moved by the next sweep. Past `deadline` nothing
 * more is started: what is left stays in the outbox for the next run, and is reported.
 */
export async function finishOutboxes(
  deps: PublishDeps,
  outboxes: readonly PairOutbox[],
  options: { readonly materialize: boolean; readonly deadline?: Date | undefined },
): Promise<OutboxResult> {
  const publishing = await publishOutbox(deps, outboxes.flatMap(outboxEntries), options.deadline);
  const historyNotMoved: { pair: string; error: string }[] = [];
  if (options.materialize) {
    const moving = outboxes.flatMap(({ pair, state }) => {
      const final = (state?.outbox ?? []).filter((item) => statusOf(item) !== PublishStatus.PENDING);
      return final.length === 0 ? [] : [{ pair, final }];
    });
    const pastDeadline = () => isPastDeadline(deps.clock, options.deadline);
    const moved = await mapBounded(moving, deps.settings.pairConcurrency, async ({ pair, final }) => {
      try {
        await deps.store.materialize(pair.id, final);
      } catch (error) {
        // They stay in the outbox, where history reads already show them: the next sweep tries again.
        historyNotMoved.push({ pair: pairKey(pair.id), error: describe(error) });
      }
    }, pastDeadline);
    for (const { pair } of moving.slice(moved.length)) historyNotMoved.push({ pair: pairKey(pair.id), error: 'deadline reached before they were moved; the next sweep moves them' });
  }
  return { publishing, historyNotMoved };
}

function bornClaimOf(claim: BornClaim | undefined, holds: boolean | undefined): { bornClaim?: OutboxEntry['bornClaim'] } {
  return claim && holds ? { bornClaim: { token: claim.token, until: claim.until } } : {};
}

function statusOf(item: OutboxItem): PublishStatus {
  return item.kind === 'TRANSITION' ? item.transition.publishStatus : item.notice.publishStatus;
}

/**
 * Publishes the entries, a few pairs at once (`pairConcurrency`) and each pair's one by one, in sequence
 * order. Past `deadline` no entry is started: it stays pending for the next run.
 */
export async function publishOutbox(deps: PublishDeps, entries: readonly OutboxEntry[], deadline?: Date): Promise<PublishOutcome[]> {
  const byPair = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const pair = pairKey(entry.pair.id);
    const ofPair = byPair.get(pair);
    if (ofPair) ofPair.push(entry);
    else byPair.set(pair, [entry]);
  }
  return (await mapBounded([...byPair.values()], deps.settings.pairConcurrency, (pairEntries) => publishPair(deps, pairEntries, deadline))).flat();
}

async function publishPair(deps: PublishDeps, entries: readonly OutboxEntry[], deadline: Date | undefined): Promise<PublishOutcome[]> {
  const outcomes: PublishOutcome[] = [];
  // Sent one by one so a FAILBACK never overtakes its FAILOVER: once one of the pair's entries is left
  // waiting (a failure that may pass, or another run sending it now), its later entries wait too, for
  // this run or the next.
  let waitingFor: string | undefined;
  for (const entry of entries) {
    waitingFor ??= isPastDeadline(deps.clock, deadline) ? 'deadline reached before it was sent; the next run sends it' : undefined;
    if (waitingFor !== undefined) {
      // Born claimed but not sent now: give the claim up, so the next run need not wait for the lease.
      if (entry.bornClaim) await opsFor(deps, entry).release(entry.bornClaim.token).catch(() => undefined);
      outcomes.push({ ...identify(entry), status: 'PENDING', error: waitingFor });
      continue;
    }
    const { outcome, holdsBackLater } = await publishOne(deps, entry);
    if (holdsBackLater) waitingFor = 'waits for an earlier notification of this pair, not sent yet';
    outcomes.push(outcome);
  }
  return outcomes;
}

/** What names an outbox entry in outcomes, logs and messages. */
function identify(entry: OutboxEntry): Pick<PublishOutcome, 'transitionId' | 'pair' | 'reference' | 'kind' | 'observedAt'> {
  const base = pairKey(entry.pair.id);
  const known = entry.kind === 'TRANSITION' ? entry.transition : entry.notice;
  return {
    transitionId: known?.id ?? `${base}#${entry.kind === 'TRANSITION' ? entry.sequence : entry.key}`,
    pair: base,
    reference: historyReference(entry.pair.id, entry.kind === 'TRANSITION' ? { sequence: entry.sequence } : { noticeKey: entry.key }),
    ...(known === undefined ? {} : { kind: known.kind, observedAt: known.observedAt }),
  };
}

/** The store operations of one outbox entry, whichever kind it is. */
interface EntryOps {
  /** The claim's token, or undefined when another run holds it or it is no longer pending. */
  claim(now: Date, leaseUntil: Date): Promise<string | undefined>;
  render(): Promise<{ readonly kind: string; readonly notification: OutgoingNotification } | undefined>;
  markPublished(messageId: string, at: Date): Promise<void>;
  release(token: string): Promise<void>;
  /** Whether it is still waiting to be sent (false once published, or if it is gone). */
  isPending(): Promise<boolean>;
  /** True for a notice whose key history holds already (decided again): dropped from the outbox, never sent. */
  isRepeat(): Promise<boolean>;
}

function opsFor(deps: PublishDeps, entry: OutboxEntry): EntryOps {
  const { pair } = entry;
  const { store } = deps;
  const context = { zoneName: pair.zoneName, primaryValues: answerValues(pair.primary), secondaryValues: answerValues(pair.secondary) };
  if (entry.kind === 'TRANSITION') {
    const { sequence } = entry;
    return {
      claim: (now, leaseUntil) => store.claimForPublish(pair.id, sequence, now, leaseUntil),
      render: async () => {
        const transition = entry.transition ?? (await store.getTransition(pair.id, sequence));
        return transition && { kind: transition.kind, notification: renderTransition(transition, context) };
      },
      markPublished: (messageId, at) => store.markPublished(pair.id, sequence, messageId, at),
      release: (token) => store.releaseClaim(pair.id, sequence, token),
      isPending: async () => (await store.getTransition(pair.id, sequence))?.publishStatus === PublishStatus.PENDING,
      // A sequence is taken once, by the commit that counts it: a transition is never decided twice.
      isRepeat: () => Promise.resolve(false),
    };
  }
  const { key } = entry;
  return {
    claim: (now, leaseUntil) => store.claimNoticeForPublish(pair.id, key, now, leaseUntil),
    render: async () => {
      const notice = entry.notice ?? (await store.getNotice(pair.id, key));
      if (!notice) return undefined;
      if (isConfigNotice(notice)) return { kind: notice.kind, notification: renderConfigNotice(notice, context) };
      // A summary lists what it stands for; those transitions are read only now, when it is sent.
      const covered = notice.covers
        ? (await store.listTransitionsBetween(pair.id, notice.covers.fromSequence, notice.covers.toSequence)).filter((t) => t.publishStatus === notice.covers?.status)
        : [];
      return { kind: notice.kind, notification: renderNotice(notice, covered, context) };
    },
    markPublished: (messageId, at) => store.markNoticePublished(pair.id, key, messageId, at),
    release: (token) => store.releaseNoticeClaim(pair.id, key, token),
    isPending: async () => (await store.getNotice(pair.id, key))?.publishStatus === PublishStatus.PENDING,
    isRepeat: () => store.dropRepeatedNotice(pair.id, key),
  };
}

/** One entry's outcome, and whether the pair's later entries must wait for it. */
interface Attempt {
  readonly outcome: PublishOutcome;
  readonly holdsBackLater: boolean;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error as a publish failure: its code (a NotifierError's channel code, or the error's name) and message. */
function failureOf(error: unknown): NonNullable<PublishOutcome['failure']> {
  if (error instanceof NotifierError && error.code !== undefined) return { code: error.code, message: error.message };
  return error instanceof Error ? { code: error.name, message: error.message } : { code: 'Error', message: String(error) };
}

/**
 * Claims, renders, sends and marks one entry. A failure of the store or of SNS leaves it pending for the
 * next run and never ends the run: the other pairs' notifications still go out.
 */
async function publishOne(deps: PublishDeps, entry: OutboxEntry): Promise<Attempt> {
  const ops = opsFor(deps, entry);
  const identity = identify(entry);
  const failed = (error: unknown, description: string, holdsBackLater: boolean, kind?: string): Attempt => ({
    outcome: { ...identity, ...(kind === undefined ? {} : { kind }), status: 'PENDING', error: description, failure: failureOf(error) },
    holdsBackLater,
  });
  // The lease counts from now, not from the run's start: a claim taken late in a run still protects.
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.settings.publishLeaseSeconds * 1000);
  let token: string | undefined;
  try {
    // Born claimed by this run's `record`: its own while that lease lasts. After, another run may have
    // claimed it: only a claim of its own lets this run send it.
    token = entry.bornClaim && now < entry.bornClaim.until ? entry.bornClaim.token : await ops.claim(now, leaseUntil);
  } catch (error) {
    return failed(error, `not claimed: ${describe(error)}`, true);
  }
  const claimToken = token;
  const release = async (): Promise<string> => {
    if (claimToken === undefined) return '';
    try {
      await ops.release(claimToken);
      return '';
    } catch (error) {
      return `; its claim stays until the lease runs out (${describe(error)})`;
    }
  };
  if (claimToken === undefined) {
    // Sent already (nothing to wait for), or another run is sending it now: later entries wait for that one.
    const stillPending = await ops.isPending().catch(() => true);
    return { outcome: { ...identity, status: 'CLAIMED_ELSEWHERE' }, holdsBackLater: stillPending };
  }
  let rendered: Awaited<ReturnType<EntryOps['render']>>;
  try {
    // Recorded and sent before, under the same key: the first one stands, nothing more to send or wait for.
    if (await ops.isRepeat()) return { outcome: { ...identity, status: 'CLAIMED_ELSEWHERE' }, holdsBackLater: false };
    rendered = await ops.render();
  } catch (error) {
    return failed(error, `not read: ${describe(error)}${await release()}`, true);
  }
  if (!rendered) return { outcome: { ...identity, status: 'PENDING', error: `listed in the outbox but no longer found there or in history${await release()}` }, holdsBackLater: false };
  const { kind, notification } = rendered;
  let messageId: string;
  try {
    ({ messageId } = await deps.notifier.publish(notification));
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    // A message SNS will never take (too big) must not hold the pair's later ones back for ever.
    return failed(error, `${error.message}${await release()}`, error.retryable, kind);
  }
  try {
    await ops.markPublished(messageId, deps.clock.now());
  } catch (error) {
    // Sent (so not a failed publish: people have it) but not marked: once the lease runs out it is sent
    // again (at least once, never lost). The pair's later entries wait, so that repeat never arrives
    // after them (a FAILOVER after its FAILBACK).
    return { outcome: { ...identity, kind, status: 'PENDING', messageId, error: `sent as ${messageId} but not marked published: ${describe(error)}` }, holdsBackLater: true };
  }
  return { outcome: { ...identity, kind, status: 'PUBLISHED', messageId }, holdsBackLater: false };
}
