/**
 * Keeps each pair's definition in the table for the alarm function, from the poll function's listing.
 * Runs after the sweep, and does something only when the inventory is new (a cold container, discovery
 * listed Route 53 again, or a health check definition changed since the last sweep, which lists them
 * every time): a steady sweep makes no call at all. Then it hashes every pair's definition and compares
 * it with the stored copy's hash, read for each new listing of the records, 100 a request (another poll
 * container may have written since: what this one wrote is no proof of what is stored now), and after a
 * change of health checks only for the pairs whose definition changed; only definitions that differ are
 * written, 25 a request. So a check disabled or inverted reaches the alarm function with the next
 * sweep's stored definitions. Pairs the container saw in an earlier listing and no longer lists lose
 * their definition. A failure or the deadline leaves the rest to the next sweep, which does not read
 * again what it already checked in the same listing.
 * What a vanished pair's outbox still holds is finished every sweep, from the pair as this container last
 * listed it, until the outbox is empty (lib/usecases/vanished-pairs.ts).
 */
import { pairKey, parsePairKey, type FailoverPair, type PairId } from '../domain/model';
import { chunksOf, mapBounded } from '../batches';
import { definePair, type PairDefinition } from '../domain/pair-definition';
import { describeError } from '../errors';
import { isPastDeadline } from './deadline';
import { encodePairDefinition, hashPairDefinition } from '../pair-definition-codec';
import { InventoryOrigin, type Clock, type Inventory, type InventorySource, type ListingStore, type PairDefinitionStore, type PairDefinitionWriter } from '../ports';
import { summarizeVanishedOutboxes, type VanishedOutboxSummary, type VanishedPairOutboxes } from './vanished-pairs';
import { zoneRecordsOf } from './watch-scope';

export const DefinitionSyncStatus = {
  /** The listing is the one already synced (or was read from the stored definitions): nothing read, nothing written. */
  NOT_DUE: 'NOT_DUE',
  /** The sweep judged from a listing not complete yet (the first one ever): nothing is stored from it. */
  WAITING_FOR_LISTING: 'WAITING_FOR_LISTING',
  SYNCED: 'SYNCED',
  /** Stopped at the run's deadline; the next sweep does the rest. */
  UNFINISHED: 'UNFINISHED',
  FAILED: 'FAILED',
} as const;
export type DefinitionSyncStatus = (typeof DefinitionSyncStatus)[keyof typeof DefinitionSyncStatus];

/** What the poll function logs under `definitions`. */
export interface DefinitionSyncResult {
  readonly status: DefinitionSyncStatus;
  /** Pairs whose stored definition was read (ones this container knew nothing about). */
  readonly read: number;
  readonly written: number;
  readonly deleted: number;
  /** Writes that recorded the complete listing's pair keys and dropped its stored progress (ListingStore); absent when none. */
  readonly listingWrites?: number;
  /** Present while pairs this container listed before and no longer lists still have something in their outbox. */
  readonly vanishedOutboxes?: VanishedOutboxSummary;
  readonly error?: string;
}

/** Pairs per read (BatchGetItem's 100 keys) and per write (BatchWriteItem's 25), and tasks at once: bounds time and memory. */
const READ_CHUNK = 100;
const WRITE_CHUNK = 25;
const CONCURRENCY = 4;

interface Progress {
  read: number;
  written: number;
  deleted: number;
}

/** Built once per container with the poll function's deps, so what it knows survives warm invocations. */
export class PairDefinitionSync {
  /** Keys of the pairs whose definition this container found stored or wrote: those to delete once unlisted. */
  private readonly stored = new Set<string>();
  /** The records listing `checked` is about, and the hash of each pair's definition found stored or written for it. */
  private checkedFor: string | Inventory | undefined;
  private readonly checked = new Map<string, string>();
  /** Listings already synced; weak, so a replaced listing is not kept alive for this. */
  private readonly synced = new WeakSet<Inventory>();
  /** Every pair of the listings synced, by key, as last listed: what a vanished pair's outbox is rendered from. */
  private readonly listed = new Map<string, FailoverPair>();
  /** Pairs listed before and gone since whose outbox may still hold something, by key. */
  private readonly vanished = new Map<string, FailoverPair>();
  /** Vanished pairs whose outbox the last sweep found empty: forgotten if the next one does too. */
  private readonly seenEmpty = new Set<string>();

  constructor(
    private readonly store: Pick<PairDefinitionStore, 'loadDefinitionHashes'>,
    private readonly writer: PairDefinitionWriter,
    private readonly inventory: InventorySource,
    private readonly clock: Clock,
    /** Finishes vanished pairs' outboxes; without it they are left as they are. */
    private readonly vanishedOutboxes?: Pick<VanishedPairOutboxes, 'finish'>,
    /** Told when a complete listing's definitions are all stored, so a new container starts from it. */
    private readonly listings?: Pick<ListingStore, 'saveComplete'>,
  ) {}

  /** Never throws: a failure is reported in the result (the sweep it follows has already been recorded). */
  async syncIfListed(deadline?: Date): Promise<DefinitionSyncResult> {
    const result = await this.syncDefinitions(deadline);
    const vanishedOutboxes = await this.finishVanishedOutboxes(deadline);
    return vanishedOutboxes === undefined ? result : { ...result, vanishedOutboxes };
  }

  private async syncDefinitions(deadline: Date | undefined): Promise<DefinitionSyncResult> {
    const done: Progress = { read: 0, written: 0, deleted: 0 };
    try {
      // The sweep's own inventory: never a second listing in the run.
      const inventory = await this.inventory.loadInventory({ fromThisRun: true });
      if (this.synced.has(inventory)) return { status: DefinitionSyncStatus.NOT_DUE, ...done };
      if (inventory.origin === InventoryOrigin.PARTIAL) return { status: DefinitionSyncStatus.WAITING_FOR_LISTING, ...done };
      if (inventory.origin === InventoryOrigin.STORED) {
        this.rememberStored(inventory);
        return { status: DefinitionSyncStatus.NOT_DUE, ...done };
      }
      const finished = await this.sync(inventory, () => isPastDeadline(this.clock, deadline), done);
      if (!finished) return { status: DefinitionSyncStatus.UNFINISHED, ...done };
      const listingWrites = (await this.listings?.saveComplete(inventory.pairs.map((pair) => pairKey(pair.id)))) ?? 0;
      this.synced.add(inventory);
      return { status: DefinitionSyncStatus.SYNCED, ...done, ...(listingWrites > 0 ? { listingWrites } : {}) };
    } catch (error) {
      return { status: DefinitionSyncStatus.FAILED, ...done, error: describeError(error) };
    }
  }

  /** Every sweep while there are any, listing or not; reported only while an outbox holds something or the read failed. */
  private async finishVanishedOutboxes(deadline: Date | undefined): Promise<VanishedOutboxSummary | undefined> {
    if (!this.vanishedOutboxes || this.vanished.size === 0 || isPastDeadline(this.clock, deadline)) return undefined;
    try {
      const outboxes = await this.vanishedOutboxes.finish([...this.vanished.values()], deadline);
      // Empty at two sweeps, not one: an alarm invocation that read the pair's definition before it was
      // deleted may still commit a transition within its timeout (30 s), and the read is eventually consistent.
      const empty = new Set(outboxes.done);
      for (const key of this.vanished.keys()) {
        if (!empty.has(key)) this.seenEmpty.delete(key);
        else if (this.seenEmpty.delete(key)) this.vanished.delete(key);
        else this.seenEmpty.add(key);
      }
      return outboxes.pairsWithOutbox > 0 ? summarizeVanishedOutboxes(outboxes) : undefined;
    } catch (error) {
      return { pairs: this.vanished.size, sent: 0, pending: 0, historyNotMoved: 0, error: describeError(error) };
    }
  }

  /** True when every pair's definition is known stored and every vanished pair's is removed. */
  private async sync(inventory: Inventory, pastDeadline: () => boolean, done: Progress): Promise<boolean> {
    // The same records listing with new health checks: what was checked stands, for definitions unchanged.
    const listing = inventory.listedAt?.records ?? inventory;
    if (this.checkedFor !== listing) {
      this.checkedFor = listing;
      this.checked.clear();
    }
    const current = new Map<string, string>();
    const unchecked: FailoverPair[] = [];
    // Hashes only: definitions are built again, a chunk at a time, for the few that are written.
    for (const pair of inventory.pairs) {
      const key = pairKey(pair.id);
      const hash = hashPairDefinition(encodePairDefinition(defineFrom(inventory, pair)));
      current.set(key, hash);
      if (this.checked.get(key) !== hash) unchecked.push(pair);
      this.listed.set(key, pair);
      this.vanished.delete(key);
      this.seenEmpty.delete(key);
    }
    // Listed before, not now: kept for what its outbox may still hold.
    for (const [key, pair] of this.listed) {
      if (current.has(key)) continue;
      this.vanished.set(key, pair);
      this.listed.delete(key);
    }
    const gone = [...this.stored].filter((key) => !current.has(key));

    const write = async (pairs: readonly FailoverPair[]): Promise<void> => {
      if (pairs.length === 0) return;
      await this.writer.writeDefinitions({ put: pairs.map((pair) => defineFrom(inventory, pair)), remove: [] });
      for (const pair of pairs) {
        const key = pairKey(pair.id);
        this.remember(key, current.get(key) ?? '');
      }
      done.written += pairs.length;
    };
    const tasks: (() => Promise<void>)[] = [];
    for (const chunk of chunksOf(unchecked, READ_CHUNK)) {
      tasks.push(async () => {
        const stored = await this.store.loadDefinitionHashes(chunk.map((pair) => pair.id));
        done.read += chunk.length;
        const differing = chunk.filter((pair) => {
          const key = pairKey(pair.id);
          const hash = current.get(key) ?? '';
          if (stored.get(key) !== hash) return true;
          this.remember(key, hash);
          return false;
        });
        for (const part of chunksOf(differing, WRITE_CHUNK)) await write(part);
      });
    }
    const remove = gone.flatMap((key): PairId[] => {
      const id = parsePairKey(key);
      return id === undefined ? [] : [id];
    });
    for (const chunk of chunksOf(remove, WRITE_CHUNK)) {
      tasks.push(async () => {
        await this.writer.writeDefinitions({ put: [], remove: chunk });
        for (const id of chunk) this.stored.delete(pairKey(id));
        done.deleted += chunk.length;
      });
    }
    return (await mapBounded(tasks, CONCURRENCY, (task) => task(), pastDeadline)).length === tasks.length;
  }

  /** Read from the stored definitions: stored as they are, and what a later listing no longer has is removed. */
  private rememberStored(inventory: Inventory): void {
    for (const pair of inventory.pairs) {
      const key = pairKey(pair.id);
      this.stored.add(key);
      this.listed.set(key, pair);
    }
    this.synced.add(inventory);
  }

  private remember(key: string, hash: string): void {
    this.stored.add(key);
    this.checked.set(key, hash);
  }
}

function defineFrom(inventory: Inventory, pair: FailoverPair): PairDefinition {
  return definePair(pair, zoneRecordsOf(inventory, pair), inventory.healthChecks);
}
