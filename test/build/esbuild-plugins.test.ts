/**
 * scripts/esbuild-plugins.js on the installed SDK's generated schemas and on shapes it must leave alone.
 * What the trimmed SDK does at run time is proved in test/aws/sdk-bundle-equivalence.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

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
const inClientOf = schemasOf;

describe('the SDK schemas plugin on the installed clients', () => {
  it('Route 53 (REST-XML): drops every modeled error, keeps the base exception', () => {
    const route53 = trimInstalled('route-53');
    expect(route53.kept).toEqual(['Route53ServiceException']);
    expect(route53.dropped).toEqual(expect.arrayContaining(['NoSuchHealthCheck', 'NoSuchHostedZone', 'InvalidInput', 'ThrottlingException', 'ProtectionAlreadyExists']));
  });

  it('DynamoDB: keeps the errors whose class the SDK\'s retry reads ($retryable)', () => {
    const dynamodb = trimInstalled('dynamodb');
    expect(dynamodb.kept).toEqual(['DynamoDBServiceException', 'ReplicatedWriteConflictException']);
    expect(dynamodb.dropped).toEqual(expect.arrayContaining(['ConditionalCheckFailedException', 'ProvisionedThroughputExceededException', 'ThrottlingException']));
  });

  it('SNS (Query protocol): keeps the errors whose legacy code differs from their name (NotFound → NotFoundException)', () => {
    const sns = trimInstalled('sns');
    expect(sns.kept).toEqual(expect.arrayContaining(['SNSServiceException', 'NotFoundException', 'AuthorizationErrorException', 'ThrottledException', 'KMSDisabledException']));
    expect(sns.dropped).toEqual(expect.arrayContaining(['ValidationException', 'KMSOptInRequired']));
  });

  it('CloudWatch (JSON, query compatible): also keeps errors sharing a legacy code (ResourceNotFound, DashboardNotFoundError)', () => {
    const cloudwatch = trimInstalled('cloudwatch');
    expect(cloudwatch.kept).toEqual(expect.arrayContaining(['CloudWatchServiceException', 'ResourceNotFound', 'DashboardNotFoundError', 'LimitExceededFault']));
    expect(cloudwatch.dropped).toEqual(expect.arrayContaining(['ResourceNotFoundException', 'LimitExceededException']));
  });

  it('SSM (JSON, not query compatible): its legacy codes are never read, so only the base exception stays', () => {
    const ssm = trimInstalled('ssm');
    expect(ssm.kept).toEqual(['SSMServiceException']);
    expect(ssm.dropped).toEqual(expect.arrayContaining(['ParameterNotFound', 'InvalidKeyId', 'AccessDeniedException']));
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

describe('what Failwatch reads of an SDK error', () => {
  // An error whose registration the plugin drops gets its `$fault` from the HTTP status, not from its model.
  const sources = execFileSync('git', ['ls-files', 'lib', 'handlers'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((file) => file.endsWith('.ts'));

  it('never `$fault`: the adapters decide by name and HTTP status', () => {
    expect(sources.length).toBeGreaterThan(20);
    expect(sources.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('$fault'))).toEqual([]);
  });

  it('never a modeled error\'s class: only a service\'s base exception, which is always registered', () => {
    const classChecks = sources.flatMap((file) => {
      const source = readFileSync(join(ROOT, file), 'utf8');
      const fromSdk = new Set([...source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/client-[^']+'/g)].flatMap(([, names = '']) => names.split(',').map((name) => name.replace(/^\s*type\s+/, '').trim())));
      return [...source.matchAll(/instanceof (\w+)/g)].map(([, name = '']) => name).filter((name) => fromSdk.has(name)).map((name) => `${file}: ${name}`);
    });
    expect(classChecks.length).toBeGreaterThan(0);
    expect(classChecks.filter((check) => !check.endsWith('ServiceException'))).toEqual([]);
  });
});

describe('the trait-key rewrite', () => {
  const at = inClientOf('route-53');
  const evaluate = (source: string): unknown =>
    runInNewContext(`${source}\n({ keys: Object.keys(traits), plainObject: Object.getPrototypeOf(traits) === Object.prototype, text })`);

  it('gives the same objects', () => {
    const source = ['const _e = "error";', 'const _c = "client";', 'const _hE = "httpError";', 'var traits = { [_e]: _c, [_hE]: 404 };', 'var text = "";'].join('\n');
    const trimmed = trimGeneratedSchemas(source, at).contents;
    expect(trimmed).toContain('{ "error": _c, "httpError": 404 }');
    expect(evaluate(trimmed)).toEqual(evaluate(source));
  });

  it('leaves a "__proto__" key computed: written out, it would set the prototype', () => {
    const source = ['const _p = "__proto__";', 'const _e = "error";', 'const _c = "client";', 'var traits = { [_e]: _c, [_p]: { polluted: 1 } };', 'var text = "";'].join('\n');
    const trimmed = trimGeneratedSchemas(source, at).contents;
    expect(trimmed).toContain('[_p]: { polluted: 1 }');
    expect(evaluate(trimmed)).toEqual(evaluate(source));
  });

  it('leaves the module as generated when a string or template literal holds `[_`', () => {
    const source = ['const _e = "error";', 'const _c = "client";', 'var traits = { [_e]: _c };', 'var text = `{ [_e]: 1 }`;'].join('\n');
    expect(trimGeneratedSchemas(source, at).contents).toBe(source);
  });

  it('touches only keys: not `c ? o[_e]: y`', () => {
    const source = ['const _e = "error";', 'var o = { error: 1 };', 'var traits = {};', 'var text = true ? o[_e]: 0;'].join('\n');
    expect(trimGeneratedSchemas(source, at).contents).toBe(source);
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
    'const _SC = "SameCode";',
    'const _SH = "Shares";',
    'const _AF = "AlreadyFixed";',
    'const _U = "Unreadable";',
    'const _P = "Plain";',
    'const _O = "Other";',
    'const n0 = "com.example";',
    'import { TypeRegistry } from "@smithy/core/schema";',
    'const _s_registry = new TypeRegistry(_s);',
    'export var ExampleServiceException$ = [-3, _s, "ExampleServiceException", 0, [], []];',
    '_s_registry.registerError(ExampleServiceException$, ExampleServiceException);',
    'const n0_registry = new TypeRegistry(n0);',
    ...[
      ['Gone', '_G', '{ [_e]: _c }'],
      ['Renamed', '_R', '{ [_aQE]: [`Legacy`, 400], [_e]: _c }'],
      ['SameCode', '_SC', '{ [_aQE]: [`SameCode`, 400], [_e]: _c }'],
      ['Shares', '_SH', '{ [_aQE]: [`Legacy`, 400], [_e]: _c }'],
      ['AlreadyFixed', '_AF', '{ "awsQueryError": [`Old`, 400], "error": _c }'],
      ['Unreadable', '_U', '{ [_aQE]: someCode, [_e]: _c }'],
      // Plain's code on the wire is its name, which is also Other's legacy code: without Plain's registration
      // the SDK would find Other for it.
      ['Plain', '_P', '{ [_e]: _c }'],
      ['Other', '_O', '{ [_aQE]: [`Plain`, 400], [_e]: _c }'],
    ].flatMap(([name, constant, traits]) => [`export var ${name}$ = [-3, n0, ${constant},`, `    ${traits},`, '    [], []', '];', `n0_registry.registerError(${name}$, ${name});`]),
    'n0_registry.registerError(Unparsed$, Unparsed);',
    'const x = { [unknownKey]: 1 };',
  ].join('\n');
  const inClient = (client: string) => join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'schemas', 'schemas_0.js');

  it('in a client reading legacy query codes (SNS): keeps errors renamed on the wire, sharing a code or a name, unreadable or unparsed', () => {
    const trimmed = trimGeneratedSchemas(generated, inClient('sns'));
    expect(trimmed.dropped).toEqual(['Gone', 'SameCode']);
    expect(trimmed.kept).toEqual(['ExampleServiceException', 'Renamed', 'Shares', 'AlreadyFixed', 'Unreadable', 'Plain', 'Other', 'Unparsed']);
    expect(trimmed.contents).toContain('{ "awsQueryError": [`Legacy`, 400], "error": _c }');
    expect(trimmed.contents).toContain('const x = { [unknownKey]: 1 };');
  });

  it('in a client whose protocol never reads them (Route 53): the legacy codes do not matter', () => {
    const trimmed = trimGeneratedSchemas(generated, inClient('route-53'));
    expect(trimmed.kept).toEqual(['ExampleServiceException', 'Unparsed']);
  });

  it('in a client it cannot tell the protocol of (no runtimeConfig.shared.js): as if it read them', () => {
    const client = mkdtempSync(join(tmpdir(), 'failwatch-plugin-client-'));
    try {
      mkdirSync(join(client, 'dist-es', 'models'), { recursive: true });
      writeFileSync(join(client, 'dist-es', 'models', 'errors.js'), 'export class Gone extends X {}\n');
      expect(trimGeneratedSchemas(generated, join(client, 'dist-es', 'schemas', 'schemas_0.js')).dropped).toEqual(['Gone', 'SameCode']);
      // Without models/errors.js there is no telling which errors the SDK's retry reads: nothing is dropped.
      rmSync(join(client, 'dist-es', 'models'), { recursive: true });
      expect(trimGeneratedSchemas(generated, join(client, 'dist-es', 'schemas', 'schemas_0.js')).dropped).toEqual([]);
    } finally {
      rmSync(client, { recursive: true, force: true });
    }
  });

  it('without the base exception\'s registry (the SDK generates differently), no registration is touched', () => {
    const trimmed = trimGeneratedSchemas(generated.replace('const _s_registry = new TypeRegistry(_s);', 'const _s_registry = TypeRegistry.for(_s);'), inClient('sns'));
    expect(trimmed.dropped).toEqual([]);
    expect(trimmed.contents).toContain('n0_registry.registerError(Gone$, Gone);');
  });
});
