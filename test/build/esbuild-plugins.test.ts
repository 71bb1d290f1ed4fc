/**
 * scripts/esbuild-plugins.js on the installed SDK's generated schemas and on shapes it must leave alone.
 * What the trimmed SDK does at run time is proved in test/aws/sdk-bundle-equivalence.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Trimmed {
  readonly contents: string;
  readonly kept: string[];
  readonly dropped: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin file is CommonJS, as serverless-esbuild loads it.
const { trimGeneratedSchemas } = require('../../scripts/esbuild-plugins.js') as { trimGeneratedSchemas: (source: string, path: string) => Trimmed };

const ROOT = join(__dirname, '..', '..');
const schemasOf = (client: string) => join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'schemas', 'schemas_0.js');
const trimInstalled = (client: string) => trimGeneratedSchemas(readFileSync(schemasOf(client), 'utf8'), schemasOf(client));

describe('the SDK schemas plugin on the installed clients', () => {
  it('Route 53: drops the errors Failwatch reads by name, keeps the base exception and those named otherwise on the wire', () => {
    const route53 = trimInstalled('route-53');
    expect(route53.dropped).toEqual(expect.arrayContaining(['NoSuchHealthCheck', 'NoSuchHostedZone', 'InvalidInput', 'ThrottlingException']));
    expect(route53.kept).toEqual(expect.arrayContaining(['Route53ServiceException']));
    expect(route53.dropped.length).toBeGreaterThan(60);
  });

  it('DynamoDB: keeps the errors whose class the SDK\'s retry reads ($retryable)', () => {
    const dynamodb = trimInstalled('dynamodb');
    expect(dynamodb.kept).toEqual(expect.arrayContaining(['DynamoDBServiceException', 'ThrottlingException', 'ReplicatedWriteConflictException']));
    expect(dynamodb.dropped).toEqual(expect.arrayContaining(['ConditionalCheckFailedException', 'ProvisionedThroughputExceededException']));
  });

  it('SNS: keeps the errors with a legacy code on the wire (NotFound → NotFoundException)', () => {
    const sns = trimInstalled('sns');
    expect(sns.kept).toEqual(expect.arrayContaining(['NotFoundException', 'AuthorizationErrorException', 'ThrottledException', 'KMSDisabledException']));
  });

  it('writes every constant trait key out, keeping the line count (the source map still matches)', () => {
    const source = readFileSync(schemasOf('route-53'), 'utf8');
    const trimmed = trimInstalled('route-53').contents;
    expect(source).toMatch(/\{ \[_e\]: _c, \[_hE\]: 404 \}/);
    expect(trimmed).not.toMatch(/\[_\w+\]: /);
    expect(trimmed).toMatch(/\{ "error": _c, "httpError": 404 \}/);
    expect(trimmed.split('\n')).toHaveLength(source.split('\n').length);
  });
});

describe('shapes it leaves as they are', () => {
  const generated = [
    'const _e = "error";',
    'const _c = "client";',
    'const _aQE = "awsQueryError";',
    'const _s = "smithy.ts.sdk.synthetic.com.example";',
    'const _G = "Gone";',
    'const _R = "Renamed";',
    'const _AF = "AlreadyFixed";',
    'const n0 = "com.example";',
    'import { TypeRegistry } from "@smithy/core/schema";',
    'const _s_registry = new TypeRegistry(_s);',
    'export var ExampleServiceException$ = [-3, _s, "ExampleServiceException", 0, [], []];',
    '_s_registry.registerError(ExampleServiceException$, ExampleServiceException);',
    'const n0_registry = new TypeRegistry(n0);',
    'export var Gone$ = [-3, n0, _G,',
    '    { [_e]: _c },',
    '    [], []',
    '];',
    'n0_registry.registerError(Gone$, Gone);',
    'export var Renamed$ = [-3, n0, _R,',
    '    { [_aQE]: [`Legacy`, 400], [_e]: _c },',
    '    [], []',
    '];',
    'n0_registry.registerError(Renamed$, Renamed);',
    'export var AlreadyFixed$ = [-3, n0, _AF,',
    '    { "awsQueryError": [`Old`, 400], "error": _c },',
    '    [], []',
    '];',
    'n0_registry.registerError(AlreadyFixed$, AlreadyFixed);',
    'n0_registry.registerError(Unparsed$, Unparsed);',
    'const x = { [unknownKey]: 1 };',
  ].join('\n');
  const at = join(ROOT, 'node_modules', '@aws-sdk', 'client-route-53', 'dist-es', 'schemas', 'schemas_0.js');

  it('drops only a parsed, name-only error; keeps one renamed on the wire (either trait spelling) and one it cannot parse', () => {
    const trimmed = trimGeneratedSchemas(generated, at);
    expect(trimmed.dropped).toEqual(['Gone']);
    expect(trimmed.kept).toEqual(['ExampleServiceException', 'Renamed', 'AlreadyFixed', 'Unparsed']);
    expect(trimmed.contents).toContain('{ "awsQueryError": [`Legacy`, 400], "error": _c }');
    expect(trimmed.contents).toContain('const x = { [unknownKey]: 1 };');
  });

  it('without the base exception\'s registry (the SDK generates differently), no registration is touched', () => {
    const trimmed = trimGeneratedSchemas(generated.replace('const _s_registry = new TypeRegistry(_s);', 'const _s_registry = TypeRegistry.for(_s);'), at);
    expect(trimmed.dropped).toEqual([]);
    expect(trimmed.contents).toContain('n0_registry.registerError(Gone$, Gone);');
  });

  it('without the client\'s models/errors.js (no way to see $retryable), no registration is touched', () => {
    const trimmed = trimGeneratedSchemas(generated, join(ROOT, 'no-such-client', 'dist-es', 'schemas', 'schemas_0.js'));
    expect(trimmed.dropped).toEqual([]);
  });
});
