/**
 * Records that are not failover pairs are never watched: weighted and simple records are ignored, and
 * a failover record that cannot make a pair (a PRIMARY without SECONDARY, a SECONDARY without PRIMARY,
 * two PRIMARYs) is named in the run summary's skippedRecords with the reason. Nothing is stored for
 * any of them, whichever handler runs.
 */
import { startHarness, type Harness } from '../../local/harness';
import { tableItems } from './invariants';
import { invokeAt, runResult } from './invocations';
import { ZONE_ID, buildAccount, type BuiltAccount } from './random-account';

const START = Date.UTC(2026, 10, 25, 8, 0);

describe('records that are not failover pairs', () => {
  let built: BuiltAccount;
  let harness: Harness;

  beforeAll(async () => {
    built = buildAccount([
      { kind: 'PAIR', primaryChecked: true, secondaryChecked: false },
      { kind: 'WEIGHTED' },
      { kind: 'SIMPLE' },
      { kind: 'LONE_PRIMARY' },
      { kind: 'LONE_SECONDARY' },
      { kind: 'TWO_PRIMARIES' },
    ]);
    harness = await startHarness(built.account, { start: new Date(START) });
  });
  afterAll(() => harness.stop());

  it('a sweep watches the one pair and names each unpairable failover record, with the reason, in skippedRecords', async () => {
    const result = runResult(await invokeAt(harness, new Date(START), { kind: 'POLL' }));
    expect(result).toMatchObject({ pairsWatched: 1, pairsInScope: 1, unfinishedPairs: [] });
    expect(result?.skippedRecords).toEqual([
      { where: `prop.example.com. (${ZONE_ID}) r3.prop.example.com. A`, reason: expect.stringMatching(/PRIMARY record .* has no SECONDARY, so there is nothing to fail over to/) },
      { where: `prop.example.com. (${ZONE_ID}) r4.prop.example.com. A`, reason: expect.stringMatching(/SECONDARY record .* has no PRIMARY/) },
      { where: `prop.example.com. (${ZONE_ID}) r5.prop.example.com. A`, reason: expect.stringMatching(/2 PRIMARY .* and 1 SECONDARY .*exactly one of each/) },
    ]);
  });

  it('weighted and simple records are ignored: not watched, not reported, nothing stored', async () => {
    const result = runResult(await invokeAt(harness, new Date(START + 60_000), { kind: 'POLL' }));
    const reported = JSON.stringify(result?.skippedRecords);
    expect(reported).not.toContain('r1.prop');
    expect(reported).not.toContain('r2.prop');
    const partitions = new Set((await tableItems(harness)).map((item) => item['pk']));
    expect([...partitions]).toEqual([`PAIR#${ZONE_ID}|r0.prop.example.com.|A`]);
  });

  it('an alarm run reports the same skipped records and stores nothing for them', async () => {
    const result = runResult(await invokeAt(harness, new Date(START + 120_000), { kind: 'ALARM', healthCheckId: built.checks[0]!, state: 'ALARM' }));
    expect(result?.skippedRecords).toHaveLength(3);
    expect(result?.pairsInScope).toBe(1);
    for (const name of built.ignoredNames) expect((await tableItems(harness)).filter((item) => String(item['pk']).includes(`|${name}|`))).toEqual([]);
  });
});
