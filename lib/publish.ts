/**
 * The outbox: every recorded transition is published at least once. A transition is written before
 * it is published; a run claims it (a lease, so two runs do not both send it), publishes, and marks it
 * published with the SNS message id. A failed publish leaves it pending for the next run.
 */
import type { FailoverPair, RecordSet, Transition } from './domain/model';
import { NotifierError } from './errors';
import { renderTransition } from './notify/render';
import type { Clock, Notifier, StateStore } from './ports';

export interface OutboxEntry {
  readonly pair: FailoverPair;
  readonly sequence: number;
  /** Present when this run just recorded it; otherwise it is read from the store. */
  readonly transition?: Transition;
}

export interface PublishOutcome {
  readonly transitionId: string;
  readonly kind?: string;
  /** PUBLISHED now; PENDING: left for the next run; CLAIMED_ELSEWHERE: another run holds it or sent it. */
  readonly status: 'PUBLISHED' | 'PENDING' | 'CLAIMED_ELSEWHERE';
  readonly messageId?: string;
  readonly error?: string;
}

interface PublishDeps {
  readonly store: StateStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly settings: { readonly publishLeaseSeconds: number };
}

export function recordValues(record: RecordSet): readonly string[] {
  return record.alias ? [record.alias.dnsName] : record.values;
}

export async function publishOutbox(deps: PublishDeps, entries: readonly OutboxEntry[], now: Date): Promise<PublishOutcome[]> {
  const outcomes: PublishOutcome[] = [];
  // Entries come in sequence order per pair, and are sent one by one so a FAILBACK never overtakes its FAILOVER.
  for (const entry of entries) outcomes.push(await publishOne(deps, entry, now));
  return outcomes;
}

async function publishOne(deps: PublishDeps, entry: OutboxEntry, now: Date): Promise<PublishOutcome> {
  const fallbackId = `${entry.pair.id.zoneId}|${entry.pair.id.name}|${entry.pair.id.type}#${entry.sequence}`;
  const leaseUntil = new Date(now.getTime() + deps.settings.publishLeaseSeconds * 1000);
  const claimed = await deps.store.claimForPublish(entry.pair.id, entry.sequence, now, leaseUntil);
  if (!claimed) return { transitionId: entry.transition?.id ?? fallbackId, status: 'CLAIMED_ELSEWHERE' };
  const transition = entry.transition ?? (await deps.store.getTransition(entry.pair.id, entry.sequence));
  if (!transition) {
    await deps.store.releaseClaim(entry.pair.id, entry.sequence);
    return { transitionId: fallbackId, status: 'PENDING', error: 'transition listed in the outbox but not found in history' };
  }
  const notification = renderTransition(transition, {
    zoneName: entry.pair.zoneName,
    primaryValues: recordValues(entry.pair.primary),
    secondaryValues: recordValues(entry.pair.secondary),
  });
  let messageId: string;
  try {
    ({ messageId } = await deps.notifier.publish(notification));
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    await deps.store.releaseClaim(entry.pair.id, entry.sequence);
    return { transitionId: transition.id, kind: transition.kind, status: 'PENDING', error: error.message };
  }
  try {
    await deps.store.markPublished(entry.pair.id, entry.sequence, messageId, deps.clock.now());
  } catch (error) {
    // Sent but not marked: once the lease runs out it is sent again. At least once, never lost.
    const reason = error instanceof Error ? error.message : String(error);
    return { transitionId: transition.id, kind: transition.kind, status: 'PENDING', messageId, error: `sent as ${messageId} but not marked published: ${reason}` };
  }
  return { transitionId: transition.id, kind: transition.kind, status: 'PUBLISHED', messageId };
}
