/**
 * `failwatch doctor`: checks a deployed stage and the account it runs in, and says for each finding what
 * is wrong and what to do. It only reads: the stored pair definitions and states (never a live listing
 * of Route 53), the managed alarms, the topic's subscriptions, the Slack parameter's type, the
 * dead-letter queue's size and the SweepsCompleted metric (no heartbeat write). Every check runs
 * whatever the others find; one that cannot read what it needs is reported FAILED with why.
 *
 * Severity: critical when DR or alerting is broken now (a pair that can never fail over, nobody
 * subscribed, notifications stuck, no sweep running, Slack's parameter missing): the CLI exits 4 on one;
 * warning when Failwatch still works but slower, blind in a place, or a person has something to do;
 * info for what a person may want to know.
 */
import { Severity } from '../domain/model';
import { describeError } from '../errors';
import { DOCTOR_CHECKS, type CheckOutcome } from './doctor-checks';
import { CheckStatus, DoctorCheck, type CheckResult, type DoctorDeps, type DoctorOptions, type DoctorReport } from './doctor-report';

export { CheckStatus, DoctorCheck, MISSED_SWEEP_INTERVALS, PENDING_TOO_LONG_SECONDS } from './doctor-report';
export type { CheckResult, DoctorDeps, DoctorFinding, DoctorOptions, DoctorReport, PairConfigRisk } from './doctor-report';

const SEVERITY_ORDER: readonly Severity[] = [Severity.CRITICAL, Severity.WARNING, Severity.INFO];
const CHECK_ORDER: readonly DoctorCheck[] = Object.values(DoctorCheck);

export async function runDoctor(deps: DoctorDeps, options: DoctorOptions): Promise<DoctorReport> {
  // Read once, shared by the checks that need them; a failed read fails each of those checks.
  const stored = deps.pairs.listStoredPairs();
  const alarms = options.deployment.alarms.manage ? deps.alarms.listAlarms() : undefined;
  for (const shared of [stored, alarms]) shared?.catch(() => undefined);
  const context = { deps, options, stored, alarms };
  const sorted = await Promise.all(CHECK_ORDER.map(async (check) => ({ check, outcome: await settle(() => DOCTOR_CHECKS[check](context)) })));
  const checks = sorted.map(({ check, outcome }): CheckResult => ({ check, status: outcome.status, summary: outcome.summary }));
  const findings = SEVERITY_ORDER.flatMap((severity) => sorted.flatMap(({ check, outcome }) => outcome.findings.filter((f) => f.severity === severity).map((f) => ({ check, ...f }))));
  return {
    stage: options.deployment.names.stage,
    checkedAt: options.now.toISOString(),
    checks,
    findings,
    hasCritical: findings.some((finding) => finding.severity === Severity.CRITICAL),
    incomplete: checks.some((check) => check.status === CheckStatus.FAILED),
  };
}

async function settle(run: () => Promise<CheckOutcome>): Promise<{ status: CheckStatus; summary: string; findings: CheckOutcome['findings'] }> {
  try {
    const outcome = await run();
    if (outcome.skipped) return { status: CheckStatus.SKIPPED, summary: outcome.summary, findings: [] };
    return { status: outcome.findings.length > 0 ? CheckStatus.FOUND : CheckStatus.PASSED, summary: outcome.summary, findings: outcome.findings };
  } catch (error) {
    return { status: CheckStatus.FAILED, summary: `could not check: ${describeError(error)}`, findings: [] };
  }
}

/** serverless.yml's default pollRate (custom.defaultPollRate): every 5 minutes with managed alarms, every minute without. */
export function defaultSweepIntervalSeconds(manageAlarms: boolean): number {
  return manageAlarms ? 300 : 60;
}

const RATE = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { minute: 60, minutes: 60, hour: 3_600, hours: 3_600, day: 86_400, days: 86_400 };

/**
 * How often poll sweeps, from the stage's `pollRate` setting (an EventBridge `rate(...)` expression;
 * absent: serverless.yml's default, 5 minutes with managed alarms and 1 without). Undefined for a cron
 * expression, which has no single interval: the caller must then give one.
 */
export function sweepIntervalSeconds(pollRate: string | null | undefined, manageAlarms: boolean): number | undefined {
  if (pollRate === null || pollRate === undefined || pollRate.trim() === '') return defaultSweepIntervalSeconds(manageAlarms);
  const match = RATE.exec(pollRate.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
}
