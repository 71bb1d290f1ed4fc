/**
 * moto, the AWS emulator (`pip install "moto[server]"`), as a server on 127.0.0.1 for the emulator tests
 * (test/emulator, `npm run test:emulator`): started on a free port, stopped with the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { listenOnLoopback } from './stand-ins/http';

export interface RunningMoto {
  /** `http://127.0.0.1:<port>`: give it as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<RunningMoto> {
  // A free port: taken, then given back for moto to listen on.
  const probe = await listenOnLoopback(createServer());
  const port = new URL(probe.endpoint).port;
  await probe.stop();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', port], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt >= 200 || child.exitCode !== null) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint} (is it installed? pip install "moto[server]")`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}
