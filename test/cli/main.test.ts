/**
 * `failwatch` as a program: --help exits 0 on every command, bad usage exits 2 and AWS failures exit 1,
 * each with one line that names what to fix; `--stage` finds the stage's table by its fixed name. The SDK
 * reaches dynalite through its own endpoint variable, as it would reach AWS.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../lib/aws/dynamodb/table';
import { ConsoleReadError, StoreError } from '../../lib/errors';
import { COMMANDS } from '../../lib/cli/commands';
import { explainFailure, exitCodeFor } from '../../lib/cli/failures';
import { main } from '../../lib/cli/main';
import { createTestClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { listenOnLoopback } from '../../local/stand-ins/http';
import { createServer } from 'node:http';

let dynamo: LocalDynamo;
let closedPort: string;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  dynamo = await startDynalite();
  // A port that refuses connections: stands for an AWS endpoint that cannot be reached.
  const server = await listenOnLoopback(createServer());
  closedPort = server.endpoint;
  await server.stop();
  const environment = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_LAMBDA: closedPort };
  for (const [key, value] of Object.entries(environment)) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
});

afterAll(async () => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await dynamo.stop();
});

async function failwatch(argv: readonly string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, env);
  return { code, out: out.join('\n'), err };
}

describe('--help', () => {
  it.each(COMMANDS.map((command) => command.name))('failwatch %s --help exits 0 with its usage, whatever else the line holds', async (name) => {
    for (const argv of [[name, '--help'], [name, '--no-such-option', '-h'], ['help', name]]) {
      const { code, out, err } = await failwatch(argv);
      expect([argv, code, err]).toEqual([argv, 0, []]);
      expect(out).toMatch(new RegExp(`^Usage: failwatch ${name} `));
      expect(out).toContain('--stage <name>');
    }
  });

  it('every read command offers --json; the others do not', async () => {
    for (const command of COMMANDS) expect([command.name, (await failwatch([command.name, '--help'])).out.includes('--json')]).toEqual([command.name, command.reads]);
  });

  it.each([[[]], [['--help']], [['help']]])('failwatch %j lists the commands and exits 0', async (argv) => {
    const { code, out } = await failwatch(argv);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: failwatch <command>/);
    for (const command of COMMANDS) expect(out).toContain(`  ${command.name} `);
  });
});

describe('bad usage exits 2 with one line naming what to fix', () => {
  it.each([
    [['mute'], 'failwatch: Unknown command "mute": the commands are status, history, report, test-alert, silence, silences, unsilence, doctor, dead-letters, alarms (see failwatch --help)'],
    [['status', '--bogus'], "failwatch: failwatch status: Unknown option '--bogus' (see failwatch status --help)"],
    [['status', '--stage'], "failwatch: failwatch status: Option '--stage <value>' argument missing (see failwatch status --help)"],
    [['status'], 'failwatch: Say which deployment: --stage <name> (such as --stage prod), or set FAILWATCH_TABLE (for a local run, source .local-aws.env after npm run local-aws); see failwatch --help'],
    [['status', '--stage', 'prod/eu'], 'failwatch: --stage "prod/eu" is not a stage name: letters, digits and -, such as prod'],
    [['history', '--since', 'a month'], 'failwatch: --since "a month" is not a duration: use 30m, 2h, 1d, 90s or combined like 1h30m'],
    [['report', '--month', '2026-13'], 'failwatch: --month "2026-13" is not a month: write it as 2026-11'],
    [['silence', 'app.example.com', '--for', '2h', '--reason', 'x'], 'failwatch: failwatch silence takes no bare arguments, got "app.example.com"; give a record as --record app.example.com (see failwatch silence --help)'],
    [['doctor'], "failwatch: failwatch doctor needs --stage <name> (such as --stage prod): it reads the deployed stage's functions, alarms and queue by their names"],
    [['doctor', '--stage', 'prod', '--sweep-interval', 'often'], 'failwatch: --sweep-interval "often" is not a duration: use 30m, 2h, 1d, 90s or combined like 1h30m'],
    [['doctor', '--stage', 'prod', '--sweep-interval', '30s'], 'failwatch: --sweep-interval 30s is shorter than a minute: EventBridge schedules poll every minute at most'],
    [['doctor', '--stage', 'prod', 'now'], 'failwatch: failwatch doctor takes no bare arguments, got "now" (see failwatch doctor --help)'],
    [['dead-letters', '--stage', 'prod'], 'failwatch: failwatch dead-letters takes 1 argument (<list|replay>), got none (see failwatch dead-letters --help)'],
    [['dead-letters', 'purge', '--stage', 'prod'], 'failwatch: failwatch dead-letters "purge": say dead-letters list or dead-letters replay (see failwatch dead-letters --help)'],
    [['dead-letters', 'list'], "failwatch: failwatch dead-letters needs --stage <name> (such as --stage prod): it reads the deployed stage's functions, alarms and queue by their names"],
    [['dead-letters', 'list', '--stage', 'prod', '--only', 'abc'], 'failwatch: --only is for dead-letters replay; list shows every letter (use --max to see fewer)'],
    [['dead-letters', 'replay', '--stage', 'prod', '--max', '0'], 'failwatch: --max "0" is not a count: give a whole number from 1 to 10000'],
    [['dead-letters', 'replay', '--stage', 'prod', '--only', ' , '], 'failwatch: --only " , " names no message id: give one or more, separated by commas'],
    [['alarms', 'delete', '--stage', 'prod'], 'failwatch: failwatch alarms "delete": say alarms list or alarms remove (see failwatch alarms --help)'],
    [['alarms', 'remove', '--stage', 'prod'], 'failwatch: alarms remove needs either --all or --alarm <names> (alarm names or health check ids, comma-separated)'],
    [['alarms', 'remove', '--stage', 'prod', '--all', '--alarm', 'x'], 'failwatch: alarms remove needs either --all or --alarm <names> (alarm names or health check ids, comma-separated)'],
    [['alarms', 'list', '--stage', 'prod', '--all'], 'failwatch: --alarm and --all are for alarms remove; alarms list shows every managed alarm'],
    [['alarms', 'list', '--stage', 'prod', '--prefix', 'a b'], 'failwatch: --prefix "a b" is not an alarm prefix: 1-200 letters, digits or _.- such as failwatch-prod'],
    [['alarms', 'list', '--stage', 'prod/eu'], 'failwatch: --stage "prod/eu" is not a stage name: letters, digits and -, such as prod'],
  ])('failwatch %j', async (argv, message) => {
    expect(await failwatch(argv)).toEqual({ code: 2, out: '', err: [message] });
  });

  it('a malformed setting in the environment is bad usage too, named', async () => {
    const { code, err } = await failwatch(['status'], { FAILWATCH_TABLE: 't', FAILWATCH_SILENCES: 'not json' });
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^failwatch: Invalid configuration: FAILWATCH_SILENCES must be a JSON array/)]);
  });
});

describe('AWS failures exit 1 with one line naming what to check', () => {
  it('the table does not exist: check --stage and --region', async () => {
    const { code, out, err } = await failwatch(['status'], { FAILWATCH_TABLE: 'failwatch-gone-history' });
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toEqual([
      'failwatch: Table failwatch-gone-history does not exist in this account and region: check the stage and the region (a stage keeps its pairs in failwatch-<stage>-history)',
    ]);
  });

  it('--stage finds the stage\'s table by its fixed name; configured silences it cannot read are a warning, and exit 1', async () => {
    const client = createTestClient(dynamo.endpoint);
    await client.send(new CreateTableCommand(tableDefinition('failwatch-cli1-history')));
    client.destroy();
    const { code, out, err } = await failwatch(['status', '--stage', 'cli1', '--region', 'us-east-1']);
    expect(out).toBe('0 pairs in stage cli1 (table failwatch-cli1-history, us-east-1): 0 on primary, 0 on secondary, 0 all unhealthy, 0 unknown; 0 notifications pending.');
    expect(err).toEqual([expect.stringMatching(/^failwatch: configured silences could not be read, so they are not shown: ConsoleReadError: lambda:GetFunctionConfiguration on function failwatch-cli1-(poll|slack) failed /)]);
    expect(code).toBe(1);
  });

  it('a table that exists answers: exit 0', async () => {
    const tableName = await createTestTable(dynamo.endpoint);
    expect(await failwatch(['history', '--json'], { FAILWATCH_TABLE: tableName })).toEqual({ code: 0, out: '[]', err: [] });
  });
});

describe('explaining a failure', () => {
  const sdk = (name: string, message: string, httpStatusCode?: number) => Object.assign(new Error(message), { name, $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });
  it.each([
    [sdk('CredentialsProviderError', 'Could not load credentials from any providers'), /No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/],
    [sdk('Error', 'Region is missing'), /No AWS region: give --region or set AWS_REGION$/],
    [sdk('AccessDeniedException', 'User is not authorized to perform: dynamodb:Scan', 400), /These credentials are not allowed to: docs\/cli.md lists the IAM actions the CLI needs$/],
    [sdk('TimeoutError', 'socket hang up'), /No answer from AWS \(TimeoutError: socket hang up\): check --region and the network$/],
  ])('%s', (cause, hint) => {
    const error = new StoreError('DynamoDB failed while listing the pairs in table t', true, { cause });
    expect(exitCodeFor(error)).toBe(1);
    expect(explainFailure(error)).toMatch(hint);
  });

  it('a failure that carries its own advice is printed as it is, on one line', () => {
    expect(explainFailure(new ConsoleReadError('AWS refused lambda:GetFunctionConfiguration on function failwatch-x-poll (AccessDeniedException: no): grant lambda:GetFunctionConfiguration to the identity running the command', false))).toBe(
      'AWS refused lambda:GetFunctionConfiguration on function failwatch-x-poll (AccessDeniedException: no): grant lambda:GetFunctionConfiguration to the identity running the command',
    );
  });

  it('an error that is not Failwatch\'s own is called unexpected, and exits 1', () => {
    const error = new TypeError('x is undefined\n    at somewhere');
    expect([exitCodeFor(error), explainFailure(error)]).toEqual([1, 'unexpected error (please report it): TypeError: x is undefined at somewhere']);
  });
});
