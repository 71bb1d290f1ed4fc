/**
 * The DR report of a window (a month, the last 90 days): per pair and in total, how long DNS served each
 * side, how often and for how long the pair was failed over, and when Failwatch could not tell. Pure: the
 * recorded history and the instant `now` are parameters; nothing is read and no clock is consulted.
 *
 * The timeline is rebuilt from the recorded transitions: each one moves the side DNS serves, or the
 * standby's health, at the instant the change was first seen. Unknown time comes from WATCH_DEGRADED /
 * WATCH_RESTORED notices (and from a pair unreadable right now); time before anything was recorded about
 * the pair is unknown too. Everything is clipped to the window, and the window ends at `now` at the latest.
 */
import { ServingState, TransitionKind, Verdict, type KnownServingState, type PairId, type PairState, type Transition } from './model';
import { NoticeKind, type Notice } from './notices';
import { silenceNamesPair, type Silence } from './silences';

export const BandKind = {
  PRIMARY: 'PRIMARY',
  SECONDARY: 'SECONDARY',
  ALL_UNHEALTHY: 'ALL_UNHEALTHY',
  UNKNOWN: 'UNKNOWN',
} as const;
export type BandKind = (typeof BandKind)[keyof typeof BandKind];

export interface ReportWindow {
  readonly start: string;
  /** Exclusive. */
  readonly end: string;
}

export interface TimeSpan {
  readonly start: string;
  readonly end: string;
  readonly seconds: number;
}

/** A stretch of the timeline: which side DNS served, or UNKNOWN. */
export interface Band extends TimeSpan {
  readonly kind: BandKind;
}

/** A notification that went out (a transition or notice marked published), for the timeline's markers. */
export interface SentNotification {
  readonly at: string;
  readonly kind: string;
  readonly reference: string;
}

export interface SilenceBand extends TimeSpan {
  readonly id: string;
  readonly reason: string;
}

/** A failover episode: from leaving the primary for the secondary until DNS served the primary again. */
export interface FailoverEpisode extends TimeSpan {
  /** Not failed back by the window's end. */
  readonly ongoing: boolean;
}

/** What the report needs of one pair, as recorded. */
export interface PairReportInput {
  readonly pairId: PairId;
  /** The state as last recorded; absent when no sweep recorded the pair. */
  readonly state?: PairState;
  /** In sequence order. */
  readonly transitions: readonly Transition[];
  readonly notices: readonly Notice[];
  readonly sent: readonly SentNotification[];
  /** Silences known now (configured, or set from the CLI); those that do not name the pair are ignored. */
  readonly silences: readonly Silence[];
}

export interface ReportFigures {
  readonly windowSeconds: number;
  readonly failovers: number;
  readonly secondarySeconds: number;
  readonly allUnhealthySeconds: number;
  /** DNS served the primary while the standby was unhealthy: nothing to fail over to. */
  readonly standbyLostSeconds: number;
  readonly unknownSeconds: number;
  readonly primarySeconds: number;
  readonly flappingSpells: number;
  /** Failover episodes overlapping the window; each counted with its part inside the window. */
  readonly episodes: number;
  readonly meanTimeToFailbackSeconds?: number;
  readonly longestTimeToFailbackSeconds?: number;
  /**
   * Share of the window (0 to 1) in which DNS served the primary while it was healthy. All-unhealthy time
   * (DNS answers with the primary only because no record is healthy) and unknown time do not count.
   * Absent for an empty window.
   */
  readonly primaryAvailability?: number;
}

export interface PairReport {
  readonly pairId: PairId;
  /** In time order, adjacent bands of one kind merged; together they cover the window. */
  readonly bands: readonly Band[];
  readonly standbyLost: readonly TimeSpan[];
  readonly episodes: readonly FailoverEpisode[];
  readonly flapping: readonly TimeSpan[];
  readonly silences: readonly SilenceBand[];
  readonly sent: readonly SentNotification[];
  readonly figures: ReportFigures;
}

export interface Report {
  /** The window asked for, its end moved back to `now` if it was later. */
  readonly window: ReportWindow;
  readonly pairs: readonly PairReport[];
  readonly total: ReportFigures;
}

interface Interval {
  readonly start: number;
  readonly end: number;
}

/** The side DNS served and the standby's health, from an instant on. */
interface Segment extends Interval {
  readonly serving: KnownServingState;
  readonly secondary: Verdict;
}

export function buildReport(inputs: readonly PairReportInput[], window: ReportWindow, now: string): Report {
  const start = Date.parse(window.start);
  const end = Math.max(start, Math.min(Date.parse(window.end), Date.parse(now)));
  const clipped = { start, end };
  const pairs = inputs.map((input) => buildPairReport(input, clipped, Date.parse(now)));
  return { window: { start: iso(start), end: iso(end) }, pairs, total: totalFigures(pairs.map((pair) => pair.figures), pairs.flatMap((pair) => pair.episodes.map((episode) => episode.seconds))) };
}

/** The instant a transition's change happened: first seen, when confirmation took more than one observation. */
export function changedAt(transition: Transition): string {
  return transition.confirmation && transition.confirmation.observations > 1 ? transition.confirmation.firstSeenAt : transition.observedAt;
}

function buildPairReport(input: PairReportInput, window: Interval, now: number): PairReport {
  const segments = segmentsOf(input, now);
  const unknown = union([...unknownSpans(input, now), { start: Number.NEGATIVE_INFINITY, end: segments[0]?.start ?? Number.POSITIVE_INFINITY }]);
  const known = segments.flatMap((segment) => subtract(clip(segment, window), unknown).map((part) => ({ ...segment, ...part })));
  const bands = mergeAdjacent(
    [
      ...known.map((segment) => ({ kind: segment.serving as BandKind, start: segment.start, end: segment.end })),
      ...unknown.flatMap((span) => clip(span, window)).map((span) => ({ kind: BandKind.UNKNOWN, ...span })),
    ].sort((a, b) => a.start - b.start),
  );
  const standbyLost = union(known.filter((segment) => segment.serving === ServingState.PRIMARY && segment.secondary === Verdict.UNHEALTHY));
  const episodes = episodesOf(segments, window);
  const flapping = flappingSpells(input, now).filter((spell) => overlaps(spell, window)).map((spell) => clipSpell(spell, window));
  const failovers = input.transitions.filter((t) => t.kind === TransitionKind.FAILOVER && within(Date.parse(changedAt(t)), window)).length;
  const secondsOf = (kind: BandKind) => bands.filter((band) => band.kind === kind).reduce((sum, band) => sum + seconds(band), 0);
  const durations = episodes.map(seconds);
  const windowSeconds = seconds(window);
  const primarySeconds = secondsOf(BandKind.PRIMARY);
  return {
    pairId: input.pairId,
    bands: bands.map((band) => ({ kind: band.kind, ...span(band) })),
    standbyLost: standbyLost.map(span),
    episodes: episodes.map((episode) => ({ ...span(episode), ongoing: episode.ongoing })),
    flapping: flapping.map(span),
    silences: silenceSpans(input, now).flatMap((silence) => clip(silence, window).map((part) => ({ id: silence.id, reason: silence.reason, ...span(part) }))),
    sent: input.sent.filter((sent) => within(Date.parse(sent.at), window)),
    figures: {
      windowSeconds,
      failovers,
      secondarySeconds: secondsOf(BandKind.SECONDARY),
      allUnhealthySeconds: secondsOf(BandKind.ALL_UNHEALTHY),
      standbyLostSeconds: standbyLost.reduce((sum, part) => sum + seconds(part), 0),
      unknownSeconds: secondsOf(BandKind.UNKNOWN),
      primarySeconds,
      flappingSpells: flapping.length,
      episodes: episodes.length,
      ...failbackFigures(durations),
      ...(windowSeconds > 0 ? { primaryAvailability: primarySeconds / windowSeconds } : {}),
    },
  };
}

function totalFigures(pairs: readonly ReportFigures[], episodeSeconds: readonly number[]): ReportFigures {
  const sum = (pick: (figures: ReportFigures) => number) => pairs.reduce((total, figures) => total + pick(figures), 0);
  const windowSeconds = sum((f) => f.windowSeconds);
  const primarySeconds = sum((f) => f.primarySeconds);
  return {
    windowSeconds,
    failovers: sum((f) => f.failovers),
    secondarySeconds: sum((f) => f.secondarySeconds),
    allUnhealthySeconds: sum((f) => f.allUnhealthySeconds),
    standbyLostSeconds: sum((f) => f.standbyLostSeconds),
    unknownSeconds: sum((f) => f.unknownSeconds),
    primarySeconds,
    flappingSpells: sum((f) => f.flappingSpells),
    episodes: episodeSeconds.length,
    ...failbackFigures(episodeSeconds),
    ...(windowSeconds > 0 ? { primaryAvailability: primarySeconds / windowSeconds } : {}),
  };
}

function failbackFigures(durations: readonly number[]): Pick<ReportFigures, 'meanTimeToFailbackSeconds' | 'longestTimeToFailbackSeconds'> {
  if (durations.length === 0) return {};
  return { meanTimeToFailbackSeconds: durations.reduce((a, b) => a + b, 0) / durations.length, longestTimeToFailbackSeconds: Math.max(...durations) };
}

/**
 * The side DNS served and the standby's health, from the first instant known until `now`. Before the
 * first transition the pair was in the state that transition ended, for as long as it says; a pair with
 * no transition has been in its stored state since it was first seen.
 */
function segmentsOf(input: PairReportInput, now: number): Segment[] {
  const [first] = input.transitions;
  if (first === undefined) {
    if (input.state === undefined) return [];
    const since = Math.min(Date.parse(input.state.servingSince), Date.parse(input.state.secondarySince));
    return since < now ? [{ start: since, end: now, serving: input.state.serving, secondary: input.state.secondaryVerdict }] : [];
  }
  const firstAt = Date.parse(changedAt(first));
  let current: Omit<Segment, 'end'> = { start: firstAt - first.previousStateSeconds * 1000, serving: first.from, secondary: secondaryBefore(first) };
  const segments: Segment[] = [];
  for (const transition of input.transitions) {
    // Clocks of different runs may disagree slightly: time never runs backwards on the timeline.
    const at = Math.max(current.start, Date.parse(changedAt(transition)));
    segments.push({ ...current, end: at });
    current = { start: at, serving: transition.to, secondary: transition.stateAfter.secondaryVerdict };
  }
  segments.push({ ...current, end: Math.max(current.start, now) });
  return segments.filter((segment) => segment.end > segment.start);
}

function secondaryBefore(transition: Transition): Verdict {
  if (transition.kind === TransitionKind.STANDBY_LOST) return Verdict.HEALTHY;
  if (transition.kind === TransitionKind.STANDBY_RESTORED) return Verdict.UNHEALTHY;
  return transition.stateAfter.secondaryVerdict;
}

/** Spells in which the pair's health could not be read: WATCH_DEGRADED until its WATCH_RESTORED, and the current one. */
function unknownSpans(input: PairReportInput, now: number): Interval[] {
  const restoredAt = new Map(input.notices.filter((n) => n.kind === NoticeKind.WATCH_RESTORED).map((n) => [aboutOf(n), Date.parse(n.observedAt)]));
  const spans = input.notices
    .filter((n) => n.kind === NoticeKind.WATCH_DEGRADED)
    .map((n) => {
      const since = aboutOf(n);
      const start = Date.parse(since);
      // Not readable again yet: unknown until now, if the stored state says so; otherwise at least until it was noticed.
      const end = restoredAt.get(since) ?? (input.state?.unknownSince === since ? now : Date.parse(n.observedAt));
      return { start, end };
    });
  if (input.state?.unknownSince !== undefined) spans.push({ start: Date.parse(input.state.unknownSince), end: now });
  return spans.filter((spell) => Number.isFinite(spell.start) && spell.end > spell.start);
}

/** What a notice is about, from its key (`<kind>#<about>`): the instant a degraded or flapping spell began. */
function aboutOf(notice: Notice): string {
  return notice.key.slice(notice.kind.length + 1);
}

/** FLAPPING until its FLAPPING_ENDED (keyed by the instant the spell began), or until now while the state still flaps. */
function flappingSpells(input: PairReportInput, now: number): Interval[] {
  const endedAt = new Map(input.notices.filter((n) => n.kind === NoticeKind.FLAPPING_ENDED).map((n) => [aboutOf(n), Date.parse(n.observedAt)]));
  return input.notices
    .filter((n) => n.kind === NoticeKind.FLAPPING)
    .map((n) => {
      const start = Date.parse(n.observedAt);
      const end = endedAt.get(n.observedAt) ?? (input.state?.flapping?.since === n.observedAt ? now : start);
      return { start, end: Math.max(start, end) };
    });
}

/**
 * Away from the primary: each run of segments not serving the primary that includes the secondary, from
 * leaving the primary to serving it again, clipped to the window.
 */
function episodesOf(segments: readonly Segment[], window: Interval): (Interval & { readonly ongoing: boolean })[] {
  const runs: (Interval & { readonly onSecondary: boolean })[] = [];
  for (const segment of segments) {
    if (segment.serving === ServingState.PRIMARY) continue;
    const last = runs.at(-1);
    if (last !== undefined && last.end === segment.start) runs[runs.length - 1] = { start: last.start, end: segment.end, onSecondary: last.onSecondary || segment.serving === ServingState.SECONDARY };
    else runs.push({ start: segment.start, end: segment.end, onSecondary: segment.serving === ServingState.SECONDARY });
  }
  const last = segments.at(-1);
  // The last run lasts until now when DNS still does not serve the primary.
  const stillAway = last !== undefined && last.serving !== ServingState.PRIMARY;
  return runs
    .filter((run) => run.onSecondary)
    .flatMap((run) => clip(run, window).map((part) => ({ ...part, ongoing: run.end > window.end || (stillAway && run.end === last.end) })));
}

/**
 * The silences that covered the pair: each one from its start (set with --from, or else the first
 * transition it silenced) until it ended (its end, or the summary sent when it was over, or now).
 * One that set no start and silenced nothing is not drawn: nothing recorded says when it began.
 */
function silenceSpans(input: PairReportInput, now: number): (Interval & { readonly id: string; readonly reason: string })[] {
  const byId = new Map<string, { start?: number; end: number; reason: string }>();
  const note = (id: string, reason: string, start: number | undefined, end: number) => {
    const seen = byId.get(id);
    const earliest = [seen?.start, start].filter((value): value is number => value !== undefined);
    byId.set(id, { reason, end: Math.max(seen?.end ?? end, end), ...(earliest.length > 0 ? { start: Math.min(...earliest) } : {}) });
  };
  const summaryAt = new Map(input.notices.flatMap((n) => (n.kind === NoticeKind.SILENCE_SUMMARY && n.silence ? [[n.silence.id, Date.parse(n.observedAt)] as const] : [])));
  for (const silence of input.silences.filter((s) => silenceNamesPair(s, input.pairId))) {
    note(silence.id, silence.reason, silence.from === undefined ? undefined : Date.parse(silence.from), Date.parse(silence.until));
  }
  for (const transition of input.transitions) {
    if (transition.delivery?.status !== 'SILENCED') continue;
    const { silence } = transition.delivery;
    note(silence.id, silence.reason, Date.parse(changedAt(transition)), Date.parse(silence.until));
  }
  return [...byId].flatMap(([id, { start, end, reason }]) => {
    if (start === undefined) return [];
    const over = Math.min(end, summaryAt.get(id) ?? end, now);
    return over > start ? [{ id, reason, start, end: over }] : [];
  });
}

function clip(interval: Interval, window: Interval): Interval[] {
  const start = Math.max(interval.start, window.start);
  const end = Math.min(interval.end, window.end);
  return end > start ? [{ start, end }] : [];
}

/** A spell of no length counts when its instant lies in the window. */
function overlaps(interval: Interval, window: Interval): boolean {
  return interval.end > interval.start ? interval.start < window.end && interval.end > window.start : within(interval.start, window);
}

/** A spell that overlaps the window, clipped to it (one of no length stays an instant). */
function clipSpell(interval: Interval, window: Interval): Interval {
  const start = Math.max(interval.start, window.start);
  return { start, end: Math.max(start, Math.min(interval.end, window.end)) };
}

function within(instant: number, window: Interval): boolean {
  return instant >= window.start && instant < window.end;
}

/** The union of intervals, sorted and merged. */
function union(intervals: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const interval of [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    else merged.push({ start: interval.start, end: interval.end });
  }
  return merged;
}

/** The parts of `intervals` outside every hole (holes sorted and disjoint, as `union` makes them). */
function subtract(intervals: readonly Interval[], holes: readonly Interval[]): Interval[] {
  return intervals.flatMap((interval) => {
    const parts: Interval[] = [];
    let cursor = interval.start;
    for (const hole of holes) {
      if (hole.end <= cursor || hole.start >= interval.end) continue;
      if (hole.start > cursor) parts.push({ start: cursor, end: hole.start });
      cursor = Math.max(cursor, hole.end);
    }
    if (cursor < interval.end) parts.push({ start: cursor, end: interval.end });
    return parts;
  });
}

function mergeAdjacent<T extends Interval & { readonly kind: BandKind }>(bands: readonly T[]): T[] {
  const merged: T[] = [];
  for (const band of bands) {
    const last = merged.at(-1);
    if (last !== undefined && last.kind === band.kind && last.end === band.start) merged[merged.length - 1] = { ...last, end: band.end };
    else merged.push(band);
  }
  return merged;
}

function seconds(interval: Interval): number {
  return (interval.end - interval.start) / 1000;
}

function span(interval: Interval): TimeSpan {
  return { start: iso(interval.start), end: iso(interval.end), seconds: seconds(interval) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
