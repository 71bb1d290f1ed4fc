/** `failwatch doctor`'s checks, through runDoctor with in-memory ports: each finding, its severity and what it tells a person to do; checks that do not apply or cannot read. */
import { definePair, type PairDefinition } from '../../lib/domain/pair-definition';
import { PublishStatus, type StoredPairState } from '../../lib/ports';
import type { StoredPairs, TopicSubscription } from '../../lib/usecases/console-ports';
import { CheckStatus, DoctorCheck, runDoctor, sweepIntervalSeconds, type DoctorDeps, type DoctorOptions, type DoctorReport, type PairConfigRisk } from '../../lib/usecases/doctor';
import { firstState, nextTransition } from '../aws/dynamo-state-store-fixtures';
import { aDefinition, aPair, definitionsOf } from '../support/domain-fixtures';
import { aDeployment, aManagedAlarm, InMemoryAlarmManager, InMemoryDeadLetterQueue, PREFIX, someStoredPairs } from '../support/console-fakes';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const CHECK_A = '11111111-1111-4111-8111-111111111111';
const CHECK_B = '22222222-2222-4222-8222-222222222222';
const TOPIC = aDeployment().topicArn;
const SLACK_PARAMETER = '/failwatch/prod/slack-webhook';

function definitionWatching(name: string, healthCheckId: string): PairDefinition {
  const pair = aPair({ primary: { name, healthCheckId } });
  return definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: healthCheckId })));
}

const SHOP = definitionWatching('shop.example.com.', CHECK_A);
const API = definitionWatching('api.example.com.', CHECK_B);

/** A pair state whose outbox holds a FAILOVER, still pending, observed `minutesAgo` before NOW. */
function stateWithPending(minutesAgo: number): StoredPairState {
  const observedAt = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const { transition, next } = nextTransition(firstState(SHOP.pair.id), observedAt);
  return { ...next, revision: 2, pendingSequences: [1], outbox: [{ kind: 'TRANSITION', transition: { ...transition, publishStatus: PublishStatus.PENDING } }] };
}

interface World {
  stored: StoredPairs | Error;
  alarms: InMemoryAlarmManager;
  subscriptions: readonly TopicSubscription[] | undefined;
  parameterType: string | undefined;
  deadLetters: InMemoryDeadLetterQueue;
  sweeps: number;
  risks?: (definition: PairDefinition) => readonly PairConfigRisk[];
  failing?: Partial<Record<'topic' | 'parameters' | 'sweeps' | 'deadLetters', Error>>;
}

/** A stage with nothing wrong: two watched pairs, an alarm for each check, a confirmed email, Slack's SecureString, sweeps running. */
function healthyWorld(): World {
  return {
    stored: someStoredPairs({ definitions: [SHOP, API], states: [{ ...firstState(SHOP.pair.id), revision: 1, pendingSequences: [] }] }),
    alarms: new InMemoryAlarmManager([aManagedAlarm(CHECK_A, { state: 'OK', reason: 'healthy', since: '2026-12-01T09:00:00.000Z' }), aManagedAlarm(CHECK_B)]),
    subscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com', confirmed: true }],
    parameterType: 'SecureString',
    deadLetters: new InMemoryDeadLetterQueue(),
    sweeps: 3,
    risks: () => [],
  };
}

const sweepQueries: { service: string; from: Date; to: Date }[] = [];

function depsOf(world: World): DoctorDeps {
  const fail = (port: keyof NonNullable<World['failing']>) => world.failing?.[port];
  return {
    pairs: { listStoredPairs: () => (world.stored instanceof Error ? Promise.reject(world.stored) : Promise.resolve(world.stored)) },
    alarms: world.alarms,
    topic: { listSubscriptions: (arn) => (fail('topic') ? Promise.reject(fail('topic')) : Promise.resolve(arn === TOPIC ? world.subscriptions : undefined)) },
    parameters: { parameterType: (name) => (fail('parameters') ? Promise.reject(fail('parameters')) : Promise.resolve(name === SLACK_PARAMETER ? world.parameterType : undefined)) },
    deadLetters: { countWaiting: () => (fail('deadLetters') ? Promise.reject(fail('deadLetters')) : world.deadLetters.countWaiting()) },
    sweeps: {
      sweepsCompleted: (service, from, to) => {
        sweepQueries.push({ service, from, to });
        return fail('sweeps') ? Promise.reject(fail('sweeps')) : Promise.resolve(world.sweeps);
      },
    },
    ...(world.risks ? { configRisksOf: world.risks } : {}),
  };
}

const OPTIONS: DoctorOptions = { deployment: aDeployment(), now: NOW, sweepIntervalSeconds: 300 };

function doctor(world: World, options: Partial<DoctorOptions> = {}): Promise<DoctorReport> {
  return runDoctor(depsOf(world), { ...OPTIONS, ...options });
}

function statusOf(report: DoctorReport, check: DoctorCheck): string | undefined {
  return report.checks.find((result) => result.check === check)?.status;
}

beforeEach(() => (sweepQueries.length = 0));

describe('runDoctor on a healthy stage', () => {
  it('passes every check, finds nothing, and says what each looked at', async () => {
    const report = await doctor(healthyWorld());

    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ stage: 'prod', checkedAt: NOW.toISOString(), hasCritical: false, incomplete: false });
    expect(report.checks).toEqual([
      { check: DoctorCheck.STORED_PAIRS, status: CheckStatus.PASSED, summary: '2 pair definitions, 1 pair state' },
      { check: DoctorCheck.DR_CONFIGURATION, status: CheckStatus.PASSED, summary: '2 pairs: 0 DR holes, 0 blind spots' },
      { check: DoctorCheck.ALARM_COVERAGE, status: CheckStatus.PASSED, summary: '2 watched health checks, 2 with a managed alarm' },
      { check: DoctorCheck.ALARM_DATA, status: CheckStatus.PASSED, summary: '2 managed alarms, 0 without data' },
      { check: DoctorCheck.TOPIC, status: CheckStatus.PASSED, summary: '1 of 1 subscription confirmed' },
      { check: DoctorCheck.SLACK, status: CheckStatus.PASSED, summary: `parameter ${SLACK_PARAMETER} is a SecureString` },
      { check: DoctorCheck.PENDING_NOTIFICATIONS, status: CheckStatus.PASSED, summary: '0 notifications pending, 0 for over 10m' },
      { check: DoctorCheck.DEAD_LETTERS, status: CheckStatus.PASSED, summary: 'queue failwatch-prod-dead-letters is empty' },
      { check: DoctorCheck.SWEEPS, status: CheckStatus.PASSED, summary: '3 sweeps completed in the last 15m' },
    ]);
  });

  it('reads SweepsCompleted of the stage\'s service over 3 schedule intervals ending now', async () => {
    await doctor(healthyWorld(), { sweepIntervalSeconds: 60 });
    expect(sweepQueries).toEqual([{ service: 'failwatch-prod', from: new Date('2026-12-01T11:57:00.000Z'), to: NOW }]);
  });
});

type Change = (world: World) => void;

describe('runDoctor finds what is wrong and says what to do', () => {
  it.each<[string, Change, DoctorCheck, 'critical' | 'warning', RegExp, RegExp]>([
    [
      'a DR hole (from issue 13\'s rules, on the stored definition)',
      (w) => (w.risks = (d) => (d === SHOP ? [{ kind: 'DR_HOLE', problem: 'the primary has no health check', fix: 'associate a health check' }] : [])),
      DoctorCheck.DR_CONFIGURATION, 'critical', /^shop\.example\.com A \(zone Z0FAILWATCH\): DR hole: the primary has no health check$/, /^associate a health check$/,
    ],
    [
      'a blind spot',
      (w) => (w.risks = (d) => (d === API ? [{ kind: 'BLIND_SPOT', problem: 'its health is a load balancer\'s', fix: 'give it a health check' }] : [])),
      DoctorCheck.DR_CONFIGURATION, 'warning', /^api\.example\.com A .*blind spot: its health is a load balancer's$/, /give it a health check/,
    ],
    [
      'a watched check without a managed alarm',
      (w) => (w.alarms.managed = w.alarms.managed.filter((a) => a.healthCheckId !== CHECK_B)),
      DoctorCheck.ALARM_COVERAGE, 'warning', new RegExp(`^Health check ${CHECK_B} \\(used by api\\.example\\.com A \\(zone Z0FAILWATCH\\)\\) has no managed alarm ${PREFIX}-${CHECK_B}`), /creates it at its next reconcile.*status FAILED/,
    ],
    [
      'an untagged alarm holding the name',
      (w) => {
        w.alarms.managed = w.alarms.managed.filter((a) => a.healthCheckId !== CHECK_B);
        w.alarms.foreign = [{ name: `${PREFIX}-${CHECK_B}` }];
      },
      DoctorCheck.ALARM_COVERAGE, 'warning', /an alarm of that name exists without the failwatch:managed-by tag/, new RegExp(`tag it failwatch:managed-by=${PREFIX}`),
    ],
    [
      'a managed alarm in INSUFFICIENT_DATA',
      (w) => (w.alarms.managed = [aManagedAlarm(CHECK_A, { state: 'INSUFFICIENT_DATA', reason: 'no datapoints', since: '2026-12-01T10:00:00.000Z' }), aManagedAlarm(CHECK_B)]),
      DoctorCheck.ALARM_DATA, 'warning', new RegExp(`^Managed alarm ${PREFIX}-${CHECK_A} has been INSUFFICIENT_DATA since 2026-12-01T10:00:00.000Z \\(no datapoints\\)`), new RegExp(`get-health-check --health-check-id ${CHECK_A}`),
    ],
    ['the topic missing', (w) => (w.subscriptions = undefined), DoctorCheck.TOPIC, 'critical', /^Topic .* does not exist/, /Deploy the stage again/],
    ['no subscription', (w) => (w.subscriptions = []), DoctorCheck.TOPIC, 'critical', /has no subscription: nobody receives/, /Set alertEmail in stages\/prod\.yml/],
    [
      'a subscription pending confirmation beside a confirmed one',
      (w) => (w.subscriptions = [...(w.subscriptions ?? []), { protocol: 'email', endpoint: 'pager@example.com', confirmed: false }]),
      DoctorCheck.TOPIC, 'warning', /^The email subscription of pager@example\.com .* is waiting for confirmation/, /confirmation link SNS sent to pager@example\.com/,
    ],
    ['Slack on and its parameter missing', (w) => (w.parameterType = undefined), DoctorCheck.SLACK, 'critical', /webhook parameter \/failwatch\/prod\/slack-webhook does not exist/, /put-parameter --type SecureString.*dead-letters replay --stage prod/],
    ['Slack\'s parameter a String', (w) => (w.parameterType = 'String'), DoctorCheck.SLACK, 'warning', /is a String, not a SecureString/, /delete-parameter.*put-parameter --type SecureString/],
    [
      'a notification pending for 11 minutes',
      (w) => (w.stored = someStoredPairs({ definitions: [SHOP, API], states: [stateWithPending(11)] })),
      DoctorCheck.PENDING_NOTIFICATIONS, 'critical', /^shop\.example\.com A \(zone Z0FAILWATCH\): FAILOVER #1, observed 2026-12-01T11:49:00\.000Z, has not been sent for 11m$/, /\/aws\/lambda\/failwatch-prod-poll.*Publishing \.\.\. failed/,
    ],
    [
      'dead letters waiting',
      (w) => (w.deadLetters = new InMemoryDeadLetterQueue([{ messageId: 'm-1', body: '{}', attributes: {} }, { messageId: 'm-2', body: '{}', attributes: {} }])),
      DoctorCheck.DEAD_LETTERS, 'warning', /^2 dead letters wait in failwatch-prod-dead-letters/, /npx failwatch dead-letters list --stage prod.*npx failwatch dead-letters replay --stage prod/,
    ],
    ['no sweep for 3 intervals', (w) => (w.sweeps = 0), DoctorCheck.SWEEPS, 'critical', /^No sweep completed in the last 15m \(3 × the 5m schedule\): Failwatch is not watching$/, /schedule rule failwatch-prod-poll is enabled/],
    [
      'a stored item that cannot be read',
      (w) => (w.stored = someStoredPairs({ definitions: [SHOP, API], unreadable: [{ item: 'PAIR#Z1|x.example.com.|A STATE', problem: 'serving = "SIDEWAYS"' }] })),
      DoctorCheck.STORED_PAIRS, 'warning', /^The stored item PAIR#Z1\|x\.example\.com\.\|A STATE cannot be read: serving = "SIDEWAYS"$/, /fixed or deleted/,
    ],
    ['no pair definition stored', (w) => (w.stored = someStoredPairs()), DoctorCheck.STORED_PAIRS, 'warning', /^No pair definition is stored/, /zoneIds/],
  ])('%s', async (_what, change, check, severity, problem, action) => {
    const world = healthyWorld();
    change(world);

    const report = await doctor(world);

    expect(report.findings).toEqual([{ check, severity, problem: expect.stringMatching(problem), action: expect.stringMatching(action) }]);
    expect(statusOf(report, check)).toBe(CheckStatus.FOUND);
    expect(report.hasCritical).toBe(severity === 'critical');
    expect(report.incomplete).toBe(false);
  });

  it('a notification pending for 9 minutes is not yet stuck', async () => {
    const world = healthyWorld();
    world.stored = someStoredPairs({ definitions: [SHOP, API], states: [stateWithPending(9)] });
    const report = await doctor(world);
    expect(report.findings).toEqual([]);
    expect(report.checks.find((c) => c.check === DoctorCheck.PENDING_NOTIFICATIONS)?.summary).toBe('1 notification pending, 0 for over 10m');
  });

  it('every subscription pending: critical, and each one named', async () => {
    const world = healthyWorld();
    world.subscriptions = [{ protocol: 'email', endpoint: 'oncall@example.com', confirmed: false }];
    const report = await doctor(world);
    expect(report.findings.map((f) => [f.severity, f.problem.slice(0, 40)])).toEqual([
      ['critical', `None of topic ${TOPIC}'s 1 subscription is confirmed`.slice(0, 40)],
      ['warning', 'The email subscription of oncall@example.com'.slice(0, 40)],
    ]);
  });

  it('lists critical findings first, then warnings, each in the order of the checks', async () => {
    const world = healthyWorld();
    world.parameterType = 'String';
    world.sweeps = 0;
    world.subscriptions = [];
    world.alarms.managed = [];
    const report = await doctor(world);
    expect(report.findings.map((f) => [f.severity, f.check])).toEqual([
      ['critical', DoctorCheck.TOPIC],
      ['critical', DoctorCheck.SWEEPS],
      ['warning', DoctorCheck.ALARM_COVERAGE],
      ['warning', DoctorCheck.ALARM_COVERAGE],
      ['warning', DoctorCheck.SLACK],
    ]);
  });
});

describe('runDoctor: checks that do not apply, or cannot read', () => {
  it('Slack off and managed alarms off: those checks are skipped, and no alarm is listed', async () => {
    const world = healthyWorld();
    const report = await doctor(world, { deployment: aDeployment({ slackWebhookParameter: undefined, alarms: { manage: false, prefix: PREFIX } }) });
    expect(report.checks.filter((c) => c.status === CheckStatus.SKIPPED).map((c) => [c.check, c.summary])).toEqual([
      [DoctorCheck.ALARM_COVERAGE, expect.stringContaining('manageAlarms=false')],
      [DoctorCheck.ALARM_DATA, expect.stringContaining('manageAlarms=false')],
      [DoctorCheck.SLACK, 'Slack is off for this stage (no slack function is deployed)'],
    ]);
    expect(world.alarms.listings).toBe(0);
  });

  it('by default issue 13\'s rules judge the stored definitions: a disabled primary check is a DR hole', async () => {
    const world = healthyWorld();
    delete world.risks;
    const pair = aPair({ primary: { name: 'shop.example.com.', healthCheckId: CHECK_A } });
    const disabled = definePair(pair, [pair.primary, pair.secondary], definitionsOf(aDefinition({ id: CHECK_A, disabled: true })));
    world.stored = someStoredPairs({ definitions: [disabled, API], states: [] });

    const report = await doctor(world);

    expect(report.checks.find((c) => c.check === DoctorCheck.DR_CONFIGURATION)).toEqual({
      check: DoctorCheck.DR_CONFIGURATION,
      status: CheckStatus.FOUND,
      summary: '2 pairs: 1 DR hole, 0 blind spots',
    });
    expect(report.findings.filter((finding) => finding.check === DoctorCheck.DR_CONFIGURATION)).toEqual([
      {
        check: DoctorCheck.DR_CONFIGURATION,
        severity: 'critical',
        problem: `shop.example.com A (zone Z0FAILWATCH): DR hole: the primary's health check ${CHECK_A} is disabled and not inverted: Route 53 counts it always healthy, so the pair never fails over`,
        action: `enable health check ${CHECK_A} again; to move traffic off the primary on purpose, invert it as well as disabling it`,
      },
    ]);
    expect(report.hasCritical).toBe(true);
  });

  it('a read that fails fails its checks only, with why; the report is incomplete', async () => {
    const world = healthyWorld();
    world.stored = new Error('DynamoDB is down');
    world.failing = { sweeps: new Error('AccessDenied: grant cloudwatch:GetMetricData') };
    world.subscriptions = [];

    const report = await doctor(world);

    expect(report.checks.filter((c) => c.status === CheckStatus.FAILED).map((c) => [c.check, c.summary])).toEqual([
      [DoctorCheck.STORED_PAIRS, 'could not check: Error: DynamoDB is down'],
      [DoctorCheck.DR_CONFIGURATION, 'could not check: Error: DynamoDB is down'],
      [DoctorCheck.ALARM_COVERAGE, 'could not check: Error: DynamoDB is down'],
      [DoctorCheck.PENDING_NOTIFICATIONS, 'could not check: Error: DynamoDB is down'],
      [DoctorCheck.SWEEPS, 'could not check: Error: AccessDenied: grant cloudwatch:GetMetricData'],
    ]);
    expect(report.incomplete).toBe(true);
    // The checks that could read still report: nobody is subscribed.
    expect(report.findings.map((f) => f.check)).toEqual([DoctorCheck.TOPIC]);
    expect(report.hasCritical).toBe(true);
  });
});

describe('sweepIntervalSeconds', () => {
  it.each<[string | undefined, boolean, number | undefined]>([
    [undefined, true, 300],
    [undefined, false, 60],
    ['', true, 300],
    ['rate(1 minute)', true, 60],
    ['rate(10 minutes)', false, 600],
    ['rate(2 hours)', true, 7_200],
    ['rate(1 day)', true, 86_400],
    ['cron(0/5 * * * ? *)', true, undefined],
  ])('pollRate %p with managed alarms %p: %p seconds', (pollRate, manage, seconds) => {
    expect(sweepIntervalSeconds(pollRate, manage)).toBe(seconds);
  });
});
