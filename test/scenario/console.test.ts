/**
 * The operator console on what the real poll handler recorded in dynalite: `status`, `history`, `report` and
 * `test-alert`, on a pair with silenced, held and pending entries that is unreadable right now, a second pair
 * with one clean failover, and a third that no sweep has recorded yet.
 */
import { createHandler as createPollHandler } from '../../handlers/poll';
import { DynamoPairDefinitionWriter } from '../../lib/aws/dynamodb/pair-definition-writer';
import { CliUsageError } from '../../lib/cli/command';
import { explainFailure, exitCodeFor } from '../../lib/cli/failures';
import { PairSelectionError } from '../../lib/errors';
import { readSnsMessageContent } from '../../lib/notify/payload-schema';
import { historyReference } from '../../lib/notify/reference';
import type { HealthMetricSource } from '../../lib/ports';
import { buildPollDeps } from '../../lib/runtime/poll-wiring';
import { harnessConnection } from '../../local/console';
import { loadEvent, startHarness, type Harness } from '../../local/harness';
import { REFERENCE, referenceAccount, type SimulatedAws } from '../../local/simulated-aws';
import { cliProbe, type CliProbe } from '../support/cli';
import { minutesIn } from '../support/notice-scenario';

const APP = { zoneId: REFERENCE.zoneId, name: REFERENCE.recordName, type: 'A' };
const API = { zoneId: REFERENCE.zoneId, name: 'api.example.com.', type: 'A' };
const NEW = { zoneId: REFERENCE.zoneId, name: 'new.example.com.', type: 'A' };
const API_CHECK = '99999999-2222-3333-4444-555555555555';
const at = (minute: number) => minutesIn(minute).toISOString();

/** The reference account plus api.example.com, failing over on its own health check. */
function account(): SimulatedAws {
  const world = referenceAccount().addHealthCheck({
    Id: API_CHECK,
    CallerReference: 'api',
    HealthCheckVersion: 1,
    HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'api-primary.example.com', IPAddress: '10.0.0.2', Port: 443, ResourcePath: '/health', FailureThreshold: 3, RequestInterval: 30, Inverted: false, Disabled: false },
  });
  world.zones[0]!.records.push(
    { Name: API.name, Type: 'A', SetIdentifier: 'api-primary', Failover: 'PRIMARY', TTL: 60, HealthCheckId: API_CHECK, ResourceRecords: [{ Value: '10.0.0.2' }] },
    { Name: API.name, Type: 'A', SetIdentifier: 'api-secondary', Failover: 'SECONDARY', TTL: 60, ResourceRecords: [{ Value: '10.0.1.2' }] },
  );
  return world;
}

describe('the operator console on recorded history', () => {
  let world: SimulatedAws;
  let harness: Harness;
  let cli: CliProbe;
  const json = async (...argv: string[]) => {
    cli.out.length = 0;
    expect(await cli.run(...argv, '--json')).toBe(0);
    return JSON.parse(cli.out.join('\n'));
  };
  const text = async (...argv: string[]) => {
    cli.out.length = 0;
    const code = await cli.run(...argv);
    return { code, lines: [...cli.out] };
  };

  beforeAll(async () => {
    world = account();
    harness = await startHarness(world, { environment: { FAILWATCH_FLAP_CHANGES: '2', FAILWATCH_MANAGE_ALARMS: 'false' } });
    let blind = false;
    // The real sweep, with the pair definitions it stores for the alarm function; app's metric can be made unreadable.
    const deps = buildPollDeps(harness.config, harness.clients, harness.clock);
    const metrics: HealthMetricSource = {
      readHealthMetrics: async (ids, when) => {
        const read = await deps.metrics.readHealthMetrics(ids, when);
        return blind ? new Map([...read].map(([id, reading]) => [id, id === REFERENCE.primaryCheckId ? { kind: 'UNAVAILABLE', reason: 'GetMetricData: ThrottlingException' } : reading] as const)) : read;
      },
    };
    const poll = createPollHandler(() => ({ ...deps, metrics }));
    const configured = { id: 'config-freeze', record: '*', until: at(120), reason: 'change freeze' };
    cli = cliProbe(harnessConnection(harness, { silences: [configured] }), harness.clock);
    const sweep = async (minute: number, health: { app?: boolean; api?: boolean } = {}) => {
      if (health.app !== undefined) world.setHealthy(REFERENCE.primaryCheckId, health.app);
      if (health.api !== undefined) world.setHealthy(API_CHECK, health.api);
      harness.clock.set(minutesIn(minute));
      await poll(loadEvent('scheduled.json'));
    };

    await sweep(0, { app: true, api: true });
    harness.clock.set(minutesIn(5));
    await cli.run('silence', '--record', 'app.example.com', '--for', '10m', '--reason', 'DR drill');
    await sweep(10, { app: false }); // FAILOVER, silenced
    await sweep(20, { app: true, api: false }); // FAILBACK and the silence's summary, sent; api fails over
    await sweep(21, { app: false }); // a third side change within the hour: FLAPPING sent, FAILOVER held
    await sweep(22, { app: true }); // FAILBACK held
    await sweep(25, { api: true }); // api fails back
    blind = true;
    await sweep(30); // app unreadable from here on
    world.publishFailure = () => new Error('SNS is down');
    await sweep(46); // WATCH_DEGRADED recorded; its publish fails: pending
    world.publishFailure = undefined;
    // A pair whose definition the sweep stored, but which no sweep has recorded yet.
    const record = (name: string, role: 'PRIMARY' | 'SECONDARY', value: string) => ({ name: NEW.name, type: 'A', setIdentifier: name, failover: role, values: [value] });
    await new DynamoPairDefinitionWriter({ client: harness.clients.dynamo, tableName: harness.config.tableName }).writeDefinitions({
      put: [{ pair: { id: NEW, zoneName: REFERENCE.zoneName, primary: record('n1', 'PRIMARY', '10.0.0.3'), secondary: record('n2', 'SECONDARY', '10.0.1.3') }, aliasTargets: [], healthChecks: [] }],
      remove: [],
    });
    harness.clock.set(minutesIn(47));
    await cli.run('silence', '--record', 'app.example.com', '--for', '1h', '--reason', 'maintenance', '--id', 'maint');
  });

  afterAll(() => harness.stop());

  describe('status', () => {
    it('the pair with silenced, held and pending entries, unreadable now: every part of it, from the stored state', async () => {
      const status = await json('status', '--record', 'app.example.com');
      expect(status.pairs).toHaveLength(1);
      const [app] = status.pairs;
      expect(app).toMatchObject({
        pair: 'app.example.com A',
        zoneName: 'example.com.',
        serving: 'PRIMARY',
        servingSince: at(22),
        servingValues: ['10.0.0.1'],
        primary: { verdict: 'UNKNOWN', since: at(30) },
        secondary: { verdict: 'UNKNOWN', since: at(30) },
        pending: [{ kind: 'WATCH_DEGRADED', reference: historyReference(APP, { noticeKey: `WATCH_DEGRADED#${at(30)}` }), recordedAt: at(46) }],
        silences: [
          { id: 'maint', reason: 'maintenance', until: at(107), source: 'cli' },
          { id: 'config-freeze', reason: 'change freeze', until: at(120), source: 'configuration' },
        ],
        flapping: { since: at(21), fromSequence: 3, held: 2 },
        unknown: { since: at(30), why: expect.stringContaining('GetMetricData: ThrottlingException') },
      });
      // The evidence is the last transition's (FAILBACK #4 at minute 22), as stored with it.
      expect(app.primary.evidenceAt).toBe(at(22));
      expect(app.primary.evidence).toBe('Route 53 HealthCheckStatus metric = 1 (health check 11111111-2222-3333-4444-555555555555); Checkers reporting healthy: 8 of 8');
      expect(status.warnings).toEqual([]);
    });

    it('every pair, with counts; the pair no sweep has recorded is unknown, and says why', async () => {
      const status = await json('status');
      expect(status.pairs.map((p: { pair: string }) => p.pair)).toEqual(['api.example.com A', 'app.example.com A', 'new.example.com A']);
      expect(status.counts).toEqual({ PRIMARY: 1, SECONDARY: 0, ALL_UNHEALTHY: 0, UNKNOWN: 2, pending: 1 });
      expect(status.pairs[2]).toMatchObject({ pair: 'new.example.com A', pending: [], unknown: { why: 'no sweep has recorded this pair yet' } });
      expect(status.pairs[0]).toMatchObject({ serving: 'PRIMARY', servingSince: at(25), primary: { verdict: 'HEALTHY' }, secondary: { verdict: 'HEALTHY' }, pending: [] });
    });

    it('as text: one block per pair, what an on-call engineer reads first', async () => {
      const { code, lines } = await text('status', '--record', 'app.example.com');
      expect(code).toBe(0);
      expect(lines[0]).toBe('1 pair in table ' + harness.config.tableName + ': 0 on primary, 0 on secondary, 0 all unhealthy, 1 unknown; 1 notification pending.');
      expect(lines).toContain('app.example.com A  (zone example.com, Z0EXAMPLE12345)');
      expect(lines).toContain(`  DNS serves  primary 10.0.0.1 since ${at(22)} (25m ago)`);
      expect(lines.find((l) => l.startsWith('  pending'))).toBe(`  pending     WATCH_DEGRADED ${historyReference(APP, { noticeKey: `WATCH_DEGRADED#${at(30)}` })} recorded ${at(46)} (1m ago)`);
      expect(lines.find((l) => l.startsWith('  FLAPPING'))).toBe(`  FLAPPING    since ${at(21)}: 2 side change(s) held from #3; one summary once stable`);
      expect(lines.find((l) => l.startsWith('  silenced'))).toBe(`  silenced    maint "maintenance" until ${at(107)} (set from the CLI); config-freeze "change freeze" until ${at(120)} (configured)`);
      expect(lines.find((l) => l.startsWith('  UNKNOWN'))).toMatch(new RegExp(`^  UNKNOWN     health unreadable since ${at(30)} \\(17m ago\\): .*ThrottlingException`));
    });

    it('--zone filters; a record that names no pair is a usage error naming what to do', async () => {
      expect((await json('status', '--zone', REFERENCE.zoneId)).pairs).toHaveLength(3);
      await expect(cli.run('status', '--zone', 'Z0OTHERZONE')).rejects.toThrow(PairSelectionError);
      const error = await cli.run('status', '--record', 'nope.example.com').catch((e: unknown) => e);
      expect(exitCodeFor(error)).toBe(2);
      expect(explainFailure(error)).toBe(`No recorded pair matches record nope.example.com in table ${harness.config.tableName}: \`failwatch status\` lists the pairs it holds`);
    });
  });

  describe('history', () => {
    it('transitions and notices, newest first, with status, SNS message ids and silenced / held marks; the outbox included', async () => {
      const entries = await json('history', '--record', 'app.example.com');
      expect(entries.map((e: Record<string, unknown>) => [e['at'], e['kind'], e['status'], e['from'] ?? null, e['to'], e['silenced'] ? 'silenced' : e['held'] ? `held: ${e['held']}` : null])).toEqual([
        [at(46), 'WATCH_DEGRADED', 'PENDING', null, 'PRIMARY', null],
        [at(22), 'FAILBACK', 'HELD', 'SECONDARY', 'PRIMARY', 'held: flapping'],
        [at(21), 'FAILOVER', 'HELD', 'PRIMARY', 'SECONDARY', 'held: flapping'],
        [at(21), 'FLAPPING', 'PUBLISHED', null, 'SECONDARY', null],
        [at(20), 'FAILBACK', 'PUBLISHED', 'SECONDARY', 'PRIMARY', null],
        [at(20), 'SILENCE_SUMMARY', 'PUBLISHED', null, 'PRIMARY', null],
        [at(10), 'FAILOVER', 'SILENCED', 'PRIMARY', 'SECONDARY', 'silenced'],
      ]);
      const failback = entries.find((e: Record<string, unknown>) => e['kind'] === 'FAILBACK' && e['status'] === 'PUBLISHED');
      const sent = world.published.find((m) => m.attributes['transitionId'] === `${REFERENCE.zoneId}|${REFERENCE.recordName}|A#2`)!;
      expect(failback).toMatchObject({ snsMessageId: sent.messageId, previousSeconds: 600, trigger: 'schedule arn:aws:events:us-east-1:123456789012:rule/failwatch-prod-poll', reference: historyReference(APP, { sequence: 2 }), sequence: 2 });
      expect(entries[6]).toMatchObject({ silenced: { id: 's-00000001', reason: 'DR drill', until: at(15) } });
    });

    it('the reference an email ends with finds its entry, whenever it was', async () => {
      const flapping = world.published.find((m) => m.attributes['kind'] === 'FLAPPING')!;
      const reference = /Reference: ([0-9A-Z]{4}-[0-9A-Z]{4}) \(/.exec(flapping.text)![1]!;
      const entries = await json('history', '--ref', reference.toLowerCase(), '--since', '1h');
      expect(entries.map((e: Record<string, unknown>) => [e['kind'], e['reference'], e['snsMessageId']])).toEqual([['FLAPPING', reference, flapping.messageId]]);
      expect(await json('history', '--ref', reference)).toHaveLength(1);
    });

    it('--kind and --since narrow it; as text, one row per entry', async () => {
      expect((await json('history', '--kind', 'failover,FAILBACK')).map((e: Record<string, unknown>) => `${e['pair']} ${e['kind']}`)).toEqual([
        'api.example.com A FAILBACK',
        'app.example.com A FAILBACK',
        'app.example.com A FAILOVER',
        'app.example.com A FAILBACK',
        'api.example.com A FAILOVER',
        'app.example.com A FAILOVER',
      ]);
      expect((await json('history', '--since', '25m')).map((e: Record<string, unknown>) => `${e['pair']} ${e['kind']}`)).toEqual(['app.example.com A WATCH_DEGRADED', 'api.example.com A FAILBACK', 'app.example.com A FAILBACK']);
      const { lines } = await text('history', '--record', 'app.example.com', '--kind', 'FAILOVER');
      expect(lines[0]).toBe(`2 entries in table ${harness.config.tableName} since ${new Date(minutesIn(47).getTime() - 30 * 86_400_000).toISOString()}, newest first:`);
      expect(lines[2]).toMatch(/^TIME +PAIR +KIND +CHANGE +PREVIOUSLY +TRIGGER +STATUS +SNS MESSAGE +REF +NOTE$/);
      expect(lines[4]).toMatch(new RegExp(`^${at(10)} +app\\.example\\.com A +FAILOVER +PRIMARY -> SECONDARY +10m on primary +schedule arn:aws:events:\\S+ +SILENCED +- +${historyReference(APP, { sequence: 1 })} +silenced: DR drill \\(s-00000001\\)$`));
    });

    it('a kind that does not exist is a usage error listing those that do', async () => {
      await expect(cli.run('history', '--kind', 'FAILOVERS')).rejects.toThrow(/--kind "FAILOVERS": FAILOVERS is not a kind; use a comma-separated list of FAILOVER, FAILBACK/);
      await expect(cli.run('history', '--ref', 'ABC')).rejects.toThrow(CliUsageError);
    });
  });

  describe('report', () => {
    it('the month so far: per pair and in total, episodes counted with what the history says', async () => {
      const report = await json('report', '--month', '2026-11');
      expect(report.window).toEqual({ start: '2026-11-01T00:00:00.000Z', end: at(47) });
      const [api, app, fresh] = report.pairs;
      expect(app.pair).toBe('app.example.com A');
      expect(app.figures).toMatchObject({ failovers: 2, secondarySeconds: 660, episodes: 2, meanTimeToFailbackSeconds: 330, longestTimeToFailbackSeconds: 600, flappingSpells: 1, allUnhealthySeconds: 0 });
      // Unknown: before the first observation (24 days 8 hours), and since the metric became unreadable (17 minutes).
      expect(app.figures.unknownSeconds).toBe((24 * 24 + 8) * 3600 + 17 * 60);
      expect(app.bands.slice(1).map((b: { kind: string; start: string; end: string }) => [b.kind, b.start, b.end])).toEqual([
        ['PRIMARY', at(0), at(10)],
        ['SECONDARY', at(10), at(20)],
        ['PRIMARY', at(20), at(21)],
        ['SECONDARY', at(21), at(22)],
        ['PRIMARY', at(22), at(30)],
        ['UNKNOWN', at(30), at(47)],
      ]);
      expect(app.silences.map((s: { id: string; start: string; end: string }) => [s.id, s.start, s.end])).toEqual([['s-00000001', at(10), at(15)]]);
      expect(app.sent.map((s: { kind: string }) => s.kind)).toEqual(['FAILBACK', 'SILENCE_SUMMARY', 'FLAPPING']);
      expect(api.figures).toMatchObject({ failovers: 1, secondarySeconds: 300, episodes: 1, meanTimeToFailbackSeconds: 300 });
      expect(fresh.figures).toMatchObject({ failovers: 0, episodes: 0, primarySeconds: 0 });
      expect(report.total).toMatchObject({ failovers: 3, episodes: 3, secondarySeconds: 960, meanTimeToFailbackSeconds: 320, longestTimeToFailbackSeconds: 600 });
    });

    it('a month with no episode: nothing counted, every pair unknown before Failwatch watched it', async () => {
      const report = await json('report', '--month', '2026-10');
      expect(report.total).toMatchObject({ failovers: 0, episodes: 0, secondarySeconds: 0, flappingSpells: 0, primaryAvailability: 0, unknownSeconds: 3 * 31 * 86_400 });
      expect(report.total.meanTimeToFailbackSeconds).toBeUndefined();
    });

    it('as text, a table per pair and a total; --html writes the page and says where', async () => {
      const { code, lines } = await text('report', '--month', '2026-11', '--html', 'out/report.html');
      expect(code).toBe(0);
      const path = lines[0]!.replace('Report page written to ', '');
      expect(path).toMatch(/\/out\/report\.html$/);
      expect(cli.files.get(path)).toContain('<section class="pair" data-pair="Z0EXAMPLE12345|app.example.com.|A">');
      expect(lines).toContain(`Report for 2026-11-01T00:00:00.000Z to ${at(47)} (UTC), 3 pairs in table ${harness.config.tableName}:`);
      expect(lines.find((l) => l.startsWith('app.example.com A'))).toMatch(/^app\.example\.com A +2 +11m +5m +10m +0s +0s +1 +24d 8h +0\.\d{3}%$/);
      expect(lines.at(-1)).toMatch(/^TOTAL +3 +16m +5m +10m +0s +0s +1 /);
    });

    it('--month and --since together, or a month written otherwise, are usage errors', async () => {
      await expect(cli.run('report', '--month', '2026-11', '--since', '30d')).rejects.toThrow('report takes --month or --since, not both');
      await expect(cli.run('report', '--month', 'November')).rejects.toThrow('--month "November" is not a month: write it as 2026-11');
    });
  });

  describe('test-alert', () => {
    it('publishes a TEST message with the kind\'s attributes plus test=true, records it as a test, and no report counts it', async () => {
      const before = (await json('report', '--month', '2026-11')).total;
      const sentBefore = world.published.length;
      cli.out.length = 0;
      expect(await cli.run('test-alert', '--record', 'app.example.com', '--as', 'failover')).toBe(0);
      const [message] = world.published.slice(sentBefore);
      const id = `${REFERENCE.zoneId}|${REFERENCE.recordName}|A#TEST#t-00000001`;
      expect(message?.subject).toBe('TEST FAILOVER app.example.com A: now serving secondary 10.0.1.1');
      expect(message?.attributes).toEqual({ kind: 'FAILOVER', severity: 'critical', zone: REFERENCE.zoneId, record: 'app.example.com', transitionId: id, test: 'true' });
      expect(message?.text.split('\n')[0]).toBe('TEST NOTIFICATION, sent with `failwatch test-alert` to check that notifications arrive. Nothing happened to app.example.com A: this is what a FAILOVER would look like.');
      const reference = historyReference(APP, { noticeKey: 'TEST#t-00000001' });
      expect(message?.text.trimEnd().endsWith(`Reference: ${reference} (critical).`)).toBe(true);
      const content = readSnsMessageContent(JSON.stringify(message?.payload));
      expect(content).toMatchObject({ kind: 'payload', payload: { test: true, id, reference, kind: 'FAILOVER', subject: message?.subject } });
      expect(cli.out).toEqual([
        `Sent test alert t-00000001 (FAILOVER, critical) for app.example.com A: SNS message ${message?.messageId}.`,
        `Subject: ${message?.subject}`,
        `Reference: ${reference} (find it with: failwatch history --ref ${reference})`,
      ]);
      const tests = await json('history', '--kind', 'TEST');
      expect(tests).toEqual([expect.objectContaining({ type: 'TEST', kind: 'FAILOVER', status: 'TEST', snsMessageId: message?.messageId, reference, pair: 'app.example.com A' })]);
      expect(await json('history', '--ref', reference)).toHaveLength(1);
      expect((await json('history', '--kind', 'FAILOVER')).every((e: { type: string }) => e.type !== 'TEST')).toBe(true);
      expect((await json('report', '--month', '2026-11')).total).toEqual(before);
    });

    it('a notice kind at a chosen severity; without --record, the sample pair', async () => {
      const sentBefore = world.published.length;
      expect(await cli.run('test-alert', '--as', 'REMINDER', '--severity', 'info')).toBe(0);
      const [message] = world.published.slice(sentBefore);
      expect(message?.subject).toMatch(/^TEST REMINDER test-alert\.failwatch\.invalid A: still on secondary 192\.0\.2\.2/);
      expect(message?.attributes).toMatchObject({ kind: 'REMINDER', severity: 'info', record: 'test-alert.failwatch.invalid', test: 'true', noticeId: 'ZFAILWATCHTEST|test-alert.failwatch.invalid.|A#TEST#t-00000001' });
    });

    it('when SNS refuses, it fails (exit 1, saying so) and records nothing', async () => {
      const tests = (await json('history', '--kind', 'TEST')).length;
      world.publishFailure = () => Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' });
      const error = await cli.run('test-alert', '--record', 'app.example.com').catch((e: unknown) => e);
      world.publishFailure = undefined;
      expect(exitCodeFor(error)).toBe(1);
      expect(explainFailure(error)).toMatch(/^Publishing .*#TEST#t-00000001 to SNS failed/);
      expect(await json('history', '--kind', 'TEST')).toHaveLength(tests);
    });

    it('a kind or severity that does not exist is a usage error, before anything is sent', async () => {
      const sentBefore = world.published.length;
      await expect(cli.run('test-alert', '--as', 'OUTAGE')).rejects.toThrow(/--as "OUTAGE" is not one of FAILOVER, FAILBACK/);
      await expect(cli.run('test-alert', '--severity', 'high')).rejects.toThrow('--severity "high" is not one of critical, warning, info');
      expect(world.published.length).toBe(sentBefore);
    });
  });
});
