/**
 * The deployable artifact, as `serverless package` produces it offline: one zip per function and
 * the CloudFormation template, checked for least privilege, durable history and event routing.
 * Packaging runs here (twice, ~3 s each), so `npm test` on a fresh clone needs nothing else.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tableDefinition, TTL_ATTRIBUTE } from '../../lib/aws/dynamo-table';
import { loadSlackConfig, loadWatchConfig } from '../../lib/config';
import { allPolicyStatements, asArray, describeResource, evaluateCondition, referencedResources, resource, resourcesOfType, statementsOfRole, type Statement, type Template } from './support/cloudformation';
import { matchesEventPattern } from './support/event-pattern';
import { packageService, PROJECT_ROOT, type PackagedService } from './support/package-service';
import { sdkUsageOf, type SdkUsage } from './support/sdk-actions';
import { readZipEntries, readZipMember } from './support/zip-entries';

/** Resource "*" is accepted only for these actions, each because AWS offers nothing narrower. */
const STAR_RESOURCE_ALLOWED: Readonly<Record<string, string>> = {
  'route53:ListHostedZones': 'Route 53 defines no resource type for ListHostedZones: it lists the whole account',
  'route53:ListHealthChecks': 'Route 53 defines no resource type for ListHealthChecks: it lists the whole account',
  'cloudwatch:GetMetricData': 'CloudWatch has no resource-level permissions for GetMetricData',
};

/** ARNs with a wildcard are accepted only in these shapes. */
const WILDCARD_ARNS: readonly { readonly shape: RegExp; readonly reason: string; readonly needs?: (statement: Statement) => boolean }[] = [
  { shape: /^arn:\$\{AWS::Partition\}:route53:::hostedzone\/\*$/, reason: 'zones are discovered at run time (no zoneIds: every zone)' },
  { shape: /^arn:\$\{AWS::Partition\}:route53:::healthcheck\/\*$/, reason: 'health checks are discovered at run time' },
  { shape: /^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws\/lambda\/[\w-]+:\*(:\*)?$/, reason: 'the streams of one log group' },
  {
    shape: /^arn:\$\{AWS::Partition\}:kms:\$\{AWS::Region\}:\$\{AWS::AccountId\}:key\/\*$/,
    reason: 'a key is known by alias, not id; used only through one service',
    needs: (statement) => statement.Condition?.['StringEquals']?.['kms:ViaService'] !== undefined,
  },
];

const FUNCTIONS = { poll: { timeout: 60 }, alarm: { timeout: 30 }, slack: { timeout: 10 } } as const;
type FunctionName = keyof typeof FUNCTIONS;
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

const ACCOUNT = '123456789012';
const CONFIGURED_PARAMS = { alertEmail: 'oncall@example.com', slackEnabled: 'true', kmsKeyAlias: 'alias/failwatch-prod', zoneIds: 'Z0123456789ABC', memorySize: '512' };

const loadEvent = (name: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', name), 'utf8'));
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const actionsOf = (statement: Statement): string[] => asArray(statement.Action);

let standard: PackagedService;
let configured: PackagedService;
let usage: Record<FunctionName, SdkUsage>;

beforeAll(async () => {
  const packages = await Promise.allSettled([packageService('ci'), packageService('prod', CONFIGURED_PARAMS)]);
  const [ci, prod] = packages.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
  const failed = packages.find((outcome) => outcome.status === 'rejected');
  if (!ci || !prod || failed) {
    ci?.remove();
    prod?.remove();
    throw (failed as PromiseRejectedResult | undefined)?.reason ?? new Error('packaging failed');
  }
  standard = ci;
  configured = prod;
  const [poll, alarm, slack] = await Promise.all(['poll', 'alarm', 'slack'].map((name) => sdkUsageOf(PROJECT_ROOT, `handlers/${name}.ts`)));
  usage = { poll: poll as SdkUsage, alarm: alarm as SdkUsage, slack: slack as SdkUsage };
}, 240_000);

afterAll(() => {
  standard?.remove();
  configured?.remove();
});

const fn = (template: Template, name: FunctionName) => resource(template, `${name[0]?.toUpperCase()}${name.slice(1)}LambdaFunction`);
const fnProperties = (template: Template, name: FunctionName) => fn(template, name).Properties as Record<string, unknown> & { Environment: { Variables: Record<string, unknown> } };
const roleOf = (template: Template, name: FunctionName): string => [...referencedResources(fnProperties(template, name)['Role'])][0] ?? '';

describe('packaging: one artifact per function', () => {
  it.each(FUNCTION_NAMES)('%s.zip holds only its own bundle and source map', (name) => {
    const zip = standard.zips.get(name);
    expect(zip).toBeDefined();
    expect(sorted(readZipEntries(zip as Buffer).map((entry) => entry.name))).toEqual([`handlers/${name}.js`, `handlers/${name}.js.map`]);
  });

  it.each(FUNCTION_NAMES)('%s bundle loads on its own, exports `handler` and links its source map', (name) => {
    const zip = standard.zips.get(name) as Buffer;
    const dir = mkdtempSync(join(tmpdir(), `failwatch-bundle-${name}-`));
    try {
      for (const entry of readZipEntries(zip)) {
        mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
        writeFileSync(join(dir, entry.name), readZipMember(zip, entry));
      }
      const bundle = readFileSync(join(dir, 'handlers', `${name}.js`), 'utf8');
      expect(bundle.trimEnd().endsWith(`//# sourceMappingURL=${name}.js.map`)).toBe(true);
      const loaded = spawnSync(process.execPath, ['-e', 'process.stdout.write(typeof require(process.argv[1]).handler)', join(dir, 'handlers', `${name}.js`)], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
      });
      expect(loaded.stdout).toBe('function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('functions', () => {
  it.each(FUNCTION_NAMES)('%s: nodejs22.x on arm64, its timeout, source-mapped stack traces', (name) => {
    const properties = fnProperties(standard.template, name);
    expect(properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 256, Timeout: FUNCTIONS[name].timeout });
    expect(properties.Environment.Variables['NODE_OPTIONS']).toBe('--enable-source-maps');
    expect(fnProperties(configured.template, name).MemorySize).toBe(512);
  });

  it.each(['poll', 'alarm'] as const)('%s: its environment passes the watch configuration', (name) => {
    const variables = fnProperties(configured.template, name).Environment.Variables;
    expect(variables['FAILWATCH_TABLE']).toEqual({ Ref: 'HistoryTable' });
    expect(variables['FAILWATCH_TOPIC_ARN']).toEqual({ Ref: 'AlertTopic' });
    const topicName = String(resource(configured.template, 'AlertTopic').Properties?.['TopicName']);
    const deployed = { ...variables, FAILWATCH_TABLE: 'failwatch-prod-history', FAILWATCH_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:${topicName}` } as Record<string, string>;
    expect(loadWatchConfig(deployed)).toMatchObject({ zoneIds: ['Z0123456789ABC'], route53RequestsPerSecond: 5, historyDays: 400 });
  });

  it('slack: its environment passes the Slack configuration', () => {
    const variables = fnProperties(configured.template, 'slack').Environment.Variables as Record<string, string>;
    expect(loadSlackConfig(variables).webhookParameterName).toBe('/failwatch/prod/slack-webhook');
  });

  it('poll: runs every minute by default and a failed sweep is not retried (the next sweep is)', () => {
    const [, rule] = resourcesOfType(standard.template, 'AWS::Events::Rule').find(([, r]) => r.Properties?.['ScheduleExpression'] !== undefined) ?? [];
    expect(rule?.Properties?.['ScheduleExpression']).toBe('rate(1 minute)');
    expect(referencedResources(rule?.Properties?.['Targets'])).toEqual(new Set(['PollLambdaFunction']));
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

  it.each(FUNCTION_NAMES)('%s: its role grants exactly the AWS calls its code makes, plus its own logs', (name) => {
    const code = usage[name];
    expect(code.problems).toEqual([]);
    expect(code.actions.size).toBeGreaterThan(0);
    const expected = [...code.actions, 'logs:CreateLogStream', 'logs:PutLogEvents', ...(code.actions.has('ssm:GetParameter') ? ['kms:Decrypt'] : [])];
    const unconditional = statementsOfRole(configured.template, roleOf(configured.template, name)).filter(({ condition }) => condition === undefined);
    expect(sorted(unconditional.flatMap(({ statement }) => actionsOf(statement)))).toEqual(sorted(expected));
  });

  it.each(FUNCTION_NAMES)('%s: writes logs only to its own log group', (name) => {
    const functionName = String(fnProperties(standard.template, name)['FunctionName']);
    const logStatements = statementsOfRole(standard.template, roleOf(standard.template, name)).filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('logs:')));
    expect(logStatements.length).toBeGreaterThan(0);
    for (const { statement } of logStatements) {
      for (const arn of asArray(statement.Resource).map(describeResource)) expect(arn).toMatch(new RegExp(`:log-group:/aws/lambda/${functionName}:\\*(:\\*)?$`));
    }
  });

  it('data actions reach only this stack: the table, the topic, the webhook parameter', () => {
    const parameterArn = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/failwatch/prod/slack-webhook';
    for (const { statement, policy } of allPolicyStatements(configured.template)) {
      const resources = asArray(statement.Resource).map(describeResource);
      for (const action of actionsOf(statement)) {
        if (action.startsWith('dynamodb:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: ['GetAtt(HistoryTable.Arn)'] });
        if (action.startsWith('sns:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: ['Ref(AlertTopic)'] });
        if (action.startsWith('ssm:')) expect({ policy, action, resources }).toEqual({ policy, action, resources: [parameterArn] });
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
    expect(policies.map(([id, policy]) => [id, policy.Condition])).toEqual([['TopicKeyPolicy', 'UsesCustomerKey']]);
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
});

describe('resources', () => {
  it('the history table: the key schema of lib/aws/dynamo-table.ts, on demand, PITR, TTL, encrypted, retained', () => {
    const table = resource(standard.template, 'HistoryTable');
    const definition = tableDefinition('any');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(definition.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties?.['KeySchema']).toEqual(definition.KeySchema);
    expect(table.Properties?.['AttributeDefinitions']).toEqual(definition.AttributeDefinitions);
  });

  it('the topic is encrypted: the AWS managed key by default, the configured alias otherwise', () => {
    expect(resource(standard.template, 'AlertTopic').Properties).toMatchObject({ DisplayName: 'Failwatch', KmsMasterKeyId: 'alias/aws/sns' });
    expect(resource(configured.template, 'AlertTopic').Properties?.['KmsMasterKeyId']).toBe('alias/failwatch-prod');
  });

  it.each([
    ['HasAlertEmail', ['AlertEmailSubscription']],
    ['SlackEnabled', ['SlackRole', 'SlackLogGroup', 'SlackLambdaFunction', 'SlackSnsSubscriptionAlerts', 'SlackLambdaPermissionAlertsSNS']],
    ['UsesCustomerKey', ['TopicKeyPolicy']],
  ])('%s is off by default, on when configured, and governs %j', (condition, resources) => {
    expect(evaluateCondition(standard.template, condition)).toBe(false);
    expect(evaluateCondition(configured.template, condition)).toBe(true);
    const governed = Object.entries(standard.template.Resources).filter(([, r]) => r.Condition === condition).map(([id]) => id);
    expect(sorted(governed)).toEqual(sorted(resources));
  });

  it('nothing refers to a conditional resource unless it shares the condition', () => {
    const template = configured.template;
    const holders = [
      ...Object.entries(template.Resources).map(([id, r]) => ({ id, condition: r.Condition, refs: referencedResources([r.Properties, r.DependsOn === undefined ? [] : asArray(r.DependsOn).map((d) => ({ Ref: d }))]) })),
      ...Object.entries(template.Outputs ?? {}).map(([id, o]) => ({ id: `Outputs.${id}`, condition: o.Condition, refs: referencedResources(o.Value) })),
    ];
    for (const { id, condition, refs } of holders) {
      for (const ref of refs) {
        const target = template.Resources[ref];
        if (target?.Condition) expect({ from: id, to: ref, condition }).toEqual({ from: id, to: ref, condition: target.Condition });
      }
    }
  });

  it('outputs the table name and topic ARN', () => {
    expect(standard.template.Outputs?.['TableName']?.Value).toEqual({ Ref: 'HistoryTable' });
    expect(standard.template.Outputs?.['TopicArn']?.Value).toEqual({ Ref: 'AlertTopic' });
  });

  it('slack is subscribed to the topic', () => {
    expect(resource(configured.template, 'SlackSnsSubscriptionAlerts').Properties).toEqual({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': ['SlackLambdaFunction', 'Arn'] },
    });
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
