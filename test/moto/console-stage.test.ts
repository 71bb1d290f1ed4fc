/**
 * `failwatch status`, `history` and `test-alert` with `--stage`, on a stage as its stack leaves it, made in
 * moto: the table found by its fixed name, the configured silences and the topic read from the poll
 * function's configuration (the topic's ARN built from the function's, as the function builds it). Every
 * client finds moto through the SDK's own AWS_ENDPOINT_URL (test/support/moto.ts).
 */
import { DynamoStateStore } from '../../lib/aws/dynamodb/state-store';
import { createDynamoDocumentClient } from '../../lib/aws/dynamodb/table';
import { main } from '../../lib/cli/main';
import { startMoto, type MotoServer } from '../support/moto';
import { createStageOnMoto, type MotoStage } from '../support/moto-stage';

const STAGE = 'emu';
const CONFIGURED = { id: 'freeze', record: '*', until: '2099-01-01T00:00:00Z', reason: 'change freeze' };
const PAIR = { zoneId: 'Z0EMULATED0001', name: 'app.example.com.', type: 'A' };

let moto: MotoServer;
let stage: MotoStage;

async function failwatch(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  // No FAILWATCH_* variables: --stage alone names the deployment.
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, {});
  return { code, out: out.join('\n'), err };
}

beforeAll(async () => {
  moto = await startMoto();
  stage = await createStageOnMoto(STAGE, { silences: JSON.stringify([CONFIGURED]) });
  // One pair, as a sweep records it.
  const client = createDynamoDocumentClient();
  const at = '2026-11-25T08:00:00.000Z';
  const state = { pairId: PAIR, serving: 'PRIMARY' as const, secondaryVerdict: 'HEALTHY' as const, servingSince: at, secondarySince: at, sequence: 0, lastObservedAt: at };
  await new DynamoStateStore({ client, tableName: stage.tableName, historyDays: 30 }).record({ expected: undefined, next: state, transitions: [], expectedRevision: undefined });
  client.destroy();
});

afterAll(() => moto.stop());

describe('--stage on a deployed stage (moto)', () => {
  it('status reads the stage\'s table and shows the silences configured in its poll function', async () => {
    const { code, out, err } = await failwatch('status', '--stage', STAGE, '--region', 'us-east-1', '--json');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const [pair] = JSON.parse(out).pairs;
    expect(pair).toMatchObject({ pair: 'app.example.com A', serving: 'PRIMARY', silences: [{ id: 'freeze', reason: 'change freeze', source: 'configuration' }] });
  });

  it('test-alert publishes to the stage\'s topic and history shows it as a test', async () => {
    const { code, out, err } = await failwatch('test-alert', '--stage', STAGE, '--region', 'us-east-1', '--record', 'app.example.com', '--as', 'FAILBACK');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toMatch(/^Sent test alert t-[0-9a-f]{8} \(FAILBACK, info\) for app\.example\.com A: SNS message \S+\./);
    const history = await failwatch('history', '--stage', STAGE, '--region', 'us-east-1', '--kind', 'TEST', '--json');
    expect(JSON.parse(history.out)).toEqual([expect.objectContaining({ type: 'TEST', kind: 'FAILBACK', pair: 'app.example.com A' })]);
  });

  it('a stage that is not deployed: exit 1, saying to check the stage and the region', async () => {
    const { code, err } = await failwatch('status', '--stage', 'nostage', '--region', 'us-east-1');
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^failwatch: Table failwatch-nostage-history does not exist in this account and region: check the stage and the region/)]);
  });

  it('test-alert on a stage whose poll function does not exist says so, and exits 2 (a wrong --stage)', async () => {
    const { code, err } = await failwatch('test-alert', '--stage', 'nostage', '--region', 'us-east-1');
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^failwatch: Stage "nostage" is not deployed in us-east-1: there is no function failwatch-nostage-poll/)]);
  });
});
