/**
 * Every setting of a stage lives in one file, stages/<stage>.yml (docs/configuration.md): a deploy
 * repeated after changing one setting deploys every other one unchanged. Following the old README
 * (`--param alertEmail=...`, then `--param slackEnabled=true` alone) dropped the email subscription.
 *
 * Packages one stage twice, as a user does: first with the email address, then with Slack turned on
 * in the same file, and compares what CloudFormation would deploy. Then shows that a stage without
 * its file, a misspelt setting and a --param each stop the command, naming what to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateCondition, resolveConditionals, type Template } from './support/cloudformation';
import { packageService, printService, PROJECT_ROOT, stageFileText, type PackagedService } from './support/package-service';

const FIRST_DEPLOY = { alertEmail: 'oncall@example.com', zoneIds: 'Z0123456789ABC', reminderHours: '2' };
const SLACK_TURNED_ON = { ...FIRST_DEPLOY, slackEnabled: 'true' };

/** What a template deploys: each resource whose condition holds, as CloudFormation would create it. */
function deployedResources(template: Template): Map<string, unknown> {
  return new Map(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Condition === undefined || evaluateCondition(template, resource.Condition))
      .map(([id, resource]) => [id, resolveConditionals(template, { ...resource, Condition: undefined })] as const),
  );
}

/** The subscriptions a template deploys, as "<topic>: <protocol> <endpoint>". */
function subscriptions(template: Template): string[] {
  return [...deployedResources(template).values()]
    .map((resource) => resource as { Type: string; Properties?: Record<string, unknown> })
    .filter((resource) => resource.Type === 'AWS::SNS::Subscription')
    .map((resource) => `${(resource.Properties?.['TopicArn'] as { Ref?: string } | undefined)?.Ref ?? '?'}: ${String(resource.Properties?.['Protocol'])} ${JSON.stringify(resource.Properties?.['Endpoint'])}`)
    .sort();
}

/** Resources deployed by `before` that `after` would delete, each with why. */
function lostResources(before: Template, after: Template): string[] {
  const kept = deployedResources(after);
  return [...deployedResources(before).keys()].filter((id) => !kept.has(id)).map((id) => (id in after.Resources ? `${id} (its condition no longer holds)` : `${id} (gone from the template)`));
}

/** The environment variables of every function, which carry the settings the code reads. */
function functionEnvironments(template: Template): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => [id, (resource.Properties?.['Environment'] as { Variables?: unknown } | undefined)?.Variables]),
  );
}

describe('changing one setting of a stage keeps every other', () => {
  let first: PackagedService;
  let second: PackagedService;

  beforeAll(async () => {
    const packages = await Promise.allSettled([packageService('acme', FIRST_DEPLOY), packageService('acme', SLACK_TURNED_ON)]);
    const failed = packages.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failed.length > 0) {
      for (const result of packages) if (result.status === 'fulfilled') result.value.remove();
      throw failed[0];
    }
    [first, second] = packages.map((result) => (result as PromiseFulfilledResult<PackagedService>).value) as [PackagedService, PackagedService];
  }, 400_000);

  afterAll(() => {
    first?.remove();
    second?.remove();
  });

  it('the first deploy subscribes the email address to the alerts and to Failwatch\'s own alarms', () => {
    expect(subscriptions(first.template)).toEqual(['AlertTopic: email "oncall@example.com"', 'OpsTopic: email "oncall@example.com"']);
  });

  it('turning Slack on removes no resource and no subscription, and adds the Slack function', () => {
    expect(lostResources(first.template, second.template)).toEqual([]);
    expect(subscriptions(second.template)).toEqual([
      'AlertTopic: email "oncall@example.com"',
      'AlertTopic: lambda {"Fn::GetAtt":["SlackLambdaFunction","Arn"]}',
      'OpsTopic: email "oncall@example.com"',
      'OpsTopic: lambda {"Fn::GetAtt":["SlackLambdaFunction","Arn"]}',
    ]);
    expect(deployedResources(second.template).has('SlackLambdaFunction')).toBe(true);
  });

  it('every resource the first deploy made is deployed the same way, apart from what Slack adds to the dead-letter queue policy and the dashboard', () => {
    const before = deployedResources(first.template);
    const after = deployedResources(second.template);
    // A function's code is uploaded under a folder named after the time it was packaged: not a change.
    const comparable = (resource: unknown) => JSON.stringify(resource).replace(/"S3Key":"serverless\/failwatch\/acme\/[^/"]+\//g, '"S3Key":"<packaged at>/');
    const changed = [...before.keys()].filter((id) => comparable(before.get(id)) !== comparable(after.get(id)));
    expect(changed).toEqual(['DeadLetterQueuePolicy', 'Dashboard']);
  });

  it('the functions read the same settings (the zones, the reminder interval) both times', () => {
    const environments = functionEnvironments(second.template);
    expect(environments['PollLambdaFunction']).toMatchObject({ FAILWATCH_ZONE_IDS: 'Z0123456789ABC', FAILWATCH_REMINDER_HOURS: '2' });
    for (const [id, variables] of Object.entries(functionEnvironments(first.template))) expect({ id, variables: environments[id] }).toEqual({ id, variables });
  });

  it('docs/deploying.md names every kind of resource a deploy creates, for the permissions it lists', () => {
    const page = readFileSync(join(PROJECT_ROOT, 'docs', 'deploying.md'), 'utf8');
    const types = new Set(Object.values(second.template.Resources).map((resource) => resource.Type));
    expect([...types].filter((type) => !page.includes(`\`${type}\``)).sort()).toEqual([]);
  });

  it('the comparison sees a dropped resource: turning Slack off again would delete its function and subscription', () => {
    expect(lostResources(second.template, first.template)).toEqual(
      expect.arrayContaining(['SlackLambdaFunction (its condition no longer holds)', 'SlackSnsSubscriptionAlerts (its condition no longer holds)']),
    );
  });
});

describe('a stage is configured by its file alone', () => {
  const CASES = {
    'a stage with no file': { stageFile: null, extra: [], says: 'stage "acme" has no settings file: create stages/acme.yml' },
    'a misspelt setting': { stageFile: stageFileText({ alertEmial: 'oncall@example.com' }), extra: [], says: 'stages/acme.yml sets "alertEmial", which is not a setting. The settings are: ' },
    'a list where one value belongs': { stageFile: 'zoneIds: [Z1, Z2]\n', extra: [], says: 'stages/acme.yml: "zoneIds" must be one value' },
    'a setting given with --param': { stageFile: stageFileText({}), extra: ['--param', 'alertEmail=oncall@example.com'], says: '--param alertEmail: put this setting in stages/acme.yml instead' },
    // The alarm on missing sweeps counts sweeps per interval of the schedule (scripts/poll-interval.cjs).
    'a cron pollRate without pollIntervalMinutes': { stageFile: stageFileText({ pollRate: 'cron(0/10 * * * ? *)' }), extra: [], says: 'pollRate cron(0/10 * * * ? *) does not say how often poll runs: set pollIntervalMinutes' },
    'a pollIntervalMinutes the rate disagrees with': { stageFile: stageFileText({ pollRate: 'rate(5 minutes)', pollIntervalMinutes: '1' }), extra: [], says: 'pollIntervalMinutes 1 disagrees with pollRate rate(5 minutes) (5 minutes)' },
    'an interval longer than 3 fit in 7 days': { stageFile: stageFileText({ pollRate: 'rate(3 days)' }), extra: [], says: 'poll runs every 4320 minutes' },
  } as const;
  const outcomes = new Map<string, { ok: boolean; output: string }>();

  beforeAll(async () => {
    const runs = [
      ...Object.entries(CASES),
      ['some settings', { stageFile: 'slackEnabled: true\nmemorySize: 512\n', extra: [] }] as const,
      ['a cron pollRate with its interval', { stageFile: stageFileText({ pollRate: 'cron(0/10 * * * ? *)', pollIntervalMinutes: '10' }), extra: [] }] as const,
    ];
    const results = await Promise.all(runs.map(([, { stageFile, extra }]) => printService('acme', stageFile, extra)));
    runs.forEach(([name], index) => outcomes.set(name, results[index]!));
  }, 300_000);

  it.each(Object.entries(CASES))('%s stops the command, saying what to fix', (name, { says }) => {
    const { ok, output } = outcomes.get(name)!;
    expect(ok).toBe(false);
    expect(output).toContain(says);
  });

  it('a stage file with only some settings gets the defaults for the rest, as text', () => {
    const { ok, output } = outcomes.get('some settings')!;
    expect({ ok, output }).toMatchObject({ ok: true });
    expect(output).toMatch(/FAILWATCH_ROUTE53_RPS: '5'/);
    expect(output).toMatch(/FAILWATCH_SLACK_WEBHOOK_PARAMETER: \/failwatch\/acme\/slack-webhook/);
    expect(output).toMatch(/^ {2}memorySize: 512$/m);
    // No cron: the interval comes from the rate, 5 minutes with managed alarms.
    expect(output).toMatch(/^ {2}pollIntervalSeconds: 300$/m);
  });

  it('a cron pollRate with pollIntervalMinutes: the alarms count sweeps per that interval', () => {
    const { ok, output } = outcomes.get('a cron pollRate with its interval')!;
    expect({ ok, output }).toMatchObject({ ok: true });
    expect(output).toMatch(/^ {2}pollIntervalSeconds: 600$/m);
  });
});
