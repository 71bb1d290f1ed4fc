/**
 * A stack as moto holds it after `serverless deploy`, read through the SDK, and the packaged template's
 * values resolved the way CloudFormation resolves them for that stack (Ref, Fn::GetAtt …Arn, Fn::Sub,
 * Fn::If), with the physical names and ARNs moto gave the resources: so a test can compare what was
 * deployed with what the template declares, without copying either.
 */
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { resolveConditionals, type Template } from '../infra/support/cloudformation';

export interface DeployedStack {
  readonly name: string;
  /** Logical id → physical id, for the resources moto created (it lists the ones it skips with no logical id). */
  readonly physicalIds: ReadonlyMap<string, string>;
  readonly outputs: Readonly<Record<string, string>>;
  /** The template CloudFormation (moto) was given, as GetTemplate returns it. */
  readonly deployedTemplate: Template;
  /** A value of `template` as deployed in this stack. */
  resolve(value: unknown): unknown;
}

/** How moto names each kind of resource's ARN, read back from the service that holds it. */
async function arnsOf(physicalIds: ReadonlyMap<string, string>, template: Template): Promise<Map<string, string>> {
  const iam = new IAMClient({});
  const lambda = new LambdaClient({});
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  try {
    const arns = new Map<string, string>();
    for (const [logicalId, physicalId] of physicalIds) {
      const type = template.Resources[logicalId]?.Type;
      let arn: string | undefined;
      if (type === 'AWS::IAM::Role') arn = (await iam.send(new GetRoleCommand({ RoleName: physicalId }))).Role?.Arn;
      else if (type === 'AWS::Lambda::Function') arn = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physicalId }))).FunctionArn;
      else if (type === 'AWS::DynamoDB::Table') arn = (await dynamo.send(new DescribeTableCommand({ TableName: physicalId }))).Table?.TableArn;
      else if (type === 'AWS::SQS::Queue') {
        // The stack names the queue by an sqs.<region>.amazonaws.com URL; the queue's own URL is moto's.
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: physicalId.slice(physicalId.lastIndexOf('/') + 1) }));
        arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'];
      }
      else if (type === 'AWS::SNS::Topic') arn = physicalId;
      if (arn !== undefined) arns.set(logicalId, arn);
    }
    return arns;
  } finally {
    for (const client of [iam, lambda, dynamo, sqs]) client.destroy();
  }
}

/** Reads stack `name` from moto; `template` is the packaged template its values are resolved against. */
export async function readDeployedStack(name: string, template: Template): Promise<DeployedStack> {
  const cloudFormation = new CloudFormationClient({});
  try {
    const [stack] = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks ?? [];
    const [, partition = '', , region = '', account = ''] = (stack?.StackId ?? '').split(':');
    const physicalIds = new Map<string, string>();
    for await (const page of paginateListStackResources({ client: cloudFormation }, { StackName: name })) {
      for (const summary of page.StackResourceSummaries ?? []) {
        if (summary.LogicalResourceId && summary.PhysicalResourceId) physicalIds.set(summary.LogicalResourceId, summary.PhysicalResourceId);
      }
    }
    const deployedTemplate = JSON.parse((await cloudFormation.send(new GetTemplateCommand({ StackName: name }))).TemplateBody ?? '{}') as Template;
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    const arns = await arnsOf(physicalIds, template);
    const pseudo: Record<string, string> = { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::StackName': name, 'AWS::URLSuffix': 'amazonaws.com' };

    const known = (what: string, value: string | undefined): string => {
      if (value === undefined) throw new Error(`stack ${name} has nothing for ${what}`);
      return value;
    };
    const ref = (id: string) => known(`Ref ${id}`, pseudo[id] ?? physicalIds.get(id));
    const attribute = (id: string, attr: string) => {
      if (attr !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attr}: only Arn is resolved here`);
      return known(`Fn::GetAtt ${id}.Arn`, arns.get(id));
    };
    const substitute = (text: string) =>
      text.replace(/\$\{([A-Za-z0-9:]+)(?:\.([A-Za-z]+))?\}/g, (_, id: string, attr: string | undefined) => (attr === undefined ? ref(id) : attribute(id, attr)));
    const visit = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(visit);
      if (typeof node !== 'object' || node === null) return node;
      const record = node as Record<string, unknown>;
      if (typeof record['Ref'] === 'string') return ref(record['Ref']);
      const getAtt = record['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return attribute(String(getAtt[0]), String(getAtt[1]));
      if (typeof record['Fn::Sub'] === 'string') return substitute(record['Fn::Sub']);
      const fn = Object.keys(record).find((key) => key.startsWith('Fn::'));
      if (fn !== undefined) throw new Error(`${fn} is not resolved here: ${JSON.stringify(record)}`);
      return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, visit(inner)]));
    };
    return { name, physicalIds, outputs, deployedTemplate, resolve: (value) => visit(resolveConditionals(template, value)) };
  } finally {
    cloudFormation.destroy();
  }
}

/**
 * An IAM policy document as GetRolePolicy returns it: URL-encoded JSON from AWS; from moto 5.2, for a
 * policy CloudFormation made, Python's repr of the document (single quotes), which is read here too.
 */
export function parsePolicyDocument(text: string): unknown {
  const decoded = decodeURIComponent(text);
  if (!decoded.startsWith("{'")) return JSON.parse(decoded);
  const PYTHON_CONSTANTS: Readonly<Record<string, string>> = { True: 'true', False: 'false', None: 'null' };
  let json = '';
  let quoted = false;
  for (let index = 0; index < decoded.length; index += 1) {
    const char = decoded.charAt(index);
    const constant = quoted ? undefined : /^(True|False|None)\b/.exec(decoded.slice(index))?.[1];
    if (constant !== undefined) {
      json += PYTHON_CONSTANTS[constant];
      index += constant.length - 1;
    } else if (quoted && char === '\\') {
      index += 1;
      json += decoded.charAt(index) === "'" ? "'" : `\\${decoded.charAt(index)}`;
    } else if (char === "'") {
      quoted = !quoted;
      json += '"';
    } else json += quoted && char === '"' ? '\\"' : char;
  }
  return JSON.parse(json);
}
