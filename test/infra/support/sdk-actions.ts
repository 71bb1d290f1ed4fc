/**
 * Which AWS API calls a handler's code can make, as IAM actions: esbuild lists every project file
 * the handler's bundle pulls in, and each file's value imports of SDK commands and paginators name
 * the operations. Calls made any other way (the aggregated `new Route53()` clients, `import *`)
 * are reported as errors so they cannot slip past the IAM check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** SDK package → IAM service prefix. */
const SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-ssm': 'ssm',
  // Both load balancer APIs authorize under one prefix (DescribeLoadBalancers is one action for both).
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-elastic-load-balancing': 'elasticloadbalancing',
};

/** The document client's commands carry shorter names than the operations they send. */
const DOCUMENT_CLIENT_OPERATIONS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};

/** Names that make calls this scan cannot attribute to one operation. */
const OPAQUE_IMPORTS = /^(Route53|CloudWatch|DynamoDB|DynamoDBDocument|SNS|SSM|ElasticLoadBalancing|ElasticLoadBalancingV2)$|^Transact/;

export interface SdkUsage {
  /** IAM actions, e.g. `route53:ListHostedZones`. */
  readonly actions: ReadonlySet<string>;
  /** Project files the handler's bundle includes, relative to the project root. */
  readonly files: readonly string[];
  /** Imports that hide which operations are called. */
  readonly problems: readonly string[];
}

const NAMED_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/[^'"]+)['"]/g;
const OTHER_IMPORT = /import\s+(?!type\b)(\*\s+as\s+\w+|\w+)\s*(,\s*\{[^}]*\})?\s*from\s*['"](@aws-sdk\/[^'"]+)['"]/g;

function operationOf(imported: string, module: string): string | undefined {
  const paginator = /^paginate(\w+)$/.exec(imported);
  if (paginator) return module === '@aws-sdk/lib-dynamodb' ? DOCUMENT_CLIENT_OPERATIONS[paginator[1] ?? ''] : paginator[1];
  const command = /^(\w+)Command$/.exec(imported);
  if (!command) return undefined;
  return module === '@aws-sdk/lib-dynamodb' ? DOCUMENT_CLIENT_OPERATIONS[command[1] ?? ''] : command[1];
}

export function sdkActionsInSource(source: string, file: string): { actions: string[]; problems: string[] } {
  const actions: string[] = [];
  const problems: string[] = [];
  for (const [, typeOnly, names = '', module = ''] of source.matchAll(NAMED_IMPORT)) {
    if (typeOnly) continue;
    const prefix = SERVICE_PREFIXES[module];
    for (const raw of names.split(',')) {
      const name = raw.trim();
      if (!name || name.startsWith('type ')) continue;
      const imported = name.split(/\s+as\s+/)[0] ?? name;
      if (OPAQUE_IMPORTS.test(imported)) {
        problems.push(`${file}: imports ${imported} from ${module}; use Command classes so the IAM test sees each call`);
        continue;
      }
      const looksLikeCall = /Command$|^paginate/.test(imported);
      if (!looksLikeCall) continue;
      const operation = operationOf(imported, module);
      if (!prefix || !operation) {
        problems.push(`${file}: ${imported} from ${module} has no known IAM action; teach test/infra/support/sdk-actions.ts`);
        continue;
      }
      actions.push(`${prefix}:${operation}`);
    }
  }
  for (const [, what = '', , module = ''] of source.matchAll(OTHER_IMPORT)) {
    problems.push(`${file}: \`import ${what.trim()}\` from ${module} hides which operations are called`);
  }
  return { actions, problems };
}

export async function sdkUsageOf(projectRoot: string, entry: string): Promise<SdkUsage> {
  const result = await build({
    entryPoints: [join(projectRoot, entry)],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    outfile: join(projectRoot, '.esbuild-metafile-only.js'),
    logLevel: 'silent',
  });
  const files = Object.keys(result.metafile.inputs)
    .filter((file) => !file.startsWith('node_modules/') && file.endsWith('.ts'))
    .sort();
  const actions = new Set<string>();
  const problems: string[] = [];
  for (const file of files) {
    const found = sdkActionsInSource(readFileSync(join(projectRoot, file), 'utf8'), file);
    found.actions.forEach((action) => actions.add(action));
    problems.push(...found.problems);
  }
  return { actions, files, problems };
}
