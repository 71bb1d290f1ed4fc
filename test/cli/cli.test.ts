/** `failwatch silence / silences / unsilence`: what each command does (on dynalite), and the errors that say what to type instead. */
import { CliUsageError } from '../../lib/cli/command';
import { tableConnection } from '../../lib/cli/wiring';
import { createTestDocumentClient, createTestTable, startDynalite, type LocalDynamo } from '../../local/dynalite';
import { FixedClock } from '../../local/fixed-clock';
import { DynamoSilenceStore } from '../../lib/aws/dynamodb/silences';
import { cliProbe } from '../support/cli';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const NOW = new Date('2026-11-25T10:00:00.000Z');

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  client = createTestDocumentClient(dynamo.endpoint);
});

afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

async function setup() {
  const tableName = await createTestTable(dynamo.endpoint);
  const connection = tableConnection({
    where: `table ${tableName}`,
    tableName,
    deployment: async () => ({ tableName, silences: [], historyDays: 0 }),
    dynamo: () => client,
    sns: () => {
      throw new Error('no topic in this test');
    },
  });
  const store = new DynamoSilenceStore({ client, tableName });
  return { store, ...cliProbe(connection, new FixedClock(NOW)) };
}

describe('failwatch silence', () => {
  it.each([
    [['--record', 'app.example.com.', '--for', '2h', '--reason', 'DR drill'], { id: 's-00000001', record: 'app.example.com', until: '2026-11-25T12:00:00.000Z', reason: 'DR drill' }],
    [['--record', '*', '--for', '30m', '--reason', 'freeze', '--zone', 'Z0EXAMPLE12345'], { id: 's-00000001', record: '*', zoneId: 'Z0EXAMPLE12345', until: '2026-11-25T10:30:00.000Z', reason: 'freeze' }],
    [['--record', 'App.Example.com', '--for', '1d', '--reason', 'move', '--from', '2026-12-01T06:00:00Z', '--id', 'dc-move'], { id: 'dc-move', record: 'app.example.com', from: '2026-12-01T06:00:00.000Z', until: '2026-12-02T06:00:00.000Z', reason: 'move' }],
  ])('silence %j stores %j', async (argv, stored) => {
    const { store, run } = await setup();
    expect(await run('silence', ...argv)).toBe(0);
    expect(await store.listSilences(NOW)).toEqual([stored]);
  });

  it.each([
    [['--record', 'app.example.com', '--for', '2 hours', '--reason', 'x'], /--for "2 hours" is not a duration: use 30m, 2h, 1d, 90s or combined like 1h30m/],
    [['--record', 'app.example.com', '--reason', 'x'], /silence needs --for <duration> \(30m, 2h, 1d/],
    [['--record', 'app.example.com', '--for', '2h'], /silence needs --reason/],
    [['--for', '2h', '--reason', 'x'], /silence needs --record <name>/],
    [['--record', 'app example', '--for', '2h', '--reason', 'x'], /--record "app example" is not a record name/],
    [['--record', 'app.example.com', '--for', '2h', '--reason', 'x', '--zone', 'zone-1'], /--zone "zone-1" is not a hosted zone id/],
    [['--record', 'app.example.com', '--for', '2h', '--reason', 'x', '--from', 'tomorrow'], /--from "tomorrow" is not a date/],
    [['--record', 'app.example.com', '--for', '2h', '--reason', 'x', '--until', 'x'], /Unknown option '--until' \(see failwatch silence --help\)/],
    [['app.example.com', '--for', '2h', '--reason', 'x'], /silence takes no bare arguments, got "app.example.com"; give a record as --record app.example.com/],
    [['--record', 'app.example.com', '--for', '100000000d', '--reason', 'forever'], /ends past the last date a clock can show/],
  ])('silence %j is refused before anything is written: %s', async (argv, message) => {
    const { store, run } = await setup();
    await expect(run('silence', ...argv)).rejects.toThrow(CliUsageError);
    await expect(run('silence', ...argv)).rejects.toThrow(message);
    expect(await store.listSilences(NOW)).toEqual([]);
  });
});

describe('failwatch silences / unsilence', () => {
  it('lists the silences in force, and ends one early', async () => {
    const { out, run } = await setup();
    await run('silence', '--record', 'app.example.com', '--for', '2h', '--reason', 'DR drill');
    out.length = 0;
    expect(await run('silences')).toBe(0);
    expect(out).toEqual(['s-00000001  app.example.com  now -> 2026-11-25T12:00:00.000Z  DR drill']);
    expect(await run('unsilence', 's-00000001')).toBe(0);
    out.length = 0;
    await run('silences');
    expect(out).toEqual(['No silences in force or planned (configured ones are shown by failwatch status).']);
  });

  it('silences --json prints them as data', async () => {
    const { out, run } = await setup();
    await run('silence', '--record', 'app.example.com', '--for', '2h', '--reason', 'DR drill', '--id', 'drill');
    out.length = 0;
    await run('silences', '--json');
    expect(JSON.parse(out.join('\n'))).toEqual([{ id: 'drill', record: 'app.example.com', until: '2026-11-25T12:00:00.000Z', reason: 'DR drill' }]);
  });

  it('unsilence of an unknown id says so and exits 1', async () => {
    const { out, run } = await setup();
    expect(await run('unsilence', 's-nope')).toBe(1);
    expect(out).toEqual(['No silence in force with id "s-nope"; list them with: failwatch silences']);
  });

  it('unsilence without its id is a usage error', async () => {
    const { run } = await setup();
    await expect(run('unsilence')).rejects.toThrow(/failwatch unsilence takes 1 argument \(<id>\), got none/);
  });

  it('an unknown command names the commands there are', async () => {
    const { run } = await setup();
    await expect(run('mute')).rejects.toThrow(/Unknown command "mute": the commands are status, history, report, test-alert, silence, silences, unsilence/);
  });
});
