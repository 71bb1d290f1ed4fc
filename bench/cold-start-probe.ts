/**
 * Runs in a fresh Node process per measurement: `node [flags] probe.cjs <module> <event.json>`, with
 * the flags and NODE_OPTIONS a deployed function runs with (bench/cold-start.ts), as the Lambda runtime does.
 * Loads a function's module, then invokes its handler until the handler's first outbound HTTP request:
 * by then the module is loaded, the configuration read and every SDK client built, the first command
 * serialized and signed. That request is never sent: the probe prints its timings and exits.
 * Times are from `performance.now()`, whose origin is the process's start.
 */
import { readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const bootMs = performance.now();
const [modulePath, eventPath] = process.argv.slice(2);
if (modulePath === undefined || eventPath === undefined) throw new Error('usage: probe <module> <event.json>');
const event: unknown = JSON.parse(readFileSync(eventPath, 'utf8'));
let loadedAt = Number.NaN;

function report(outcome: Record<string, unknown>, code: number): never {
  writeSync(1, `${JSON.stringify({ bootMs, loadMs: loadedAt - bootMs, ...outcome })}\n`);
  process.exit(code);
}

function intercept(...args: unknown[]): never {
  const options = args.find((arg): arg is { hostname?: string; host?: string; path?: string } => typeof arg === 'object' && arg !== null && !(arg instanceof URL));
  const url = args.find((arg): arg is URL | string => arg instanceof URL || typeof arg === 'string');
  const where = url !== undefined ? String(url) : `${options?.hostname ?? options?.host ?? '?'}${options?.path ?? ''}`;
  const initMs = performance.now() - loadedAt;
  const rssMb = process.memoryUsage().rss / (1024 * 1024);
  report({ initMs, totalMs: performance.now() - bootMs, rssMb, firstRequest: where, modules: Object.keys(require.cache).length }, 0);
}

for (const module of [http, https] as { request: unknown; get: unknown }[]) {
  module.request = intercept;
  module.get = intercept;
}
setTimeout(() => report({ error: 'no outbound request within 20 s' }, 2), 20_000).unref();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the measurement is of exactly this require.
const loaded = require(modulePath) as { handler: (event: unknown) => Promise<unknown> };
loadedAt = performance.now();
loaded.handler(event).then(
  () => report({ error: 'the handler finished without an outbound request' }, 3),
  (error: unknown) => report({ error: `the handler failed before any outbound request: ${String(error)}` }, 4),
);
// Keep the process alive while the handler works towards its first request.
setInterval(() => undefined, 1_000);
