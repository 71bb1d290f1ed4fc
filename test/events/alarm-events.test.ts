/**
 * The alarm samples in events/ are what CloudWatch sends for Failwatch's own alarm on the reference
 * pair's check: their description is the one the reconciler writes (derived here from the code, not
 * typed by hand), and its pair hint is read back. A description that is not a hint never fails an event.
 */
import { createRoute53Client } from '../../lib/aws/sdk-clients';
import { Route53InventorySource } from '../../lib/aws/route53/inventory';
import { planAlarms } from '../../lib/domain/alarm-plan';
import { parseAlarmEvent } from '../../lib/runtime/events';
import { watchedHealthChecks } from '../../lib/usecases/reconcile-alarms';
import { loadEvent } from '../../local/harness';
import { REFERENCE, referenceAccount } from '../../local/simulated-aws';

/** FAILWATCH_ALARM_PREFIX's default: the samples' alarm is named `failwatch-<health check id>`. */
const DEFAULT_PREFIX = 'failwatch';

interface AlarmSample {
  detail: { alarmName: string; configuration: { description?: unknown } };
}

describe.each(['alarm-alarm.json', 'alarm-ok.json'])('events/%s', (sample) => {
  it('carries the name and description the reconciler gives the reference check\'s alarm', async () => {
    const account = referenceAccount().install();
    try {
      const inventory = await new Route53InventorySource(createRoute53Client(), { zoneIds: [] }).loadInventory();
      const watched = watchedHealthChecks(inventory);
      const [spec, ...others] = planAlarms({ prefix: DEFAULT_PREFIX, healthCheckIds: [...watched.keys()], pairKeys: watched, existing: [] }).create;
      const event = loadEvent<AlarmSample>(sample);
      expect(others).toEqual([]);
      expect({ alarmName: event.detail.alarmName, description: event.detail.configuration.description }).toEqual({ alarmName: spec?.name, description: spec?.description });
    } finally {
      account.restore();
    }
  });

  it('names the reference pair in its pair hint', () => {
    expect(parseAlarmEvent(loadEvent(sample))).toMatchObject({
      kind: 'WATCH',
      healthCheckIds: [REFERENCE.primaryCheckId],
      pairHint: { kind: 'PAIRS', pairIds: [{ zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' }] },
    });
  });
});

describe('a description that is not a pair hint never fails the event', () => {
  it.each<[string, unknown, string | undefined]>([
    ['absent', undefined, undefined],
    ['a sentence of the user\'s', 'Primary is down', undefined],
    ['a broken hint', 'Failwatch (failwatch): ... Pairs: ["Z1|app', 'MALFORMED'],
    ['a number', 42, 'MALFORMED'],
    ['an object', { pairs: [] }, 'MALFORMED'],
    ['null', null, undefined],
  ])('%s → the checks are still watched', (_, description, kind) => {
    const event = loadEvent<AlarmSample>('alarm-alarm.json');
    if (description === undefined) delete event.detail.configuration.description;
    else event.detail.configuration.description = description;
    const plan = parseAlarmEvent(event);
    expect(plan).toMatchObject({ kind: 'WATCH', healthCheckIds: [REFERENCE.primaryCheckId] });
    expect(plan.kind === 'WATCH' ? plan.pairHint?.kind : 'not watched').toBe(kind);
  });
});
