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
import { chunksOf } from '../batches';
import { blockedBecause, planAlarms, type AlarmPlan, type AlarmSettings } from '../domain/alarm-plan';
import { pairKey } from '../domain/model';
import { ConfigurationError, describeError } from '../errors';
import { isPastDeadline } from './deadline';
import { AlarmOwnership, type AlarmManager, type Clock, type Inventory, type InventorySource } from '../ports';
import { planPairs } from './watch-scope';

export const AlarmReconcileStatus = {
  /** Managed alarms are turned off (FAILWATCH_MANAGE_ALARMS=false). */
  OFF: 'OFF',
  /** Nothing changed since the last reconcile, and the interval has not run out. */
  NOT_DUE: 'NOT_DUE',
  /**
   * The sweep judged from a stored or partial listing (discovery under way, lib/usecases/cached-inventory.ts):
   * alarms are reconciled from a complete listing of Route 53 only, so none is deleted for a pair not listed yet.
   */
  WAITING_FOR_LISTING: 'WAITING_FOR_LISTING',
  RECONCILED: 'RECONCILED',
  /**
   * Stopped at the run's deadline (listing, reading tags, deleting, creating or updating), or an alarm to
   * update was deleted meanwhile; what was done stands, and the next sweep, still due, does the rest.
   */
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
  /**
   * Alarms named `<prefix>-<health check id>` (a name Failwatch would use) without its tag, found by the
   * listing or when an alarm's tags were read again before an update or a delete: never touched. Other
   * names under the prefix (another stage's `<prefix>-eu-…`, `<prefix>-dead-letters`) are not counted.
   */
  readonly foreign: number;
  /** The first few foreign alarms, and why a check has no alarm when a foreign one holds its name. */
  readonly foreignAlarms?: readonly { readonly name: string; readonly blocks?: string }[];
  readonly error?: string;
}

export const ALARMS_OFF: AlarmReconcileResult = { status: AlarmReconcileStatus.OFF, created: 0, updated: 0, deleted: 0, foreign: 0 };
const FOREIGN_LISTED = 10;
/** Names per DeleteAlarms call (CloudWatch takes at most 100): the deadline is checked between calls. */
const DELETE_BATCH = 100;

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
      // The sweep's own inventory: never a second listing in the run.
      const inventory = await this.inventory.loadInventory({ fromThisRun: true });
      if (inventory.origin !== undefined) return { status: AlarmReconcileStatus.WAITING_FOR_LISTING, created: 0, updated: 0, deleted: 0, foreign: 0 };
      watched = watchedHealthChecks(inventory);
    } catch (error) {
      return failed(error);
    }
    // A digest, not the text: at 5,000 checks the text is half a megabyte kept between sweeps.
    const idsKey = createHash('sha256').update(JSON.stringify([...watched])).digest('hex');
    const nowMs = this.clock.now().getTime();
    if (!this.isDue(nowMs, idsKey)) return { status: AlarmReconcileStatus.NOT_DUE, created: 0, updated: 0, deleted: 0, foreign: 0 };
    const pastDeadline = () => isPastDeadline(this.clock, deadline);
    const done: Progress = { created: 0, updated: 0, deleted: 0, foreign: [] };
    try {
      if (pastDeadline()) return result(AlarmReconcileStatus.UNFINISHED, done);
      const existing = await this.alarms.listAlarms(pastDeadline);
      // A partial listing cannot say which alarms are missing or no longer wanted: nothing is changed.
      if (!existing.complete) return result(AlarmReconcileStatus.UNFINISHED, { ...done, foreign: existing.foreign });
      const plan = planAlarms({
        prefix: this.options.prefix,
        healthCheckIds: [...watched.keys()],
        pairKeys: watched,
        existing: existing.managed,
        foreign: existing.foreign,
        ...(this.options.settings ? { settings: this.options.settings } : {}),
      });
      done.foreign.push(...plan.foreign);
      const finished = await this.carryOut(plan, pastDeadline, done);
      if (finished) this.last = { atMs: nowMs, idsKey };
      return result(finished ? AlarmReconcileStatus.RECONCILED : AlarmReconcileStatus.UNFINISHED, done);
    } catch (error) {
      // What was done before the failure stands, and is reported.
      return { ...failed(error), created: done.created, updated: done.updated, deleted: done.deleted };
    }
  }

  private isDue(nowMs: number, idsKey: string): boolean {
    const last = this.last;
    if (last === undefined || last.idsKey !== idsKey) return true;
    const ageMs = nowMs - last.atMs;
    return ageMs < 0 || ageMs >= this.options.intervalSeconds * 1000;
  }

  /**
   * Deletes first (they free alarm quota), one DeleteAlarms call per batch, then creates and updates, one
   * call each, checking the deadline before each call and each tag read. Each alarm to delete or update
   * has its tags read again first: one no longer tagged is left alone and reported as foreign. A batch
   * whose reads the deadline cut short still deletes what those reads confirmed (one call past it, at
   * most). True when the plan is done.
   */
  private async carryOut(plan: AlarmPlan, pastDeadline: () => boolean, done: Progress): Promise<boolean> {
    for (const batch of chunksOf(plan.delete, DELETE_BATCH)) {
      const confirmed: string[] = [];
      let stopped = false;
      for (const name of batch) {
        if (pastDeadline()) {
          stopped = true;
          break;
        }
        const ownership = await this.alarms.confirmOwnership(name);
        if (ownership === AlarmOwnership.OURS) confirmed.push(name);
        else if (ownership === AlarmOwnership.NOT_OURS) done.foreign.push({ name });
        // GONE: someone deleted it already.
      }
      if (confirmed.length > 0) {
        await this.alarms.deleteAlarms(confirmed);
        done.deleted += confirmed.length;
      }
      if (stopped) return false;
    }
    for (const spec of plan.create) {
      if (pastDeadline()) return false;
      await this.alarms.putAlarm(spec);
      done.created++;
    }
    let finished = true;
    for (const spec of plan.update) {
      if (pastDeadline()) return false;
      const ownership = await this.alarms.confirmOwnership(spec.name);
      if (ownership === AlarmOwnership.OURS) {
        await this.alarms.putAlarm(spec);
        done.updated++;
      } else if (ownership === AlarmOwnership.NOT_OURS) {
        done.foreign.push({ name: spec.name, blocks: blockedBecause(spec.healthCheckId) });
      } else {
        // Deleted since the listing: the next sweep lists again and creates it.
        finished = false;
      }
    }
    return finished;
  }
}

interface Progress {
  created: number;
  updated: number;
  deleted: number;
  /** Foreign alarms: the plan's, and those found untagged when confirmed before a change. */
  readonly foreign: { readonly name: string; readonly blocks?: string }[];
}

function result(status: AlarmReconcileStatus, done: Pick<Progress, 'created' | 'updated' | 'deleted'> & { readonly foreign: readonly { readonly name: string; readonly blocks?: string }[] }): AlarmReconcileResult {
  const foreign = [...done.foreign].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    status,
    created: done.created,
    updated: done.updated,
    deleted: done.deleted,
    foreign: foreign.length,
    ...(foreign.length > 0 ? { foreignAlarms: foreign.slice(0, FOREIGN_LISTED) } : {}),
  };
}

function failed(error: unknown): AlarmReconcileResult {
  return { status: AlarmReconcileStatus.FAILED, created: 0, updated: 0, deleted: 0, foreign: 0, error: describeError(error) };
}
