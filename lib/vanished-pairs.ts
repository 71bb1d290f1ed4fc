/**
 * A pair the poll container listed before and no longer lists (its records changed or were deleted) is
 * no longer swept, so nothing would ever send what its outbox still holds: a FAILOVER recorded while SNS
 * was down, then the records removed, would never be announced. Before the pair's definition is forgotten
 * (lib/sync-pair-definitions.ts), its outbox is finished like any swept pair's: PENDING entries published
 * in order under the usual claims, final ones moved to history. The definition is kept, and the pair tried
 * again next sweep, until its outbox is empty.
 */
import { pairKey, type PairId } from './domain/model';
import { finishOutboxes, type PairOutbox, type PublishOutcome } from './publish';
import type { Clock, Notifier, PairDefinitionStore, StateStore } from './ports';

export interface VanishedPairsDeps {
  readonly store: StateStore;
  readonly definitions: Pick<PairDefinitionStore, 'loadDefinitions'>;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly settings: { readonly publishLeaseSeconds: number; readonly pairConcurrency: number };
}

export interface VanishedOutboxes {
  /** Pairs nothing is left to do for (an empty outbox, or one that cannot be rendered): their definition may go. */
  readonly done: readonly PairId[];
  /** How many of the pairs had anything in their outbox. */
  readonly pairsWithOutbox: number;
  /** What was published (or left pending) from the others' outboxes. */
  readonly publishing: readonly PublishOutcome[];
  /** Pairs whose entries could not be moved to history this time. */
  readonly historyNotMoved: readonly { readonly pair: string; readonly error: string }[];
  /** Pairs with an outbox but no readable stored definition: their entries cannot be rendered, so they stay in the table unsent. */
  readonly unrenderable: readonly string[];
}

/** What a finished vanished pairs' outboxes report in the poll function's `definitions` result. */
export interface VanishedOutboxSummary {
  readonly pairs: number;
  readonly sent: number;
  readonly pending: number;
  readonly historyNotMoved: number;
  readonly unrenderable: readonly string[];
}

export class VanishedPairOutboxes {
  constructor(private readonly deps: VanishedPairsDeps) {}

  /** Throws StoreError when the states or definitions cannot be read; publishing failures are reported, not thrown. */
  async finish(pairIds: readonly PairId[], deadline?: Date): Promise<VanishedOutboxes> {
    const states = await this.deps.store.loadStates(pairIds);
    const withOutbox = pairIds.filter((id) => (states.get(pairKey(id))?.outbox?.length ?? 0) > 0);
    const empty = pairIds.filter((id) => !withOutbox.includes(id));
    if (withOutbox.length === 0) return { done: empty, pairsWithOutbox: 0, publishing: [], historyNotMoved: [], unrenderable: [] };
    const definitions = await this.deps.definitions.loadDefinitions(withOutbox);
    const outboxes: PairOutbox[] = [];
    const unrenderable: PairId[] = [];
    for (const id of withOutbox) {
      const definition = definitions.get(pairKey(id));
      if (definition === undefined) unrenderable.push(id);
      else outboxes.push({ pair: definition.pair, state: states.get(pairKey(id)) });
    }
    const { publishing, historyNotMoved } = await finishOutboxes(this.deps, outboxes, { materialize: true, deadline });
    return { done: [...empty, ...unrenderable], pairsWithOutbox: withOutbox.length, publishing, historyNotMoved, unrenderable: unrenderable.map(pairKey) };
  }
}

export function summarizeVanishedOutboxes(outboxes: VanishedOutboxes): VanishedOutboxSummary {
  return {
    pairs: outboxes.pairsWithOutbox,
    sent: outboxes.publishing.filter((entry) => entry.status === 'PUBLISHED').length,
    pending: outboxes.publishing.filter((entry) => entry.status === 'PENDING').length,
    historyNotMoved: outboxes.historyNotMoved.length,
    unrenderable: outboxes.unrenderable,
  };
}
