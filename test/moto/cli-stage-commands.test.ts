/**
 * `failwatch doctor`, `alarms list|remove` and `dead-letters list|replay` as a program (lib/cli/main.ts),
 * against a stage made in moto: the real wiring finds the stage's functions, table, alarms, topic, queue
 * and metrics by their names, through the SDK's standard endpoint variable alone. Exit codes: 0, 4 on a
 * critical finding, 1 when a check could not read AWS and nothing is critical.
 */
import { CloudWatchClient, PutMetricDataCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { SubscribeCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchAlarmManager } from '../../lib/aws/cloudwatch/alarms';
import { createCloudWatchClient } from '../../lib/aws/sdk-clients';
import { main } from '../../lib/cli/main';
import { alarmDescriptionFor, alarmNameFor, DEFAULT_ALARM_SETTINGS } from '../../lib/domain/alarm-plan';
import type { DoctorReport } from '../../lib/usecases/doctor';
import type { DeadLetterListing } from '../../lib/usecases/dead-letters';
import { alarmEvent, eventTargetLetter, FUNCTION_ARN, invocationRecordLetter, snsEvent, snsRedriveLetter } from '../support/dead-letter-fixtures';
import { useMoto } from '../support/moto';
import { createStageOnMoto, sendDeadLetters, type MotoStage } from '../support/moto-stage';

const PREFIX = 'failwatch-prod';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

useMoto({ lambda: { use_docker: false } });

async function failwatch(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, {});
  return { code, out: out.join('\n'), err };
}

/** A stage someone subscribed to, whose poll reported a sweep a minute ago: nothing critical (no pair stored yet: a warning). */
async function aRunningStage(options: { sweeping?: boolean } = {}): Promise<MotoStage> {
  const stage = await createStageOnMoto('prod');
  const sns = new SNSClient({});
  const cloudwatch = new CloudWatchClient({});
  try {
    await sns.send(new SubscribeCommand({ TopicArn: stage.topicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }));
    if (options.sweeping ?? true) {
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'Failwatch',
          MetricData: [{ MetricName: 'SweepsCompleted', Value: 1, Unit: 'Count', Timestamp: new Date(Date.now() - 60_000), Dimensions: [{ Name: 'service', Value: 'failwatch-prod' }, { Name: 'function', Value: 'poll' }] }],
        }),
      );
    }
  } finally {
    sns.destroy();
    cloudwatch.destroy();
  }
  return stage;
}

describe('failwatch doctor --stage', () => {
  it('nothing critical: exit 0, each check listed', async () => {
    await aRunningStage();
    const { code, out, err } = await failwatch('doctor', '--stage', 'prod');
    expect(err).toEqual([]);
    expect(out).toMatch(/^Failwatch doctor: stage prod, /);
    expect(out).toContain('warning  [stored-pairs] No pair definition is stored');
    expect(out).toMatch(/passed {3}sweeps +1 sweep completed in the last 15m/);
    expect(out).toMatch(/passed {3}dead-letters +queue failwatch-prod-dead-letters is empty/);
    expect(out).toMatch(/Result: 0 critical, 1 warning, 0 info\.$/);
    expect(code).toBe(0);
  });

  it('no sweep in 3 intervals: a critical finding, exit 4; --sweep-interval sets the window', async () => {
    await aRunningStage({ sweeping: false });
    const { code, out } = await failwatch('doctor', '--stage', 'prod', '--sweep-interval', '2m', '--json');
    const report = JSON.parse(out) as DoctorReport;
    expect(report.findings.filter((finding) => finding.severity === 'critical').map((finding) => finding.problem)).toEqual([
      'No sweep completed in the last 6m (3 × the 2m schedule): Failwatch is not watching',
    ]);
    expect(report).toMatchObject({ stage: 'prod', hasCritical: true, incomplete: false });
    expect(code).toBe(4);
  });

  it('a check that cannot read AWS, nothing critical: exit 1, the check FAILED with why', async () => {
    const stage = await aRunningStage();
    const sqs = new SQSClient({});
    await sqs.send(new DeleteQueueCommand({ QueueUrl: stage.deadLetterQueueUrl }));
    sqs.destroy();
    const { code, out } = await failwatch('doctor', '--stage', 'prod');
    expect(out).toMatch(/FAILED {3}dead-letters +could not check: ConsoleReadError: Queue failwatch-prod-dead-letters does not exist in this region/);
    expect(out).toMatch(/Result: 0 critical, 1 warning, 0 info; 1 check could not be made \(FAILED above\)\.$/);
    expect(code).toBe(1);
  });

  it('a stage that is not deployed there: one line naming the function and the region, exit 2', async () => {
    expect(await failwatch('doctor', '--stage', 'nowhere')).toEqual({
      code: 2,
      out: '',
      err: ["failwatch: Stage \"nowhere\" is not deployed in us-east-1: there is no function failwatch-nowhere-poll. Check the stage's name and the region (Failwatch deploys to us-east-1)"],
    });
  });
});

describe('failwatch alarms --stage', () => {
  async function twoManagedAndOneNot(): Promise<void> {
    const manager = new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: PREFIX });
    for (const id of [A, B]) await manager.putAlarm({ name: alarmNameFor(PREFIX, id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, id) });
    const cloudwatch = new CloudWatchClient({});
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmNameFor(PREFIX, C),
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: [{ Name: 'HealthCheckId', Value: C }],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      }),
    );
    cloudwatch.destroy();
  }

  it('list: the managed alarms, and the untagged one apart', async () => {
    await createStageOnMoto('prod');
    await twoManagedAndOneNot();
    const { code, out } = await failwatch('alarms', 'list', '--stage', 'prod');
    expect(out.split('\n').map((line) => line.replace(/ {2}since .*$/, ''))).toEqual([
      `Managed alarms (prefix ${PREFIX}): 2`,
      `  OK  ${PREFIX}-${A}`,
      `  OK  ${PREFIX}-${B}`,
      '',
      `Named like them, without the failwatch:managed-by=${PREFIX} tag (never touched): 1`,
      `  OK  ${PREFIX}-${C}`,
    ]);
    expect(code).toBe(0);
  });

  it('remove --all deletes the tagged ones only; naming the untagged one leaves it, exit 1', async () => {
    await createStageOnMoto('prod');
    await twoManagedAndOneNot();

    expect(await failwatch('alarms', 'remove', '--stage', 'prod', '--all')).toEqual({ code: 0, out: `Removed 2 alarms: ${PREFIX}-${A}, ${PREFIX}-${B}.`, err: [] });
    const named = await failwatch('alarms', 'remove', '--stage', 'prod', '--alarm', C);
    expect(named.out).toBe(`Removed 0 alarms.\nLeft alone: ${PREFIX}-${C}: carries no failwatch:managed-by=${PREFIX} tag: not Failwatch's, left alone`);
    expect(named.code).toBe(1);
    const listed = JSON.parse((await failwatch('alarms', 'list', '--stage', 'prod', '--json')).out) as { managed: unknown[]; foreign: { name: string }[] };
    expect([listed.managed, listed.foreign.map((alarm) => alarm.name)]).toEqual([[], [`${PREFIX}-${C}`]]);
  });
});

describe('failwatch alarms after the stage was removed', () => {
  it('without --prefix: the stage is not deployed (exit 2); with it, the tagged alarms are removed', async () => {
    const manager = new CloudWatchAlarmManager(createCloudWatchClient(), { prefix: PREFIX });
    for (const id of [A, B]) await manager.putAlarm({ name: alarmNameFor(PREFIX, id), healthCheckId: id, settings: DEFAULT_ALARM_SETTINGS, description: alarmDescriptionFor(PREFIX, id) });

    expect((await failwatch('alarms', 'remove', '--stage', 'prod', '--all')).code).toBe(2);
    expect(await failwatch('alarms', 'remove', '--stage', 'prod', '--all', '--prefix', PREFIX)).toEqual({ code: 0, out: `Removed 2 alarms: ${PREFIX}-${A}, ${PREFIX}-${B}.`, err: [] });
  });
});

describe('failwatch dead-letters --stage', () => {
  const threeLetters = (stage: MotoStage) =>
    sendDeadLetters(stage, [
      eventTargetLetter('', 'failwatch-prod-alarm', 'failwatch-prod-alarm', alarmEvent()),
      invocationRecordLetter('', FUNCTION_ARN('failwatch-prod-slack'), snsEvent()),
      snsRedriveLetter(''),
    ]);

  it('list shows each letter and leaves it; replay sends them back and empties the queue', async () => {
    const stage = await createStageOnMoto('prod', { slackWebhookParameter: '/failwatch/prod/slack-webhook' });
    await threeLetters(stage);

    const listed = await failwatch('dead-letters', 'list', '--stage', 'prod', '--json');
    const listing = JSON.parse(listed.out) as DeadLetterListing;
    expect(listing.letters.map((letter) => letter.source).sort()).toEqual(['EVENT_TARGET', 'FAILED_INVOCATION', 'SNS_DELIVERY']);
    expect(listed.code).toBe(0);

    const replayed = await failwatch('dead-letters', 'replay', '--stage', 'prod');
    expect(replayed.out.split('\n')[0]).toBe('failwatch-prod-dead-letters: 3 replayed, 0 discarded, 0 kept, 0 failed.');
    expect(replayed.code).toBe(0);

    expect((await failwatch('dead-letters', 'list', '--stage', 'prod')).out).toBe('failwatch-prod-dead-letters: no dead letter waiting.');
  });

  it('replay --only an id the queue does not hand out: reported, exit 1', async () => {
    const stage = await createStageOnMoto('prod');
    await threeLetters(stage);
    const { code, out } = await failwatch('dead-letters', 'replay', '--stage', 'prod', '--only', 'no-such-letter');
    expect(out).toMatch(/NOT FOUND +no-such-letter {2}not in the queue, or being read by someone else/);
    expect(code).toBe(1);
    expect(JSON.parse((await failwatch('dead-letters', 'list', '--stage', 'prod', '--json')).out)).toMatchObject({ counted: { visible: 3, inFlight: 0 } });
  });
});
