/** The pieces every HTTP stand-in shares: a server on 127.0.0.1, a body reader, seeded latency. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** mulberry32: a small seeded generator, so two runs draw the same latencies. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function latencySource(range: LatencyRange, seed: number): () => Promise<void> {
  const random = seededRandom(seed);
  return () => {
    const ms = range.minMs + random() * (range.maxMs - range.minMs);
    return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
  };
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function invocationIdOf(request: IncomingMessage): string | undefined {
  const id = request.headers['amz-sdk-invocation-id'];
  return typeof id === 'string' ? id : undefined;
}

/** The region a signed request is for: SigV4's credential scope, `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
export function regionOf(request: IncomingMessage, fallback = 'us-east-1'): string {
  const authorization = String(request.headers['authorization'] ?? '');
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization)?.[1] ?? fallback;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function listenOnLoopback(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets of the children's SDK clients would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startHttpServer(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<RunningServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  return listenOnLoopback(server);
}
