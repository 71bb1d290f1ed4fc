/**
 * The bundled functions run as `serverless invoke local --stage <stage>` runs them (serverless-esbuild's
 * bundle, serverless.yml's environment for the stage), in a child process whose environment is the test's:
 * the SDK's standard variables that test/support/moto.ts set point every client at moto.
 *
 * invoke local gives no function ARN, which a deployed function builds its topic's ARN from: a context file
 * gives the ARN Lambda would, with the time left as Lambda counts it (the function's timeout), so the stage
 * needs no topicArn setting of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules', '.bin', 'serverless');
/** The account moto answers for, as Lambda's function ARN names it. */
const MOTO_ACCOUNT = '123456789012';
/** serverless.yml's timeouts: Lambda's time left starts from them. */
const TIMEOUT_SECONDS = { poll: 60, alarm: 30 } as const;

export type BundledFunction = keyof typeof TIMEOUT_SECONDS;

export interface Invocation {
  /** What the handler returned, or the error invoke local printed (`errorType`, `errorMessage`). */
  readonly result: Record<string, unknown>;
  /** The Powertools log lines: stdout's in order, then stderr's (WARN and ERROR) in order; the metrics line left out. */
  readonly logs: readonly LogLine[];
  /** Whether invoke local exited 0 (the handler did not throw). */
  readonly succeeded: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** How long the whole command took: bundling, start and the run. */
  readonly milliseconds: number;
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface InvokeLocal {
  /** Runs `name` with `event` (written to a file for `-p`); never throws for a failed invocation, only when its output cannot be read. */
  invoke(name: BundledFunction, event: unknown): Promise<Invocation>;
  /** Removes the event and context files. */
  cleanUp(): void;
}

export function invokeLocal(stage: string): InvokeLocal {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-local-'));
  let count = 0;
  return {
    async invoke(name, event) {
      count += 1;
      const eventFile = join(dir, `event-${count}.json`);
      const contextFile = join(dir, `context-${count}.js`);
      writeFileSync(eventFile, JSON.stringify(event));
      writeFileSync(contextFile, lambdaContext(stage, name));
      const started = Date.now();
      const { code, stdout, stderr } = await run(SERVERLESS, ['invoke', 'local', '--stage', stage, '-f', name, '-p', eventFile, '--contextPath', contextFile]);
      const milliseconds = Date.now() - started;
      const values = jsonValues(stdout);
      // Powertools writes WARN and ERROR lines to stderr, the others to stdout: their order across the two is lost.
      const logs = [...values, ...jsonValues(stderr)].filter(isLogLine);
      const result = values.filter((value) => !isLogLine(value) && !('_aws' in value)).at(-1);
      if (result === undefined) throw new Error(`invoke local -f ${name} printed no result (exit ${code}):\n${stdout}\n${stderr}`);
      return { result, logs, succeeded: code === 0, stdout, stderr, milliseconds };
    },
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A CommonJS context file (invoke local `require`s a .js one): Lambda's function ARN and its clock for the time left. */
function lambdaContext(stage: string, name: BundledFunction): string {
  const functionName = `failwatch-${stage}-${name}`;
  return [
    `const endsAt = Date.now() + ${TIMEOUT_SECONDS[name] * 1000};`,
    'module.exports = {',
    `  functionName: ${JSON.stringify(functionName)},`,
    `  invokedFunctionArn: ${JSON.stringify(`arn:aws:lambda:us-east-1:${MOTO_ACCOUNT}:function:${functionName}`)},`,
    "  awsRequestId: require('node:crypto').randomUUID(),",
    '  getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),',
    '};',
    '',
  ].join('\n');
}

function run(command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // env given explicitly: under jest, process.env is the test's own copy (moto's endpoint is set there).
    execFile(command, args, { cwd: ROOT, env: { ...process.env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

function isLogLine(value: Record<string, unknown>): value is LogLine {
  return typeof value['level'] === 'string' && typeof value['message'] === 'string';
}

/**
 * The JSON objects in invoke local's output, one after another: Powertools' log lines, the metrics line and
 * the result it prints indented (after a failure, the handler's last log line follows the result on its line).
 * Braces in osls's own text, which is no JSON, are passed over.
 */
function jsonValues(text: string): Record<string, unknown>[] {
  const values: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"' && depth > 0) {
      inString = true;
    } else if (char === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        const value = parsedObject(text.slice(start, index + 1));
        if (value !== undefined) values.push(value);
      }
    }
  }
  return values;
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
