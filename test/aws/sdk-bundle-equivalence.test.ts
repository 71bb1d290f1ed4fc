/**
 * The deployed bundles trim the SDK's generated schemas at build time (scripts/esbuild-plugins.js). This
 * proves the trimmed SDK does exactly what the SDK as published does for everything Failwatch calls: the
 * same requests on the wire, the same output read from each answer, and, for the error answers Failwatch
 * acts on, the same error name, message, retry trait and metadata, and the same decisions by Failwatch's
 * adapters. (`$fault` may differ where the HTTP status contradicts the error's model: Failwatch never reads it.) The bundle is built with
 * serverless.yml's esbuild settings (`serverless print`) and run as Lambda runs it, in its own Node process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { printDeployedEsbuildOptions } from '../infra/support/deployed-esbuild';
import { LAST_REQUEST_PATH, startRoundTripServer, type RoundTripServer } from './support/sdk-round-trip-server';
import { observeRoundTrips, type RoundTrips } from './support/sdk-round-trips';

const ROOT = join(__dirname, '..', '..');
const ENTRY = `import { observeRoundTrips } from './test/aws/support/sdk-round-trips';
observeRoundTrips(async () => (await fetch(process.env.LAST_REQUEST_URL)).json())
  .then((observed) => process.stdout.write(JSON.stringify(observed), () => process.exit(0)), (error) => { process.stderr.write(String(error?.stack ?? error)); process.exit(1); });`;

const SDK_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEQUIVALENCE',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  // The SDK's one-time notice on Node below 22 (Lambda runs nodejs22.x): noise in the test output.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

let server: RoundTripServer;
let work: string;
let deployed: BuildOptions;
let published: RoundTrips;
const saved = { ...process.env };

async function bundle(name: string, options: BuildOptions): Promise<string> {
  const outfile = join(work, `${name}.js`);
  await build({ ...options, stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, outfile, format: 'cjs', sourcemap: false, logLevel: 'silent' });
  return outfile;
}

async function runBundle(file: string): Promise<RoundTrips> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: { PATH: process.env['PATH'] ?? '', HOME: work, ...SDK_ENVIRONMENT, AWS_ENDPOINT_URL: server.endpoint, LAST_REQUEST_URL: `${server.endpoint}${LAST_REQUEST_PATH}` },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as RoundTrips;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'failwatch-sdk-equivalence-'));
  server = await startRoundTripServer();
  deployed = await printDeployedEsbuildOptions(ROOT);
  Object.assign(process.env, SDK_ENVIRONMENT, { AWS_ENDPOINT_URL: server.endpoint, AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') });
  published = await observeRoundTrips(() => Promise.resolve(server.lastRequest()));
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await server?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the SDK as the deployed bundles build it', () => {
  it('serverless.yml builds the functions with the schema-trimming plugin', () => {
    expect(deployed.plugins?.map((plugin) => plugin.name)).toContain('failwatch-sdk-schemas');
  });

  it('the SDK as published answers every call and error case (the comparison below is not of nothing)', () => {
    expect(published.calls.filter((call) => call.error !== undefined)).toEqual([]);
    expect(published.calls.map((call) => call.request?.path)).not.toContain(undefined);
    const status = published.calls.find((call) => call.call === 'GetHealthCheckStatus')?.output as { HealthCheckObservations?: { StatusReport?: { CheckedTime?: string } }[] };
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.CheckedTime).toBe('2026-11-25T12:00:00.250Z');
    const errorNames = Object.fromEntries(published.errors.map((error) => [error.key, error.name]));
    expect(errorNames).toMatchObject({ 'route53-NoSuchHealthCheck': 'NoSuchHealthCheck', 'sns-NotFound': 'NotFoundException', 'sns-Throttled': 'ThrottledException', 'dynamodb-ConditionalCheckFailedException': 'ConditionalCheckFailedException' });
    const webhookSource = Object.fromEntries(published.errors.filter((error) => error.webhookSourceError !== undefined).map((error) => [error.key, error.webhookSourceError]));
    expect(webhookSource).toMatchObject({
      'ssm-ParameterNotFound': { name: 'ConfigurationError' },
      'ssm-InternalServerError': { name: 'NotifierError', retryable: true },
      'ssm-InternalServerError-at-400': { name: 'NotifierError', retryable: false },
      'ssm-ParameterVersionNotFound-at-503': { name: 'NotifierError', retryable: true },
    });
  });

  it('sends the same requests, reads the same answers and reports the same errors as the SDK as published', async () => {
    const bundled = await runBundle(await bundle('deployed', deployed));
    expect(bundled.calls).toEqual(published.calls);
    expect(bundled.errors).toEqual(published.errors);
  }, 120_000);

  it('and leaves out what Failwatch never calls: every other operation\'s schema, the modeled errors read by name alone', async () => {
    const trimmed = readFileSync(await bundle('deployed', deployed), 'utf8');
    const untrimmed = readFileSync(await bundle('published', { ...deployed, plugins: [] }), 'utf8');
    // A Route 53 operation Failwatch never calls (REST operations' schemas were all kept), and modeled errors of
    // Route 53, DynamoDB, SNS and CloudWatch that Failwatch reads by name alone.
    const unused = ['ActivateKeySigningKey', 'CidrBlockInUseException', 'BackupInUseException', 'VerificationException', 'KmsKeyNotFoundException'];
    expect(unused.filter((name) => untrimmed.includes(`"${name}"`))).toEqual(unused);
    expect(unused.filter((name) => trimmed.includes(`"${name}"`))).toEqual([]);
    expect(untrimmed.length - trimmed.length).toBeGreaterThan(50_000);
  }, 60_000);
});
