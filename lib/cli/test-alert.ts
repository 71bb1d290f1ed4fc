/** `failwatch test-alert [--as FAILOVER|...] [--severity critical|warning|info] [--record R]`: a TEST notification through the stage's real topic. */
import { Severity, TransitionKind } from '../domain/model';
import { TEST_ALERT_KINDS } from '../notify/render-test-alert';
import { sendTestAlert } from '../usecases/test-alert';
import { PROGRAM, RECORD_OPTION, targetOf, textOption, ZONE_OPTION, type Command } from './command';
import { choiceOption, recordOption, zoneOption } from './options';

export const testAlertCommand: Command = {
  name: 'test-alert',
  summary: 'publish a notification marked TEST through the stage\'s topic, to check email, Slack and filter policies end to end',
  reads: false,
  options: {
    as: { type: 'string', value: '<kind>', description: `the kind it imitates (default FAILOVER): ${TEST_ALERT_KINDS.join(', ')}` },
    severity: { type: 'string', value: '<severity>', description: `${Object.values(Severity).join(', ')} (default: the kind's own)` },
    ...RECORD_OPTION,
    ...ZONE_OPTION,
    type: { type: 'string', value: '<record type>', description: 'with --record: the pair\'s record type (A, AAAA...), when the name has several' },
  },
  notes: [
    'It carries the message attributes the kind would (kind, severity, zone, record, ...) plus test=true, and is recorded',
    `in the history as a test (${PROGRAM} history --kind TEST), apart from the pairs' history: no report counts it.`,
    'Without --record it names a sample pair, test-alert.failwatch.invalid.',
  ],
  async run(parsed, context) {
    const kind = choiceOption(parsed, 'as', TEST_ALERT_KINDS) ?? TransitionKind.FAILOVER;
    const severity = choiceOption(parsed, 'severity', Object.values(Severity));
    const record = recordOption(parsed);
    const zoneId = zoneOption(parsed);
    const type = textOption(parsed, 'type');
    const connection = context.connect(targetOf(parsed));
    const alert = await sendTestAlert(
      { pairs: connection.pairs, history: connection.history, notifier: await connection.notifier(), testAlerts: connection.testAlerts },
      {
        id: `t-${context.newId()}`,
        kind,
        ...(severity === undefined ? {} : { severity }),
        ...(record === undefined ? {} : { record }),
        ...(zoneId === undefined ? {} : { zoneId }),
        ...(type === undefined ? {} : { type }),
        now: context.clock.now(),
        where: connection.where,
      },
    );
    context.print(`Sent test alert ${alert.id} (${alert.kind}, ${alert.severity}) for ${alert.pairId.name.replace(/\.$/, '')} ${alert.pairId.type}: SNS message ${alert.snsMessageId}.`);
    context.print(`Subject: ${alert.subject}`);
    context.print(`Reference: ${alert.reference} (find it with: ${PROGRAM} history --ref ${alert.reference})`);
    return 0;
  },
};
