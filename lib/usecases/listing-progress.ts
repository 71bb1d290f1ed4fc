/**
 * A Route 53 listing under way: the pieces its stretches gathered (one a run, lib/ports.ts `ListingStep`)
 * and the cursor where it goes on. What the discovery cache keeps between runs, and what the table keeps
 * for a new container (ListingStore) until the listing is complete.
 */
import type { FailoverPair, HealthCheckDefinition, RecordSet } from '../domain/model';
import { InventoryOrigin, ListingPhase, type Inventory, type ListingCursor, type ListingPiece, type SkippedEntry } from '../ports';

export const EMPTY_PIECE: ListingPiece = { pairs: [], recordSetsByZone: [], healthChecks: [], skipped: [] };

/** The pieces in one, in order (what a run writes when an earlier write of its progress failed). */
export function mergePieces(pieces: readonly ListingPiece[]): ListingPiece {
  if (pieces.length === 1) return pieces[0]!;
  return {
    pairs: pieces.flatMap((piece) => piece.pairs),
    recordSetsByZone: pieces.flatMap((piece) => piece.recordSetsByZone),
    healthChecks: pieces.flatMap((piece) => piece.healthChecks),
    skipped: pieces.flatMap((piece) => piece.skipped),
  };
}

export class ListingInProgress {
  private readonly pairs: FailoverPair[] = [];
  private readonly recordSetsByZone = new Map<string, readonly RecordSet[]>();
  private readonly healthChecks = new Map<string, HealthCheckDefinition>();
  private readonly skipped: SkippedEntry[] = [];
  /** Pieces gathered since the progress was last stored (all of them without a store). */
  private unstored: ListingPiece[] = [];

  constructor(
    readonly listingId: string,
    /** When the listing started (ms): a complete listing is at least as recent as this. */
    readonly startedAtMs: number,
    public cursor: ListingCursor,
    /** Stretches stored so far: the next one's number. */
    public storedStretches = 0,
    /** Runs that worked on it, in this container or before it (from the stored stretches). */
    public runs = 0,
  ) {}

  /** Adds a stretch's piece and moves the cursor on. */
  take(piece: ListingPiece, cursor: ListingCursor, stored = false): void {
    for (const pair of piece.pairs) this.pairs.push(pair);
    for (const [zoneId, records] of piece.recordSetsByZone) this.recordSetsByZone.set(zoneId, records);
    for (const check of piece.healthChecks) this.healthChecks.set(check.id, check);
    for (const entry of piece.skipped) this.skipped.push(entry);
    this.cursor = cursor;
    this.runs += 1;
    if (stored) this.storedStretches += 1;
    else this.unstored.push(piece);
  }

  get complete(): boolean {
    return this.cursor.phase === ListingPhase.DONE;
  }

  /** What is not in the table yet, as one piece; undefined when everything is. */
  unstoredPiece(): ListingPiece | undefined {
    return this.unstored.length === 0 ? undefined : mergePieces(this.unstored);
  }

  markStored(): void {
    this.unstored = [];
    this.storedStretches += 1;
  }

  /** Zones whose records are all in, of those known so far. */
  progress(): { readonly phase: ListingCursor['phase']; readonly zonesDone: number; readonly zones: number; readonly healthChecks: number; readonly runs: number } {
    return { phase: this.cursor.phase, zonesDone: this.cursor.zoneIndex, zones: this.cursor.zones.length, healthChecks: this.healthChecks.size, runs: this.runs };
  }

  /** The inventory gathered so far: the whole listing once complete, PARTIAL before. */
  inventory(healthChecksListedAtMs: number): Inventory {
    return {
      pairs: [...this.pairs],
      recordSetsByZone: new Map(this.recordSetsByZone),
      healthChecks: new Map(this.healthChecks),
      skipped: [...this.skipped],
      listedAt: { records: new Date(this.startedAtMs).toISOString(), healthChecks: new Date(healthChecksListedAtMs).toISOString() },
      ...(this.complete ? {} : { origin: InventoryOrigin.PARTIAL }),
    };
  }

  /** The health check definitions gathered (the whole set once a HEALTH_CHECKS-scope listing is complete). */
  checks(): { readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition>; readonly skipped: readonly SkippedEntry[] } {
    return { healthChecks: new Map(this.healthChecks), skipped: [...this.skipped] };
  }
}

/** A skipped health check (lib/aws/route53/mapping.ts names them so), as opposed to a record that does not pair. */
export function isHealthCheckEntry(entry: SkippedEntry): boolean {
  return entry.where.startsWith('health check ');
}

export function sameHealthChecks(inventory: Inventory, listed: { readonly healthChecks: ReadonlyMap<string, HealthCheckDefinition>; readonly skipped: readonly SkippedEntry[] }): boolean {
  const a = inventory.healthChecks;
  const b = listed.healthChecks;
  const skippedBefore = inventory.skipped.filter(isHealthCheckEntry);
  if (a.size !== b.size || skippedBefore.length !== listed.skipped.length) return false;
  if (skippedBefore.some((entry, index) => entry.where !== listed.skipped[index]?.where || entry.reason !== listed.skipped[index]?.reason)) return false;
  for (const [id, definition] of a) {
    const other = b.get(id);
    if (other === undefined || !sameDefinition(definition, other)) return false;
  }
  return true;
}

function sameDefinition(a: HealthCheckDefinition, b: HealthCheckDefinition): boolean {
  return (
    a.id === b.id &&
    a.type === b.type &&
    a.inverted === b.inverted &&
    a.disabled === b.disabled &&
    a.target === b.target &&
    a.healthThreshold === b.healthThreshold &&
    a.childHealthCheckIds.length === b.childHealthCheckIds.length &&
    a.childHealthCheckIds.every((child, index) => child === b.childHealthCheckIds[index])
  );
}
