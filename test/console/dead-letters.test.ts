/**
 * `failwatch dead-letters list|replay` with an in-memory queue and a recording invoker: each shape of
 * letter the README describes, replayed as the function that failed takes it (checked with the
 * functions' own parsers), deleted only once its replay was accepted, and everything else left visible.
 */
import { parseSnsEvent } from '../../handlers/slack';
import { parseAlarmEvent } from '../../lib/runtime/events';
import { stageNames } from '../../lib/usecases/console-ports';
import { DeadLetterSource, readDeadLetter } from '../../lib/usecases/dead-letter-shapes';
import { listDeadLetters, replayDeadLetters, ReplayOutcome } from '../../lib/usecases/dead-letters';
import { InMemoryDeadLetterQueue, RecordingFunctionInvoker } from '../support/console-fakes';
import { alarmEvent, eventTargetLetter, FUNCTION_ARN, invocationRecordLetter, scheduledEvent, snsEvent, snsMessage, snsRedriveLetter, type LetterContent } from '../support/dead-letter-fixtures';

const NAMES = stageNames('prod');
const read = (letter: LetterContent) => readDeadLetter({ ...letter, receiptHandle: 'rh' }, NAMES);

describe('readDeadLetter: what each letter is, and how it is replayed', () => {
  it('a sweep EventBridge could not deliver: discarded, the next sweep did its work', () => {
    expect(read(eventTargetLetter('m', 'failwatch-prod-poll', 'failwatch-prod-poll', scheduledEvent()))).toEqual({
      source: DeadLetterSource.EVENT_TARGET,
      functionName: 'failwatch-prod-poll',
      error: 'Throttling: Rate Exceeded.',
      about: 'Scheduled Event',
      replay: { kind: 'DISCARD', reason: 'a missed sweep needs no replay: the next sweep looked at every pair' },
    });
  });

  it('an alarm event EventBridge could not deliver: the event itself, to the alarm function, which accepts it', () => {
    const reading = read(eventTargetLetter('m', 'failwatch-prod-alarm', 'failwatch-prod-alarm', alarmEvent()));
    expect(reading).toMatchObject({ source: DeadLetterSource.EVENT_TARGET, functionName: 'failwatch-prod-alarm', about: expect.stringMatching(/^CloudWatch Alarm State Change: failwatch-1111.* → ALARM$/) });
    expect(reading.replay).toEqual({ kind: 'INVOKE', functionName: 'failwatch-prod-alarm', payload: alarmEvent() });
    expect(() => parseAlarmEvent(reading.replay.kind === 'INVOKE' ? reading.replay.payload : undefined)).not.toThrow();
  });

  it('a letter without TARGET_ARN is placed by its rule\'s name', () => {
    expect(read(eventTargetLetter('m', 'failwatch-prod-alarm', undefined, alarmEvent())).replay).toMatchObject({ kind: 'INVOKE', functionName: 'failwatch-prod-alarm' });
  });

  it('an alarm run that failed its retries: the original event, to the function its record names (qualifier and all)', () => {
    const reading = read(invocationRecordLetter('m', `${FUNCTION_ARN('failwatch-prod-alarm')}:$LATEST`, alarmEvent()));
    expect(reading).toMatchObject({
      source: DeadLetterSource.FAILED_INVOCATION,
      functionName: 'failwatch-prod-alarm',
      error: 'StoreError: DynamoDB failed while reading pair states: ThrottlingException (RetriesExhausted)',
    });
    expect(reading.replay).toEqual({ kind: 'INVOKE', functionName: 'failwatch-prod-alarm', payload: alarmEvent() });
  });

  it('a Slack post that failed its retries: the SNS event, to the slack function', () => {
    const reading = read(invocationRecordLetter('m', FUNCTION_ARN('failwatch-prod-slack'), snsEvent()));
    expect(reading).toMatchObject({ functionName: 'failwatch-prod-slack', about: 'notification: FAILOVER app.example.com A: now serving secondary 10.0.1.1' });
    expect(reading.replay).toEqual({ kind: 'INVOKE', functionName: 'failwatch-prod-slack', payload: snsEvent() });
  });

  it('a notification SNS could not hand to the slack function: wrapped as Lambda receives it from SNS, which the slack function accepts', () => {
    const reading = read(snsRedriveLetter('m'));
    expect(reading).toMatchObject({ source: DeadLetterSource.SNS_DELIVERY, functionName: 'failwatch-prod-slack', about: 'notification: FAILOVER app.example.com A: now serving secondary 10.0.1.1' });
    expect(reading.replay).toEqual({ kind: 'INVOKE', functionName: 'failwatch-prod-slack', payload: { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: snsMessage() }] } });
    const [record] = parseSnsEvent(reading.replay.kind === 'INVOKE' ? reading.replay.payload : undefined);
    expect(record?.Sns).toMatchObject({ MessageId: snsMessage()['MessageId'], Message: snsMessage()['Message'], Subject: snsMessage()['Subject'] });
  });

  it.each<[string, LetterContent, RegExp]>([
    ['another stage\'s function', invocationRecordLetter('m', FUNCTION_ARN('failwatch-dev-alarm'), alarmEvent()), /names failwatch-dev-alarm, not one of stage prod's functions/],
    ['another stage\'s rule', eventTargetLetter('m', 'failwatch-dev-alarm', 'failwatch-dev-alarm', alarmEvent()), /names failwatch-dev-alarm, not one of stage prod's functions/],
    ['a body that is not JSON', { messageId: 'm', body: 'hello', attributes: {} }, /not a shape Failwatch sends/],
    ['an EventBridge letter whose body is not JSON', { ...eventTargetLetter('m', 'failwatch-prod-alarm', 'failwatch-prod-alarm', {}), body: '<event>' }, /not the JSON event EventBridge sent/],
    ['a record without its payload', { messageId: 'm', body: JSON.stringify({ requestContext: { functionArn: FUNCTION_ARN('failwatch-prod-alarm') } }), attributes: {} }, /no requestPayload/],
  ])('%s is kept, with the reason', (_what, letter, reason) => {
    expect(read(letter).replay).toEqual({ kind: 'KEEP', reason: expect.stringMatching(reason) });
  });
});

const ALARM_LETTER = eventTargetLetter('alarm-1', 'failwatch-prod-alarm', 'failwatch-prod-alarm', alarmEvent());
const POLL_LETTER = eventTargetLetter('poll-1', 'failwatch-prod-poll', 'failwatch-prod-poll', scheduledEvent());
const SLACK_LETTER = snsRedriveLetter('slack-1');
const STRANGER = { messageId: 'stranger-1', body: 'hello', attributes: {} };

describe('listDeadLetters', () => {
  it('shows every letter with what replay would do, changes nothing, and leaves them all visible', async () => {
    const queue = new InMemoryDeadLetterQueue([ALARM_LETTER, POLL_LETTER, SLACK_LETTER, STRANGER]);

    const listing = await listDeadLetters({ queue }, { names: NAMES });

    expect(listing).toMatchObject({ queue: 'failwatch-prod-dead-letters', counted: { visible: 4, inFlight: 0 }, complete: true });
    expect(listing.letters.map((letter) => [letter.messageId, letter.source, letter.replay.kind, letter.receiveCount])).toEqual([
      ['alarm-1', DeadLetterSource.EVENT_TARGET, 'INVOKE', 1],
      ['poll-1', DeadLetterSource.EVENT_TARGET, 'DISCARD', 1],
      ['slack-1', DeadLetterSource.SNS_DELIVERY, 'INVOKE', 1],
      ['stranger-1', DeadLetterSource.UNKNOWN, 'KEEP', 1],
    ]);
    expect(listing.letters[0]?.body).toEqual(alarmEvent());
    expect(listing.letters[3]?.body).toBe('hello');
    expect(queue.deletedIds).toEqual([]);
    expect(queue.visible()).toEqual(['alarm-1', 'poll-1', 'slack-1', 'stranger-1']);
  });

  it('reads past SQS\'s 10 a receive, and stops at max, saying more wait', async () => {
    const letters = Array.from({ length: 25 }, (_, i) => ({ ...STRANGER, messageId: `m-${i}` }));
    const all = await listDeadLetters({ queue: new InMemoryDeadLetterQueue(letters) }, { names: NAMES });
    expect([all.letters.length, all.complete]).toEqual([25, true]);
    const queue = new InMemoryDeadLetterQueue(letters);
    const some = await listDeadLetters({ queue }, { names: NAMES, max: 12 });
    expect([some.letters.length, some.complete]).toEqual([12, false]);
    expect(queue.visible()).toHaveLength(25);
  });
});

describe('replayDeadLetters', () => {
  it('sends each letter back to its function, deletes it once that was accepted, discards missed sweeps, keeps what it cannot replay', async () => {
    const queue = new InMemoryDeadLetterQueue([ALARM_LETTER, POLL_LETTER, SLACK_LETTER, STRANGER]);
    const invoker = new RecordingFunctionInvoker();

    const report = await replayDeadLetters({ queue, invoker }, { names: NAMES });

    expect(invoker.invoked).toEqual([
      { functionName: 'failwatch-prod-alarm', payload: alarmEvent() },
      { functionName: 'failwatch-prod-slack', payload: { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: snsMessage() }] } },
    ]);
    expect(report.letters.map((letter) => [letter.messageId, letter.outcome, letter.detail])).toEqual([
      ['alarm-1', ReplayOutcome.REPLAYED, 'replayed to failwatch-prod-alarm'],
      ['poll-1', ReplayOutcome.DISCARDED, 'a missed sweep needs no replay: the next sweep looked at every pair'],
      ['slack-1', ReplayOutcome.REPLAYED, 'replayed to failwatch-prod-slack'],
      ['stranger-1', ReplayOutcome.KEPT, expect.stringMatching(/^not a shape Failwatch sends/)],
    ]);
    expect(report.counts).toEqual({ REPLAYED: 2, DISCARDED: 1, KEPT: 1, FAILED: 0, NOT_DELETED: 0 });
    expect(report).toMatchObject({ complete: true, notFound: [] });
    expect(queue.deletedIds).toEqual(['alarm-1', 'poll-1', 'slack-1']);
    expect(queue.visible()).toEqual(['stranger-1']);
    expect(queue.hideTimes.every((seconds) => seconds === 600)).toBe(true);
  });

  it('a replay the function refuses leaves its letter in the queue, visible again, and the others go on', async () => {
    const queue = new InMemoryDeadLetterQueue([SLACK_LETTER, ALARM_LETTER]);
    const invoker = new RecordingFunctionInvoker();
    invoker.failing.add('failwatch-prod-slack');

    const report = await replayDeadLetters({ queue, invoker }, { names: NAMES });

    expect(report.letters.map((letter) => [letter.messageId, letter.outcome, letter.detail])).toEqual([
      ['slack-1', ReplayOutcome.FAILED, 'not replayed, left in the queue: Error: Function failwatch-prod-slack does not exist'],
      ['alarm-1', ReplayOutcome.REPLAYED, 'replayed to failwatch-prod-alarm'],
    ]);
    expect(queue.deletedIds).toEqual(['alarm-1']);
    expect(queue.visible()).toEqual(['slack-1']);
  });

  it('a letter replayed but not deleted says so, and stays hidden so this run cannot send it twice', async () => {
    const queue = new InMemoryDeadLetterQueue([ALARM_LETTER]);
    queue.failDeleting.add('alarm-1');
    const invoker = new RecordingFunctionInvoker();

    const report = await replayDeadLetters({ queue, invoker }, { names: NAMES });

    expect(report.letters).toEqual([expect.objectContaining({ outcome: ReplayOutcome.NOT_DELETED, detail: expect.stringMatching(/^replayed to failwatch-prod-alarm, but could not be deleted .*delete it by hand/) })]);
    expect(invoker.invoked).toHaveLength(1);
    expect(queue.remaining()).toEqual(['alarm-1']);
    expect(queue.visible()).toEqual([]);
  });

  it('a missed sweep that cannot be deleted is FAILED and visible again', async () => {
    const queue = new InMemoryDeadLetterQueue([POLL_LETTER]);
    queue.failDeleting.add('poll-1');
    const report = await replayDeadLetters({ queue, invoker: new RecordingFunctionInvoker() }, { names: NAMES });
    expect(report.letters.map((letter) => letter.outcome)).toEqual([ReplayOutcome.FAILED]);
    expect(queue.visible()).toEqual(['poll-1']);
  });

  it('only the letters asked for: the others untouched and visible; one not found is named', async () => {
    const queue = new InMemoryDeadLetterQueue([POLL_LETTER, ALARM_LETTER, SLACK_LETTER]);
    const invoker = new RecordingFunctionInvoker();

    const report = await replayDeadLetters({ queue, invoker }, { names: NAMES, only: ['alarm-1', 'gone-1'] });

    expect(report.letters.map((letter) => [letter.messageId, letter.outcome])).toEqual([['alarm-1', ReplayOutcome.REPLAYED]]);
    expect(report.notFound).toEqual(['gone-1']);
    expect(queue.deletedIds).toEqual(['alarm-1']);
    expect(queue.visible().sort()).toEqual(['poll-1', 'slack-1']);
  });

  it('a receive that fails stops the replay: what was done is reported, the rest made visible again', async () => {
    const letters = Array.from({ length: 12 }, (_, i) => ({ ...STRANGER, messageId: `m-${String(i).padStart(2, '0')}` }));
    const queue = new InMemoryDeadLetterQueue(letters);
    queue.failReceivingFrom = 2;

    const report = await replayDeadLetters({ queue, invoker: new RecordingFunctionInvoker() }, { names: NAMES });

    expect(report).toMatchObject({ complete: false, stoppedBy: 'Error: SQS is down' });
    expect(report.letters).toHaveLength(10);
    expect(queue.visible()).toHaveLength(12);
  });
});
