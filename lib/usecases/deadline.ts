/** The run's deadline as the use cases read it: time is the Clock port's, the deadline the handler's. */
import type { Clock } from '../ports';

/** Whether the clock has reached `marginMs` before the deadline; never, without a deadline. */
export function isPastDeadline(clock: Clock, deadline: Date | undefined, marginMs = 0): boolean {
  return deadline !== undefined && clock.now().getTime() >= deadline.getTime() - marginMs;
}
