/**
 * Shared steps for the notice scenarios (hysteresis, flapping, reminders, silences, a blind watch):
 * the reference pair, driven through the real poll handler at instants the test chooses.
 */
import { pairKey } from '../../lib/domain/model';
import type { StoredNotice, StoredTransition } from '../../lib/ports';
import { loadEvent, type Harness } from '../../local/harness';
import { REFERENCE, type PublishedMessage, type SimulatedAws } from '../../local/simulated-aws';

export const PAIR_ID = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' } as const;
export const PAIR_KEY = pairKey(PAIR_ID);
export const START = Date.UTC(2026, 10, 25, 8, 0);

export function minutesIn(minutes: number): Date {
  return new Date(START + minutes * 60_000);
}

export interface SweepResult {
  readonly recorded: string[];
  readonly sent: PublishedMessage[];
}

/** Sets the primary's health, moves the clock to `minutes` after START, and runs one scheduled sweep. */
export async function sweepAt(harness: Harness, account: SimulatedAws, minutes: number, primaryHealthy: boolean): Promise<SweepResult> {
  account.setHealthy(REFERENCE.primaryCheckId, primaryHealthy);
  harness.clock.set(minutesIn(minutes));
  const before = { transitions: (await harness.store.listTransitions(PAIR_ID, 1000)).length, sent: account.published.length };
  await harness.poll(loadEvent('scheduled.json'));
  const transitions = await harness.store.listTransitions(PAIR_ID, 1000);
  return {
    recorded: transitions.slice(0, transitions.length - before.transitions).reverse().map((t) => t.kind),
    sent: account.published.slice(before.sent),
  };
}

/** Oldest first. */
export async function history(harness: Harness): Promise<StoredTransition[]> {
  return [...(await harness.store.listTransitions(PAIR_ID, 1000))].reverse();
}

export async function notices(harness: Harness): Promise<readonly StoredNotice[]> {
  return harness.store.listNotices(PAIR_ID, 1000);
}

export function kinds(messages: readonly PublishedMessage[]): string[] {
  return messages.map((m) => m.attributes['kind'] ?? '?');
}
