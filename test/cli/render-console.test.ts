/** What `doctor`, `dead-letters` and `alarms` print: the text a person reads, and JSON that is the result itself. */
import { renderAlarmRemoval, renderDeadLetterListing, renderDoctorReport, renderReplayReport, renderStageAlarms } from '../../lib/cli/render-console';
import { stageNames } from '../../lib/usecases/console-ports';
import { listDeadLetters, replayDeadLetters } from '../../lib/usecases/dead-letters';
import type { DoctorReport } from '../../lib/usecases/doctor';
import { InMemoryDeadLetterQueue, RecordingFunctionInvoker } from '../support/console-fakes';
import { alarmEvent, eventTargetLetter, scheduledEvent } from '../support/dead-letter-fixtures';

const REPORT: DoctorReport = {
  stage: 'prod',
  checkedAt: '2026-12-01T12:00:00.000Z',
  checks: [
    { check: 'stored-pairs', status: 'PASSED', summary: '2 pair definitions, 2 pair states' },
    { check: 'topic', status: 'FOUND', summary: '0 of 0 subscriptions confirmed' },
    { check: 'slack', status: 'SKIPPED', summary: 'Slack is off for this stage (no slack function is deployed)' },
    { check: 'sweeps', status: 'FAILED', summary: 'could not check: ConsoleReadError: AWS refused cloudwatch:GetMetricData' },
  ],
  findings: [
    { check: 'topic', severity: 'critical', problem: 'Topic T has no subscription: nobody receives Failwatch\'s notifications', action: 'Set alertEmail in stages/prod.yml and deploy again.' },
    { check: 'alarm-coverage', severity: 'warning', problem: 'Health check H has no managed alarm', action: 'The poll function creates it at its next reconcile.' },
  ],
  hasCritical: true,
  incomplete: true,
};

const NAMES = stageNames('prod');

describe('renderDoctorReport', () => {
  it('each finding with what to do, critical first; then every check and how it went; then the count', () => {
    expect(renderDoctorReport(REPORT)).toEqual([
      'Failwatch doctor: stage prod, 2026-12-01T12:00:00.000Z',
      '',
      'critical [topic] Topic T has no subscription: nobody receives Failwatch\'s notifications',
      '         what to do: Set alertEmail in stages/prod.yml and deploy again.',
      '',
      'warning  [alarm-coverage] Health check H has no managed alarm',
      '         what to do: The poll function creates it at its next reconcile.',
      '',
      'Checks:',
      '  passed   stored-pairs  2 pair definitions, 2 pair states',
      '  found    topic         0 of 0 subscriptions confirmed',
      '  skipped  slack         Slack is off for this stage (no slack function is deployed)',
      '  FAILED   sweeps        could not check: ConsoleReadError: AWS refused cloudwatch:GetMetricData',
      '',
      'Result: 1 critical, 1 warning, 0 info; 1 check could not be made (FAILED above).',
    ]);
  });

  it('nothing found says so', () => {
    const lines = renderDoctorReport({ ...REPORT, findings: [], checks: [REPORT.checks[0]!], hasCritical: false, incomplete: false });
    expect(lines.slice(2, 3)).toEqual(['No problem found.']);
    expect(lines.at(-1)).toBe('Result: 0 critical, 0 warnings, 0 info.');
  });

  it('the report is plain data: --json prints it as it is', () => {
    expect(JSON.parse(JSON.stringify(REPORT))).toEqual(REPORT);
  });
});

describe('renderDeadLetterListing and renderReplayReport', () => {
  const letters = () => [eventTargetLetter('m-alarm', 'failwatch-prod-alarm', 'failwatch-prod-alarm', alarmEvent()), eventTargetLetter('m-poll', 'failwatch-prod-poll', 'failwatch-prod-poll', scheduledEvent())];

  it('each letter: when, where from, what about, why it failed, what replay would do', async () => {
    const listing = await listDeadLetters({ queue: new InMemoryDeadLetterQueue(letters()) }, { names: NAMES });
    expect(renderDeadLetterListing(listing)).toEqual([
      'failwatch-prod-dead-letters: 2 letters listed',
      '',
      'm-alarm  2026-11-25T08:12:00.000Z  EVENT_TARGET  failwatch-prod-alarm',
      '  about:   CloudWatch Alarm State Change: failwatch-11111111-2222-3333-4444-555555555555 → ALARM',
      '  failed:  Throttling: Rate Exceeded.',
      '  replay sends it to failwatch-prod-alarm',
      'm-poll  2026-11-25T08:12:00.000Z  EVENT_TARGET  failwatch-prod-poll',
      '  about:   Scheduled Event',
      '  failed:  Throttling: Rate Exceeded.',
      '  replay deletes it: a missed sweep needs no replay: the next sweep looked at every pair',
    ]);
    expect(JSON.parse(JSON.stringify(listing))).toEqual(listing);
  });

  it('an empty queue', async () => {
    expect(renderDeadLetterListing(await listDeadLetters({ queue: new InMemoryDeadLetterQueue() }, { names: NAMES }))).toEqual(['failwatch-prod-dead-letters: no dead letter waiting.']);
  });

  it('what replay did to each letter', async () => {
    const invoker = new RecordingFunctionInvoker();
    const report = await replayDeadLetters({ queue: new InMemoryDeadLetterQueue(letters()), invoker }, { names: NAMES, only: ['m-alarm', 'm-poll', 'm-gone'] });
    expect(renderReplayReport(report)).toEqual([
      'failwatch-prod-dead-letters: 1 replayed, 1 discarded, 0 kept, 0 failed.',
      '  REPLAYED   m-alarm  replayed to failwatch-prod-alarm',
      '  DISCARDED  m-poll  a missed sweep needs no replay: the next sweep looked at every pair',
      '  NOT FOUND  m-gone  not in the queue, or being read by someone else',
    ]);
  });

  it('a letter asked for that the queue did not hand out, alone: its column as wide as NOT FOUND', async () => {
    const report = await replayDeadLetters({ queue: new InMemoryDeadLetterQueue(), invoker: new RecordingFunctionInvoker() }, { names: NAMES, only: ['m-gone'] });
    expect(renderReplayReport(report)).toEqual([
      'failwatch-prod-dead-letters: 0 replayed, 0 discarded, 0 kept, 0 failed.',
      '  NOT FOUND  m-gone  not in the queue, or being read by someone else',
    ]);
  });
});

describe('renderStageAlarms and renderAlarmRemoval', () => {
  it('each managed alarm with where it stands; the untagged ones apart', () => {
    expect(
      renderStageAlarms({
        prefix: 'failwatch-prod',
        managed: [
          { name: 'failwatch-prod-A', healthCheckId: 'A', standing: { state: 'INSUFFICIENT_DATA', reason: 'no datapoints', since: '2026-12-01T10:00:00.000Z' } },
          { name: 'failwatch-prod-B', healthCheckId: 'B', standing: { state: 'OK', reason: '', since: '2026-12-01T09:00:00.000Z' } },
        ],
        foreign: [{ name: 'failwatch-prod-C', healthCheckId: 'C' }],
      }),
    ).toEqual([
      'Managed alarms (prefix failwatch-prod): 2',
      '  INSUFFICIENT_DATA  failwatch-prod-A  since 2026-12-01T10:00:00.000Z: no datapoints',
      '  OK                 failwatch-prod-B  since 2026-12-01T09:00:00.000Z',
      '',
      'Named like them, without the failwatch:managed-by=failwatch-prod tag (never touched): 1',
      '  ?                  failwatch-prod-C',
    ]);
  });

  it('what was removed, left alone and not found', () => {
    expect(renderAlarmRemoval({ prefix: 'failwatch-prod', removed: ['failwatch-prod-A'], refused: [{ name: 'failwatch-prod-C', reason: 'not Failwatch\'s' }], notFound: ['failwatch-prod-D'] })).toEqual([
      'Removed 1 alarm: failwatch-prod-A.',
      'Left alone: failwatch-prod-C: not Failwatch\'s',
      'Not found: failwatch-prod-D',
    ]);
  });
});
