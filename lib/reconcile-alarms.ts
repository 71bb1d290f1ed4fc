/**
 * The managed-alarms use case: keep exactly one Failwatch alarm per watched health check, so a change
 * reaches the alarm function through EventBridge within about a minute, without a sweep. Runs after the
 * poll function's sweep, only when due, so a steady sweep makes no CloudWatch alarm calls:
 *   - the first sweep of a container,
 *   - a sweep whose inventory (the discovery cache) watches other health checks than last time, or
 *     other pairs depend on a check (each alarm's description names its check's pairs),
 *   - otherwise every `intervalSeconds` (FAILWATCH_ALARM_RECONCILE_MINUTES), to repair drift (an alarm
 *     deleted or changed by hand).
 * A failed or unfinished reconcile stays due, and is tried again at the next sweep.
 */
import { createHash } from 'node:crypto';
import { planAlarms, type AlarmPlan, type AlarmSettings } from './domain/alarm-plan';
import { pairKey } from './domain/model';
import { ConfigurationError, describeError } from './errors';
import type { AlarmManager, Clock, Inventory, InventorySource } from './ports';
import { planPairs } from './watch-scope';

export const AlarmReconcileStatus = {
  /** Managed alarms are turned off (FAILWATCH_MANAGE_ALARMS=false). */
  OFF: 'OFF',
  /** Nothing changed since the last reconcile, and the interval has not run out. */
  NOT_DUE: 'NOT_DUE',
  RECONCILED: 'RECONCILED',
  /** Stopped at the run's deadline; the rest is done at the next sweep. */
  UNFINISHED: 'UNFINISHED',
  FAILED: 'FAILED',
} as const;
export type AlarmReconcileStatus = (typeof AlarmReconcileStatus)[keyof typeof AlarmReconcileStatus];

/** What the poll function logs under `alarms`. */
export interface AlarmReconcileResult {
  readonly status: AlarmReconcileStatus;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /** Alarms under Failwatch's prefix without its tag: never touched. */
  readonly foreign: number;
  /** The first few foreign alarms, and why a check has no alarm when a foreign one holds its name. */
  readonly foreignAlarms?: readonly { readonly name: string; readonly blocks?: string }[];
  readonly error?: string;
}

export const ALARMS_OFF: AlarmReconcileResult = { status: AlarmReconcileStatus.OFF, created: 0, updated: 0, deleted: 0, foreign: 0 };
const FOREIGN_LISTED = 10;

export interface AlarmReconcilerOptions {
  readonly prefix: string;
  /** Longest time between two reconciles of a container (FAILWATCH_ALARM_RECONCILE_MINUTES · 60). */
  readonly intervalSeconds: number;
  readonly settings?: AlarmSettings;
}

/**
 * Every health check a watched pair depends on (the ones a sweep reads, CALCULATED children included),
 * in id order, each with the keys of the pairs that depend on it, sorted: its alarm's pair hint.
 */
export function watchedHealthChecks(inventory: Inventory): Map<string, string[]> {
  const pairsByCheck = new Map<string, string[]>();
  for (const { pair, healthCheckIds } of planPairs(inventory, { kind: 'ALL' })) {
    const key = pairKey(pair.id);
    for (const id of healthCheckIds) {
      // A record may name a check that no longer exists: it publishes no metric, so no alarm.
      if (!inventory.healthChecks.has(id)) continue;
      const keys = pairsByCheck.get(id) ?? [];
      if (!keys.includes(key)) keys.push(key);
      pairsByCheck.set(id, keys);
    }
  }
  return new Map([...pairsByCheck.keys()].sort().map((id) => [id, (pairsByCheck.get(id) ?? []).sort()]));
}

/** Built once per container with the poll function's deps, so "when due" spans warm invocations. */
export class AlarmReconciler {
  /** When the last reconcile finished, and a digest of what it made the alarms say (checks and their pairs). */
  private last: { readonly atMs: number; readonly idsKey: string } | undefined;

  constructor(
    private readonly alarms: AlarmManager,
    private readonly inventory: InventorySource,
    private readonly clock: Clock,
    private readonly options: AlarmReconcilerOptions,
  ) {
    if (!Number.isFinite(options.intervalSeconds) || options.intervalSeconds < 0) {
      throw new ConfigurationError(`AlarmReconciler intervalSeconds must be 0 or more, got ${String(options.intervalSeconds)}`);
    }
  }

  /** Never throws: a failure is reported in the result (the sweep it follows has already been recorded). */
  async reconcileIfDue(deadline?: Date): Promise<AlarmReconcileResult> {
    let watched: Map<string, string[]>;
    try {
      // The sweep just loaded it: served from the discovery cache, no Route 53 call.
      watched = watchedHealthChecks(await this.inventory.loadInventory());
    } catch (error) {
      return failed(error);
    }
    // A digest, not the text: at 5,000 checks the text is half a megabyte kept between sweeps.
    const idsKey = createHash('sha256').update(JSON.stringify([...watched])).digest('hex');
    const nowMs = this.clock.now().getTime();
    if (!this.isDue(nowMs, idsKey)) return { status: AlarmReconcileStatus.NOT_DUE, created: 0, updated: 0, deleted: 0, foreign: 0 };
    const done = { created: 0, updated: 0, deleted: 0 };
    try {
      const existing = await this.alarms.listAlarms();
      const plan = planAlarms({
        prefix: this.options.prefix,
        healthCheckIds: [...watched.keys()],
        pairKeys: watched,
        existing: existing.managed,
        foreign: existing.foreign,
        ...(this.options.settings ? { settings: this.options.settings } : {}),
      });
      await this.carryOut(plan, deadline, done);
      const finished = done.created + done.updated === plan.create.length + plan.update.length && done.deleted === plan.delete.length;
      if (finished) this.last = { atMs: nowMs, idsKey };
      return {
        status: finished ? AlarmReconcileStatus.RECONCILED : AlarmReconcileStatus.UNFINISHED,
        ...done,
        foreign: plan.foreign.length,
        ...(plan.foreign.length > 0 ? { foreignAlarms: plan.foreign.slice(0, FOREIGN_LISTED) } : {}),
      };
    } catch (error) {
      // What was done before the failure stands, and is reported.
      return { ...failed(error), ...done };
    }
  }

  private isDue(nowMs: number, idsKey: string): boolean {
    const last = this.last;
    if (last === undefined || last.idsKey !== idsKey) return true;
    const ageMs = nowMs - last.atMs;
    return ageMs < 0 || ageMs >= this.options.intervalSeconds * 1000;
  }

  /** Deletes first (they free alarm quota), then creates and updates, one call each, until the deadline. */
  private async carryOut(plan: AlarmPlan, deadline: Date | undefined, done: { created: number; updated: number; deleted: number }): Promise<void> {
    const pastDeadline = () => deadline !== undefined && this.clock.now().getTime() >= deadline.getTime();
    if (plan.delete.length > 0 && !pastDeadline()) {
      await this.alarms.deleteAlarms(plan.delete);
      done.deleted = plan.delete.length;
    }
    for (const [kind, specs] of [['created', plan.create], ['updated', plan.update]] as const) {
      for (const spec of specs) {
        if (pastDeadline()) return;
        await this.alarms.putAlarm(spec);
        done[kind]++;
      }
    }
  }
}

function failed(error: unknown): AlarmReconcileResult {
  return { status: AlarmReconcileStatus.FAILED, created: 0, updated: 0, deleted: 0, foreign: 0, error: describeError(error) };
}
