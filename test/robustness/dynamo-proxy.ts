/**
 * A tiny HTTP proxy on 127.0.0.1 in front of dynalite that misbehaves on the requests a test picks, the
 * way DynamoDB and the network do: an HTTP 400 ProvisionedThroughputExceededException, a connection
 * reset before the request arrives, or one reset after DynamoDB applied it (the answer is lost).
 * The SDK's retry middleware sees real HTTP answers, so what is proven is the client as deployed.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAction = 'FORWARD' | 'THROTTLE' | 'RESET_BEFORE' | 'RESET_AFTER';

export interface ProxiedRequest {
  /** `PutItem`, `UpdateItem`, ... from the X-Amz-Target header. */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  /** The SDK's `amz-sdk-request` header: `attempt=2; max=3` on a retry. */
  readonly attempt: string | undefined;
  readonly action: ProxyAction;
}

export interface DynamoProxy {
  readonly endpoint: string;
  /** Where to forward: dynalite's endpoint (set once the harness has started it). */
  target: string | undefined;
  /** Decides each request's fate; FORWARD when unset. */
  plan: ((operation: string, body: Record<string, unknown>) => ProxyAction) | undefined;
  readonly requests: ProxiedRequest[];
  stop(): Promise<void>;
}

const THROTTLED_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
});

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forward(target: string, request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(`${target}${request.url ?? '/'}`, { method: request.method, headers: request.headers }, (answer) => {
      readBody(answer).then((data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }), reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startDynamoProxy(): Promise<DynamoProxy> {
  const proxy: DynamoProxy = {
    endpoint: '',
    target: undefined,
    plan: undefined,
    requests: [],
    stop: async () => undefined,
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const raw = await readBody(request);
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const action = proxy.plan?.(operation, body) ?? 'FORWARD';
    proxy.requests.push({ operation, body, attempt: request.headers['amz-sdk-request'] as string | undefined, action });
    if (action === 'THROTTLE') {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(THROTTLED_BODY);
      return;
    }
    if (action === 'RESET_BEFORE') {
      request.socket.destroy();
      return;
    }
    if (proxy.target === undefined) throw new Error('the DynamoDB proxy has no target yet');
    const answer = await forward(proxy.target, request, raw);
    if (action === 'RESET_AFTER') {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, answer.headers).end(answer.body);
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
