/**
 * The SDK's own warnings (a request waiting for a free socket, a response it could not read) reach the
 * log in the deployed bundles too. The SDK recognises its default no-op logger by class name, which
 * a minifier without keepNames renames; lib/aws/client-config.ts gives every client a logger that
 * passes warnings on whatever it is called, and is still a NoOpLogger, so per-call logging stays off.
 * Found in review: before that logger, the minified build dropped these warnings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { NoOpLogger } from '@smithy/core/client';
import { buildSync } from 'esbuild';
import { createRoute53Client } from '../../lib/aws/sdk-clients';

const root = join(__dirname, '..', '..');
const serverlessYml = readFileSync(join(root, 'serverless.yml'), 'utf8');
const deployedKeepNames = /^\s+keepNames: (true|false)\s*$/m.exec(serverlessYml)?.[1] === 'true';

interface ProbeResult {
  readonly usesNoOpLogger: boolean;
  readonly warnings: string[];
}

/** A bundle of the project's own Route 53 client, as serverless.yml builds it, that makes its HTTP handler check socket usage. */
async function probe(keepNames: boolean): Promise<ProbeResult> {
  const built = buildSync({
    stdin: {
      contents: `import { NoOpLogger } from '@smithy/core/client';
        import { createRoute53Client } from './lib/aws/sdk-clients';
        globalThis.probe = async () => {
          const client = createRoute53Client({ region: 'us-east-1' });
          const handler = client.config.requestHandler;
          const config = await handler.configProvider;
          const warnings = [];
          const saved = console.warn;
          console.warn = (...args) => warnings.push(args.join(' '));
          try {
            // What the SDK's NodeHttpHandler runs, with the logger it was given, when a request waits for a socket.
            const agent = { maxSockets: 50, sockets: { 'r53:443': new Array(50) }, requests: { 'r53:443': new Array(100) } };
            handler.constructor.checkSocketUsage(agent, 0, config.logger);
          } finally { console.warn = saved; }
          return { usesNoOpLogger: client.config.logger instanceof NoOpLogger, warnings };
        };`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    keepNames,
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const sandbox: Record<string, unknown> = { process, Buffer, require, console, setTimeout, clearTimeout, URL, TextEncoder, TextDecoder };
  runInNewContext(built.outputFiles[0]!.text, sandbox);
  return (sandbox['probe'] as () => Promise<ProbeResult>)();
}

describe('the SDK\'s warnings', () => {
  it('reach console.warn from a bundle built as serverless.yml builds it (keepNames off)', async () => {
    expect(deployedKeepNames).toBe(false);
    const result = await probe(deployedKeepNames);
    expect(result.warnings.join('\n')).toMatch(/socket usage at capacity=50 and 100 additional requests are enqueued/);
    expect(result.usesNoOpLogger).toBe(true);
  });

  it('and from an unminified-name build alike', async () => {
    const result = await probe(true);
    expect(result.warnings.join('\n')).toMatch(/socket usage at capacity=50/);
  });

  it('every client\'s logger is still a NoOpLogger: no per-call logging, errors not logged by the SDK', () => {
    const client = createRoute53Client({ region: 'us-east-1' });
    const logger = client.config.logger;
    expect(logger).toBeInstanceOf(NoOpLogger);
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      logger.warn('from the SDK');
      logger.error('not from the SDK');
      logger.info('not either');
      expect(spy.mock.calls).toEqual([['from the SDK']]);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      errors.mockRestore();
      client.destroy();
    }
  });
});
