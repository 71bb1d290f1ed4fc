/** `failwatch doctor`: checks the deployed stage and the account, and says for each finding what to do. */
import { DURATION_FORMS } from '../domain/silences';
import { defaultSweepIntervalSeconds, runDoctor } from '../usecases/doctor';
import { CliUsageError, ExitCode, flagOption, targetOf, type Command } from './command';
import { printJson } from './format';
import { durationOption } from './options';
import { renderDoctorReport } from './render-console';

/** CloudWatch keeps SweepsCompleted at one-minute resolution: a shorter interval could not be told from a missed sweep. */
const SHORTEST_SWEEP_INTERVAL_SECONDS = 60;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the deployed stage: DR holes and blind spots, managed alarms, subscriptions, Slack, stuck notifications, dead letters, missed sweeps',
  reads: true,
  options: {
    'sweep-interval': {
      type: 'string',
      value: '<duration>',
      description: `how often the stage's poll sweeps (its pollRate; ${DURATION_FORMS}); default 5m with managed alarms, 1m without, as serverless.yml`,
    },
  },
  notes: [
    'It only reads: the stored pair definitions and states (never a live listing of Route 53), the managed alarms,',
    'the topic\'s subscriptions, the Slack parameter\'s type (never its value), the dead-letter queue\'s size and the',
    'SweepsCompleted metric. Each finding says what to do.',
    'Exit codes: 0 nothing critical; 4 a critical finding (DR or alerting is broken now); 1 a check could not read AWS',
    'and nothing is critical (the checks that could not be made are marked FAILED); 2 bad usage.',
  ],
  async run(parsed, context) {
    const interval = durationOption(parsed, 'sweep-interval');
    if (interval !== undefined && interval < SHORTEST_SWEEP_INTERVAL_SECONDS) {
      throw new CliUsageError(`--sweep-interval ${String(parsed.values['sweep-interval'])} is shorter than a minute: EventBridge schedules poll every minute at most`);
    }
    const stage = context.connectStage(targetOf(parsed), 'doctor');
    const deployment = await stage.deployment();
    const report = await runDoctor(
      {
        pairs: stage.storedPairs(deployment.tableName),
        alarms: stage.alarms(deployment.alarms.prefix),
        topic: stage.topic,
        parameters: stage.parameters,
        deadLetters: stage.deadLetters,
        sweeps: stage.sweeps,
      },
      { deployment, now: context.clock.now(), sweepIntervalSeconds: interval ?? defaultSweepIntervalSeconds(deployment.alarms.manage) },
    );
    if (flagOption(parsed, 'json')) printJson(context, report);
    else for (const line of renderDoctorReport(report)) context.print(line);
    if (report.hasCritical) return ExitCode.CRITICAL_FINDING;
    return report.incomplete ? ExitCode.FAILED : ExitCode.OK;
  },
};
