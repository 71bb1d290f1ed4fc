/** `failwatch alarms list|remove` with an in-memory AlarmManager: removal touches only alarms still carrying Failwatch's tag when they are deleted (test/moto/alarms.test.ts runs the same on CloudWatch as moto serves it). */
import { listStageAlarms, removeStageAlarms } from '../../lib/usecases/alarms';
import { aManagedAlarm, InMemoryAlarmManager, PREFIX } from '../support/console-fakes';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const name = (id: string) => `${PREFIX}-${id}`;

function threeAlarms(): InMemoryAlarmManager {
  return new InMemoryAlarmManager([aManagedAlarm(B, { state: 'ALARM', reason: 'below 1', since: '2026-12-01T10:00:00.000Z' }), aManagedAlarm(A)], [{ name: name(C) }]);
}

describe('listStageAlarms', () => {
  it('lists Failwatch\'s alarms by name with where each stands, and apart the same-named ones without the tag', async () => {
    expect(await listStageAlarms({ alarms: threeAlarms() }, { prefix: PREFIX })).toEqual({
      prefix: PREFIX,
      managed: [
        { name: name(A), healthCheckId: A },
        { name: name(B), healthCheckId: B, standing: { state: 'ALARM', reason: 'below 1', since: '2026-12-01T10:00:00.000Z' } },
      ],
      foreign: [{ name: name(C), healthCheckId: C }],
    });
  });
});

describe('removeStageAlarms', () => {
  it('all: deletes every alarm carrying the tag, each confirmed right before, and no other', async () => {
    const alarms = threeAlarms();
    const removal = await removeStageAlarms({ alarms }, { prefix: PREFIX, selection: { kind: 'ALL' } });
    expect(removal).toEqual({ prefix: PREFIX, removed: [name(A), name(B)], refused: [], notFound: [] });
    expect(alarms.confirmed).toEqual([name(A), name(B)]);
    expect(alarms.deleted).toEqual([name(A), name(B)]);
  });

  it('named, by alarm name or health check id: refuses an untagged alarm and a name of another prefix, reports one that does not exist', async () => {
    const alarms = threeAlarms();
    const removal = await removeStageAlarms({ alarms }, { prefix: PREFIX, selection: { kind: 'NAMED', names: [B, name(C), 'failwatch-dev-' + A, 'dead-letters', name('44444444-4444-4444-8444-444444444444')] } });
    expect(removal).toEqual({
      prefix: PREFIX,
      removed: [name(B)],
      refused: [
        { name: name(C), reason: `carries no failwatch:managed-by=${PREFIX} tag: not Failwatch's, left alone` },
        { name: 'failwatch-dev-' + A, reason: `neither an alarm name of this stage (${PREFIX}-<health check id>) nor a health check id` },
        { name: 'dead-letters', reason: `neither an alarm name of this stage (${PREFIX}-<health check id>) nor a health check id` },
      ],
      notFound: [name('44444444-4444-4444-8444-444444444444')],
    });
    expect(alarms.deleted).toEqual([name(B)]);
  });

  it('an alarm whose tag was removed after the listing is left alone', async () => {
    const alarms = threeAlarms();
    alarms.untaggedSince.add(name(A));
    const removal = await removeStageAlarms({ alarms }, { prefix: PREFIX, selection: { kind: 'ALL' } });
    expect(removal.removed).toEqual([name(B)]);
    expect(removal.refused).toEqual([{ name: name(A), reason: expect.stringContaining('not Failwatch\'s, left alone') }]);
    expect(alarms.deleted).toEqual([name(B)]);
  });

  it('nothing to remove makes no DeleteAlarms call', async () => {
    const alarms = new InMemoryAlarmManager([], [{ name: name(C) }]);
    expect((await removeStageAlarms({ alarms }, { prefix: PREFIX, selection: { kind: 'ALL' } })).removed).toEqual([]);
    expect(alarms.deleted).toEqual([]);
  });
});
