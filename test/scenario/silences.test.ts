/**
 * Maintenance windows through the poll handler: set in FAILWATCH_SILENCES or from the CLI (a silence
 * item in the table). Transitions inside are recorded with the silence noted, nothing is sent, and one
 * low-severity summary follows the end of the window.
 */
import { createHandler as createPollHandler } from '../../handlers/poll';
import { harnessConnection } from '../../local/console';
import { cliProbe, type CliProbe } from '../support/cli';
import { historyReference } from '../../lib/notify/reference';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { history, kinds, minutesIn, notices, sweepAt } from '../support/notice-scenario';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';

describe('a silence from the configuration (FAILWATCH_SILENCES)', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const sent: string[][] = [];

  beforeAll(async () => {
    account = referenceAccount();
    const silences = [{ record: 'app.example.com', from: minutesIn(5).toISOString(), until: minutesIn(60).toISOString(), reason: 'DR drill' }];
    harness = await startHarness(account, { environment: { FAILWATCH_SILENCES: JSON.stringify(silences) } });
    for (const [minute, healthy] of [[0, true], [10, false], [20, true], [59, true], [60, true], [61, true], [70, false]] as const) {
      sent.push(kinds((await sweepAt(harness, account, minute, healthy)).sent));
    }
  });

  afterAll(() => harness.stop());

  it('nothing is sent during the window; one summary when it ends; normal service after', () => {
    expect(sent).toEqual([[], [], [], [], ['SILENCE_SUMMARY'], [], ['FAILOVER']]);
  });

  it('every transition in the window is recorded with the silence noted', async () => {
    const recorded = await history(harness);
    expect(recorded.map((t) => [t.kind, t.publishStatus])).toEqual([
      ['FAILOVER', 'SILENCED'],
      ['FAILBACK', 'SILENCED'],
      ['FAILOVER', 'PUBLISHED'],
    ]);
    expect(recorded[0]?.delivery).toEqual({ status: 'SILENCED', silence: { id: expect.stringMatching(/^config-/), reason: 'DR drill', until: minutesIn(60).toISOString() } });
  });

  it('the summary is low severity and lists what happened', async () => {
    const summary = account.published.find((m) => m.attributes['kind'] === 'SILENCE_SUMMARY')!;
    expect(summary.attributes).toMatchObject({ severity: 'info', record: 'app.example.com' });
    expect(summary.subject).toBe('SILENCE_SUMMARY app.example.com A: 2 transitions during "DR drill", now on primary 10.0.0.1');
    const pairId = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
    expect(summary.text).toMatch(new RegExp(`FAILOVER at .*, reference ${historyReference(pairId, { sequence: 1 })}`));
    expect(summary.text).toMatch(new RegExp(`FAILBACK at .*, reference ${historyReference(pairId, { sequence: 2 })}`));
    expect((await notices(harness)).map((n) => [n.kind, n.severity, 'covers' in n ? n.covers : undefined])).toEqual([['SILENCE_SUMMARY', 'info', { fromSequence: 1, toSequence: 2, status: 'SILENCED' }]]);
  });
});

describe('a silence from the CLI (failwatch silence --record ...), ended early with unsilence', () => {
  let account: SimulatedAws;
  let harness: Harness;
  const sent: string[][] = [];
  let probe: CliProbe;
  const cli = (...argv: string[]) => probe.run(...argv);

  beforeAll(async () => {
    account = referenceAccount();
    harness = await startHarness(account);
    probe = cliProbe(harnessConnection(harness), harness.clock, () => 'test0001');
    sent.push(kinds((await sweepAt(harness, account, 0, true)).sent));
    harness.clock.set(minutesIn(5));
    await cli('silence', '--record', 'app.example.com', '--for', '2h', '--reason', 'DR drill');
    for (const [minute, healthy] of [[10, false], [20, true], [30, false]] as const) sent.push(kinds((await sweepAt(harness, account, minute, healthy)).sent));
    harness.clock.set(minutesIn(35));
    await cli('silences');
    await cli('unsilence', 's-test0001');
    for (const [minute, healthy] of [[36, false], [40, true]] as const) sent.push(kinds((await sweepAt(harness, account, minute, healthy)).sent));
  });

  afterAll(() => harness.stop());

  it('the CLI says what it did, with the id to end it early', () => {
    const printed = probe.out;
    expect(printed[0]).toBe(`Silenced app.example.com from ${minutesIn(5).toISOString()} until ${minutesIn(125).toISOString()} (2h): DR drill`);
    expect(printed).toContain('End it early with: failwatch unsilence s-test0001');
    expect(printed).toContain(`s-test0001  app.example.com  now -> ${minutesIn(125).toISOString()}  DR drill`);
    expect(printed.at(-1)).toBe('Ended silence s-test0001. Transitions recorded during it are summarized on the next sweep.');
  });

  it('nothing is sent while silenced; one summary on the first sweep after unsilence; then normal service', () => {
    expect(sent).toEqual([[], [], [], [], ['SILENCE_SUMMARY'], ['FAILBACK']]);
  });

  it('the silenced transitions carry the CLI silence, and the summary covers all three', async () => {
    const recorded = await history(harness);
    expect(recorded.map((t) => [t.kind, t.publishStatus])).toEqual([
      ['FAILOVER', 'SILENCED'],
      ['FAILBACK', 'SILENCED'],
      ['FAILOVER', 'SILENCED'],
      ['FAILBACK', 'PUBLISHED'],
    ]);
    expect(recorded[0]?.delivery).toEqual({ status: 'SILENCED', silence: { id: 's-test0001', reason: 'DR drill', until: minutesIn(125).toISOString() } });
    const summary = account.published.find((m) => m.attributes['kind'] === 'SILENCE_SUMMARY')!;
    expect(summary.subject).toBe('SILENCE_SUMMARY app.example.com A: 3 transitions during "DR drill", now on secondary 10.0.1.1');
  });
});

describe('the CLI silences cannot be read', () => {
  let account: SimulatedAws;
  let harness: Harness;

  afterAll(() => harness.stop());

  it('the sweep goes on with the configured silences (more noise, never silence) and says why in its result', async () => {
    account = referenceAccount();
    const silences = [{ record: '*', until: minutesIn(60).toISOString(), reason: 'freeze' }];
    harness = await startHarness(account, { environment: { FAILWATCH_SILENCES: JSON.stringify(silences) } });
    const failing = { ...harness.deps.silences, listSilences: async () => Promise.reject(new Error('AccessDeniedException: dynamodb:Query')) };
    const poll = createPollHandler(() => ({ ...harness.deps, silences: failing }));
    harness.clock.set(minutesIn(0));
    await poll(loadEvent('scheduled.json'));
    account.setHealthy(REFERENCE.primaryCheckId, false);
    harness.clock.set(minutesIn(1));
    const result = await poll(loadEvent('scheduled.json'));

    expect(result).toMatchObject({ transitionsRecorded: 1, notificationsSent: 0, silencesUnavailable: expect.stringContaining('AccessDeniedException') });
    expect((await history(harness)).map((t) => t.publishStatus)).toEqual(['SILENCED']);
  });
});
