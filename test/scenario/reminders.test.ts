/** Reminders through the poll handler: every FAILWATCH_REMINDER_HOURS (default 4) while failed over. */
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { PAIR_ID, kinds, minutesIn, notices, sweepAt, type SweepResult } from '../support/notice-scenario';
import { referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

const FAILOVER_AT = 1;
const hoursAfterFailover = (hours: number, minutes = 0) => FAILOVER_AT + hours * 60 + minutes;

describe('reminders while the pair stays failed over (default: every 4 hours)', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const steps = new Map<string, SweepResult>();
  const plan: readonly [string, number, boolean][] = [
    ['3h59', hoursAfterFailover(3, 59), false],
    ['4h', hoursAfterFailover(4), false],
    ['4h01', hoursAfterFailover(4, 1), false],
    ['7h59', hoursAfterFailover(7, 59), false],
    ['8h', hoursAfterFailover(8), false],
    ['8h20 (primary healthy again)', hoursAfterFailover(8, 20), true],
    ['12h', hoursAfterFailover(12), true],
    ['16h', hoursAfterFailover(16), true],
  ];

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await sweepAt(harness, account, 0, true);
    await sweepAt(harness, account, FAILOVER_AT, false);
    for (const [name, minute, healthy] of plan) steps.set(name, await sweepAt(harness, account, minute, healthy));
  });

  afterAll(() => harness.stop());

  it.each([
    ['3h59', []],
    ['4h', ['REMINDER']],
    ['4h01', []],
    ['7h59', []],
    ['8h', ['REMINDER']],
    ['8h20 (primary healthy again)', ['FAILBACK']],
    ['12h', []],
    ['16h', []],
  ])('at %s after the failover: sends %j', (name, expected) => {
    expect(kinds(steps.get(name)!.sent)).toEqual(expected);
  });

  it('each reminder says how long it has lasted, as a warning (traffic is served by the standby)', () => {
    const [four] = steps.get('4h')!.sent;
    const [eight] = steps.get('8h')!.sent;
    expect(four?.subject).toBe('REMINDER app.example.com A: still on secondary 10.0.1.1 after 4h');
    expect(eight?.subject).toBe('REMINDER app.example.com A: still on secondary 10.0.1.1 after 8h');
    expect(four?.attributes).toMatchObject({ kind: 'REMINDER', severity: 'warning', record: 'app.example.com' });
    expect(four?.text).toContain('has been failed over for 4h');
  });

  it('reminders are recorded in the pair history and are not transitions', async () => {
    expect((await notices(harness)).filter((n) => n.kind === 'REMINDER').map((n) => n.publishStatus)).toEqual(['PUBLISHED', 'PUBLISHED']);
    expect((await harness.store.listTransitions(PAIR_ID)).map((t) => t.kind)).toEqual(['FAILBACK', 'FAILOVER']);
  });
});

describe('reminders: switched off, and two runs at once', () => {
  let account: SimulatedAws;
  let harness: Harness;

  afterEach(() => harness.stop());

  it('FAILWATCH_REMINDER_HOURS=0 sends none, however long it lasts', async () => {
    account = referenceAccount();
    harness = await startHarness(account, { environment: { FAILWATCH_REMINDER_HOURS: '0' } });
    await sweepAt(harness, account, 0, true);
    await sweepAt(harness, account, FAILOVER_AT, false);
    const later = [await sweepAt(harness, account, hoursAfterFailover(4), false), await sweepAt(harness, account, hoursAfterFailover(24), false)];
    expect(later.flatMap((s) => kinds(s.sent))).toEqual([]);
  });

  it('two concurrent runs when a reminder is due send it once', async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    await sweepAt(harness, account, 0, true);
    await sweepAt(harness, account, FAILOVER_AT, false);
    const before = account.published.length;
    harness.clock.set(minutesIn(hoursAfterFailover(4)));
    await Promise.all([harness.poll(loadEvent('scheduled.json')), harness.poll(loadEvent('scheduled.json'))]);
    expect(kinds(account.published.slice(before))).toEqual(['REMINDER']);
    expect((await notices(harness)).map((n) => [n.kind, n.publishStatus])).toEqual([['REMINDER', 'PUBLISHED']]);
  });
});
