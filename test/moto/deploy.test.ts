/**
 * `serverless deploy`, `info`, an update deploy and `remove`, the real osls command against moto
 * (issue 16, item 1a): the stage `moto` with its committed settings file, stages/moto.yml (an email
 * address), then the same file edited (Slack on, managed alarms off) and deployed again. Each resource
 * moto creates is read back through the SDK and compared with the packaged template the deploy left in
 * .serverless/, and with what the code needs (the names it reads, the queue its rules dead-letter to).
 * moto skips some resource types and settings (docs/emulator-suite.md lists them, and what proves those
 * instead): nothing here asserts them on moto.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadSlackConfig, loadWatchConfig } from '../../lib/runtime/config';
import { stageNames } from '../../lib/usecases/console-ports';
import { evaluateCondition, resource, resourcesOfType, type Template } from '../infra/support/cloudformation';
import { PROJECT_ROOT } from '../infra/support/package-service';
import { readZipEntries, readZipMember } from '../infra/support/zip-entries';
import { parsePolicyDocument, readDeployedStack, type DeployedStack } from '../support/deployed-stack';
import { startMoto, type MotoServer } from '../support/moto';
import { serviceOnMoto, type ServiceOnMoto } from '../support/moto-deploy';

const STAGE = 'moto';
const STACK = `failwatch-${STAGE}`;
const NAMES = stageNames(STAGE);
/** The edit made to the copy's stages/moto.yml before the update deploy. */
const UPDATE = { slackEnabled: 'true', manageAlarms: 'false' };
const CLI_TIMEOUT_MS = 180_000;

const committedStageFile = readFileSync(join(PROJECT_ROOT, 'stages', `${STAGE}.yml`), 'utf8');
const ALERT_EMAIL = /^alertEmail: *['"]?([^'"\s]+)/m.exec(committedStageFile)?.[1];

type FunctionKey = 'poll' | 'alarm' | 'slack';
const logicalIdOf = (key: FunctionKey) => `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;
/** The functions a template deploys (slack only under its condition). */
const functionsOf = (template: Template): FunctionKey[] =>
  (['poll', 'alarm', 'slack'] as const).filter((key) => {
    const declared = template.Resources[logicalIdOf(key)];
    return declared !== undefined && (declared.Condition === undefined || evaluateCondition(template, declared.Condition));
  });
const deployedResources = (template: Template, type: string) => resourcesOfType(template, type).filter(([, declared]) => declared.Condition === undefined || evaluateCondition(template, declared.Condition));

/** Made once moto runs: a client reads AWS_ENDPOINT_URL, which startMoto sets, when it is made. */
const makeClients = () => ({
  lambda: new LambdaClient({}),
  events: new EventBridgeClient({}),
  dynamo: new DynamoDBClient({}),
  sns: new SNSClient({}),
  sqs: new SQSClient({}),
  iam: new IAMClient({}),
  s3: new S3Client({ forcePathStyle: true }),
  cloudFormation: new CloudFormationClient({}),
});

let moto: MotoServer;
let service: ServiceOnMoto;
let clients: ReturnType<typeof makeClients>;

beforeAll(async () => {
  moto = await startMoto();
  service = serviceOnMoto(STAGE, moto.endpoint);
  clients = makeClients();
});

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  service?.remove();
  await moto?.stop();
});

/** A deploy's outcome: what osls printed, the template it packaged, the stack moto holds. */
interface Deployed {
  readonly output: string;
  readonly template: Template;
  readonly stack: DeployedStack;
}

async function deploy(): Promise<Deployed> {
  const { output } = await service.run('deploy');
  const template = service.packagedTemplate();
  return { output, template, stack: await readDeployedStack(STACK, template) };
}

/** The checks every deploy must pass: each resource moto creates, as the template declares it. */
function describeStackMatchesTemplate(current: () => Deployed): void {
  it('functions: name, runtime, handler, role, timeout, memory, description and environment as the packaged template declares them', async () => {
    const { template, stack } = current();
    const expected = functionsOf(template).map((key): Record<string, unknown> => {
      const properties = resource(template, logicalIdOf(key)).Properties ?? {};
      const resolved = stack.resolve(properties) as Record<string, unknown>;
      return { ...Object.fromEntries(['FunctionName', 'Runtime', 'Handler', 'Role', 'Timeout', 'MemorySize', 'Description'].map((name) => [name, resolved[name]])), Environment: resolved['Environment'] };
    });
    const listed = (await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    const actual = listed.map(({ FunctionName, Runtime, Handler, Role, Timeout, MemorySize, Description, Environment }) => ({ FunctionName, Runtime, Handler, Role, Timeout, MemorySize, Description, Environment }));
    expect(sortBy(actual, 'FunctionName')).toEqual(sortBy(expected, 'FunctionName'));
    expect(actual.map((fn) => fn.FunctionName).sort()).toEqual(functionsOf(template).map((key) => NAMES.functions[key]).sort());
  });

  it('functions: the code deployed is the zip packaged, and each variable a function is given is one its bundle reads', async () => {
    const { template } = current();
    for (const key of functionsOf(template)) {
      const zip = service.packagedZip(key);
      const deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.functions[key] }));
      expect({ key, sha: deployed.CodeSha256 }).toEqual({ key, sha: createHash('sha256').update(zip).digest('base64') });
      const bundleEntry = readZipEntries(zip).find((entry) => entry.name === `handlers/${key}.js`);
      const bundle = readZipMember(zip, bundleEntry ?? missing(`${key}.zip has no handlers/${key}.js`)).toString('utf8');
      const unread = Object.keys(deployed.Environment?.Variables ?? {}).filter((name) => !new RegExp(`\\b${name}\\b`).test(bundle));
      expect({ key, unread }).toEqual({ key, unread: [] });
    }
  });

  it('poll and alarm read, from the environment moto gave them, the table and topic this stack created', async () => {
    const { stack } = current();
    for (const key of ['poll', 'alarm'] as const) {
      const deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.functions[key] }));
      const config = loadWatchConfig(deployed.Environment?.Variables ?? {}, { invokedFunctionArn: deployed.FunctionArn ?? '' });
      expect({ key, table: config.tableName, topic: config.topicArn }).toEqual({ key, table: stack.physicalIds.get('HistoryTable'), topic: stack.outputs['TopicArn'] });
    }
  });

  it('rules: the schedule and the alarm pattern; each target the function, with the declared retry policy, dead-lettering to the stack\'s queue', async () => {
    const { template, stack } = current();
    expect(queueNameOf(stack.outputs['DeadLetterQueueUrl'])).toBe(NAMES.deadLetterQueue);
    const queueArn = stack.resolve({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    const rules = (await clients.events.send(new ListRulesCommand({}))).Rules ?? [];
    expect(rules.map((rule) => rule.Name).sort()).toEqual([NAMES.rules.alarm, NAMES.rules.poll]);
    for (const [logicalId, declared] of deployedResources(template, 'AWS::Events::Rule')) {
      const properties = stack.resolve(declared.Properties) as { Name: string; ScheduleExpression?: string; EventPattern?: unknown; Targets: Record<string, unknown>[] };
      const rule = await clients.events.send(new DescribeRuleCommand({ Name: properties.Name }));
      expect({ logicalId, schedule: rule.ScheduleExpression, pattern: rule.EventPattern === undefined ? undefined : (JSON.parse(rule.EventPattern) as unknown) }).toEqual({ logicalId, schedule: properties.ScheduleExpression, pattern: properties.EventPattern });
      const targets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: properties.Name }))).Targets ?? [];
      expect(targets.map(({ Id, Arn, RetryPolicy, DeadLetterConfig }) => ({ Id, Arn, RetryPolicy, DeadLetterConfig }))).toEqual(properties.Targets);
      expect(targets.map((target) => target.DeadLetterConfig?.Arn)).toEqual([queueArn]);
    }
    expect((await clients.events.send(new DescribeRuleCommand({ Name: NAMES.rules.poll }))).ScheduleExpression).toMatch(/^rate\(/);
  });

  it('table: its name, keys and billing as declared, and protected from deletion', async () => {
    const { template, stack } = current();
    const declared = stack.resolve(resource(template, 'HistoryTable').Properties) as Record<string, unknown>;
    const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName: NAMES.table }));
    expect({ TableName: Table?.TableName, KeySchema: Table?.KeySchema, AttributeDefinitions: Table?.AttributeDefinitions, BillingMode: Table?.BillingModeSummary?.BillingMode, DeletionProtectionEnabled: Table?.DeletionProtectionEnabled }).toEqual({
      TableName: declared['TableName'],
      KeySchema: declared['KeySchema'],
      AttributeDefinitions: declared['AttributeDefinitions'],
      BillingMode: declared['BillingMode'],
      DeletionProtectionEnabled: true,
    });
  });

  it('topics: the alert topic the functions publish to, and the ops topic, with the declared names and keys', async () => {
    const { template, stack } = current();
    const topics = (await clients.sns.send(new ListTopicsCommand({}))).Topics?.map((topic) => topic.TopicArn) ?? [];
    const declared = deployedResources(template, 'AWS::SNS::Topic');
    expect(topics.sort()).toEqual(declared.map(([logicalId]) => stack.physicalIds.get(logicalId)).sort());
    for (const [logicalId, topic] of declared) {
      const properties = stack.resolve(topic.Properties) as Record<string, unknown>;
      const { Attributes } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: stack.physicalIds.get(logicalId) }));
      expect({ logicalId, arnEndsWith: Attributes?.['TopicArn']?.split(':').pop(), key: Attributes?.['KmsMasterKeyId'] }).toEqual({ logicalId, arnEndsWith: properties['TopicName'], key: properties['KmsMasterKeyId'] });
    }
  });

  it('roles: each function\'s role with the declared trust policy and exactly the declared policies (stale ones: see the update)', async () => {
    const { template, stack } = current();
    for (const [logicalId, role] of deployedResources(template, 'AWS::IAM::Role')) {
      const roleName = stack.physicalIds.get(logicalId) ?? missing(`no role for ${logicalId}`);
      const properties = stack.resolve(role.Properties) as { AssumeRolePolicyDocument: unknown; Policies: { PolicyName: string; PolicyDocument: unknown }[] };
      const attached = deployedResources(template, 'AWS::IAM::Policy')
        .map(([, policy]) => stack.resolve(policy.Properties) as { PolicyName: string; PolicyDocument: unknown; Roles: string[] })
        .filter((policy) => policy.Roles.includes(roleName));
      const expected = [...properties.Policies, ...attached.map(({ PolicyName, PolicyDocument }) => ({ PolicyName, PolicyDocument }))];
      const deployedRole = (await clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
      expect(deployedRole?.AssumeRolePolicyDocument === undefined ? undefined : parsePolicyDocument(deployedRole.AssumeRolePolicyDocument)).toEqual(properties.AssumeRolePolicyDocument);
      const names = ((await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? []).filter((name) => !staleRolePolicies(current()).includes(name));
      const actual = await Promise.all(
        names.map(async (name) => ({ PolicyName: name, PolicyDocument: parsePolicyDocument((await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }))).PolicyDocument ?? '') })),
      );
      expect({ logicalId, policies: sortBy(actual, 'PolicyName') }).toEqual({ logicalId, policies: sortBy(expected, 'PolicyName') });
    }
    const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles?.map((role) => role.RoleName) ?? [];
    expect(roles.sort()).toEqual(deployedResources(template, 'AWS::IAM::Role').map(([logicalId]) => stack.physicalIds.get(logicalId)).sort());
  });

  it('the email address of stages/moto.yml reaches the stack: its subscriptions to the alert and ops topics (moto records no subscription)', () => {
    const { stack } = current();
    const subscriptions = deployedResources(stack.deployedTemplate, 'AWS::SNS::Subscription').map(([logicalId, subscription]) => ({ logicalId, ...(subscription.Properties as { Protocol: string; Endpoint: unknown }) }));
    expect(subscriptions.filter((subscription) => subscription.Protocol === 'email').map(({ logicalId, Endpoint }) => ({ logicalId, Endpoint }))).toEqual([
      { logicalId: 'AlertEmailSubscription', Endpoint: ALERT_EMAIL },
      { logicalId: 'OpsEmailSubscription', Endpoint: ALERT_EMAIL },
    ]);
    expect(ALERT_EMAIL).toMatch(/@/);
  });

  it('the deployment bucket: moto\'s S3 holds this deploy\'s zips and template', async () => {
    const { stack } = current();
    const bucket = stack.outputs['ServerlessDeploymentBucketName'] ?? missing('no ServerlessDeploymentBucketName output');
    expect((await clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((listed) => listed.Name)).toEqual([bucket]);
    const keys = (await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((object) => object.Key ?? '') ?? [];
    const code = resource(current().template, 'PollLambdaFunction').Properties?.['Code'] as { S3Key: string };
    const folder = code.S3Key.slice(0, code.S3Key.lastIndexOf('/'));
    const uploaded = keys.filter((key) => key.startsWith(`${folder}/`)).map((key) => key.slice(folder.length + 1));
    expect(uploaded).toEqual(expect.arrayContaining(['compiled-cloudformation-template.json', ...functionsOf(current().template).map((key) => `${key}.zip`)]));
  });
}

/** Role policies moto keeps after an update although their resource's condition turned false (CloudFormation deletes them). */
function staleRolePolicies({ template }: Deployed): string[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Condition !== undefined && !evaluateCondition(template, policy.Condition) && firstDeploy !== undefined && evaluateCondition(firstDeploy.template, policy.Condition))
    .map(([, policy]) => String(policy.Properties?.['PolicyName']));
}

let firstDeploy: Deployed | undefined;
let updateDeploy: Deployed | undefined;

describe(`serverless deploy --stage ${STAGE} (stages/${STAGE}.yml: an email address, everything else the defaults)`, () => {
  beforeAll(async () => {
    firstDeploy = await deploy();
  }, CLI_TIMEOUT_MS);

  describeStackMatchesTemplate(() => firstDeploy ?? missing('the first deploy failed'));

  it('deploys poll and alarm, no slack; poll sweeps every 5 minutes and reconciles managed alarms', async () => {
    const { template, output } = firstDeploy ?? missing('the first deploy failed');
    expect(output).toContain(`Service deployed to stack ${STACK}`);
    expect(functionsOf(template)).toEqual(['poll', 'alarm']);
    const poll = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.functions.poll }));
    expect(poll.Environment?.Variables?.['FAILWATCH_MANAGE_ALARMS']).toBe('true');
    expect((await clients.events.send(new DescribeRuleCommand({ Name: NAMES.rules.poll }))).ScheduleExpression).toBe('rate(5 minutes)');
    expect((await clients.iam.send(new ListRolePoliciesCommand({ RoleName: (firstDeploy as Deployed).stack.physicalIds.get('PollRole') }))).PolicyNames).toContain('managed-alarms');
  });

  it('serverless info names the stage, the stack, the functions and the stack\'s outputs as moto holds them', async () => {
    const { stack } = firstDeploy ?? missing('the first deploy failed');
    const { output } = await service.run('info', '--verbose');
    expect(output).toMatch(new RegExp(`stage: ${STAGE}\\b`));
    expect(output).toMatch(new RegExp(`stack: ${STACK}\\b`));
    for (const key of ['poll', 'alarm'] as const) expect(output).toContain(`${key}: ${NAMES.functions[key]}`);
    for (const name of ['TableName', 'TopicArn', 'DeadLetterQueueUrl', 'OpsTopicArn']) expect({ name, line: output.includes(`${name}: ${stack.outputs[name] ?? '?'}`) }).toEqual({ name, line: true });
  }, CLI_TIMEOUT_MS);
});

describe(`update: stages/${STAGE}.yml edited to ${JSON.stringify(UPDATE)}, deployed again`, () => {
  beforeAll(async () => {
    expect(committedStageFile).not.toMatch(/^(slackEnabled|manageAlarms):/m);
    service.editStageFile(Object.entries(UPDATE).map(([name, value]) => `${name}: '${value}'\n`).join(''));
    updateDeploy = await deploy();
  }, CLI_TIMEOUT_MS);

  describeStackMatchesTemplate(() => updateDeploy ?? missing('the update deploy failed'));

  it('adds the slack function, reading the webhook parameter its role may read', async () => {
    const { template, stack } = updateDeploy ?? missing('the update deploy failed');
    expect(functionsOf(template)).toEqual(['poll', 'alarm', 'slack']);
    const slack = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.functions.slack }));
    const parameter = loadSlackConfig(slack.Environment?.Variables ?? {}).webhookParameterName;
    expect(parameter).toBe(`/failwatch/${STAGE}/slack-webhook`);
    const roleName = stack.physicalIds.get('SlackRole') ?? missing('no SlackRole');
    expect(slack.Role).toBe((await clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn);
    const webhook = parsePolicyDocument((await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'webhook' }))).PolicyDocument ?? '') as { Statement: { Action: string; Resource: string }[] };
    expect(webhook.Statement.find((statement) => statement.Action === 'ssm:GetParameter')?.Resource).toBe(stack.resolve({ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${parameter}` }));
  });

  it('managed alarms off: poll told so and sweeping every minute, and the managed-alarms policy\'s condition false (moto keeps the policy; CloudFormation deletes it)', async () => {
    const { template } = updateDeploy ?? missing('the update deploy failed');
    const poll = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: NAMES.functions.poll }));
    expect(poll.Environment?.Variables?.['FAILWATCH_MANAGE_ALARMS']).toBe('false');
    expect((await clients.events.send(new DescribeRuleCommand({ Name: NAMES.rules.poll }))).ScheduleExpression).toBe('rate(1 minute)');
    expect(staleRolePolicies(updateDeploy as Deployed)).toEqual(['managed-alarms']);
    expect(resource(template, 'ManagedAlarmsPolicy').Condition).toBe('ManagesAlarms');
  });
});

describe(`serverless remove --stage ${STAGE}`, () => {
  beforeAll(async () => {
    await service.run('remove');
  }, CLI_TIMEOUT_MS);

  it('deletes the stack, its functions, rules, roles, topics and deployment bucket', async () => {
    expect(updateDeploy?.stack.physicalIds.get('PollLambdaFunction')).toBe(NAMES.functions.poll);
    await expect(clients.cloudFormation.send(new DescribeStacksCommand({ StackName: STACK }))).rejects.toThrow('does not exist');
    expect((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    expect((await clients.events.send(new ListRulesCommand({}))).Rules ?? []).toEqual([]);
    expect((await clients.iam.send(new ListRolesCommand({}))).Roles ?? []).toEqual([]);
    expect((await clients.sns.send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
    expect((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('keeps the table, with its keys, and the dead-letter queue: their DeletionPolicy is Retain', async () => {
    const { template } = updateDeploy ?? missing('the update deploy failed');
    const retained = Object.entries(template.Resources).filter(([, declared]) => declared.DeletionPolicy === 'Retain' && declared.Type !== 'AWS::Lambda::Version');
    expect(retained.map(([logicalId]) => logicalId).sort()).toEqual(['DeadLetterQueue', 'HistoryTable']);
    const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName: NAMES.table }));
    expect(Table?.KeySchema).toEqual(resource(template, 'HistoryTable').Properties?.['KeySchema']);
    const queueName = queueNameOf((updateDeploy as Deployed).stack.outputs['DeadLetterQueueUrl']);
    expect(queueName).toBe(NAMES.deadLetterQueue);
    expect((await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl).toMatch(new RegExp(`/${queueName}$`));
  });
});

/** The stack's output names the queue by its sqs.<region>.amazonaws.com URL; moto serves it at its own. */
const queueNameOf = (url: string | undefined) => url?.slice(url.lastIndexOf('/') + 1);

function sortBy<T>(items: readonly T[], key: keyof T): T[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function missing(message: string): never {
  throw new Error(message);
}
