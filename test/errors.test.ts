/**
 * Error names survive minification: the deployed bundles are minified without esbuild's keepNames,
 * and Lambda reports `error.name`, `serverless invoke local` the class's own name.
 */
import { runInNewContext } from 'node:vm';
import { buildSync } from 'esbuild';
import * as cli from '../lib/cli/command';
import * as errors from '../lib/errors';

type ErrorClass = abstract new (...args: never[]) => Error;

const isErrorClass = (value: unknown): value is ErrorClass => typeof value === 'function' && value.prototype instanceof Error;
const exportedErrorClasses = (module: Record<string, unknown>): [string, ErrorClass][] =>
  Object.entries(module).filter((entry): entry is [string, ErrorClass] => isErrorClass(entry[1]));

const failwatchErrorClasses = [...exportedErrorClasses(errors), ...exportedErrorClasses(cli).filter(([, errorClass]) => errorClass.prototype instanceof errors.FailwatchError)];

describe('error class names', () => {
  it('finds the error classes to check', () => {
    expect(failwatchErrorClasses.map(([name]) => name)).toEqual(
      expect.arrayContaining(['FailwatchError', 'InvalidEventError', 'ConfigurationError', 'StaleStateError', 'StoreError', 'HealthSourceError', 'NotifierError', 'AlarmManagerError', 'CliUsageError']),
    );
  });

  it.each(failwatchErrorClasses)('%s names itself, on the class and on its prototype', (exportName, errorClass) => {
    expect(Object.getOwnPropertyDescriptor(errorClass, 'name')?.value).toBe(exportName);
    expect(Object.getOwnPropertyDescriptor(errorClass.prototype, 'name')?.value).toBe(exportName);
  });

  it('an instance carries its class name, the user-input stack included', () => {
    const error = new errors.ConfigurationError('FAILWATCH_TABLE is required');
    expect(error.name).toBe('ConfigurationError');
    expect(error.stack).toBe('ConfigurationError: FAILWATCH_TABLE is required');
    expect(errors.describeError(new errors.StoreError('table gone', false))).toBe('StoreError: table gone');
    expect(new errors.StaleStateError('Z1/app.example.com', 'version 3').name).toBe('StaleStateError');
  });

  it('a caller may still rename an instance', () => {
    const error = new errors.NotifierError('down', true);
    error.name = 'Renamed';
    expect(error.name).toBe('Renamed');
    expect(new errors.NotifierError('down', true).name).toBe('NotifierError');
  });

  it('the names survive a minified build without keepNames, as the deployed bundles are built', () => {
    const built = buildSync({
      stdin: {
        contents: `import * as errors from './lib/errors'; import { CliUsageError } from './lib/cli/command';
          const all = { ...errors, CliUsageError };
          globalThis.report = Object.entries(all).filter(([, c]) => typeof c === 'function' && c.prototype instanceof Error)
            .map(([key, c]) => [key, c.name, new c('m', false).name]);`,
        resolveDir: `${__dirname}/..`,
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      keepNames: false,
      platform: 'node',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const sandbox: Record<string, unknown> & { report?: [string, string, string][] } = { process, Buffer, require, console };
    runInNewContext(built.outputFiles[0]!.text, sandbox);
    const report = sandbox.report ?? [];
    expect(report.length).toBeGreaterThanOrEqual(9);
    for (const [key, className, instanceName] of report) expect([key, className, instanceName]).toEqual([key, key, key]);
  });
});
