/**
 * Discovery without a wall (issue 17): a Route 53 listing takes only its share (half) of the time left
 * before the run's deadline, and the next run, in this container or a new one built from the table, goes
 * on from the page where it stopped. Time runs on the harness's clock: each listing request costs one
 * second; the Lambda's timeout is 30 s, so the deadline is 20 s away and a run lists 10 pages.
 *
 * The account: 200 checks, 100 pairs in 10 zones. Pages as small as the simulation allows (50 checks,
 * 5 zones, 10 record sets), so one listing is 4 + 2 + 10 × 3 = 36 requests: ⌈36 / 10⌉ = 4 runs.
 */
import type { Context } from 'aws-lambda';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler, type PollResult } from '../../handlers/poll';
import { loadWatchConfig } from '../../lib/runtime/config';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { buildWatchDeps } from '../../lib/runtime/wiring';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { generatedAccount, type GeneratedPair, type SimulatedAws } from '../../local/simulated-aws';
import { alarmEvent } from '../support/containers';
import { recordRequests, type WireRequest } from '../aws/dynamo-state-store-fixtures';

const TIMEOUT_MS = 30_000;
const PAGES_PER_RUN = 10;
const PAGES_PER_LISTING = 4 + 2 + 10 * 3;
const LISTING_OPERATIONS = ['ListHealthChecks', 'ListHostedZones', 'ListResourceRecordSets'] as const;
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

let account: SimulatedAws;
let pairs: readonly GeneratedPair[];
let harness: Harness;
let requests: WireRequest[];

beforeEach(async () => {
  ({ account, pairs } = generatedAccount({ healthChecks: 200, pairsPerZone: 10, pageSizes: { healthChecks: 50, hostedZones: 5, recordSets: 10 } }));
  harness = await startHarness(account, { environment: { FAILWATCH_MANAGE_ALARMS: 'false' } });
  // Every listing request takes a second of the run's time.
  account.listingFailure = () => {
    harness.clock.advanceSeconds(1);
    return undefined;
  };
  requests = recordRequests(harness.clients.dynamo);
}, 60_000);
afterEach(() => harness.stop());

/** A new poll container (its own discovery cache), optionally with other settings. */
function container(environment: Record<string, string> = {}): (withDeadline?: boolean) => Promise<PollResult> {
  const config = environment === undefined ? harness.config : loadWatchConfig({ ...process.env, ...environment });
  const deps = buildPollDeps(config, harness.clients, harness.clock);
  const handler = createPollHandler(() => deps);
  return (withDeadline = true) => {
    const endMs = harness.clock.now().getTime() + TIMEOUT_MS;
    const context = { getRemainingTimeInMillis: () => endMs - harness.clock.now().getTime() } as unknown as Context;
    harness.clock.advanceSeconds(0);
    return handler(loadEvent('scheduled.json'), withDeadline ? context : undefined);
  };
}

function listingRequests(): number {
  return LISTING_OPERATIONS.reduce((sum, operation) => sum + (account.route53Operations[operation] ?? 0), 0);
}

function writes(): WireRequest[] {
  return requests.filter((request) => WRITES.has(request.commandName));
}

/** Sweeps until the listing is complete (the run judges a COMPLETE listing again); returns how many it took. */
async function sweepUntilComplete(run: (withDeadline?: boolean) => Promise<PollResult>, max = 10): Promise<{ runs: number; results: PollResult[] }> {
  const results: PollResult[] = [];
  for (let runs = 1; runs <= max; runs++) {
    const result = await run();
    results.push(result);
    harness.clock.advanceSeconds(60);
    if (result.discovery === undefined) return { runs, results };
  }
  throw new Error(`the listing was not complete after ${max} runs`);
}

it('a listing cut by the deadline resumes in the next run of the same container: complete in ⌈36 / 10⌉ = 4 runs, no page listed twice', async () => {
  const poll = container();
  const { runs, results } = await sweepUntilComplete(poll);
  expect(runs).toBe(Math.ceil(PAGES_PER_LISTING / PAGES_PER_RUN));
  expect(listingRequests()).toBe(PAGES_PER_LISTING);
  // Judged from what was listed so far, and saying so: never silently.
  // Run 1: 4 pages of checks, 2 of zones, zone 0's 3 pages and zone 1's first. Run 2: zones 1 to 3 done, zone 4 begun.
  expect(results[0]).toMatchObject({ pairsWatched: 10, unknownPairs: [], discovery: { judgedFrom: 'PARTIAL', listing: { phase: 'RECORDS', zonesDone: 1, zones: 10, healthChecks: 200, runs: 1 } } });
  expect(results[1]).toMatchObject({ pairsWatched: 40, discovery: { judgedFrom: 'PARTIAL', listing: { phase: 'RECORDS', zonesDone: 4, zones: 10, runs: 2 } } });
  expect(results[1]!.definitions).toMatchObject({ status: 'WAITING_FOR_LISTING', written: 0 });
  expect(results.at(-1)).toMatchObject({ pairsWatched: 100, unknownPairs: [], definitions: { status: 'SYNCED', written: 100 } });
});

it('a new container built from the table goes on where the last one stopped: no progress lost, the same 4 runs in all', async () => {
  expect(await container()()).toMatchObject({ discovery: { judgedFrom: 'PARTIAL', listing: { runs: 1 } } });
  harness.clock.advanceSeconds(60);
  // Each run in a cold container of its own.
  const results: PollResult[] = [];
  for (let run = 0; run < 3; run++) {
    results.push(await container()());
    harness.clock.advanceSeconds(60);
  }
  expect(results.map((result) => result.discovery?.listing?.runs)).toEqual([2, 3, undefined]);
  expect(results.at(-1)).toMatchObject({ pairsWatched: 100, definitions: { status: 'SYNCED', written: 100 } });
  expect(listingRequests()).toBe(PAGES_PER_LISTING);
});

it('the partial listing never replaces the last complete one: a new container judges every pair from the stored listing while its own is under way', async () => {
  await sweepUntilComplete(container());
  harness.clock.advanceSeconds(3600);
  const cold = container();
  const listedBefore = listingRequests();
  const first = await cold();
  // With a complete listing at hand, a new listing takes a quarter of the time left (5 s: 5 pages), not half.
  expect(listingRequests() - listedBefore).toBe(PAGES_PER_RUN / 2);
  expect(first).toMatchObject({ pairsWatched: 100, discovery: { judgedFrom: 'STORED', listing: { runs: 1 } }, definitions: { status: 'NOT_DUE', written: 0 } });
  harness.clock.advanceSeconds(60);
  // A warm container whose listing expired keeps judging from its complete one too.
  const second = await cold();
  expect(second).toMatchObject({ pairsWatched: 100, discovery: { judgedFrom: 'STORED', listing: { runs: 2 } } });
});

it('a listing that completes unchanged writes nothing: progress is written only while a listing is incomplete', async () => {
  await sweepUntilComplete(container());
  const warm = container({ FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: '0' });
  // Its first listing (no deadline: one run) finds what the table holds.
  requests.length = 0;
  expect(await warm(false)).toMatchObject({ definitions: { status: 'SYNCED', written: 0 } });
  expect(writes()).toEqual([]);
  // And again, listed anew (MAX_AGE 0): no write at all.
  harness.clock.advanceSeconds(60);
  requests.length = 0;
  expect(await warm(false)).toMatchObject({ definitions: { status: 'SYNCED', written: 0 } });
  expect(writes()).toEqual([]);
});

it('FAILWATCH_DISCOVERY_MAX_AGE_MINUTES=0 lists Route 53 once per run, the definition sync and the alarm reconciler reusing the sweep\'s listing', async () => {
  const poll = container({ FAILWATCH_DISCOVERY_MAX_AGE_MINUTES: '0', FAILWATCH_MANAGE_ALARMS: 'true' });
  for (let run = 0; run < 3; run++) {
    const before = { ...account.route53Operations };
    const result = await poll(false);
    expect(result.alarms.status).not.toBe('FAILED');
    const made = (operation: string) => (account.route53Operations[operation] ?? 0) - (before[operation] ?? 0);
    expect([made('ListHealthChecks'), made('ListResourceRecordSets')]).toEqual([4, 30]);
    harness.clock.advanceSeconds(60);
  }
});

it("the alarm function's fallback listing is bounded by its deadline too, and its next invocations go on from where it stopped", async () => {
  const deps = buildWatchDeps(harness.config, harness.clients, harness.clock);
  const alarm = createAlarmHandler(() => deps);
  // A pair of the last zone, alarmed without a pair hint: the alarm function lists Route 53 to find its pairs.
  const pair = pairs.at(-1)!;
  account.setHealthy(pair.primaryCheckId, false);
  const results = [];
  for (let invocation = 0; invocation < 4; invocation++) {
    const endMs = harness.clock.now().getTime() + TIMEOUT_MS;
    const context = { getRemainingTimeInMillis: () => endMs - harness.clock.now().getTime() } as unknown as Context;
    results.push(await alarm(alarmEvent('failwatch-' + pair.primaryCheckId, pair.primaryCheckId, undefined), context));
    harness.clock.advanceSeconds(5);
  }
  expect(results.slice(0, 3)).toEqual([1, 2, 3].map((runs) => expect.objectContaining({ pairsInScope: 0, discovery: expect.objectContaining({ judgedFrom: 'PARTIAL', listing: expect.objectContaining({ runs }) }) })));
  // The fourth finishes the listing: the pair is found and judged (its first observation is stored).
  expect(results[3]).toMatchObject({ pairsInScope: 1, unknownPairs: [], unfinishedPairs: [] });
  expect(await harness.store.loadStateConsistent({ zoneId: pair.zoneId, name: pair.name, type: pair.type })).toMatchObject({ serving: 'SECONDARY' });
  expect(results[3]).not.toHaveProperty('discovery');
  expect(listingRequests()).toBe(PAGES_PER_LISTING);
  // The alarm function keeps its progress in its container only: it never writes the table's discovery.
  expect(writes().filter((request) => JSON.stringify(request.input).includes('DISCOVERY'))).toEqual([]);
});
