/**
 * The deployed bundles' credential chain (lib/aws/lambda-credential-chain.ts): the environment, then
 * container credentials, then an error that says what to set. Container credentials come from a real
 * HTTP server on loopback, as the SDK's fromHttp allows; the SDK client test signs a real request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { defaultProvider } from '../../lib/aws/lambda-credential-chain';

const VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});
afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function setEnvironmentCredentials(keyId: string, expiration?: Date): void {
  process.env.AWS_ACCESS_KEY_ID = keyId;
  process.env.AWS_SECRET_ACCESS_KEY = `${keyId}-secret`;
  process.env.AWS_SESSION_TOKEN = `${keyId}-token`;
  if (expiration) process.env.AWS_CREDENTIAL_EXPIRATION = expiration.toISOString();
}

interface Recorded {
  readonly server: Server;
  readonly url: string;
  readonly requests: { url: string; headers: IncomingHttpHeaders }[];
}

async function listen(respond: (url: string) => { status: number; contentType: string; body: string }): Promise<Recorded> {
  const requests: Recorded['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    request.resume();
    request.on('end', () => {
      const { status, contentType, body } = respond(request.url ?? '');
      response.writeHead(status, { 'content-type': contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('the bundles\' credential chain', () => {
  it('reads the variables Lambda sets, session token and expiration included', async () => {
    const expiration = new Date(Date.now() + 3_600_000);
    setEnvironmentCredentials('AKIDLAMBDA', expiration);
    const credentials = await defaultProvider()();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDLAMBDA', secretAccessKey: 'AKIDLAMBDA-secret', sessionToken: 'AKIDLAMBDA-token' });
    expect(credentials.expiration?.toISOString()).toBe(expiration.toISOString());
  });

  it('reads them once while they are good, again when they expire within five minutes', async () => {
    setEnvironmentCredentials('AKIDFIRST');
    const lasting = defaultProvider();
    await expect(lasting()).resolves.toMatchObject({ accessKeyId: 'AKIDFIRST' });
    setEnvironmentCredentials('AKIDSECOND');
    await expect(lasting()).resolves.toMatchObject({ accessKeyId: 'AKIDFIRST' });

    setEnvironmentCredentials('AKIDEXPIRING', new Date(Date.now() + 60_000));
    const expiring = defaultProvider();
    await expect(expiring()).resolves.toMatchObject({ accessKeyId: 'AKIDEXPIRING' });
    setEnvironmentCredentials('AKIDRENEWED', new Date(Date.now() + 3_600_000));
    await expect(expiring()).resolves.toMatchObject({ accessKeyId: 'AKIDRENEWED' });
  });

  it('with nothing set, fails with what to set, and says a profile is not read', async () => {
    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment.*AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.*serverless invoke local/);
    process.env.AWS_PROFILE = 'oncall';
    await expect(defaultProvider()()).rejects.toThrow(/AWS_PROFILE \(oncall\) is set, but a bundle does not read profiles/);
  });

  it('a failed read is not remembered: credentials set afterwards are found', async () => {
    const provider = defaultProvider();
    await expect(provider()).rejects.toThrow(/No AWS credentials/);
    setEnvironmentCredentials('AKIDLATER');
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKIDLATER' });
  });

  describe('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)', () => {
    let endpoint: Recorded;
    beforeAll(async () => {
      endpoint = await listen(() => ({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ AccessKeyId: 'AKIDCONTAINER', SecretAccessKey: 'container-secret', Token: 'container-token', Expiration: new Date(Date.now() + 3_600_000).toISOString() }),
      }));
    });
    afterAll(() => close(endpoint.server));

    it('are fetched, with the authorization token, when no environment credentials are set', async () => {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${endpoint.url}/credentials`;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'container-auth';
      const before = endpoint.requests.length;
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDCONTAINER', sessionToken: 'container-token' });
      expect(endpoint.requests.slice(before)).toEqual([expect.objectContaining({ url: '/credentials', headers: expect.objectContaining({ authorization: 'container-auth' }) })]);
    });

    it('are not fetched when the environment holds credentials', async () => {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${endpoint.url}/credentials`;
      setEnvironmentCredentials('AKIDENVFIRST');
      const before = endpoint.requests.length;
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'AKIDENVFIRST' });
      expect(endpoint.requests.length).toBe(before);
    });
  });

  it('an SDK client given it as its default chain signs with the environment\'s key', async () => {
    setEnvironmentCredentials('AKIDSIGNING');
    const sns = await listen(() => ({
      status: 200,
      contentType: 'text/xml',
      body: '<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics/></ListTopicsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>',
    }));
    const client = new SNSClient({ region: 'us-east-1', endpoint: sns.url, credentialDefaultProvider: defaultProvider });
    try {
      await client.send(new ListTopicsCommand({}));
      expect(sns.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSIGNING\/\d{8}\/us-east-1\/sns\/aws4_request/);
      expect(sns.requests[0]?.headers['x-amz-security-token']).toBe('AKIDSIGNING-token');
    } finally {
      client.destroy();
      await close(sns.server);
    }
  });
});
