/**
 * The deployable artifact, as `serverless package` produces it offline: one zip per function and
 * the CloudFormation template, checked for least privilege, durable history and event routing.
 * Packaging runs here (twice, ~3 s each), so `npm test` on a fresh clone needs nothing else.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tableDefinition, TTL_ATTRIBUTE } from '../../lib/aws/dynamodb/table';
import { stageNames } from '../../lib/usecases/console-ports';
import { loadSlackConfig, loadWatchConfig } from '../../lib/runtime/config';
import { FailwatchMetric, METRICS_NAMESPACE } from '../../lib/metric-names';
import { allPolicyStatements, asArray, conditionImplies, describeResource, evaluateCondition, findInMap, guardedReferences, referencedResources, resolveConditionals, resource, resourcesOfType, statementsOfRole, type Resource, type Statement, type Template } from './support/cloudformation';
import { matchesEventPattern } from './support/event-pattern';
import { packageService, PROJECT_ROOT, type PackagedService } from './support/package-service';
import { sdkUsageOf, type SdkUsage } from './support/sdk-actions';
import { readZipEntries, readZipMember } from './support/zip-entries';

/** Resource "*" is accepted only for these actions, each because AWS offers nothing narrower. */
const STAR_RESOURCE_ALLOWED: Readonly<Record<string, string>> = {
  'route53:ListHostedZones': 'Route 53 defines no resource type for ListHostedZones: it lists the whole account',
  'route53:ListHealthChecks': 'Route 53 defines no resource type for ListHealthChecks: it lists the whole account',
  'cloudwatch:GetMetricData': 'CloudWatch has no resource-level permissions for GetMetricData',
  'route53:TestDNSAnswer': 'Route 53 defines no resource type for TestDNSAnswer',
  'elasticloadbalancing:DescribeLoadBalancers': 'Elastic Load Balancing\'s Describe actions take no resource-level permission (the balancers are found by DNS name, in any region)',
  'elasticloadbalancing:DescribeLoadBalancerAttributes': 'Elastic Load Balancing\'s Describe actions take no resource-level permission',
  'elasticloadbalancing:DescribeTargetGroups': 'Elastic Load Balancing\'s Describe actions take no resource-level permission',
  'elasticloadbalancing:DescribeTargetGroupAttributes': 'Elastic Load Balancing\'s Describe actions take no resource-level permission',
};

/** ARNs with a wildcard are accepted only in these shapes. */
const WILDCARD_ARNS: readonly { readonly shape: RegExp; readonly reason: string; readonly needs?: (statement: Statement) => boolean }[] = [
  { shape: /^arn:\$\{AWS::Partition\}:route53:::hostedzone\/\*$/, reason: 'zones are discovered at run time (no zoneIds: every zone)' },
  { shape: /^arn:\$\{AWS::Partition\}:route53:::healthcheck\/\*$/, reason: 'health checks are discovered at run time' },
  { shape: /^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws\/lambda\/[\w-]+:\*(:\*)?$/, reason: 'the streams of one log group' },
  {
    shape: /^arn:\$\{AWS::Partition\}:cloudwatch:us-east-1:\$\{AWS::AccountId\}:alarm:\*$/,
    reason: 'DescribeAlarms by name prefix is authorized against alarm:* (a prefix pattern is refused); a read, which the code keeps to its own names',
    needs: (statement) => actionsOf(statement).every((action) => action === 'cloudwatch:DescribeAlarms'),
  },
  { shape: /^arn:\$\{AWS::Partition\}:cloudwatch:us-east-1:\$\{AWS::AccountId\}:alarm:failwatch-[\w.-]+-\*$/, reason: 'managed alarms are proven Failwatch\'s by tag (ListTagsForResource): a read' },
  {
    shape: /^arn:\$\{AWS::Partition\}:cloudwatch:us-east-1:\$\{AWS::AccountId\}:alarm:failwatch-[\w.-]+-\?{8}-\?{4}-\?{4}-\?{4}-\?{12}$/,
    reason: 'managed alarms are written only under "<prefix>-<health check id>" (a UUID), which excludes the stack\'s <prefix>-dead-letters alarm',
  },
  {
    shape: /^arn:\$\{AWS::Partition\}:kms:\$\{AWS::Region\}:\$\{AWS::AccountId\}:key\/\*$/,
    reason: 'a key is known by alias, not id; used only through one service',
    needs: (statement) => statement.Condition?.['StringEquals']?.['kms:ViaService'] !== undefined,
  },
];

/**
 * Policies that grant what a function's code calls, but only when a setting turns that code on; each
 * with the condition that must hold for the calls to be made. In a template where the condition does
 * not hold, the function's role must not have those actions (the code does not make the calls).
 */
const CODE_POLICIES_BEHIND_CONDITIONS: Readonly<Record<string, { readonly condition: string; readonly reason: string }>> = {
  ManagedAlarmsPolicy: { condition: 'ManagesAlarms', reason: 'poll reconciles managed alarms only when manageAlarms is "true" (FAILWATCH_MANAGE_ALARMS)' },
};

/** Actions AWS requires beyond the one a call is named after, each for a documented reason. */
const IMPLIED_ACTIONS: Readonly<Record<string, { readonly actions: readonly string[]; readonly reason: string }>> = {
  'ssm:GetParameter': { actions: ['kms:Decrypt'], reason: 'a SecureString is decrypted with the caller\'s permissions' },
  'cloudwatch:PutMetricAlarm': { actions: ['cloudwatch:TagResource'], reason: 'PutMetricAlarm with Tags needs cloudwatch:TagResource (PutMetricAlarm API reference, Tags)' },
};

const FUNCTIONS = { poll: { timeout: 60 }, alarm: { timeout: 30 }, slack: { timeout: 10 } } as const;
type FunctionName = keyof typeof FUNCTIONS;
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

const ACCOUNT = '123456789012';
const CONFIGURED_PARAMS = {
  alertEmail: 'oncall@example.com',
  slackEnabled: 'true',
  kmsKeyAlias: 'alias/failwatch-prod',
  tableKmsKeyAlias: 'alias/failwatch-prod-table',
  zoneIds: 'Z0123456789ABC',
  memorySize: '512',
  manageAlarms: 'false',
  nodeOptions: '--enable-source-maps',
};
/** The defaults, with the people who get the alerts: the key settings are the default ones (alias/aws/sns). */
const PEOPLE_WITH_DEFAULT_KEYS = { alertEmail: 'oncall@example.com', slackEnabled: 'true' };
/** Failwatch's own alarms and dashboard turned off. */
const SELF_MONITORING_OFF = { selfAlarms: 'false', dashboard: 'false' };
const DEAD_LETTER_QUEUE = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };

const loadEvent = (name: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', name), 'utf8'));
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const actionsOf = (statement: Statement): string[] => asArray(statement.Action);

let standard: PackagedService;
let configured: PackagedService;
let withPeople: PackagedService;
let selfMonitoringOff: PackagedService;
let usage: Record<FunctionName, SdkUsage>;

beforeAll(async () => {
  const packages = await Promise.allSettled([packageService('ci'), packageService('prod', CONFIGURED_PARAMS), packageService('ops', PEOPLE_WITH_DEFAULT_KEYS), packageService('quiet', SELF_MONITORING_OFF)]);
  const [ci, prod, ops, quiet] = packages.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
  const failed = packages.find((outcome) => outcome.status === 'rejected');
  if (!ci || !prod || !ops || !quiet || failed) {
    for (const built of [ci, prod, ops, quiet]) built?.remove();
    throw (failed as PromiseRejectedResult | undefined)?.reason ?? new Error('packaging failed');
  }
  standard = ci;
  configured = prod;
  withPeople = ops;
  selfMonitoringOff = quiet;
  const [poll, alarm, slack] = await Promise.all(['poll', 'alarm', 'slack'].map((name) => sdkUsageOf(PROJECT_ROOT, `handlers/${name}.ts`)));
  usage = { poll: poll as SdkUsage, alarm: alarm as SdkUsage, slack: slack as SdkUsage };
}, 240_000);

afterAll(() => {
  for (const built of [standard, configured, withPeople, selfMonitoringOff]) built?.remove();
});

const fn = (template: Template, name: FunctionName) => resource(template, `${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`);
const fnProperties = (template: Template, name: FunctionName) => fn(template, name).Properties as Record<string, unknown> & { Environment: { Variables: Record<string, unknown> } };
const roleOf = (template: Template, name: FunctionName): string => [...referencedResources(fnProperties(template, name)['Role'])][0] ?? '';
/** The function's asynchronous invocation config (retries, destinations), as deployed. */
const invokeConfigOf = (template: Template, name: FunctionName): Record<string, unknown> | undefined => {
  const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').filter(([, r]) => referencedResources(r.Properties?.['FunctionName']).has(`${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`));
  expect(configs.length).toBeLessThanOrEqual(1);
  return resolveConditionals(template, configs[0]?.[1].Properties) as Record<string, unknown> | undefined;
};
const onFailureOf = (template: Template, name: FunctionName): unknown => (invokeConfigOf(template, name)?.['DestinationConfig'] as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
/** The rules whose target is the given function. */
const rulesTargeting = (template: Template, name: FunctionName): [string, Resource][] =>
  resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) => referencedResources(rule.Properties?.['Targets']).has(`${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`));
const ruleArn = (rule: Resource): string => `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${String(rule.Properties?.['Name'])}`;

const SAMPLE_EVENTS: Readonly<Record<FunctionName, string>> = { poll: 'scheduled.json', alarm: 'alarm-alarm.json', slack: 'sns-notification.json' };

describe('packaging: one artifact per function', () => {
  /** Function name → a folder holding its zip unpacked, as Lambda would. */
  const unpackedBundles = new Map<FunctionName, string>();
  beforeAll(() => {
    for (const name of FUNCTION_NAMES) {
      const zip = standard.zips.get(name);
      if (zip === undefined) continue;
      const dir = mkdtempSync(join(tmpdir(), `failwatch-bundle-${name}-`));
      for (const entry of readZipEntries(zip)) {
        mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
        writeFileSync(join(dir, entry.name), readZipMember(zip, entry));
      }
      unpackedBundles.set(name, dir);
    }
  });
  afterAll(() => {
    for (const dir of unpackedBundles.values()) rmSync(dir, { recursive: true, force: true });
  });

  it.each(FUNCTION_NAMES)('%s.zip holds only its own bundle and source map', (name) => {
    const zip = standard.zips.get(name);
    expect(zip).toBeDefined();
    expect(sorted(readZipEntries(zip as Buffer).map((entry) => entry.name))).toEqual([`handlers/${name}.js`, `handlers/${name}.js.map`]);
  });

  it.each(FUNCTION_NAMES)('%s bundle loads on its own, exports `handler` and links its source map', (name) => {
    const dir = unpackedBundles.get(name) as string;
    const bundle = readFileSync(join(dir, 'handlers', `${name}.js`), 'utf8');
    expect(bundle.trimEnd().endsWith(`//# sourceMappingURL=${name}.js.map`)).toBe(true);
    const loaded = spawnSync(process.execPath, ['-e', 'process.stdout.write(typeof require(process.argv[1]).handler)', join(dir, 'handlers', `${name}.js`)], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
    });
    expect(loaded.stdout).toBe('function');
  });

  it('poll bundle: signs its first call with the environment\'s key; with none, the run fails saying what to set', async () => {
    const dir = unpackedBundles.get('poll') as string;
    const authorizations: string[] = [];
    const route53 = createServer((request, response) => {
      authorizations.push(request.headers.authorization ?? '');
      request.resume();
      const body = '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>stand-in</Message></Error><RequestId>r</RequestId></ErrorResponse>';
      response.writeHead(403, { 'content-type': 'text/xml' }).end(body);
    });
    await new Promise<void>((resolve) => route53.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(route53.address() as AddressInfo).port}`;
    const runPoll = (credentials: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const script = `require(process.argv[1]).handler(JSON.parse(process.argv[2]), {}).then(
          (result) => process.stdout.write(JSON.stringify(result)),
          (error) => process.stdout.write(error.name + ': ' + error.message))`;
        execFile(
          process.execPath,
          ['-e', script, join(dir, 'handlers', 'poll.js'), JSON.stringify(loadEvent(SAMPLE_EVENTS.poll))],
          {
            cwd: dir,
            timeout: 30_000,
            env: { PATH: process.env['PATH'] ?? '', HOME: dir, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint, FAILWATCH_TABLE: 'failwatch-bundle-test', FAILWATCH_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:failwatch-bundle-test`, POWERTOOLS_LOG_LEVEL: 'SILENT', ...credentials },
          },
          (_error, stdout) => resolve(stdout),
        );
      });
    try {
      await runPoll({ AWS_ACCESS_KEY_ID: 'AKIDBUNDLESIGNS', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_SESSION_TOKEN: 'bundle-token' });
      // Its first call reads the stored discovery (DynamoDB), the next lists Route 53: both signed with the key.
      expect(authorizations[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDBUNDLESIGNS\/\d{8}\/us-east-1\/dynamodb\/aws4_request/);
      expect(authorizations).toContainEqual(expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AKIDBUNDLESIGNS\/\d{8}\/us-east-1\/route53\/aws4_request/));
      const before = authorizations.length;
      // The SDK's own chain: no key, no profile file, no container credentials; instance metadata off so nothing leaves the machine.
      const withoutCredentials = await runPoll({ AWS_PROFILE: 'oncall', AWS_EC2_METADATA_DISABLED: 'true' });
      expect(withoutCredentials).toMatch(/^HealthSourceError: No AWS credentials for Route 53 ListHealthChecks .*set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/);
      expect(authorizations.length).toBe(before);
    } finally {
      await new Promise<void>((resolve) => route53.close(() => resolve()));
    }
  }, 60_000);

  it.each(FUNCTION_NAMES)('%s bundle: an error keeps its class name though minified (errorType in Lambda and in invoke local)', (name) => {
    const dir = unpackedBundles.get(name) as string;
    const script = `require(process.argv[1]).handler(JSON.parse(process.argv[2]), {}).then(
      () => process.stdout.write('no error'),
      (error) => process.stdout.write(JSON.stringify([error.name, error.constructor.name])))`;
    const run = spawnSync(process.execPath, ['-e', script, join(dir, 'handlers', `${name}.js`), JSON.stringify(loadEvent(SAMPLE_EVENTS[name]))], {
      cwd: dir,
      encoding: 'utf8',
      // No FAILWATCH_* settings: every handler refuses to start with a ConfigurationError.
      env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST', AWS_SECRET_ACCESS_KEY: 'not-a-secret' },
    });
    expect(run.stdout).toBe(JSON.stringify(['ConfigurationError', 'ConfigurationError']));
  });
});

describe('functions', () => {
  it.each(FUNCTION_NAMES)('%s: nodejs24.x on arm64, its timeout, its memory size', (name) => {
    const properties = fnProperties(standard.template, name);
    expect(properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 256, Timeout: FUNCTIONS[name].timeout });
    expect(fnProperties(configured.template, name).MemorySize).toBe(512);
  });

  // Node reads a bundle's source map at start only with --enable-source-maps (bench/README.md, "Cold start").
  it.each(FUNCTION_NAMES)('%s: no NODE_OPTIONS unless the nodeOptions param is given, then exactly it', (name) => {
    expect(fnProperties(standard.template, name).Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
    expect(fnProperties(configured.template, name).Environment.Variables['NODE_OPTIONS']).toBe('--enable-source-maps');
  });

  it.each(['poll', 'alarm'] as const)('%s: its environment passes the watch configuration', (name) => {
    const variables = fnProperties(configured.template, name).Environment.Variables;
    // Plain strings (no Ref, so `serverless invoke local` needs no CloudFormation lookup) that must
    // stay equal to the resources' fixed names: renaming either one without the other breaks this.
    const tableName = resource(configured.template, 'HistoryTable').Properties?.['TableName'];
    const topicName = resource(configured.template, 'AlertTopic').Properties?.['TopicName'];
    expect(typeof tableName).toBe('string');
    expect(typeof topicName).toBe('string');
    expect(variables['FAILWATCH_TABLE']).toBe(tableName);
    expect(variables['FAILWATCH_TOPIC_NAME']).toBe(topicName);
    // Not set on a deployed stage (the topicArn param is null there), so the ARN is derived.
    expect(variables).not.toHaveProperty('FAILWATCH_TOPIC_ARN');
    const config = loadWatchConfig(variables as Record<string, string>, { invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:failwatch-prod-${name}` });
    expect(config).toMatchObject({ tableName, topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${String(topicName)}`, zoneIds: ['Z0123456789ABC'], route53RequestsPerSecond: 5, historyDays: 400 });
  });

  it('slack: its environment passes the Slack configuration', () => {
    const variables = fnProperties(configured.template, 'slack').Environment.Variables as Record<string, string>;
    expect(loadSlackConfig(variables).webhookParameterName).toBe('/failwatch/prod/slack-webhook');
  });

  it('poll: with managed alarms on (the default), the poll function alone manages them, under its stage\'s prefix', () => {
    const variables = fnProperties(standard.template, 'poll').Environment.Variables;
    expect({ manage: variables['FAILWATCH_MANAGE_ALARMS'], prefix: variables['FAILWATCH_ALARM_PREFIX'], minutes: variables['FAILWATCH_ALARM_RECONCILE_MINUTES'] }).toEqual({ manage: 'true', prefix: 'failwatch-ci', minutes: '15' });
    expect(fnProperties(configured.template, 'poll').Environment.Variables['FAILWATCH_MANAGE_ALARMS']).toBe('false');
    // The alarm function knows the prefix only to tell its stage's alarms (whose pair lists it trusts) from others'.
    const alarmVariables = fnProperties(standard.template, 'alarm').Environment.Variables;
    expect(Object.keys(alarmVariables).filter((name) => name.startsWith('FAILWATCH_ALARM') || name === 'FAILWATCH_MANAGE_ALARMS')).toEqual(['FAILWATCH_ALARM_PREFIX']);
    expect(alarmVariables['FAILWATCH_ALARM_PREFIX']).toBe('failwatch-ci');
  });

  it.each([
    ['managed alarms on (default): a 5-minute safety sweep', () => standard.template, 'rate(5 minutes)'],
    ['managed alarms off: a sweep every minute', () => configured.template, 'rate(1 minute)'],
  ])('poll: %s, and a failed sweep is not retried (the next sweep is)', (_, template, rate) => {
    const [, rule] = resourcesOfType(template(), 'AWS::Events::Rule').find(([, r]) => r.Properties?.['ScheduleExpression'] !== undefined) ?? [];
    expect(rule?.Properties?.['ScheduleExpression']).toBe(rate);
    expect(referencedResources(asArray(rule?.Properties?.['Targets'] as { Arn: unknown }[]).map((target) => target.Arn))).toEqual(new Set(['PollLambdaFunction']));
    const [, invokeConfig] = resourcesOfType(standard.template, 'AWS::Lambda::EventInvokeConfig').find(([, r]) => referencedResources(r.Properties).has('PollLambdaFunction')) ?? [];
    expect(invokeConfig?.Properties?.['MaximumRetryAttempts']).toBe(0);
  });
});

describe('IAM: least privilege', () => {
  it('each function has a role of its own that only Lambda can assume', () => {
    const roles = FUNCTION_NAMES.map((name) => roleOf(standard.template, name));
    expect(new Set(roles).size).toBe(FUNCTION_NAMES.length);
    for (const role of roles) {
      expect(resource(standard.template, role).Type).toBe('AWS::IAM::Role');
      const trust = resource(standard.template, role).Properties?.['AssumeRolePolicyDocument'] as { Statement: Statement[] };
      expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    }
    expect(resourcesOfType(standard.template, 'AWS::IAM::Role').map(([id]) => id).sort()).toEqual([...roles].sort());
  });

  it('every statement allows named actions on named resources (no *, no service:*, no Not*)', () => {
    for (const { statement, policy } of allPolicyStatements(configured.template)) {
      expect({ policy, effect: statement.Effect, notAction: statement.NotAction, notResource: statement.NotResource }).toEqual({ policy, effect: 'Allow', notAction: undefined, notResource: undefined });
      for (const action of actionsOf(statement)) expect({ policy, action, named: /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action) }).toEqual({ policy, action, named: true });
    }
  });

  it('Resource "*" appears only with the allow-listed actions, and every allow-list entry is still needed', () => {
    const starActions = allPolicyStatements(configured.template)
      .filter(({ statement }) => asArray(statement.Resource).includes('*'))
      .flatMap(({ statement }) => actionsOf(statement));
    expect(sorted(starActions)).toEqual(sorted(Object.keys(STAR_RESOURCE_ALLOWED)));
  });

  it('ARNs with a wildcard only have the documented shapes', () => {
    for (const { statement, policy } of allPolicyStatements(configured.template)) {
      for (const arn of asArray(statement.Resource).map(describeResource).filter((text) => text !== '*' && text.includes('*'))) {
        const shape = WILDCARD_ARNS.find((candidate) => candidate.shape.test(arn));
        expect({ policy, arn, documented: shape !== undefined, conditionHeld: shape?.needs?.(statement) ?? true }).toEqual({ policy, arn, documented: true, conditionHeld: true });
      }
    }
  });

  it.each(FUNCTION_NAMES.flatMap((name) => [[name, 'default'], [name, 'configured']] as const))('%s (%s params): its role grants exactly the AWS calls its code makes, plus its own logs and its failure destination', (name, which) => {
    const template = which === 'default' ? standard.template : configured.template;
    const code = usage[name];
    expect(code.problems).toEqual([]);
    expect(code.actions.size).toBeGreaterThan(0);
    const statements = statementsOfRole(template, roleOf(template, name));
    const behindCondition = statements.filter(({ condition, policy }) => condition !== undefined && CODE_POLICIES_BEHIND_CONDITIONS[policy]?.condition === condition);
    for (const { policy, condition } of behindCondition) expect({ policy, condition: template.Resources[policy]?.Condition }).toEqual({ policy, condition });
    const on = behindCondition.filter(({ condition }) => evaluateCondition(template, condition as string));
    const off = behindCondition.filter(({ condition }) => !evaluateCondition(template, condition as string));
    // The code behind a condition that does not hold makes no calls: those actions are not expected.
    const switchedOff = new Set(off.flatMap(({ statement }) => actionsOf(statement)));
    const called = [...code.actions].filter((action) => !switchedOff.has(action));
    // Lambda sends an onFailure invocation record to SQS with the function's own role.
    const destination = onFailureOf(template, name) === undefined ? [] : ['sqs:SendMessage'];
    const expected = [...called, ...called.flatMap((action) => IMPLIED_ACTIONS[action]?.actions ?? []), 'logs:CreateLogStream', 'logs:PutLogEvents', ...destination];
    const granted = [...statements.filter(({ condition }) => condition === undefined), ...on];
    expect(sorted(granted.flatMap(({ statement }) => actionsOf(statement)))).toEqual(sorted(expected));
  });

  it('managed alarms: only poll is granted alarm calls, only on Failwatch\'s alarm names, only when manageAlarms is "true"', () => {
    expect(evaluateCondition(standard.template, 'ManagesAlarms')).toBe(true);
    expect(evaluateCondition(configured.template, 'ManagesAlarms')).toBe(false);
    const policy = resource(standard.template, 'ManagedAlarmsPolicy');
    expect(policy.Condition).toBe('ManagesAlarms');
    expect(sorted(referencedResources(policy.Properties?.['Roles']))).toEqual(['PollRole']);
    const granted = (policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement.map((statement) => ({ actions: sorted(actionsOf(statement)), resources: asArray(statement.Resource).map(describeResource) }));
    const alarms = 'arn:${AWS::Partition}:cloudwatch:us-east-1:${AWS::AccountId}:alarm:';
    expect(granted).toEqual([
      // CloudWatch authorizes DescribeAlarms with a name prefix against alarm:*, not a prefix pattern.
      { actions: ['cloudwatch:DescribeAlarms'], resources: [`${alarms}*`] },
      { actions: ['cloudwatch:ListTagsForResource'], resources: [`${alarms}failwatch-ci-*`] },
      { actions: ['cloudwatch:DeleteAlarms', 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'], resources: [`${alarms}failwatch-ci-????????-????-????-????-????????????`] },
    ]);
    // The alarm function's code (and so its role) has no alarm calls at all.
    expect([...usage.alarm.actions].filter((action) => action.startsWith('cloudwatch:') && action !== 'cloudwatch:GetMetricData')).toEqual([]);
  });

  it.each(FUNCTION_NAMES)('%s: writes logs only to its own log group', (name) => {
    const functionName = String(fnProperties(standard.template, name)['FunctionName']);
    const logStatements = statementsOfRole(standard.template, roleOf(standard.template, name)).filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('logs:')));
    expect(logStatements.length).toBeGreaterThan(0);
    for (const { statement } of logStatements) {
      for (const arn of asArray(statement.Resource).map(describeResource)) expect(arn).toMatch(new RegExp(`:log-group:/aws/lambda/${functionName}:\\*(:\\*)?$`));
    }
  });

  it('data actions reach only this stack: the table, the topic, the webhook parameter, the dead-letter queue', () => {
    const parameterArn = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/failwatch/prod/slack-webhook';
    for (const { statement, policy } of allPolicyStatements(configured.template)) {
      const resources = asArray(statement.Resource).map(describeResource);
      for (const action of actionsOf(statement)) {
        if (action.startsWith('dynamodb:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: ['GetAtt(HistoryTable.Arn)'] });
        if (action.startsWith('sns:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: ['Ref(AlertTopic)'] });
        if (action.startsWith('ssm:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: [parameterArn] });
        if (action.startsWith('sqs:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: ['GetAtt(DeadLetterQueue.Arn)'] });
      }
    }
    const slackKms = statementsOfRole(configured.template, 'SlackRole').find(({ statement }) => actionsOf(statement).includes('kms:Decrypt'));
    expect(slackKms?.statement.Condition?.['StringEquals']).toEqual({
      'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' },
      'kms:EncryptionContext:PARAMETER_ARN': { 'Fn::Sub': parameterArn },
    });
  });

  it('a customer managed topic key is granted, through SNS only, to the functions that publish', () => {
    const policies = resourcesOfType(configured.template, 'AWS::IAM::Policy');
    expect(policies.map(([id, policy]) => [id, policy.Condition]).sort()).toEqual([
      ['ManagedAlarmsPolicy', 'ManagesAlarms'],
      ['TableKeyPolicy', 'UsesCustomerTableKey'],
      ['TopicKeyPolicy', 'UsesCustomerKey'],
    ]);
    const id = 'TopicKeyPolicy';
    const publishers = FUNCTION_NAMES.filter((name) => usage[name].actions.has('sns:Publish')).map((name) => roleOf(configured.template, name));
    expect(sorted(referencedResources(resource(configured.template, id).Properties?.['Roles']))).toEqual(sorted(publishers));
    const [statement] = statementsOfRole(configured.template, publishers[0] ?? '').filter((entry) => entry.policy === id).map((entry) => entry.statement);
    expect(sorted(actionsOf(statement as Statement))).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(statement?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/failwatch-prod' },
    });
  });

  it('a customer managed table key is granted, for Decrypt through DynamoDB on this table only, to the functions that use the table', () => {
    const id = 'TableKeyPolicy';
    const tableUsers = FUNCTION_NAMES.filter((name) => [...usage[name].actions].some((action) => action.startsWith('dynamodb:'))).map((name) => roleOf(configured.template, name));
    expect(tableUsers.length).toBeGreaterThan(0);
    expect(sorted(referencedResources(resource(configured.template, id).Properties?.['Roles']))).toEqual(sorted(tableUsers));
    const statements = (resource(configured.template, id).Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement;
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] as Statement)).toEqual(['kms:Decrypt']);
    expect(statements[0]?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': { 'Fn::Sub': 'dynamodb.${AWS::Region}.amazonaws.com' },
        'kms:EncryptionContext:aws:dynamodb:tableName': resource(configured.template, 'HistoryTable').Properties?.['TableName'],
      },
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/failwatch-prod-table' },
    });
  });
});

describe('resources', () => {
  it('the history table: the key schema of lib/aws/dynamodb/table.ts, on demand, PITR, TTL, retained, protected from deletion', () => {
    const table = resource(standard.template, 'HistoryTable');
    const definition = tableDefinition('any');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      DeletionProtectionEnabled: true,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    expect(definition.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties?.['KeySchema']).toEqual(definition.KeySchema);
    expect(table.Properties?.['AttributeDefinitions']).toEqual(definition.AttributeDefinitions);
  });

  it('the failwatch CLI finds the stage\'s table, topic, queue and functions by the names the stack gives them', () => {
    for (const [service, stage] of [[standard, 'ci'], [configured, 'prod']] as const) {
      const names = stageNames(stage);
      expect({
        table: resource(service.template, 'HistoryTable').Properties?.['TableName'],
        topic: resource(service.template, 'AlertTopic').Properties?.['TopicName'],
        deadLetterQueue: resource(service.template, 'DeadLetterQueue').Properties?.['QueueName'],
        poll: fnProperties(service.template, 'poll')['FunctionName'],
        alarm: fnProperties(service.template, 'alarm')['FunctionName'],
        slack: fnProperties(service.template, 'slack')['FunctionName'],
      }).toEqual({ table: names.table, topic: names.topic, deadLetterQueue: names.deadLetterQueue, ...names.functions });
    }
  });

  it('the table is encrypted with KMS: the AWS managed key by default (DynamoDB wants it unnamed), the configured alias otherwise', () => {
    const encryption = (template: Template) => resolveConditionals(template, resource(template, 'HistoryTable').Properties?.['SSESpecification']);
    expect(encryption(standard.template)).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(encryption(configured.template)).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/failwatch-prod-table' });
  });

  it('the topic is encrypted: the AWS managed key by default, the configured alias otherwise', () => {
    expect(resource(standard.template, 'AlertTopic').Properties).toMatchObject({ DisplayName: 'Failwatch', KmsMasterKeyId: 'alias/aws/sns' });
    expect(resource(configured.template, 'AlertTopic').Properties?.['KmsMasterKeyId']).toBe('alias/failwatch-prod');
  });

  it.each([
    ['HasAlertEmail', ['AlertEmailSubscription']],
    ['SlackEnabled', ['SlackRole', 'SlackLogGroup', 'SlackLambdaFunction', 'SlackLambdaEvConf', 'SlackSnsSubscriptionAlerts', 'SlackLambdaPermissionAlertsSNS']],
    ['UsesCustomerKey', ['TopicKeyPolicy']],
    ['UsesCustomerTableKey', ['TableKeyPolicy']],
  ])('%s is off by default, on when configured, and governs %j', (condition, resources) => {
    expect(evaluateCondition(standard.template, condition)).toBe(false);
    expect(evaluateCondition(configured.template, condition)).toBe(true);
    const governed = Object.entries(standard.template.Resources).filter(([, r]) => r.Condition === condition).map(([id]) => id);
    expect(sorted(governed)).toEqual(sorted(resources));
  });

  it('nothing refers to a conditional resource unless its own condition, or the Fn::If it sits in, implies that condition', () => {
    for (const template of [configured.template, withPeople.template]) {
      const holders = [
        ...Object.entries(template.Resources).map(([id, r]) => ({ id, condition: r.Condition, refs: guardedReferences([r.Properties, r.DependsOn === undefined ? [] : asArray(r.DependsOn).map((d) => ({ Ref: d }))]) })),
        ...Object.entries(template.Outputs ?? {}).map(([id, o]) => ({ id: `Outputs.${id}`, condition: o.Condition, refs: guardedReferences(o.Value) })),
      ];
      for (const { id, condition, refs } of holders) {
        for (const { ref, guards } of refs) {
          const needed = template.Resources[ref]?.Condition;
          if (needed === undefined) continue;
          const guarded = [...(condition === undefined ? [] : [condition]), ...guards].some((held) => conditionImplies(template, held, needed));
          expect({ from: id, to: ref, needed, guarded }).toEqual({ from: id, to: ref, needed, guarded: true });
        }
      }
    }
  });

  it('deploys only to us-east-1, where Route 53 alarms and their events exist: elsewhere the stack operation fails naming why', () => {
    for (const template of [standard.template, configured.template]) {
      const output = template.Outputs?.['AlarmEventsRegion'];
      expect(output?.Condition).toBeUndefined();
      expect(findInMap(template, output?.Value, 'us-east-1')).toBe('us-east-1');
      for (const region of ['eu-west-1', 'us-west-2', 'us-gov-west-1']) {
        expect(() => findInMap(template, output?.Value, region)).toThrow(`Unable to get mapping for OnlyUsEast1ReceivesRoute53AlarmEvents::${region}::Region`);
      }
    }
  });

  it('outputs the table name and topic ARN', () => {
    expect(standard.template.Outputs?.['TableName']?.Value).toEqual({ Ref: 'HistoryTable' });
    expect(standard.template.Outputs?.['TopicArn']?.Value).toEqual({ Ref: 'AlertTopic' });
  });

  it('slack is subscribed to the topic, and what SNS cannot deliver to it is dead-lettered', () => {
    expect(resource(configured.template, 'SlackSnsSubscriptionAlerts').Properties).toEqual({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': ['SlackLambdaFunction', 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: DEAD_LETTER_QUEUE },
    });
  });
});

describe('dead letters: every asynchronous delivery that finally fails lands in one encrypted queue', () => {
  const TEMPLATES = () => [standard.template, configured.template];
  const isDeadLetterQueue = (value: unknown) => JSON.stringify(value) === JSON.stringify(DEAD_LETTER_QUEUE);
  const deployed = (template: Template) => Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || evaluateCondition(template, r.Condition));

  it('one queue, encrypted by SQS (SSE-SQS), keeping messages 14 days; its policy is the only queue policy', () => {
    for (const template of TEMPLATES()) {
      expect(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id)).toEqual(['DeadLetterQueue']);
      const queue = resource(template, 'DeadLetterQueue');
      expect(queue.Properties).toEqual({ QueueName: expect.stringMatching(/^failwatch-\w+-dead-letters$/), SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 60 * 60 });
      // `serverless remove`, or a change that replaces it, leaves the letters waiting in it.
      expect({ deletion: queue.DeletionPolicy, replace: queue.UpdateReplacePolicy }).toEqual({ deletion: 'Retain', replace: 'Retain' });
      expect(resourcesOfType(template, 'AWS::SQS::QueuePolicy').map(([id, policy]) => [id, policy.Properties?.['Queues']])).toEqual([['DeadLetterQueuePolicy', [{ Ref: 'DeadLetterQueue' }]]]);
    }
    expect(configured.template.Outputs?.['DeadLetterQueueUrl']?.Value).toEqual({ Ref: 'DeadLetterQueue' });
  });

  it.each([
    ['poll', 60, 2],
    ['alarm', 600, 10],
  ] as const)('%s: its rule retries delivery for at most %d s and %d times, then dead-letters the event', (name, maximumAge, maximumRetries) => {
    for (const template of TEMPLATES()) {
      const rules = rulesTargeting(template, name);
      expect(rules).toHaveLength(1);
      const targets = asArray(rules[0]?.[1].Properties?.['Targets'] as Record<string, unknown>[]);
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        RetryPolicy: { MaximumEventAgeInSeconds: maximumAge, MaximumRetryAttempts: maximumRetries },
        DeadLetterConfig: { Arn: DEAD_LETTER_QUEUE },
      });
    }
  });

  it.each([
    ['poll', 0, undefined],
    ['alarm', 2, DEAD_LETTER_QUEUE],
    ['slack', 2, DEAD_LETTER_QUEUE],
  ] as const)('%s: Lambda retries a failed run %d times, then sends the invocation record to %j', (name, retries, destination) => {
    const config = invokeConfigOf(configured.template, name);
    expect(config?.['MaximumRetryAttempts']).toBe(retries);
    expect(onFailureOf(configured.template, name)).toEqual(destination);
    expect(config?.['DestinationConfig']).not.toHaveProperty('OnSuccess');
  });

  it('no asynchronous source drops a failure silently: rule targets, Lambda subscriptions, retried invocations', () => {
    for (const template of TEMPLATES()) {
      const resources = deployed(template);
      for (const [id, rule] of resources.filter(([, r]) => r.Type === 'AWS::Events::Rule')) {
        for (const target of asArray(rule.Properties?.['Targets'] as Record<string, { Arn?: unknown } | undefined>[])) {
          expect({ id, retryPolicy: target['RetryPolicy'] !== undefined, deadLetters: isDeadLetterQueue(target['DeadLetterConfig']?.Arn) }).toEqual({ id, retryPolicy: true, deadLetters: true });
        }
      }
      for (const [id, subscription] of resources.filter(([, r]) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.['Protocol'] === 'lambda')) {
        expect({ id, redrive: subscription.Properties?.['RedrivePolicy'] }).toEqual({ id, redrive: { deadLetterTargetArn: DEAD_LETTER_QUEUE } });
      }
      const functions = FUNCTION_NAMES.filter((name) => resources.some(([id]) => id === `${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`));
      for (const name of functions) {
        const config = invokeConfigOf(template, name);
        expect({ name, configured: config !== undefined }).toEqual({ name, configured: true });
        const retried = Number(config?.['MaximumRetryAttempts'] ?? 2) > 0;
        if (retried) expect({ name, onFailure: onFailureOf(template, name) }).toEqual({ name, onFailure: DEAD_LETTER_QUEUE });
      }
    }
  });

  it('the queue policy lets only those sources send: the two rules, and the topic when Slack subscribes, each named by aws:SourceArn', () => {
    for (const template of TEMPLATES()) {
      const document = resolveConditionals(template, resource(template, 'DeadLetterQueuePolicy').Properties?.['PolicyDocument']) as { Statement: Statement[] };
      const granted = document.Statement.map((statement) => ({
        effect: statement.Effect,
        principal: statement.Principal,
        actions: actionsOf(statement),
        resources: asArray(statement.Resource).map(describeResource),
        conditions: Object.keys(statement.Condition ?? {}),
        sources: sorted(asArray(statement.Condition?.['ArnEquals']?.['aws:SourceArn']).map(describeResource)),
      }));
      const resources = deployed(template);
      const ruleSources = resources.filter(([, r]) => r.Type === 'AWS::Events::Rule' && asArray(r.Properties?.['Targets'] as { DeadLetterConfig?: { Arn?: unknown } }[]).some((target) => isDeadLetterQueue(target.DeadLetterConfig?.Arn)));
      const topicSources = resources.filter(([, r]) => r.Type === 'AWS::SNS::Subscription' && isDeadLetterQueue((r.Properties?.['RedrivePolicy'] as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn));
      expect(ruleSources).toHaveLength(2);
      // The slack function's subscriptions: to the alert topic, and to the ops topic (Failwatch's own alarms).
      expect(topicSources).toHaveLength(evaluateCondition(template, 'SlackEnabled') ? 2 : 0);
      const expected = [
        { service: 'events.amazonaws.com', sources: ruleSources.map(([, rule]) => ruleArn(rule)) },
        ...(topicSources.length > 0 ? [{ service: 'sns.amazonaws.com', sources: topicSources.map(([, subscription]) => describeResource(subscription.Properties?.['TopicArn'])) }] : []),
      ].map(({ service, sources }) => ({ effect: 'Allow', principal: { Service: service }, actions: ['sqs:SendMessage'], resources: ['GetAtt(DeadLetterQueue.Arn)'], conditions: ['ArnEquals'], sources: sorted(sources) }));
      expect(granted).toEqual(expected);
    }
  });

  it('an alarm says once that dead letters wait (ALARM only, no OK or missing-data actions), through the ops topic whatever the key settings', () => {
    const alarmOf = (template: Template) => resolveConditionals(template, resource(template, 'DeadLetterAlarm').Properties) as Record<string, unknown>;
    for (const template of TEMPLATES()) {
      const alarm = alarmOf(template);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm).not.toHaveProperty('OKActions');
      expect(alarm).not.toHaveProperty('InsufficientDataActions');
      expect(alarm['AlarmActions']).toEqual([{ Ref: 'OpsTopic' }]);
    }
  });
});

describe('alarm rule: only Route 53 HealthCheckStatus alarm state changes reach the alarm function', () => {
  const alarmRule = () => {
    const rules = resourcesOfType(standard.template, 'AWS::Events::Rule').filter(([, rule]) => referencedResources(rule.Properties?.['Targets']).has('AlarmLambdaFunction'));
    expect(rules).toHaveLength(1);
    return rules[0]?.[1].Properties?.['EventPattern'];
  };

  it.each([
    ['alarm-alarm.json', true],
    ['alarm-ok.json', true],
    ['alarm-other-metric.json', false],
    ['malformed.json', false],
    ['scheduled.json', false],
  ])('events/%s → matched: %s', (file, matched) => {
    expect(matchesEventPattern(alarmRule(), loadEvent(file))).toBe(matched);
  });
});

describe('watching the watcher: Failwatch\'s own alarms reach the people who get its alerts', () => {
  /** What each of Failwatch's own alarms watches; `interval`: the poll schedule's (5 minutes by default, 1 without managed alarms). */
  interface SelfAlarm {
    readonly condition: 'SelfAlarms' | 'SlackSelfAlarms';
    readonly name: string;
    readonly namespace: string;
    readonly metric: string;
    readonly dimensions: (stage: string) => Record<string, unknown>;
    readonly statistic: 'Sum' | 'Maximum';
    readonly period: number | 'interval';
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm?: number;
    readonly comparison: string;
    readonly threshold: number;
    readonly missingData: 'breaching' | 'notBreaching';
    /** Whether people also hear when it is over. */
    readonly okActions: boolean;
  }
  const own = (fn: string) => (stage: string) => ({ service: `failwatch-${stage}`, function: fn });
  const lambda = (fn: string) => () => ({ FunctionName: { Ref: `${fn[0]?.toUpperCase()}${fn.slice(1)}LambdaFunction` } });
  /** Errors or throttles past one retry: 2 of 5 minutes (Lambda retries a failed run about 1 and 3 minutes later). */
  const pastRetry = { statistic: 'Sum', period: 60, evaluationPeriods: 5, datapointsToAlarm: 2, comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, missingData: 'notBreaching', okActions: true } as const;
  const SELF_ALARMS: Readonly<Record<string, SelfAlarm>> = {
    NoSweepsAlarm: { condition: 'SelfAlarms', name: 'no-sweeps', namespace: METRICS_NAMESPACE, metric: FailwatchMetric.SWEEPS_COMPLETED, dimensions: own('poll'), statistic: 'Sum', period: 'interval', evaluationPeriods: 3, datapointsToAlarm: 3, comparison: 'LessThanThreshold', threshold: 1, missingData: 'breaching', okActions: true },
    NotificationsWaitingAlarm: { condition: 'SelfAlarms', name: 'notifications-waiting', namespace: METRICS_NAMESPACE, metric: FailwatchMetric.OLDEST_PENDING_NOTIFICATION_AGE_SECONDS, dimensions: own('poll'), statistic: 'Maximum', period: 'interval', evaluationPeriods: 1, comparison: 'GreaterThanThreshold', threshold: 600, missingData: 'notBreaching', okActions: true },
    // Two sweeps running: a failure the next sweep recovers from leaves one breaching interval of two.
    PublishFailingAlarm: { condition: 'SelfAlarms', name: 'publish-failing', namespace: METRICS_NAMESPACE, metric: FailwatchMetric.PUBLISH_FAILURES, dimensions: own('poll'), statistic: 'Sum', period: 'interval', evaluationPeriods: 2, datapointsToAlarm: 2, comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, missingData: 'notBreaching', okActions: true },
    PollErrorsAlarm: { condition: 'SelfAlarms', name: 'poll-errors', namespace: 'AWS/Lambda', metric: 'Errors', dimensions: lambda('poll'), statistic: 'Sum', period: 'interval', evaluationPeriods: 2, datapointsToAlarm: 2, comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, missingData: 'notBreaching', okActions: true },
    AlarmErrorsAlarm: { condition: 'SelfAlarms', name: 'alarm-errors', namespace: 'AWS/Lambda', metric: 'Errors', dimensions: lambda('alarm'), ...pastRetry },
    SlackErrorsAlarm: { condition: 'SlackSelfAlarms', name: 'slack-errors', namespace: 'AWS/Lambda', metric: 'Errors', dimensions: lambda('slack'), ...pastRetry },
    PollThrottlesAlarm: { condition: 'SelfAlarms', name: 'poll-throttles', namespace: 'AWS/Lambda', metric: 'Throttles', dimensions: lambda('poll'), ...pastRetry },
    AlarmThrottlesAlarm: { condition: 'SelfAlarms', name: 'alarm-throttles', namespace: 'AWS/Lambda', metric: 'Throttles', dimensions: lambda('alarm'), ...pastRetry },
    SlackThrottlesAlarm: { condition: 'SlackSelfAlarms', name: 'slack-throttles', namespace: 'AWS/Lambda', metric: 'Throttles', dimensions: lambda('slack'), ...pastRetry },
    DeadLetterAlarm: { condition: 'SelfAlarms', name: 'dead-letters', namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: () => ({ QueueName: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }), statistic: 'Maximum', period: 300, evaluationPeriods: 1, comparison: 'GreaterThanThreshold', threshold: 0, missingData: 'notBreaching', okActions: false },
  };
  const TEMPLATES = () => [
    { label: 'defaults', template: standard.template, stage: 'ci', interval: 300 },
    { label: 'email and Slack, default keys', template: withPeople.template, stage: 'ops', interval: 300 },
    { label: 'customer keys, no managed alarms', template: configured.template, stage: 'prod', interval: 60 },
  ];
  const deployedAlarms = (template: Template) =>
    resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Condition === undefined || evaluateCondition(template, alarm.Condition));
  const alarmProperties = (template: Template, id: string) => resolveConditionals(template, resource(template, id).Properties) as Record<string, unknown>;
  /** An ArnLike pattern (* and ?) as a regular expression, CloudFormation's ${...} left as written. */
  const arnLike = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const alarmArn = (name: string) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${name}`;

  it.each(Object.keys(SELF_ALARMS))('%s: the metric, threshold and missing-data treatment it is meant to have, acting through the ops topic', (id) => {
    const spec = SELF_ALARMS[id] as SelfAlarm;
    for (const { template, stage, interval } of TEMPLATES()) {
      if (!evaluateCondition(template, spec.condition)) continue;
      const alarm = alarmProperties(template, id);
      expect(resource(template, id).Condition).toBe(spec.condition);
      expect(alarm).toMatchObject({
        AlarmName: `failwatch-${stage}-${spec.name}`,
        Namespace: spec.namespace,
        MetricName: spec.metric,
        Statistic: spec.statistic,
        Period: spec.period === 'interval' ? interval : spec.period,
        EvaluationPeriods: spec.evaluationPeriods,
        ComparisonOperator: spec.comparison,
        Threshold: spec.threshold,
        TreatMissingData: spec.missingData,
        AlarmActions: [{ Ref: 'OpsTopic' }],
      });
      expect(alarm['DatapointsToAlarm']).toBe(spec.datapointsToAlarm);
      expect(Object.fromEntries(asArray(alarm['Dimensions'] as { Name: string; Value: unknown }[]).map(({ Name, Value }) => [Name, Value]))).toEqual(spec.dimensions(stage));
      expect(alarm['OKActions']).toEqual(spec.okActions ? [{ Ref: 'OpsTopic' }] : undefined);
      expect(typeof alarm['AlarmDescription']).not.toBe('undefined');
    }
  });

  it('the alarms are these and no others; with Slack off, none about the slack function', () => {
    for (const { template } of TEMPLATES()) {
      const expected = Object.entries(SELF_ALARMS).filter(([, spec]) => evaluateCondition(template, spec.condition)).map(([id]) => id);
      expect(deployedAlarms(template).map(([id]) => id).sort()).toEqual(expected.sort());
    }
    expect(deployedAlarms(standard.template)).toHaveLength(8);
    expect(deployedAlarms(withPeople.template)).toHaveLength(10);
  });

  it('the metrics alarmed on are the ones the poll function sends, under its service name', () => {
    const service = fnProperties(standard.template, 'poll').Environment.Variables['POWERTOOLS_SERVICE_NAME'];
    expect(service).toBe('failwatch-ci');
    for (const name of FUNCTION_NAMES) expect(fnProperties(withPeople.template, name).Environment.Variables['POWERTOOLS_SERVICE_NAME']).toBe('failwatch-ops');
    const own = deployedAlarms(standard.template).filter(([, alarm]) => alarm.Properties?.['Namespace'] === METRICS_NAMESPACE);
    expect(own.length).toBe(3);
    for (const [, alarm] of own) {
      expect(Object.values(FailwatchMetric)).toContain(alarm.Properties?.['MetricName']);
      expect(asArray(alarm.Properties?.['Dimensions'] as { Name: string; Value: unknown }[])).toContainEqual({ Name: 'service', Value: service });
    }
  });

  it('with the default key settings, CloudWatch can publish them: the ops topic has a key of the stack\'s own whose policy lets CloudWatch use it', () => {
    for (const { template } of TEMPLATES()) {
      expect(resource(template, 'OpsTopic').Properties).toMatchObject({ KmsMasterKeyId: { Ref: 'OpsTopicKey' } });
      expect(resource(template, 'OpsTopicKey').Type).toBe('AWS::KMS::Key');
      const keyPolicy = resource(template, 'OpsTopicKey').Properties?.['KeyPolicy'] as { Statement: Statement[] };
      expect(keyPolicy.Statement.filter((statement) => statement.Effect !== 'Allow')).toEqual([]);
      const forCloudWatch = keyPolicy.Statement.filter((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }));
      expect(forCloudWatch.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(forCloudWatch.every((statement) => statement.Condition === undefined)).toBe(true);
    }
    // The defaults keep the alert topic on the AWS managed key, which CloudWatch cannot use: no alarm acts through it.
    expect(resource(withPeople.template, 'AlertTopic').Properties?.['KmsMasterKeyId']).toBe('alias/aws/sns');
  });

  it('no alarm acts through the alert topic: its subscribers see only Failwatch\'s notifications, and it may be what is broken', () => {
    for (const { template } of TEMPLATES()) {
      for (const [id, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
        expect({ id, refs: [...referencedResources([alarm.Properties?.['AlarmActions'], alarm.Properties?.['OKActions'], alarm.Properties?.['InsufficientDataActions']])] }).toEqual({ id, refs: ['OpsTopic'] });
      }
    }
  });

  it('the ops topic policy lets CloudWatch publish every one of these alarms, from this account, and no other alarm', () => {
    for (const { template, stage } of TEMPLATES()) {
      const policy = resource(template, 'OpsTopicPolicy');
      expect(policy.Properties?.['Topics']).toEqual([{ Ref: 'OpsTopic' }]);
      const [statement, ...others] = (policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement;
      expect(others).toEqual([]);
      expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: 'OpsTopic' } });
      expect(statement?.Condition?.['StringEquals']).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      const pattern = arnLike(describeResource(statement?.Condition?.['ArnLike']?.['aws:SourceArn']));
      for (const [id] of deployedAlarms(template)) {
        const name = String(alarmProperties(template, id)['AlarmName']);
        expect({ id, allowed: pattern.test(alarmArn(name)) }).toEqual({ id, allowed: true });
      }
      // Another stage's alarms, and the managed alarms of the health checks (no actions anyway), stay out of it only by name: another stage is.
      expect(pattern.test(alarmArn(`failwatch-${stage}x-no-sweeps`))).toBe(false);
    }
  });

  it('they reach the alert email, and Slack for all but the alarms about the slack function itself (no loop)', () => {
    const template = withPeople.template;
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription')
      .filter(([, subscription]) => evaluateCondition(template, subscription.Condition ?? 'SelfAlarms'))
      .map(([, subscription]) => subscription.Properties as Record<string, unknown>)
      .filter((properties) => JSON.stringify(properties['TopicArn']) === JSON.stringify({ Ref: 'OpsTopic' }));
    const email = subscriptions.filter((properties) => properties['Protocol'] === 'email');
    const slack = subscriptions.filter((properties) => properties['Protocol'] === 'lambda');
    expect(email.map((properties) => properties['Endpoint'])).toEqual([PEOPLE_WITH_DEFAULT_KEYS.alertEmail]);
    expect(email[0]).not.toHaveProperty('FilterPolicy');
    expect(slack.map((properties) => properties['Endpoint'])).toEqual([{ 'Fn::GetAtt': ['SlackLambdaFunction', 'Arn'] }]);
    expect(slack[0]?.['FilterPolicyScope']).toBe('MessageBody');
    // What CloudWatch publishes is JSON naming the alarm; the filter keeps back exactly the ones about the slack function.
    const excluded = ((slack[0]?.['FilterPolicy'] as { AlarmName: { 'anything-but': string[] }[] }).AlarmName[0] ?? { 'anything-but': [] })['anything-but'];
    const aboutSlack = deployedAlarms(template)
      .filter(([, alarm]) => referencedResources(alarm.Properties?.['Dimensions']).has('SlackLambdaFunction'))
      .map(([id]) => String(alarmProperties(template, id)['AlarmName']));
    expect(aboutSlack).toHaveLength(2);
    expect([...excluded].sort()).toEqual(aboutSlack.sort());
    for (const [id] of deployedAlarms(template)) {
      const name = String(alarmProperties(template, id)['AlarmName']);
      expect({ name, toSlack: !excluded.includes(name) }).toEqual({ name, toSlack: !aboutSlack.includes(name) });
    }
    // Without an email address nobody is subscribed by email; with Slack off there is no Slack subscription.
    expect(evaluateCondition(standard.template, 'OpsEmail')).toBe(false);
    expect(evaluateCondition(standard.template, 'SlackSelfAlarms')).toBe(false);
  });

  it('the dashboard: sweeps, transitions, pending notifications, unknown pairs, each function\'s errors and duration, and every check\'s HealthCheckStatus', () => {
    for (const { template, stage } of TEMPLATES()) {
      const dashboard = resource(template, 'Dashboard');
      expect(dashboard.Condition).toBe('HasDashboard');
      expect(evaluateCondition(template, 'HasDashboard')).toBe(true);
      expect(dashboard.Properties?.['DashboardName']).toBe(`failwatch-${stage}`);
      const body = (dashboard.Properties?.['DashboardBody'] as { 'Fn::Sub': string })['Fn::Sub'];
      // Only what CloudFormation fills in: the region, and the queue's generated name.
      expect([...body.matchAll(/\$\{([^}]+)\}/g)].map(([, name]) => name).sort()).toEqual(expect.arrayContaining(['AWS::Region', 'DeadLetterQueue.QueueName']));
      expect(new Set([...body.matchAll(/\$\{([^}]+)\}/g)].map(([, name]) => name))).toEqual(new Set(['AWS::Region', 'DeadLetterQueue.QueueName']));
      const widgets = (JSON.parse(body.replaceAll('${AWS::Region}', 'us-east-1').replaceAll('${DeadLetterQueue.QueueName}', 'dlq')) as { widgets: { properties: { region: string; metrics: unknown[][] } }[] }).widgets;
      const shown = widgets.flatMap((widget) => widget.properties.metrics.map((metric) => ({ region: widget.properties.region, metric })));
      const hasOwn = (name: string) => shown.some(({ metric }) => metric[0] === METRICS_NAMESPACE && metric[1] === name && metric[3] === `failwatch-${stage}`);
      for (const name of [FailwatchMetric.SWEEPS_COMPLETED, FailwatchMetric.TRANSITIONS_RECORDED, FailwatchMetric.NOTIFICATIONS_PENDING, FailwatchMetric.PAIRS_UNKNOWN]) expect({ name, shown: hasOwn(name) }).toEqual({ name, shown: true });
      const deployed = FUNCTION_NAMES.filter((name) => fn(template, name).Condition === undefined || evaluateCondition(template, fn(template, name).Condition as string));
      for (const name of deployed) {
        const functionName = fnProperties(template, name)['FunctionName'];
        for (const metricName of ['Errors', 'Duration']) {
          expect({ name, metricName, shown: shown.some(({ metric }) => metric[0] === 'AWS/Lambda' && metric[1] === metricName && metric[3] === functionName) }).toEqual({ name, metricName, shown: true });
        }
      }
      const search = shown.find(({ metric }) => JSON.stringify(metric).includes('HealthCheckStatus'));
      expect(search?.region).toBe('us-east-1');
      expect((search?.metric[0] as { expression?: string }).expression).toBe("SEARCH('{AWS/Route53,HealthCheckId} MetricName=\"HealthCheckStatus\"', 'Minimum', 60)");
    }
  });

  it('selfAlarms and dashboard "false": no alarm, no ops topic or key, no dashboard', () => {
    const template = selfMonitoringOff.template;
    expect(deployedAlarms(template)).toEqual([]);
    for (const id of ['OpsTopic', 'OpsTopicKey', 'OpsTopicKeyAlias', 'OpsTopicPolicy', 'Dashboard']) {
      expect({ id, deployed: evaluateCondition(template, resource(template, id).Condition as string) }).toEqual({ id, deployed: false });
    }
  });
});
