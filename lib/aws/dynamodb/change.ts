/**
 * The shape `record` relies on, checked before anything is written: a change that breaks it would
 * commit a history that contradicts its own state (a gap, another pair's transition, a wrong count).
 */
import { pairKey } from '../../domain/model';
import { StoreError } from '../../errors';
import type { StateChange } from '../../ports';

export function assertCoherentChange(change: StateChange): void {
  const key = pairKey(change.next.pairId);
  const problem = findProblem(change, key);
  if (problem !== undefined) throw new StoreError(`Refusing to record an incoherent change of ${key}: ${problem}`, false);
}

function findProblem(change: StateChange, key: string): string | undefined {
  if (change.expected !== undefined && pairKey(change.expected.pairId) !== key) {
    return `expected state is of ${pairKey(change.expected.pairId)}`;
  }
  const previous = change.expected?.sequence ?? 0;
  for (const [index, transition] of change.transitions.entries()) {
    const wanted = previous + 1 + index;
    if (transition.sequence !== wanted) return `transition ${transition.id} has sequence ${transition.sequence}, expected ${wanted}`;
    if (pairKey(transition.pairId) !== key || pairKey(transition.stateAfter.pairId) !== key) return `transition ${transition.id} is of another pair`;
    if (transition.stateAfter.sequence !== transition.sequence) {
      return `transition ${transition.id} has stateAfter.sequence ${transition.stateAfter.sequence}, expected ${transition.sequence}`;
    }
  }
  const last = previous + change.transitions.length;
  if (change.next.sequence !== last) return `next state has sequence ${change.next.sequence}, expected ${last}`;
  return undefined;
}
