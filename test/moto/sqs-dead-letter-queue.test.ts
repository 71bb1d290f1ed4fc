/**
 * The stage's dead-letter queue on moto's SQS, through SqsDeadLetterQueue: counted, listed and replayed
 * with the use cases of `failwatch dead-letters`, for each shape of letter the README describes (an
 * EventBridge target's event, a Lambda invocation record, an SNS notification), sent as AWS sends them
 * (EventBridge's facts as message attributes). Replays reach moto's Lambda through LambdaFunctionInvoker;
 * moto runs no code (no Docker), so what each function was sent is recorded on the way.
 */
import { createLambdaClient, LambdaFunctionInvoker } from '../../lib/aws/lambda/functions';
import { createSqsClient, SqsDeadLetterQueue } from '../../lib/aws/sqs/dead-letter-queue';
import { ConsoleReadError, DeadLetterError } from '../../lib/errors';
import { DeadLetterSource } from '../../lib/usecases/dead-letter-shapes';
import { listDeadLetters, replayDeadLetters, ReplayOutcome } from '../../lib/usecases/dead-letters';
import type { FunctionInvoker } from '../../lib/usecases/console-ports';
import { alarmEvent, eventTargetLetter, FUNCTION_ARN, invocationRecordLetter, scheduledEvent, snsEvent, snsMessage, snsRedriveLetter, type LetterContent } from '../support/dead-letter-fixtures';
import { useMoto } from '../support/moto';
import { createStageOnMoto, sendDeadLetters } from '../support/moto-stage';

useMoto({ lambda: { use_docker: false } });

/** The three shapes, each for a function that replays it, plus a missed sweep (discarded) and a stranger (kept). */
function theLetters(): LetterContent[] {
  return [
    eventTargetLetter('', 'failwatch-prod-alarm', 'failwatch-prod-alarm', alarmEvent()),
    invocationRecordLetter('', FUNCTION_ARN('failwatch-prod-slack'), snsEvent()),
    snsRedriveLetter(''),
    eventTargetLetter('', 'failwatch-prod-poll', 'failwatch-prod-poll', scheduledEvent()),
    { messageId: '', body: 'not a letter Failwatch sends', attributes: {} },
  ];
}

class RecordingLambdaInvoker implements FunctionInvoker {
  readonly invoked: { functionName: string; payload: unknown }[] = [];
  private readonly lambda = new LambdaFunctionInvoker(createLambdaClient());

  async invokeAsync(functionName: string, payload: unknown): Promise<void> {
    await this.lambda.invokeAsync(functionName, payload);
    this.invoked.push({ functionName, payload });
  }
}

describe('SqsDeadLetterQueue', () => {
  it('lists every letter with its shape, attributes, send time and receive count, and leaves them all waiting', async () => {
    const stage = await createStageOnMoto('prod');
    const before = Date.now();
    const ids = await sendDeadLetters(stage, theLetters());
    const queue = new SqsDeadLetterQueue(createSqsClient(), stage.names.deadLetterQueue);

    const listing = await listDeadLetters({ queue }, { names: stage.names });

    expect(listing).toMatchObject({ queue: 'failwatch-prod-dead-letters', counted: { visible: 5, inFlight: 0 }, complete: true });
    const byId = new Map(listing.letters.map((letter) => [letter.messageId, letter]));
    expect(ids.map((id) => [byId.get(id)?.source, byId.get(id)?.functionName])).toEqual([
      [DeadLetterSource.EVENT_TARGET, 'failwatch-prod-alarm'],
      [DeadLetterSource.FAILED_INVOCATION, 'failwatch-prod-slack'],
      [DeadLetterSource.SNS_DELIVERY, 'failwatch-prod-slack'],
      [DeadLetterSource.EVENT_TARGET, 'failwatch-prod-poll'],
      [DeadLetterSource.UNKNOWN, undefined],
    ]);
    // EventBridge's ERROR_CODE and ERROR_MESSAGE came through as message attributes.
    expect(byId.get(ids[0]!)?.error).toBe('Throttling: Rate Exceeded.');
    for (const letter of listing.letters) {
      expect(letter.receiveCount).toBe(1);
      expect(new Date(letter.sentAt ?? 0).getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    }
    expect(await queue.countWaiting()).toEqual({ visible: 5, inFlight: 0 });
  });

  it('replays the three shapes to the functions that failed, discards the missed sweep, keeps the stranger', async () => {
    const stage = await createStageOnMoto('prod', { slackWebhookParameter: '/failwatch/prod/slack-webhook' });
    const ids = await sendDeadLetters(stage, theLetters());
    const queue = new SqsDeadLetterQueue(createSqsClient(), stage.names.deadLetterQueue);
    const invoker = new RecordingLambdaInvoker();

    const report = await replayDeadLetters({ queue, invoker }, { names: stage.names });

    expect(report.counts).toEqual({ REPLAYED: 3, DISCARDED: 1, KEPT: 1, FAILED: 0, NOT_DELETED: 0 });
    expect(report.complete).toBe(true);
    expect(new Map(report.letters.map((letter) => [letter.messageId, letter.outcome]))).toEqual(
      new Map([
        [ids[0], ReplayOutcome.REPLAYED],
        [ids[1], ReplayOutcome.REPLAYED],
        [ids[2], ReplayOutcome.REPLAYED],
        [ids[3], ReplayOutcome.DISCARDED],
        [ids[4], ReplayOutcome.KEPT],
      ]),
    );
    expect(invoker.invoked).toEqual(
      expect.arrayContaining([
        { functionName: 'failwatch-prod-alarm', payload: alarmEvent() },
        { functionName: 'failwatch-prod-slack', payload: snsEvent() },
        { functionName: 'failwatch-prod-slack', payload: { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: snsMessage() }] } },
      ]),
    );
    expect(invoker.invoked).toHaveLength(3);
    // Only the kept letter is left, visible again at once for the next reader.
    expect(await queue.countWaiting()).toEqual({ visible: 1, inFlight: 0 });
    expect((await queue.receive(10, 30)).map((letter) => letter.messageId)).toEqual([ids[4]]);
  });

  it('counts a letter someone is reading as in flight, and a released one as waiting again', async () => {
    const stage = await createStageOnMoto('prod');
    await sendDeadLetters(stage, theLetters().slice(0, 2));
    const queue = new SqsDeadLetterQueue(createSqsClient(), stage.names.deadLetterQueue);

    const received = await queue.receive(1, 300);
    expect(received).toHaveLength(1);
    expect(await queue.countWaiting()).toEqual({ visible: 1, inFlight: 1 });

    await queue.release(received);
    expect(await queue.countWaiting()).toEqual({ visible: 2, inFlight: 0 });
  });

  it('an empty queue hands out nothing', async () => {
    const stage = await createStageOnMoto('prod');
    const queue = new SqsDeadLetterQueue(createSqsClient(), stage.names.deadLetterQueue);
    expect(await queue.receive(10, 30)).toEqual([]);
    expect(await queue.countWaiting()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('a queue that does not exist: the count is a ConsoleReadError and a receive a DeadLetterError, both saying what to check', async () => {
    const queue = new SqsDeadLetterQueue(createSqsClient(), 'failwatch-nowhere-dead-letters');
    const message = /^Queue failwatch-nowhere-dead-letters does not exist in this region \(.*\): check --stage and --region; the stage's stack creates it/;

    const counting = queue.countWaiting();
    await expect(counting).rejects.toBeInstanceOf(ConsoleReadError);
    await expect(counting).rejects.toThrow(message);
    const receiving = queue.receive(10, 30);
    await expect(receiving).rejects.toBeInstanceOf(DeadLetterError);
    await expect(receiving).rejects.toThrow(message);
  });
});
