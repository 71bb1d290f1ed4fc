/**
 * One look at a pair, decided whole: its serving state (lib/domain/notice-policy.ts), what Failwatch says
 * of its configuration (lib/domain/config-notices.ts) and which of its checks have had data
 * (`ChecksWithData`, lib/domain/model.ts). The last two are the pair's watch, kept beside the serving
 * state and kept for a pair that has none: a pair never judgeable still gets its configuration notices,
 * and a check's past is known from its pair's first look on. Pure: what to write, or nothing.
 */
import { decideConfigNotices, type ConfigLook, type ConfigNotice, type ConfigWatch } from './config-notices';
import { noteChecksWithData } from './health';
import type { ChecksWithData, MetricReading, PairObservation, PairState, Transition } from './model';
import { decideStep, type NoticeSettings } from './notice-policy';
import type { Notice } from './notices';
import type { Silence } from './silences';

export interface PairWatch {
  /** What Failwatch has said about the pair's configuration; absent: nothing yet (the next look is a first look). */
  readonly config?: ConfigWatch;
  /**
   * Sorted: the pair's checks that have had a `HealthCheckStatus` datapoint since Failwatch first looked
   * at the pair, and those it had at that first look (whose past it cannot know). Absent: no look kept
   * yet, so every check counts as having had data. A check attached later and never seen with data is
   * new: Route 53 counts it healthy (unhealthy when inverted) until it has data.
   */
  readonly checksWithData?: readonly string[];
}

/** What is stored of the pair before this look. */
export interface StoredWatch {
  readonly state: PairState | undefined;
  readonly watch: PairWatch | undefined;
}

export interface WatchLook {
  readonly observation: PairObservation;
  /** Every health check judging the pair reads (CALCULATED children included). */
  readonly healthCheckIds: readonly string[];
  readonly metrics: ReadonlyMap<string, MetricReading>;
  /** The configuration as listed for this look; absent when this run cannot date it (no configuration decision). */
  readonly config: ConfigLook | undefined;
  readonly settings: NoticeSettings;
  readonly silences: readonly Silence[];
}

export interface WatchDecision {
  /** Whether anything is to be written. */
  readonly write: boolean;
  /** The state to store: the decided one, or the stored one again when only the watch changed; undefined while the pair has none. */
  readonly next: PairState | undefined;
  readonly transitions: readonly Transition[];
  readonly notices: readonly (Notice | ConfigNotice)[];
  /** The watch to store; undefined: keep the stored one. */
  readonly watch: PairWatch | undefined;
  readonly reason: string;
}

/** The checks to judge a missing datapoint by: undefined while nothing is kept (each counts as having had data). */
export function checksWithDataOf(watch: PairWatch | undefined): ChecksWithData | undefined {
  return watch?.checksWithData === undefined ? undefined : new Set(watch.checksWithData);
}

export function decideWatch(stored: StoredWatch, look: WatchLook): WatchDecision {
  const { observation } = look;
  const pairId = observation.pair.id;
  const step = decideStep(stored.state, observation, look.settings, look.silences);
  const config = look.config === undefined ? undefined : decideConfigNotices(stored.watch?.config, pairId, look.config);
  // Nothing kept yet: the checks the pair has now are its first look's, their past unknown.
  const checksWithData = noteChecksWithData(stored.watch?.checksWithData ?? look.healthCheckIds, look.healthCheckIds, look.metrics);
  const checksChanged = !sameList(stored.watch?.checksWithData, checksWithData);
  const watchChanged = config?.next !== undefined || checksChanged;
  const watch: PairWatch | undefined = watchChanged ? withConfig(checksWithData, config?.next ?? stored.watch?.config) : undefined;
  const notices = [...step.notices, ...(config?.notices ?? [])];
  const reasons = [step.reason, ...(config !== undefined && config.notices.length > 0 ? [config.reason] : [])];
  const next = step.next ?? (watchChanged || notices.length > 0 ? stored.state : undefined);
  return {
    write: step.next !== undefined || watchChanged || notices.length > 0,
    next,
    transitions: step.transitions,
    notices,
    watch,
    reason: reasons.join('; '),
  };
}

function withConfig(checksWithData: readonly string[], config: ConfigWatch | undefined): PairWatch {
  return config === undefined ? { checksWithData } : { config, checksWithData };
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((value, index) => value === b[index]);
}
