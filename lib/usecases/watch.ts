/**
 * The use case: observe → decide → record → notify. Talks to ports only; every decision comes from
 * the pure domain core, and the summary it returns says what happened to each pair: its transitions,
 * its notices and the configuration risks reported for it (a DR hole or a blind spot, even for a pair
 * that cannot be judged).
 */
import { mapBounded } from '../batches';
import { checksForCheckerEvidence, checksForCheckerVerdict } from '../domain/checker-reports';
import { isConfigNotice, type ConfigLook } from '../domain/config-notices';
import { detectConfigRisks } from '../domain/config-risks';
import { dnsAnswerSkipReason, withDnsAnswer, type DnsAnswer } from '../domain/dns-answer';
import { loadBalancersOfPair, observePair, type TargetHealth } from '../domain/failover';
import { loadBalancerKey } from '../domain/alias-targets';
import { assessHealthChecks } from '../domain/health';
import {
  pairKey,
  type CheckerReadings,
  type DnsAgreement,
  type HealthCheckDefinition,
  type HealthSignals,
  type MetricReading,
  type PairObservation,
  type ServingState,
  type Transition,
  type Trigger,
} from '../domain/model';
import { DEFAULT_NOTICE_SETTINGS, type NoticeSettings } from '../domain/notice-policy';
import { checksWithDataOf, decideWatch, type WatchDecision } from '../domain/pair-watch';
import type { Silence } from '../domain/silences';
import { StaleStateError, describeError } from '../errors';
import { isPastDeadline } from './deadline';
import { judgedState, type CheckerStatusSource, type Clock, type Inventory, type PairNotice, type RecordedPair, type StoredPair, type WatchPorts } from '../ports';
import { countPublishing, finishOutboxes, type OutboxResult, type PublishOutcome } from './publish';
import { judgeLoadBalancers } from './load-balancer-health';
import { gatherInputs, healthCheckIdsOf, type Discovery, type HintTrust, type PairPlan, type WatchScope } from './watch-scope';

export type { Discovery, WatchScope };

export interface WatchRequest {
  readonly trigger: Trigger;
  readonly scope: WatchScope;
  /** Stop starting new pairs after this instant (the Lambda's remaining time, less a margin). */
  readonly deadline?: Date;
}

export interface PairOutcome {
  readonly pair: string;
  readonly serving: ServingState;
  readonly recorded: readonly string[];
  /** Kinds of the notices recorded (REMINDER, FLAPPING, ..., DR_HOLE, BLIND_SPOT_CLEARED, ...). */
  readonly notices: readonly string[];
  /** The configuration notices among them, each with the risk it is about (`<reason>#<what>`). */
  readonly configNotices: readonly { readonly kind: string; readonly risk: string }[];
  /** What Route 53 answered when this run recorded transitions for the pair; absent when none were. */
  readonly dnsAnswer?: { readonly status: DnsAgreement; readonly sentence: string };
  readonly reason: string;
}

export interface WatchSummary {
  readonly trigger: Trigger;
  readonly observedAt: string;
  readonly pairsWatched: number;
  readonly pairsInScope: number;
  readonly healthChecksRead: number;
  readonly transitionsRecorded: number;
  readonly noticesRecorded: number;
  readonly notificationsSent: number;
  /** Transitions recorded but not yet published; the next run publishes them. */
  readonly notificationsPending: number;
  readonly unknownPairs: readonly string[];
  /** Pairs this run did not finish (error or deadline); their stored state is untouched. */
  readonly unfinishedPairs: readonly { readonly pair: string; readonly error: string }[];
  readonly skipped: Inventory['skipped'];
  /** Where the pairs came from: the inventory (Route 53 or its cache), or an alarm's pairs' stored definitions. */
  readonly discovery: Discovery;
  /** Why CLI silences could not be read (configured ones still applied); absent when they were. */
  readonly silencesUnavailable?: string;
  readonly outcomes: readonly PairOutcome[];
  readonly publishing: readonly PublishOutcome[];
  /** Sweep housekeeping: pairs whose published, held or silenced entries stayed in the outbox (the next sweep retries). */
  readonly historyNotMoved: OutboxResult['historyNotMoved'];
}

export interface WatchSettings extends NoticeSettings, HintTrust {
  /** At most this many fallback `GetHealthCheckStatus` reads for checks without metric data, per run. */
  readonly maxFallbackStatusReads: number;
  readonly maxStaleRetries: number;
  readonly publishLeaseSeconds: number;
  readonly pairConcurrency: number;
  /** Maintenance windows from the configuration; the SilenceStore adds those set from the CLI. */
  readonly configuredSilences: readonly Silence[];
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  maxFallbackStatusReads: 20,
  maxStaleRetries: 3,
  publishLeaseSeconds: 60,
  pairConcurrency: 8,
  alarmPrefix: 'failwatch',
  watchedZoneIds: [],
  ...DEFAULT_NOTICE_SETTINGS,
  configuredSilences: [],
};

export interface WatchDeps extends WatchPorts {
  readonly clock: Clock;
  readonly settings: WatchSettings;
}

type PairResult = { readonly plan: PairPlan; readonly state: RecordedPair | undefined } & (
  | { readonly status: 'done'; readonly outcome: PairOutcome; readonly recorded: readonly Transition[]; readonly notices: readonly PairNotice[] }
  | { readonly status: 'unfinished'; readonly pair: string; readonly error: string }
);

/** Decides one pair from what is stored of it (re-read after a lost race) and this run's observation. */
type Decide = (plan: PairPlan, stored: StoredPair | undefined, observation: PairObservation) => WatchDecision;

export async function runWatch(deps: WatchDeps, request: WatchRequest): Promise<WatchSummary> {
  const now = deps.clock.now();
  const observedAt = now.toISOString();
  // The pairs in scope with their states, the CLI silences and the metrics: from the inventory, or for an
  // alarm that names its pairs, from their stored definitions (no Route 53 listing).
  const inputs = await gatherInputs(deps, request.scope, now, request.deadline);
  const { plans, metrics, states, healthChecks } = inputs;
  const healthCheckIds = healthCheckIdsOf(plans);
  const silences = [...deps.settings.configuredSilences, ...inputs.silences];
  const decide: Decide = (plan, stored, observation) =>
    decideWatch(
      { state: judgedState(stored), watch: stored?.watch },
      { observation, healthCheckIds: plan.healthCheckIds, metrics, config: configLook(plan, healthChecks, inputs.configReadAt, observedAt, request.trigger), settings: deps.settings, silences },
    );

  const checkerReads = new Map<string, CheckerReadings>();
  const withoutData = checksForCheckerVerdict(healthCheckIds, healthChecks, metrics);
  // Load balancers behind target-health aliases are read beside the checkers: other services, other budgets.
  const balancers = new Map(plans.flatMap((plan) => loadBalancersOfPair(plan.pair, plan.zoneRecords)).map((ref) => [loadBalancerKey(ref), ref]));
  const [targets] = await Promise.all([
    judgeLoadBalancers(deps.loadBalancers, [...balancers.values()], now),
    readCheckers(deps.checkers, deps.clock, withoutData.slice(0, deps.settings.maxFallbackStatusReads), checkerReads, request.deadline),
  ]);
  // No metric and no checker reading: nothing says whether the check is new (healthy until it has data)
  // or failing, so it is unknown; judging it healthy could report a failback Route 53 never made.
  for (const id of withoutData) {
    if (!checkerReads.has(id)) checkerReads.set(id, { kind: 'UNAVAILABLE', reason: `not read in this run (at most ${deps.settings.maxFallbackStatusReads} a run, none in its last ${EVIDENCE_CUTOFF_MS / 1000} s)` });
  }

  // Per pair: whether a check without a datapoint is new or in a gap is known from the pair's own past.
  const observeAll = () => {
    const signals = signalsFor(healthCheckIds, metrics, checkerReads);
    return new Map(plans.map((plan) => [pairKey(plan.pair.id), observe(plan, healthChecks, signals, targets, states.get(pairKey(plan.pair.id)), observedAt, request.trigger)]));
  };
  let observations = observeAll();
  const observationOf = (plan: PairPlan): PairObservation => observations.get(pairKey(plan.pair.id))!;

  // Evidence (which regions fail and why) is worth a diagnosis call only for a check whose verdict changed,
  // and only one GetHealthCheckStatus can answer (never a CALCULATED or disabled check). It is optional: the
  // source never waits for the account's rate nor retries, and says why when it did not read.
  const changedIds = plans.flatMap((plan) => {
    const stored = states.get(pairKey(plan.pair.id));
    const observation = observationOf(plan);
    return decide(plan, stored, observation).transitions.length > 0 ? checksWhoseVerdictChanged(stored, observation) : [];
  });
  const changingIds = checksForCheckerEvidence(changedIds, healthChecks).filter((id) => !checkerReads.has(id));
  if (changingIds.length > 0) {
    await readCheckers(deps.checkerEvidence, deps.clock, changingIds, checkerReads, request.deadline);
    observations = observeAll();
  }

  const results = await mapBounded(plans, deps.settings.pairConcurrency, (plan) =>
    recordPair(deps, plan, states.get(pairKey(plan.pair.id)), observationOf(plan), request.deadline, decide),
  );

  // Each pair's outbox as its state carries it: what this run recorded, and what earlier runs left.
  const { publishing, historyNotMoved } = await finishOutboxes(deps, results.map((result) => ({ pair: result.plan.pair, state: result.state })), {
    materialize: request.scope.kind === 'ALL',
    deadline: request.deadline,
  });

  const outcomes = results.flatMap((result) => (result.status === 'done' ? [result.outcome] : []));
  const counts = countPublishing(publishing);
  return {
    trigger: request.trigger,
    observedAt,
    pairsWatched: inputs.pairsWatched,
    pairsInScope: plans.length,
    healthChecksRead: healthCheckIds.length,
    transitionsRecorded: results.reduce((sum, result) => sum + (result.status === 'done' ? result.recorded.length : 0), 0),
    noticesRecorded: results.reduce((sum, result) => sum + (result.status === 'done' ? result.notices.length : 0), 0),
    notificationsSent: counts.sent,
    notificationsPending: counts.pending,
    unknownPairs: outcomes.filter((outcome) => outcome.serving === 'UNKNOWN').map((outcome) => outcome.pair),
    unfinishedPairs: results.flatMap((result) => (result.status === 'unfinished' ? [{ pair: result.pair, error: result.error }] : [])),
    skipped: inputs.skipped,
    discovery: inputs.discovery,
    ...(inputs.silencesUnavailable === undefined ? {} : { silencesUnavailable: inputs.silencesUnavailable }),
    outcomes,
    publishing,
    historyNotMoved,
  };
}

function observe(
  plan: PairPlan,
  healthChecks: ReadonlyMap<string, HealthCheckDefinition>,
  signals: ReadonlyMap<string, HealthSignals>,
  targets: TargetHealth,
  stored: StoredPair | undefined,
  observedAt: string,
  trigger: Trigger,
): PairObservation {
  const assessments = assessHealthChecks(plan.healthCheckIds, healthChecks, signals, checksWithDataOf(stored?.watch));
  return observePair(plan.pair, plan.zoneRecords, assessments, observedAt, trigger, targets);
}

/** The pair's configuration as listed for this run; undefined when the run cannot date it (definitions from the table). */
function configLook(plan: PairPlan, healthChecks: ReadonlyMap<string, HealthCheckDefinition>, readAt: string | undefined, observedAt: string, trigger: Trigger): ConfigLook | undefined {
  if (readAt === undefined) return undefined;
  return { risks: detectConfigRisks(plan.pair, plan.zoneRecords, healthChecks), readAt, observedAt, trigger };
}

function signalsFor(
  ids: readonly string[],
  metrics: ReadonlyMap<string, MetricReading>,
  checkers: ReadonlyMap<string, CheckerReadings>,
): Map<string, HealthSignals> {
  return new Map(
    ids.map((id) => [
      id,
      {
        metric: metrics.get(id) ?? { kind: 'UNAVAILABLE', reason: 'no metric reading was returned' },
        checkers: checkers.get(id) ?? { kind: 'NOT_READ' },
      },
    ]),
  );
}

/**
 * The health checks behind the sides whose verdict differs from what is stored: a FAILOVER needs the
 * primary's evidence, not the unchanged secondary's. No stored state: both sides are new.
 */
function checksWhoseVerdictChanged(stored: StoredPair | undefined, observation: PairObservation): string[] {
  const state = judgedState(stored);
  const storedPrimary = state ? (state.serving === 'PRIMARY' ? 'HEALTHY' : 'UNHEALTHY') : undefined;
  const changed = [
    storedPrimary !== observation.primary.verdict ? observation.primary.healthCheckId : undefined,
    state?.secondaryVerdict !== observation.secondary.verdict ? observation.secondary.healthCheckId : undefined,
  ];
  return changed.filter((id): id is string => id !== undefined);
}

/**
 * What Route 53 answers for the pair now, to store with the transitions about to be committed: optional
 * evidence, so it is skipped for a private zone and near the deadline, bounded by the adapter (about 2 s),
 * and never holds the commit back with a failure.
 */
async function askDnsAnswer(deps: WatchDeps, plan: PairPlan, deadline: Date | undefined): Promise<DnsAnswer | undefined> {
  if (deps.dnsAnswers === undefined) return undefined;
  const skip = dnsAnswerSkipReason(plan.pair);
  if (skip !== undefined) return { kind: 'SKIPPED', reason: skip };
  if (isPastDeadline(deps.clock, deadline, EVIDENCE_CUTOFF_MS)) return { kind: 'SKIPPED', reason: `the run is within ${EVIDENCE_CUTOFF_MS / 1000} s of its deadline: recording comes first` };
  try {
    return await deps.dnsAnswers.askDnsAnswer(plan.pair.id, deps.clock.now());
  } catch (error) {
    return { kind: 'UNAVAILABLE', reason: describeError(error) };
  }
}

/** Evidence is optional; recording is not. Reading stops this long before the run's deadline. */
const EVIDENCE_CUTOFF_MS = 10_000;

async function readCheckers(source: CheckerStatusSource, clock: Clock, ids: readonly string[], into: Map<string, CheckerReadings>, deadline: Date | undefined): Promise<void> {
  // Sequential on purpose: GetHealthCheckStatus has its own 1-per-second rate, paced inside the adapter.
  for (const id of ids) {
    const reading = isPastDeadline(clock, deadline, EVIDENCE_CUTOFF_MS)
      ? { kind: 'UNAVAILABLE' as const, reason: `the run was within ${EVIDENCE_CUTOFF_MS / 1000} s of its deadline: recording comes first` }
      : await source.readCheckerReports(id);
    into.set(id, reading);
  }
}

async function recordPair(deps: WatchDeps, plan: PairPlan, loaded: StoredPair | undefined, observation: PairObservation, deadline: Date | undefined, decide: Decide): Promise<PairResult> {
  const key = pairKey(plan.pair.id);
  if (isPastDeadline(deps.clock, deadline)) {
    return { plan, status: 'unfinished', pair: key, error: 'deadline reached before this pair was recorded', state: loaded };
  }
  let state = loaded;
  // Asked once per pair and run, even when a lost race makes it decide again.
  let answer: DnsAnswer | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      const decision = decide(plan, state, observation);
      if (decision.transitions.length > 0) answer ??= await askDnsAnswer(deps, plan, deadline);
      const transitions = answer === undefined ? decision.transitions : withDnsAnswer(decision.transitions, plan.pair, answer);
      const dns = transitions.at(-1)?.dnsAnswer;
      const outcome: PairOutcome = {
        pair: key,
        serving: observation.serving,
        recorded: transitions.map((t) => t.kind),
        notices: decision.notices.map((n) => n.kind),
        configNotices: decision.notices.flatMap((n) => (isConfigNotice(n) ? [{ kind: n.kind, risk: n.risk.id }] : [])),
        ...(dns === undefined ? {} : { dnsAnswer: { status: dns.status, sentence: dns.sentence } }),
        reason: decision.reason,
      };
      if (!decision.write) return { plan, status: 'done', outcome, state, recorded: [], notices: [] };
      try {
        const { notices, next, watch } = decision;
        // What this run records to be sent is committed already claimed for it, under the lease a claim would take.
        const claimUntil = new Date(deps.clock.now().getTime() + deps.settings.publishLeaseSeconds * 1000);
        const change = { pairId: plan.pair.id, expected: judgedState(state), next, transitions, notices, ...(watch === undefined ? {} : { watch }), expectedRevision: state?.revision };
        const written = await deps.store.record(change, { claimUntil });
        return { plan, status: 'done', outcome, state: written, recorded: transitions, notices };
      } catch (error) {
        if (!(error instanceof StaleStateError) || attempt >= deps.settings.maxStaleRetries) throw error;
        // Another run committed first (or this one did, and lost the answer): decide again from what is stored.
        state = await deps.store.loadStateConsistent(plan.pair.id);
      }
    }
  } catch (error) {
    // One pair's failure must not stop the others. Its commit did not happen (or only its answer was
    // lost, and the committed state's outbox lets the next run finish it).
    return { plan, status: 'unfinished', pair: key, error: describeError(error), state };
  }
}
