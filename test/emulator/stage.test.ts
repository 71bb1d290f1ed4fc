/**
 * `--stage` against a deployed stage, emulated by moto: the table, topic and poll function by the names the
 * stack gives them (failwatch-<stage>-...), the configured silences and history retention read from the
 * poll function's configuration (GetFunctionConfiguration), the topic's ARN built from the function's, as the
 * function builds it. Every client finds moto through the SDK's own AWS_ENDPOINT_URL.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { createDynamoDocumentClient, tableDefinition } from '../../lib/aws/dynamodb/table';
import { main } from '../../lib/cli/main';
import { stageResources } from '../../lib/cli/stage';
import { startMoto, type RunningMoto } from '../../local/moto';

const STAGE = 'emu';
const NAMES = stageResources(STAGE);
const CONFIGURED = { id: 'freeze', record: '*', until: '2099-01-01T00:00:00Z', reason: 'change freeze' };
const PAIR = { zoneId: 'Z0EMULATED0001', name: 'app.example.com.', type: 'A' };
const CLIENT = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

let moto: RunningMoto;
const saved = new Map<string, string | undefined>();

async function failwatch(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, {});
  return { code, out: out.join('\n'), err };
}

beforeAll(async () => {
  moto = await startMoto();
  for (const [key, value] of Object.entries({ AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: undefined, FAILWATCH_TABLE: undefined })) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const config = { ...CLIENT, endpoint: moto.endpoint };
  const dynamo = new DynamoDBClient(config);
  await dynamo.send(new CreateTableCommand(tableDefinition(NAMES.table)));
  dynamo.destroy();
  const sns = new SNSClient(config);
  await sns.send(new CreateTopicCommand({ Name: NAMES.topic }));
  sns.destroy();
  const iam = new IAMClient(config);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: NAMES.functions.poll, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  iam.destroy();
  const lambda = new LambdaClient(config);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: NAMES.functions.poll,
      Runtime: 'nodejs20.x',
      Role: Role!.Arn!,
      Handler: 'poll.handler',
      // An empty zip: the code is never run, only its configuration read.
      Code: { ZipFile: Buffer.from('504b0506000000000000000000000000000000000000', 'hex') },
      Environment: { Variables: { FAILWATCH_TABLE: NAMES.table, FAILWATCH_TOPIC_NAME: NAMES.topic, FAILWATCH_SILENCES: JSON.stringify([CONFIGURED]), FAILWATCH_HISTORY_DAYS: '30' } },
    }),
  );
  lambda.destroy();
  // One pair, as a sweep records it.
  const client = createDynamoDocumentClient({ ...config });
  const at = '2026-11-25T08:00:00.000Z';
  const state = { pairId: PAIR, serving: 'PRIMARY' as const, secondaryVerdict: 'HEALTHY' as const, servingSince: at, secondarySince: at, sequence: 0, lastObservedAt: at };
  await new DynamoStateStore({ client, tableName: NAMES.table, historyDays: 30 }).record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
  client.destroy();
});

afterAll(async () => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await moto?.stop();
});

describe('--stage on a deployed stage (moto)', () => {
  it('status reads the stage\'s table and shows the silences configured in its poll function', async () => {
    const { code, out, err } = await failwatch('status', '--stage', STAGE, '--region', 'us-east-1', '--json');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const [pair] = JSON.parse(out).pairs;
    expect(pair).toMatchObject({ pair: 'app.example.com A', serving: 'PRIMARY', silences: [{ id: 'freeze', reason: 'change freeze', source: 'configuration' }] });
  });

  it('test-alert publishes to the stage\'s topic (its ARN built from the function\'s) and history shows it', async () => {
    const { code, out, err } = await failwatch('test-alert', '--stage', STAGE, '--region', 'us-east-1', '--record', 'app.example.com', '--as', 'FAILBACK');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toMatch(/^Sent test alert t-[0-9a-f]{8} \(FAILBACK, info\) for app\.example\.com A: SNS message \S+\./);
    const history = await failwatch('history', '--stage', STAGE, '--region', 'us-east-1', '--kind', 'TEST', '--json');
    expect(JSON.parse(history.out)).toEqual([expect.objectContaining({ type: 'TEST', kind: 'FAILBACK', pair: 'app.example.com A' })]);
  });

  it('a stage that is not deployed: exit 1, saying to check --stage and --region', async () => {
    const { code, err } = await failwatch('status', '--stage', 'nostage', '--region', 'us-east-1');
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^failwatch: DynamoDB failed while listing the pairs in table failwatch-nostage-history: ResourceNotFoundException: .* check --stage and --region$/)]);
  });

  it('test-alert on a stage whose poll function does not exist says what to check, and exits 1', async () => {
    const { code, err } = await failwatch('test-alert', '--stage', 'nostage', '--region', 'us-east-1');
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^failwatch: Could not read the configuration of failwatch-nostage-poll: function failwatch-nostage-poll does not exist here: is the stage deployed in this account and region\? \(check --stage and --region\)/)]);
  });
});
