/**
 * moto, the AWS emulator written by others (Python, `pip install 'moto[server]'`), for the suites of
 * `npm run test:moto` (never `npm test`, which needs only npm):
 *
 *   let moto: MotoServer;
 *   beforeAll(async () => { moto = await startMoto(); });
 *   afterAll(() => moto.stop());
 *   beforeEach(() => moto.reset());
 *
 * or, for a suite that needs nothing more, `useMoto()` (with moto's settings: `useMoto({ lambda: { use_docker: false } })`).
 *
 * It listens on 127.0.0.1 and a port the system picks, read from what the server prints, so no other
 * process can take it in between; test/support/moto-server.py starts it, and stops it when its standard
 * input closes, so it ends with the test process however that ends. The SDK reaches it through its
 * standard AWS_ENDPOINT_URL alone, set here for the test file's process with dummy static credentials
 * and us-east-1; `stop` puts the variables back. When moto, or the cfn-lint its template validation
 * runs, is missing, the start fails saying what to install: these suites never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Forgets every resource (POST /moto-api/reset); the configuration set by `configure` stays. */
  reset(): Promise<void>;
  /** moto's own settings (POST /moto-api/config), e.g. `{ lambda: { use_docker: false } }`. */
  configure(config: Readonly<Record<string, unknown>>): Promise<void>;
  /** Stops the server and restores the environment variables `startMoto` set. */
  stop(): Promise<void>;
}

const INSTALL_HINT = "moto and cfn-lint are needed for `npm run test:moto`: install them with `pip install 'moto[server]' cfn-lint` for the python3 on the PATH";
const COMMAND = 'python3';
const STARTER = join(__dirname, 'moto-server.py');
const STARTED = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 90_000;

/** The variables the SDK reads that would send it anywhere but moto, or sign with someone's real credentials. */
const SDK_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
const SERVICE_ENDPOINT_PREFIX = 'AWS_ENDPOINT_URL_';

export async function startMoto(): Promise<MotoServer> {
  // env given explicitly: under jest, `process.env` is the test's own copy, which spawn would not see by itself.
  // stdin stays open until `stop`: the starter ends when it closes, also when this process dies.
  const server = spawn(COMMAND, [STARTER], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
  let endpoint: string;
  try {
    endpoint = await announcedEndpoint(server);
  } catch (error) {
    server.kill('SIGKILL');
    throw error;
  }
  const restoreEnvironment = pointSdkAt(endpoint);
  const api = async (path: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${endpoint}${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    if (!response.ok) throw new Error(`moto ${path} answered HTTP ${response.status}: ${await response.text()}`);
  };
  return {
    endpoint,
    reset: () => api('/moto-api/reset'),
    configure: (config) => api('/moto-api/config', config),
    async stop() {
      restoreEnvironment();
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.stdin?.end();
      await exited;
    },
  };
}

/** The hooks above, for a suite: one server for the file, every resource forgotten before each test; `config` set once started. */
export function useMoto(config?: Readonly<Record<string, unknown>>): void {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    moto = await startMoto();
    if (config !== undefined) await moto.configure(config);
  });
  afterAll(() => moto?.stop());
  beforeEach(() => moto?.reset());
}

/** The endpoint the server prints once it listens; fails with the install hint if it cannot start. */
function announcedEndpoint(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`moto printed no address within ${START_TIMEOUT_MS / 1000} s; its output:\n${output}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = STARTED.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        // Its output is no longer needed, but must keep flowing, or a full pipe would stall the server.
        server.stdout?.resume();
        server.stderr?.resume();
        resolve(match[1]);
      }
    };
    server.stdout?.on('data', read);
    server.stderr?.on('data', read);
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(new Error(error.code === 'ENOENT' ? `${COMMAND} was not found. ${INSTALL_HINT}` : `${COMMAND} could not be started (${error.message}). ${INSTALL_HINT}`)),
    );
    server.once('exit', (code, signal) => fail(new Error(`moto ended before it listened (exit ${code ?? signal}). ${INSTALL_HINT}. Its output:\n${output}`)));
  });
}

/** Sets the SDK's standard variables for moto and returns what puts the previous values back. */
function pointSdkAt(endpoint: string): () => void {
  const names = [...SDK_VARIABLES, ...Object.keys(process.env).filter((name) => name.startsWith(SERVICE_ENDPOINT_PREFIX))];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
