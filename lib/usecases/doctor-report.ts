/**
 * What `failwatch doctor` reports (lib/usecases/doctor.ts runs the checks of lib/usecases/doctor-checks.ts),
 * what it needs, and the thresholds it judges by.
 */
import type { ConfigRisk } from '../domain/config-risks';
import type { Severity } from '../domain/model';
import type { PairDefinition } from '../domain/pair-definition';
import type { AlarmManager } from '../ports';
import type { DeadLetterQueue, ParameterInspector, StageDeployment, StoredPairCatalog, SweepMetricSource, TopicInspector } from './console-ports';

export const DoctorCheck = {
  STORED_PAIRS: 'stored-pairs',
  DR_CONFIGURATION: 'dr-configuration',
  ALARM_COVERAGE: 'alarm-coverage',
  ALARM_DATA: 'alarm-data',
  TOPIC: 'topic',
  SLACK: 'slack',
  PENDING_NOTIFICATIONS: 'pending-notifications',
  DEAD_LETTERS: 'dead-letters',
  SWEEPS: 'sweeps',
} as const;
export type DoctorCheck = (typeof DoctorCheck)[keyof typeof DoctorCheck];

export const CheckStatus = {
  /** Looked, found nothing wrong. */
  PASSED: 'PASSED',
  /** Looked, and made findings. */
  FOUND: 'FOUND',
  /** Does not apply to this stage (Slack off, managed alarms off), or cannot be made by this build. */
  SKIPPED: 'SKIPPED',
  /** Could not read what it needs: the summary says why. */
  FAILED: 'FAILED',
} as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export interface DoctorFinding {
  readonly check: DoctorCheck;
  readonly severity: Severity;
  /** What is wrong, in a sentence. */
  readonly problem: string;
  /** What to do about it. */
  readonly action: string;
}

export interface CheckResult {
  readonly check: DoctorCheck;
  readonly status: CheckStatus;
  /** What was looked at (`12 watched health checks, 12 with a managed alarm`), why it was skipped, or why it failed. */
  readonly summary: string;
}

export interface DoctorReport {
  readonly stage: string;
  readonly checkedAt: string;
  /** In the order of DoctorCheck. */
  readonly checks: readonly CheckResult[];
  /** Critical first, then warnings, then info; within a severity, in the order of the checks. */
  readonly findings: readonly DoctorFinding[];
  /** A critical finding: DR or alerting is broken (the CLI exits 4). */
  readonly hasCritical: boolean;
  /** A check could not read what it needs (the CLI's "cannot read AWS" when nothing is critical). */
  readonly incomplete: boolean;
}

/** What the DR check reads of a pair's configuration risk (lib/domain/config-risks.ts, issue 13). */
export type PairConfigRisk = Pick<ConfigRisk, 'kind' | 'problem' | 'fix'>;

export interface DoctorDeps {
  readonly pairs: StoredPairCatalog;
  readonly alarms: Pick<AlarmManager, 'listAlarms'>;
  readonly topic: TopicInspector;
  readonly parameters: ParameterInspector;
  readonly deadLetters: Pick<DeadLetterQueue, 'countWaiting'>;
  readonly sweeps: SweepMetricSource;
  /**
   * The rules that find DR holes and blind spots in a pair's definition. Absent: issue 13's,
   * `configRisksOfDefinition` of lib/domain/config-risks.ts.
   */
  readonly configRisksOf?: (definition: PairDefinition) => readonly PairConfigRisk[];
}

export interface DoctorOptions {
  readonly deployment: StageDeployment;
  readonly now: Date;
  /** How often poll sweeps (its schedule, `sweepIntervalSeconds`): the sweep check looks back MISSED_SWEEP_INTERVALS of these. */
  readonly sweepIntervalSeconds: number;
}

/** A notification still pending this long is stuck: every run tries to send what is pending. */
export const PENDING_TOO_LONG_SECONDS = 600;
/** No sweep completed in this many schedule intervals: Failwatch is not watching. */
export const MISSED_SWEEP_INTERVALS = 3;
