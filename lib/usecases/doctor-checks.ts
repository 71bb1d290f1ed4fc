/** Each check `failwatch doctor` makes (lib/usecases/doctor.ts runs them): what it reads, what it finds, what it tells a person to do. */
import { ALARM_OWNER_TAG, alarmNameFor, blockedBecause } from '../domain/alarm-plan';
import { ConfigRiskKind, configRisksOfDefinition } from '../domain/config-risks';
import { describePair, pairKey, Severity, type PairId } from '../domain/model';
import { formatDuration } from '../notify/render';
import { PublishStatus, type AlarmListing, type StoredPair } from '../ports';
import type { StoredPairs } from './console-ports';
import { DoctorCheck, MISSED_SWEEP_INTERVALS, PENDING_TOO_LONG_SECONDS, type DoctorDeps, type DoctorFinding, type DoctorOptions } from './doctor-report';

export type Finding = Omit<DoctorFinding, 'check'>;

export interface CheckOutcome {
  readonly findings: readonly Finding[];
  /** What was looked at; with `skipped`, why the check does not apply. */
  readonly summary: string;
  readonly skipped?: true;
}

export interface DoctorContext {
  readonly deps: DoctorDeps;
  readonly options: DoctorOptions;
  readonly stored: Promise<StoredPairs>;
  /** undefined when the stage does not manage alarms. */
  readonly alarms: Promise<AlarmListing> | undefined;
}

const SECURE_STRING = 'SecureString';

function skipped(why: string): CheckOutcome {
  return { findings: [], summary: why, skipped: true };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function cli(command: string, options: DoctorOptions): string {
  return `npx failwatch ${command} --stage ${options.deployment.names.stage}`;
}

async function checkStoredPairs({ stored }: DoctorContext): Promise<CheckOutcome> {
  const { definitions, states, unreadable } = await stored;
  const findings: Finding[] = unreadable.map(({ item, problem }) => ({
    severity: Severity.WARNING,
    problem: `The stored item ${item} cannot be read: ${problem}`,
    action: 'A damaged DEFINITION item is rewritten by the next sweep that lists Route 53; a damaged STATE item keeps its pair from being judged until it is fixed or deleted (the pair then starts afresh).',
  }));
  if (definitions.length === 0) {
    findings.push({
      severity: Severity.WARNING,
      problem: 'No pair definition is stored: no sweep has listed Route 53 since this version was deployed, or the stage watches no failover pair, so the checks below have no pair to look at',
      action: 'Wait for the next sweep; if it stays empty, check the zoneIds setting and that the hosted zones hold failover record pairs (a PRIMARY and a SECONDARY of the same name and type).',
    });
  }
  return { findings, summary: `${plural(definitions.length, 'pair definition')}, ${plural(states.length, 'pair state')}${unreadable.length > 0 ? `, ${unreadable.length} unreadable` : ''}` };
}

async function checkDrConfiguration({ stored, deps }: DoctorContext): Promise<CheckOutcome> {
  const rules = deps.configRisksOf ?? configRisksOfDefinition;
  const { definitions } = await stored;
  const findings = definitions.flatMap((definition) =>
    rules(definition).map(
      (risk): Finding => ({
        severity: risk.kind === ConfigRiskKind.DR_HOLE ? Severity.CRITICAL : Severity.WARNING,
        problem: `${describePair(definition.pair.id)} (zone ${definition.pair.id.zoneId}): ${risk.kind === ConfigRiskKind.DR_HOLE ? 'DR hole' : 'blind spot'}: ${risk.problem}`,
        action: risk.fix,
      }),
    ),
  );
  const holes = findings.filter((finding) => finding.severity === Severity.CRITICAL).length;
  return { findings, summary: `${plural(definitions.length, 'pair')}: ${plural(holes, 'DR hole')}, ${plural(findings.length - holes, 'blind spot')}` };
}

/** Each health check a stored pair depends on, with the pairs that depend on it: what managed alarms cover. */
function watchedHealthChecks(stored: StoredPairs): Map<string, PairId[]> {
  const pairsByCheck = new Map<string, PairId[]>();
  for (const definition of stored.definitions) {
    for (const check of definition.healthChecks) pairsByCheck.set(check.id, [...(pairsByCheck.get(check.id) ?? []), definition.pair.id]);
  }
  return pairsByCheck;
}

const ALARMS_OFF = 'managed alarms are off for this stage (manageAlarms=false): alarms of your own on AWS/Route53 HealthCheckStatus are not checked';

async function checkAlarmCoverage({ stored, alarms, options }: DoctorContext): Promise<CheckOutcome> {
  if (alarms === undefined) return skipped(ALARMS_OFF);
  const [pairs, listing] = await Promise.all([stored, alarms]);
  const prefix = options.deployment.alarms.prefix;
  const managed = new Set(listing.managed.map((alarm) => alarm.name));
  const foreign = new Set(listing.foreign.map((alarm) => alarm.name));
  const watched = watchedHealthChecks(pairs);
  const findings: Finding[] = [];
  for (const [healthCheckId, pairIds] of [...watched].sort(([a], [b]) => a.localeCompare(b))) {
    const name = alarmNameFor(prefix, healthCheckId);
    if (managed.has(name)) continue;
    const usedBy = `used by ${pairIds.map((id) => `${describePair(id)} (zone ${id.zoneId})`).join(', ')}`;
    findings.push(
      foreign.has(name)
        ? {
            severity: Severity.WARNING,
            problem: `${blockedBecause(healthCheckId)} (${usedBy})`,
            action: `Delete or rename alarm ${name}, or tag it ${ALARM_OWNER_TAG}=${prefix} if it is Failwatch's own; until then only the sweep sees this check change.`,
          }
        : {
            severity: Severity.WARNING,
            problem: `Health check ${healthCheckId} (${usedBy}) has no managed alarm ${name}: its changes reach Failwatch only at the next sweep`,
            action: "The poll function creates it at its next reconcile (at most 15 minutes away, sooner after a Route 53 listing); if it stays missing, read poll's log for `alarms` with status FAILED (permissions, or the account's alarm quota).",
          },
    );
  }
  return { findings, summary: `${plural(watched.size, 'watched health check')}, ${watched.size - findings.length} with a managed alarm` };
}

async function checkAlarmData({ alarms, options }: DoctorContext): Promise<CheckOutcome> {
  if (alarms === undefined) return skipped(ALARMS_OFF);
  const listing = await alarms;
  const findings = listing.managed
    .filter((alarm) => alarm.standing?.state === 'INSUFFICIENT_DATA')
    .map(
      (alarm): Finding => ({
        severity: Severity.WARNING,
        problem: `Managed alarm ${alarm.name} has been INSUFFICIENT_DATA since ${alarm.standing?.since ?? '(unknown)'} (${alarm.standing?.reason ?? ''}): Route 53 publishes no HealthCheckStatus for health check ${alarm.healthCheckId ?? '(none)'}, so its changes reach Failwatch only at the next sweep`,
        action: `Check that health check ${alarm.healthCheckId ?? '(none)'} still exists (\`aws route53 get-health-check --health-check-id ${alarm.healthCheckId ?? '<id>'}\`): a new check has no data for its first minutes; a deleted one's alarm goes at poll's next reconcile (${cli('alarms remove', options)} ${alarm.name} removes it now).`,
      }),
    );
  return { findings, summary: `${plural(listing.managed.length, 'managed alarm')}, ${findings.length} without data${listing.foreign.length > 0 ? `; ${listing.foreign.length} of the same names without Failwatch's tag` : ''}` };
}

async function checkTopic({ deps, options }: DoctorContext): Promise<CheckOutcome> {
  const topicArn = options.deployment.topicArn;
  const subscriptions = await deps.topic.listSubscriptions(topicArn);
  if (subscriptions === undefined) {
    return { findings: [{ severity: Severity.CRITICAL, problem: `Topic ${topicArn} does not exist: no notification can be sent`, action: 'Deploy the stage again: the topic is part of its stack.' }], summary: 'no topic' };
  }
  const pending = subscriptions.filter((subscription) => !subscription.confirmed);
  const confirmed = subscriptions.length - pending.length;
  const findings: Finding[] = [];
  if (subscriptions.length === 0) {
    findings.push({
      severity: Severity.CRITICAL,
      problem: `Topic ${topicArn} has no subscription: nobody receives Failwatch's notifications`,
      action: `Set alertEmail in stages/${options.deployment.names.stage}.yml and deploy again (then confirm the email SNS sends), or subscribe an endpoint of your own.`,
    });
  } else if (confirmed === 0) {
    findings.push({
      severity: Severity.CRITICAL,
      problem: `None of topic ${topicArn}'s ${plural(subscriptions.length, 'subscription')} is confirmed: nobody receives Failwatch's notifications`,
      action: 'Confirm each subscription below from the message SNS sent to it ("AWS Notification - Subscription Confirmation").',
    });
  }
  for (const subscription of pending) {
    findings.push({
      severity: Severity.WARNING,
      problem: `The ${subscription.protocol} subscription of ${subscription.endpoint} to topic ${topicArn} is waiting for confirmation: it receives nothing until then`,
      action: `Follow the confirmation link SNS sent to ${subscription.endpoint}, or subscribe it again to get a new one (\`aws sns subscribe --topic-arn ${topicArn} --protocol ${subscription.protocol} --notification-endpoint ${subscription.endpoint}\`).`,
    });
  }
  return { findings, summary: `${confirmed} of ${plural(subscriptions.length, 'subscription')} confirmed` };
}

async function checkSlack({ deps, options }: DoctorContext): Promise<CheckOutcome> {
  const name = options.deployment.slackWebhookParameter;
  if (name === undefined) return skipped('Slack is off for this stage (no slack function is deployed)');
  const type = await deps.parameters.parameterType(name);
  const putSecure = `aws ssm put-parameter --type SecureString --name ${name} --value 'https://hooks.slack.com/services/...'`;
  if (type === undefined) {
    return {
      findings: [
        {
          severity: Severity.CRITICAL,
          problem: `Slack is on, but its webhook parameter ${name} does not exist: every Slack post fails, and lands in the dead-letter queue`,
          action: `Create it: \`${putSecure}\`; then replay what failed: ${cli('dead-letters replay', options)}.`,
        },
      ],
      summary: `parameter ${name} missing`,
    };
  }
  if (type !== SECURE_STRING) {
    return {
      findings: [
        {
          severity: Severity.WARNING,
          problem: `Slack's webhook parameter ${name} is a ${type}, not a SecureString: the webhook URL, which lets anyone holding it post to the channel, is stored unencrypted`,
          action: `Store it again as a SecureString: \`aws ssm delete-parameter --name ${name}\`, then \`${putSecure}\`.`,
        },
      ],
      summary: `parameter ${name} is a ${type}`,
    };
  }
  return { findings: [], summary: `parameter ${name} is a SecureString` };
}

/** The outbox's PENDING entries, as when each was observed and what it is. */
function pendingEntries(state: StoredPair): { readonly observedAt: string; readonly what: string }[] {
  return (state.outbox ?? []).flatMap((entry) => {
    if (entry.kind === 'TRANSITION') {
      return entry.transition.publishStatus === PublishStatus.PENDING ? [{ observedAt: entry.transition.observedAt, what: `${entry.transition.kind} #${entry.transition.sequence}` }] : [];
    }
    return entry.notice.publishStatus === PublishStatus.PENDING ? [{ observedAt: entry.notice.observedAt, what: entry.notice.kind }] : [];
  });
}

async function checkPendingNotifications({ stored, options }: DoctorContext): Promise<CheckOutcome> {
  const { states } = await stored;
  const now = options.now.getTime();
  let pending = 0;
  const findings: Finding[] = [];
  for (const state of [...states].sort((a, b) => pairKey(a.pairId).localeCompare(pairKey(b.pairId)))) {
    for (const entry of pendingEntries(state)) {
      pending += 1;
      const waitedSeconds = (now - Date.parse(entry.observedAt)) / 1000;
      if (!(waitedSeconds > PENDING_TOO_LONG_SECONDS)) continue;
      findings.push({
        severity: Severity.CRITICAL,
        problem: `${describePair(state.pairId)} (zone ${state.pairId.zoneId}): ${entry.what}, observed ${entry.observedAt}, has not been sent for ${formatDuration(waitedSeconds)}`,
        action: `Every run tries to send it again: read the poll function's log (/aws/lambda/${options.deployment.names.functions.poll}) for "Publishing ... failed" and fix what it names (the topic, its KMS key, or sns:Publish).`,
      });
    }
  }
  return { findings, summary: `${plural(pending, 'notification')} pending, ${findings.length} for over ${formatDuration(PENDING_TOO_LONG_SECONDS)}` };
}

async function checkDeadLetters({ deps, options }: DoctorContext): Promise<CheckOutcome> {
  const { visible, inFlight } = await deps.deadLetters.countWaiting();
  const queue = options.deployment.names.deadLetterQueue;
  const waiting = visible + inFlight;
  if (waiting === 0) return { findings: [], summary: `queue ${queue} is empty` };
  return {
    findings: [
      {
        severity: Severity.WARNING,
        problem: `${plural(waiting, 'dead letter')} ${waiting === 1 ? 'waits' : 'wait'} in ${queue}${inFlight > 0 ? ` (${inFlight} being read right now)` : ''}: deliveries that failed for good (alarm evaluations, Slack posts, missed sweeps)`,
        action: `See them with ${cli('dead-letters list', options)}, and send them back to the functions that failed with ${cli('dead-letters replay', options)}.`,
      },
    ],
    summary: `${plural(waiting, 'dead letter')} in ${queue}`,
  };
}

async function checkSweeps({ deps, options }: DoctorContext): Promise<CheckOutcome> {
  const windowSeconds = MISSED_SWEEP_INTERVALS * options.sweepIntervalSeconds;
  const from = new Date(options.now.getTime() - windowSeconds * 1000);
  const sweeps = await deps.sweeps.sweepsCompleted(options.deployment.names.metricsService, from, options.now);
  const summary = `${plural(sweeps, 'sweep')} completed in the last ${formatDuration(windowSeconds)}`;
  if (sweeps > 0) return { findings: [], summary };
  const poll = options.deployment.names.functions.poll;
  return {
    findings: [
      {
        severity: Severity.CRITICAL,
        problem: `No sweep completed in the last ${formatDuration(windowSeconds)} (${MISSED_SWEEP_INTERVALS} × the ${formatDuration(options.sweepIntervalSeconds)} schedule): Failwatch is not watching`,
        action: `Read the poll function's log (/aws/lambda/${poll}) for errors and timeouts, check that its schedule rule ${options.deployment.names.rules.poll} is enabled, and look for missed sweeps in the dead-letter queue (${cli('dead-letters list', options)}). A stage deployed before Failwatch reported SweepsCompleted shows this until it is deployed again.`,
      },
    ],
    summary,
  };
}

export const DOCTOR_CHECKS: Readonly<Record<DoctorCheck, (context: DoctorContext) => Promise<CheckOutcome>>> = {
  [DoctorCheck.STORED_PAIRS]: checkStoredPairs,
  [DoctorCheck.DR_CONFIGURATION]: checkDrConfiguration,
  [DoctorCheck.ALARM_COVERAGE]: checkAlarmCoverage,
  [DoctorCheck.ALARM_DATA]: checkAlarmData,
  [DoctorCheck.TOPIC]: checkTopic,
  [DoctorCheck.SLACK]: checkSlack,
  [DoctorCheck.PENDING_NOTIFICATIONS]: checkPendingNotifications,
  [DoctorCheck.DEAD_LETTERS]: checkDeadLetters,
  [DoctorCheck.SWEEPS]: checkSweeps,
};
