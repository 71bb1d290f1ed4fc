/**
 * Part `sweep`: Failwatch's poll and alarm functions on one account size, as deployed, each container a
 * fresh Node process. The rows, in order (see bench/README.md):
 *   - cold, no stored listing: a new poll container on an empty table, sweeping until its run result
 *     says the listing is complete (no `discovery.listing`; a container ended by the timeout is replaced, as Lambda does);
 *   - first store of definitions: the DynamoDB requests about pair definitions in every sweep that wrote one
 *     (the first store may spill past the sweep that completed the listing);
 *   - settling sweeps, then steady: the same container, sweeping until one writes nothing, then the measured one;
 *   - change 1%: the same container;
 *   - cold, stored listing: a new poll container on the table the first one filled, nothing changed;
 *   - re-listing sweep: a container with FAILWATCH_DISCOVERY_MAX_AGE_MINUTES=0, the sweep that completes a
 *     listing started while it had a complete one (the sweeps before it are kept);
 *   - alarm for one check, cold then warm container;
 *   - steady, V8 heap capped (sizes up to 5,000): a container with a smaller heap, after sweeps that settle
 *     what earlier rows left to move, so the measured sweep has nothing to write.
 */
import { DefinitionSyncStatus } from '../lib/usecases/sync-pair-definitions';
import { createTestTable } from '../local/dynalite';
import type { Container } from './containers';
import {
  alarmEventFor,
  changedCheckCount,
  containerEnvironment,
  loadEvent,
  noteStep,
  runStep,
  spreadPrimaries,
  startStand,
  stopStand,
  withContainer,
  type BenchContext,
  type StepFigures,
} from './stand';

/**
 * Extra V8 caps for the heap-capped row: Node sizes its heap from the machine and collects lazily when it
 * may grow, so an uncapped peak RSS overstates what a small function needs. The bench's choice, not Lambda's.
 */
export const CAPPED_HEAP_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=1'] as const;
/** The heap-capped container runs where the memory target is stated, not beyond. */
const HEAP_CAPPED_MAX_CHECKS = 5000;

export interface ColdListing {
  /** Every sweep of the cold containers until the listing completed (or the bench gave up), in order. */
  readonly sweeps: readonly StepFigures[];
  /** How many sweeps it took; absent when it did not complete within `maxSweeps`. */
  readonly sweepsToComplete?: number;
  readonly maxSweeps: number;
  /** Containers started: more than one when a sweep ran past the timeout and Lambda would have replaced the container. */
  readonly containers: number;
}

export interface SweepSize {
  readonly checks: number;
  readonly pairs: number;
  readonly zones: number;
  readonly changedChecks: number;
  readonly coldNoListing?: ColdListing;
  /** Every sweep of the first containers, before steady, that wrote pair definitions: their definitions' requests make the "first store of definitions" row. */
  readonly firstDefinitionsStore: readonly StepFigures[];
  /** Sweeps after the listing completed and before steady, until one wrote nothing (at most MAX_SETTLING_SWEEPS). */
  readonly settling?: readonly StepFigures[];
  /** The sweep that completed the listing on the empty table (Failwatch's "first run" beside the baselines'). */
  readonly listingSweep?: StepFigures;
  /** Definitions the first containers had written (`definitions.written`) when the stored-listing container started. */
  readonly definitionsStoredBefore?: number;
  readonly steady?: StepFigures;
  readonly change?: StepFigures;
  readonly coldStoredListing?: StepFigures;
  /** The max-age-0 container's sweeps before the measured one: its own (cold) listing, then the re-listing's earlier sweeps. */
  readonly relistEarlier?: readonly StepFigures[];
  /** The sweep that completed a listing started while the container had a complete one. */
  readonly relist?: StepFigures;
  /** How many sweeps that re-listing took, the measured one included. */
  readonly relistSweeps?: number;
  readonly alarmCold?: StepFigures;
  readonly alarmWarm?: StepFigures;
  readonly steadyHeapCapped?: StepFigures;
  /** The heap-capped container's sweeps before its steady one: its cold sweep and those that settled. */
  readonly heapCappedEarlier?: readonly StepFigures[];
  /** Peak RSS (the kernel's maxRSS) of each container at its end, and right after loading its bundle. */
  readonly peakRssMb: { readonly poll?: number; readonly pollStoredListing?: number; readonly pollRelist?: number; readonly alarm?: number; readonly heapCapped?: number };
  readonly loadedRssMb: { readonly poll?: number; readonly alarm?: number };
  readonly problems: readonly string[];
}

/**
 * Whether a sweep completed the listing it was on: it returned within its timeout, and its run result has
 * no listing under way (`discovery.listing`) and no failed listing call (`discovery.error`).
 */
export function listingCompleted(step: StepFigures): boolean {
  return step.error === undefined && step.timedOut !== true && step.discovery?.listing === undefined && step.discovery?.error === undefined;
}

/** Where a poll sweep was judged from: `discovery.judgedFrom`, COMPLETE when the result has no `discovery`; undefined when it returned none. */
export function judgedFrom(step: StepFigures): string | undefined {
  if (step.error !== undefined) return undefined;
  return step.discovery?.judgedFrom ?? 'COMPLETE';
}

/** Definition sync outcomes that leave work for the next sweep. */
const UNSETTLED_SYNC: ReadonlySet<string> = new Set([DefinitionSyncStatus.UNFINISHED, DefinitionSyncStatus.WAITING_FOR_LISTING, DefinitionSyncStatus.FAILED]);

/** A sweep that left nothing for the next one: its listing complete, its definition sync not unfinished, and nothing written. */
export function settled(step: StepFigures): boolean {
  return listingCompleted(step) && !UNSETTLED_SYNC.has(step.statuses?.['definitions'] ?? '') && step.dynamoWrites === 0;
}

/** Sweeps a row that claims to be steady may run first, to finish what earlier sweeps spilled (definitions, history). */
export const MAX_SETTLING_SWEEPS = 3;

/**
 * After `last`, sweeps until one has settled (at most MAX_SETTLING_SWEEPS), then the steady one; it stops
 * early when the container is gone. The steady sweep is measured even when none settled (its row says so).
 */
async function settleThenSteady(last: StepFigures, sweep: (what: string) => Promise<StepFigures>, gone: () => boolean): Promise<{ settling: StepFigures[]; steady?: StepFigures }> {
  const settling: StepFigures[] = [];
  let previous = last;
  while (!settled(previous) && settling.length < MAX_SETTLING_SWEEPS && !gone()) {
    previous = await sweep(`settling sweep ${settling.length + 1}`);
    settling.push(previous);
  }
  if (gone()) return { settling };
  return { settling, steady: await sweep('steady sweep') };
}

/** Enough sweeps for a listing that resumes at ~5,000 checks a run, and one more. */
export function maxListingSweeps(checks: number): number {
  return Math.ceil(checks / 5000) + 1;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export async function benchSweep(checks: number, context: BenchContext): Promise<SweepSize> {
  const stand = await startStand(checks);
  const problems: string[] = [];
  const size: Mutable<Omit<SweepSize, 'problems'>> = {
    checks,
    firstDefinitionsStore: [],
    pairs: stand.pairs.length,
    zones: stand.world.zones.length,
    changedChecks: changedCheckCount(checks),
    peakRssMb: {},
    loadedRssMb: {},
  };
  const peak: Mutable<SweepSize['peakRssMb']> = {};
  const loaded: Mutable<SweepSize['loadedRssMb']> = {};
  const scheduled = loadEvent(context.root, 'scheduled.json');
  const step = async (what: string, container: Container, event: unknown): Promise<StepFigures> => {
    const figures = await runStep(stand, container, event, context.stepTimeoutMs);
    noteStep(stand, context, problems, what, figures);
    return figures;
  };
  try {
    const table = await createTestTable(stand.servers.dynamo.endpoint, 'failwatch-bench-history');
    const env = containerEnvironment(stand, table);

    // A new poll container on an empty table, and its successors while a sweep times out.
    const maxSweeps = maxListingSweeps(checks);
    const sweeps: StepFigures[] = [];
    let containers = 0;
    let done = false;
    while (!done && sweeps.length < maxSweeps) {
      containers += 1;
      const run = await withContainer(stand, context, 'poll container, cold', context.children.poll, env, problems, async (poll) => {
        while (!poll.gone && sweeps.length < maxSweeps) {
          const sweep = await step(`cold sweep ${sweeps.length + 1}, no stored listing`, poll, scheduled);
          sweeps.push(sweep);
          // Lambda ends a container whose invocation timed out: the next sweep runs in a new one.
          if (sweep.timedOut === true) break;
          if (listingCompleted(sweep)) {
            done = true;
            size.listingSweep = sweep;
            const { settling, steady } = await settleThenSteady(sweep, (what) => step(what, poll, scheduled), () => poll.gone);
            size.settling = settling;
            if (steady === undefined) return settling.at(-1)?.peakRssMb;
            size.steady = steady;
            size.definitionsStoredBefore = [...sweeps, ...settling, steady].reduce((sum, x) => sum + (x.result['definitions.written'] ?? 0), 0);
            // The cold container with a stored listing runs between steady and change, on a table nothing has changed since.
            const stored = await withContainer(stand, context, 'poll container, stored listing', context.children.poll, env, problems, async (second) => {
              size.coldStoredListing = await step('cold sweep, stored listing', second, scheduled);
              return size.coldStoredListing.peakRssMb;
            });
            peak.pollStoredListing = stored.value;
            for (const id of spreadPrimaries(stand.pairs, size.changedChecks)) stand.world.setHealthy(id, false);
            size.change = await step(`change ${size.changedChecks} checks (1%)`, poll, scheduled);
            return size.change.peakRssMb;
          }
        }
        return sweeps.at(-1)?.peakRssMb;
      });
      if (run.value !== undefined) peak.poll = Math.max(peak.poll ?? 0, run.value);
      loaded.poll ??= run.loadedRssMb;
      if (run.loadedRssMb === undefined) break;
    }
    size.coldNoListing = { sweeps, maxSweeps, containers, ...(done ? { sweepsToComplete: sweeps.length } : {}) };
    size.firstDefinitionsStore = [...sweeps, ...(size.settling ?? [])].filter((x) => x.dynamoDefinitionWrites > 0);
    if (!done) problems.push(`${checks} checks: the listing did not complete within ${maxSweeps} sweeps; the rows that need it were not measured`);

    if (done) {
      const relist = await withContainer(stand, context, 'poll container, discovery max age 0', context.children.poll, containerEnvironment(stand, table, { FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: '0' }), problems, async (poll) => {
        // Its own listing first (judged from the stored one meanwhile); then, the max age being 0, a new listing
        // starts while it has a complete one: the sweep that completes that one is the row.
        const earlier: StepFigures[] = [];
        let hadComplete = false;
        let started = 0;
        for (let i = 0; i < 2 * maxListingSweeps(checks) + 1 && !poll.gone; i += 1) {
          const sweep = await step(hadComplete ? 're-listing sweep (warm, discovery max age 0)' : 'cold sweep, discovery max age 0', poll, scheduled);
          if (hadComplete && listingCompleted(sweep)) {
            size.relist = sweep;
            size.relistSweeps = earlier.length - started + 1;
            break;
          }
          earlier.push(sweep);
          if (!hadComplete && listingCompleted(sweep)) {
            hadComplete = true;
            started = earlier.length;
          }
        }
        size.relistEarlier = earlier;
        if (size.relist === undefined) {
          problems.push(`${checks} checks: no re-listing completed in the max-age-0 container within ${earlier.length} sweeps`);
          return earlier.at(-1)?.peakRssMb;
        }
        return size.relist.peakRssMb;
      });
      peak.pollRelist = relist.value;
    }

    const [coldAlarmPair, warmAlarmPair] = [stand.pairs[stand.pairs.length - 1]!, stand.pairs[stand.pairs.length - 2] ?? stand.pairs[0]!];
    const alarm = await withContainer(stand, context, 'alarm container', context.children.alarm, env, problems, async (container) => {
      stand.world.setHealthy(coldAlarmPair.primaryCheckId, false);
      size.alarmCold = await step('alarm, cold container', container, alarmEventFor(context.root, coldAlarmPair));
      // Lambda replaces a container ended by the timeout: a "warm" invocation would be another cold one.
      if (container.gone || size.alarmCold.timedOut === true) return size.alarmCold.peakRssMb;
      stand.world.setHealthy(warmAlarmPair.primaryCheckId, false);
      size.alarmWarm = await step('alarm, warm container', container, alarmEventFor(context.root, warmAlarmPair));
      return size.alarmWarm.peakRssMb;
    });
    peak.alarm = alarm.value;
    loaded.alarm = alarm.loadedRssMb;

    if (done && checks <= HEAP_CAPPED_MAX_CHECKS) {
      const capped = await withContainer(
        stand,
        context,
        'poll container, heap capped',
        context.children.poll,
        env,
        problems,
        async (container) => {
          // The cold sweep observes the alarms' changes; the settling ones move what they left to history. Then nothing is left to do.
          const cold = await step('heap capped: cold sweep', container, scheduled);
          const { settling, steady } = await settleThenSteady(cold, (what) => step(`heap capped: ${what}`, container, scheduled), () => container.gone);
          size.heapCappedEarlier = [cold, ...settling];
          if (steady === undefined) return settling.at(-1)?.peakRssMb ?? cold.peakRssMb;
          size.steadyHeapCapped = steady;
          return size.steadyHeapCapped.peakRssMb;
        },
        CAPPED_HEAP_FLAGS,
      );
      peak.heapCapped = capped.value;
    }
  } finally {
    await stopStand(stand);
  }
  return { ...size, peakRssMb: peak, loadedRssMb: loaded, problems };
}
