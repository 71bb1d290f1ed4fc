/**
 * A pair the poll container listed before and no longer lists (its records changed or were deleted) is
 * no longer swept, so nothing would ever send what its outbox still holds: a FAILOVER recorded while SNS
 * was down, then the records removed, would never be announced. The container that listed it finishes
 * that outbox like any swept pair's, rendering from the pair as it last listed it: PENDING entries are
 * published in order under the usual claims, final ones moved to history, sweep after sweep until the
 * outbox is empty (lib/usecases/sync-pair-definitions.ts keeps the pairs and calls this each sweep).
 */
import { pairKey, type FailoverPair } from '../domain/model';
import { countPublishing, finishOutboxes, publishFailuresOf, type PublishFailure, type PublishOutcome } from './publish';
import type { Clock, Notifier, StateStore } from '../ports';

export interface VanishedPairsDeps {
  readonly store: StateStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly settings: { readonly publishLeaseSeconds: number; readonly pairConcurrency: number };
}

export interface VanishedOutboxes {
  /** Keys of the pairs whose outbox is empty: nothing is left to do for them. */
  readonly done: readonly string[];
  /** How many of the pairs had anything in their outbox. */
  readonly pairsWithOutbox: number;
  /** What was published (or left pending) from those outboxes. */
  readonly publishing: readonly PublishOutcome[];
  /** Pairs whose final entries could not be moved to history this time. */
  readonly historyNotMoved: readonly { readonly pair: string; readonly error: string }[];
}

/** What the poll function's `definitions` result says of vanished pairs' outboxes. */
export interface VanishedOutboxSummary {
  /** Vanished pairs whose outbox still held something. */
  readonly pairs: number;
  readonly sent: number;
  readonly pending: number;
  readonly historyNotMoved: number;
  /** Present only when some publish failed (they stay pending; the next sweep retries them). */
  readonly failures?: readonly PublishFailure[];
  /** Why their states could not be read this sweep (the next sweep tries again). */
  readonly error?: string;
}

export class VanishedPairOutboxes {
  constructor(private readonly deps: VanishedPairsDeps) {}

  /** Throws StoreError when the states cannot be read; publishing failures are reported, not thrown. */
  async finish(pairs: readonly FailoverPair[], deadline?: Date): Promise<VanishedOutboxes> {
    const states = await this.deps.store.loadStates(pairs.map((pair) => pair.id));
    const outboxes = pairs.flatMap((pair) => {
      const state = states.get(pairKey(pair.id));
      return (state?.outbox?.length ?? 0) > 0 ? [{ pair, state }] : [];
    });
    const busy = new Set(outboxes.map(({ pair }) => pairKey(pair.id)));
    const done = pairs.map((pair) => pairKey(pair.id)).filter((key) => !busy.has(key));
    if (outboxes.length === 0) return { done, pairsWithOutbox: 0, publishing: [], historyNotMoved: [] };
    const { publishing, historyNotMoved } = await finishOutboxes(this.deps, outboxes, { materialize: true, deadline });
    return { done, pairsWithOutbox: outboxes.length, publishing, historyNotMoved };
  }
}

export function summarizeVanishedOutboxes(outboxes: VanishedOutboxes): VanishedOutboxSummary {
  const failures = publishFailuresOf(outboxes.publishing);
  return {
    pairs: outboxes.pairsWithOutbox,
    ...countPublishing(outboxes.publishing),
    historyNotMoved: outboxes.historyNotMoved.length,
    ...(failures.length === 0 ? {} : { failures }),
  };
}
