/**
 * What `doctor`, `dead-letters` and `alarms` print for a person: pure functions from the use cases'
 * results to lines of text. With `--json` a command prints the result itself (printJson, lib/cli/format.ts):
 * the results are plain data (strings, numbers, booleans, lists, objects).
 */
import type { AlarmRemoval, ListedAlarm, StageAlarms } from '../usecases/alarms';
import type { DeadLetterListing, ReplayReport } from '../usecases/dead-letters';
import type { DoctorReport } from '../usecases/doctor';

const CHECK_STATUS_WORD: Readonly<Record<DoctorReport['checks'][number]['status'], string>> = { PASSED: 'passed', FOUND: 'found', SKIPPED: 'skipped', FAILED: 'FAILED' };

function padded(text: string, width: number): string {
  return text.padEnd(width);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function renderDoctorReport(report: DoctorReport): string[] {
  const lines = [`Failwatch doctor: stage ${report.stage}, ${report.checkedAt}`, ''];
  for (const finding of report.findings) {
    lines.push(`${padded(finding.severity, 9)}[${finding.check}] ${finding.problem}`, `${' '.repeat(9)}what to do: ${finding.action}`, '');
  }
  if (report.findings.length === 0) lines.push('No problem found.', '');
  const width = Math.max(...report.checks.map((check) => check.check.length)) + 2;
  lines.push('Checks:');
  for (const check of report.checks) lines.push(`  ${padded(CHECK_STATUS_WORD[check.status], 9)}${padded(check.check, width)}${check.summary}`);
  const bySeverity = (severity: string) => report.findings.filter((finding) => finding.severity === severity).length;
  const failed = report.checks.filter((check) => check.status === 'FAILED').length;
  lines.push(
    '',
    `Result: ${bySeverity('critical')} critical, ${count(bySeverity('warning'), 'warning')}, ${bySeverity('info')} info${failed > 0 ? `; ${failed === 1 ? '1 check' : `${failed} checks`} could not be made (FAILED above)` : ''}.`,
  );
  return lines;
}

function describeReplay(replay: DeadLetterListing['letters'][number]['replay']): string {
  switch (replay.kind) {
    case 'INVOKE':
      return `replay sends it to ${replay.functionName}`;
    case 'DISCARD':
      return `replay deletes it: ${replay.reason}`;
    case 'KEEP':
      return `replay leaves it: ${replay.reason}`;
  }
}

export function renderDeadLetterListing(listing: DeadLetterListing): string[] {
  const { visible, inFlight } = listing.counted;
  const header = `${listing.queue}: ${count(listing.letters.length, 'letter')} listed${inFlight > 0 ? `, ${inFlight} more being read by someone else right now` : ''}${listing.complete ? '' : ` (of about ${visible}; list more with --max)`}`;
  if (listing.letters.length === 0) return [inFlight > 0 ? header : `${listing.queue}: no dead letter waiting.`];
  const lines = [header, ''];
  for (const letter of listing.letters) {
    lines.push(`${letter.messageId}  ${letter.sentAt ?? '(sent at unknown)'}  ${letter.source}${letter.functionName === undefined ? '' : `  ${letter.functionName}`}`);
    if (letter.about !== undefined) lines.push(`  about:   ${letter.about}`);
    if (letter.error !== undefined) lines.push(`  failed:  ${letter.error}`);
    lines.push(`  ${describeReplay(letter.replay)}`);
  }
  return lines;
}

const NOT_FOUND = 'NOT FOUND';

export function renderReplayReport(report: ReplayReport): string[] {
  if (report.letters.length === 0 && report.notFound.length === 0 && report.stoppedBy === undefined) return [`${report.queue}: no dead letter to replay.`];
  const { REPLAYED, DISCARDED, KEPT, FAILED, NOT_DELETED } = report.counts;
  const lines = [`${report.queue}: ${REPLAYED} replayed, ${DISCARDED} discarded, ${KEPT} kept, ${FAILED} failed${NOT_DELETED > 0 ? `, ${NOT_DELETED} replayed but not deleted` : ''}.`];
  const width = Math.max(...report.letters.map((letter) => letter.outcome.length), report.notFound.length > 0 ? NOT_FOUND.length : 0) + 2;
  for (const letter of report.letters) lines.push(`  ${padded(letter.outcome, width)}${letter.messageId}  ${letter.detail}`);
  for (const id of report.notFound) lines.push(`  ${padded(NOT_FOUND, width)}${id}  not in the queue, or being read by someone else`);
  if (report.stoppedBy !== undefined) lines.push(`Stopped: ${report.stoppedBy}. Letters not reached stay in the queue.`);
  else if (!report.complete) lines.push('Stopped at --max: more letters wait; run replay again.');
  return lines;
}

function alarmLine(alarm: ListedAlarm, stateWidth: number): string {
  const standing = alarm.standing;
  return `  ${padded(standing?.state ?? '?', stateWidth)}${alarm.name}${standing === undefined ? '' : `  since ${standing.since}${standing.reason === '' ? '' : `: ${standing.reason}`}`}`;
}

export function renderStageAlarms(alarms: StageAlarms): string[] {
  const width = Math.max(...[...alarms.managed, ...alarms.foreign].map((alarm) => (alarm.standing?.state ?? '?').length), 0) + 2;
  const lines = [`Managed alarms (prefix ${alarms.prefix}): ${alarms.managed.length}`, ...alarms.managed.map((alarm) => alarmLine(alarm, width))];
  if (alarms.foreign.length > 0) {
    lines.push('', `Named like them, without the failwatch:managed-by=${alarms.prefix} tag (never touched): ${alarms.foreign.length}`, ...alarms.foreign.map((alarm) => alarmLine(alarm, width)));
  }
  return lines;
}

export function renderAlarmRemoval(removal: AlarmRemoval): string[] {
  const lines = [`Removed ${count(removal.removed.length, 'alarm')}${removal.removed.length > 0 ? `: ${removal.removed.join(', ')}` : ''}.`];
  for (const refusal of removal.refused) lines.push(`Left alone: ${refusal.name}: ${refusal.reason}`);
  for (const name of removal.notFound) lines.push(`Not found: ${name}`);
  return lines;
}
