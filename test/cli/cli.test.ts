/** `npm run failwatch -- ...`: what each command does, and the errors that say what to type instead. */
import type { Silence } from '../../lib/domain/silences';
import { CliUsageError, runCli } from '../../lib/cli/cli';
import type { SilenceStore } from '../../lib/ports';
import { FixedClock } from '../../local/fixed-clock';

class InMemorySilenceStore implements SilenceStore {
  readonly silences: Silence[] = [];
  async listSilences(now: Date): Promise<readonly Silence[]> {
    return this.silences.filter((s) => Date.parse(s.until) > now.getTime());
  }
  async addSilence(silence: Silence): Promise<void> {
    this.silences.push(silence);
  }
  async endSilence(id: string, now: Date): Promise<boolean> {
    const index = this.silences.findIndex((s) => s.id === id && Date.parse(s.until) > now.getTime());
    if (index < 0) return false;
    this.silences[index] = { ...this.silences[index]!, until: now.toISOString() };
    return true;
  }
}

const NOW = new Date('2026-11-25T10:00:00.000Z');

function setup() {
  const store = new InMemorySilenceStore();
  const printed: string[] = [];
  const run = (...argv: string[]) => runCli(argv, { silences: store, clock: new FixedClock(NOW), newId: () => 's-0001', print: (line) => printed.push(line) });
  return { store, printed, run };
}

describe('failwatch silence', () => {
  it.each([
    [['app.example.com.', '--for', '2h', '--reason', 'DR drill'], { id: 's-0001', record: 'app.example.com', until: '2026-11-25T12:00:00.000Z', reason: 'DR drill' }],
    [['*', '--for', '30m', '--reason', 'freeze', '--zone', 'Z0EXAMPLE12345'], { id: 's-0001', record: '*', zoneId: 'Z0EXAMPLE12345', until: '2026-11-25T10:30:00.000Z', reason: 'freeze' }],
    [['App.Example.com', '--for', '1d', '--reason', 'move', '--from', '2026-12-01T06:00:00Z', '--id', 'dc-move'], { id: 'dc-move', record: 'app.example.com', from: '2026-12-01T06:00:00.000Z', until: '2026-12-02T06:00:00.000Z', reason: 'move' }],
  ])('silence %j stores %j', async (argv, stored) => {
    const { store, run } = setup();
    expect(await run('silence', ...argv)).toBe(0);
    expect(store.silences).toEqual([stored]);
  });

  it.each([
    [['app.example.com', '--for', '2 hours', '--reason', 'x'], /--for "2 hours" is not a duration: use 30m, 2h, 1d, 90s or combined like 1h30m/],
    [['app.example.com', '--reason', 'x'], /silence needs --for <duration> \(30m, 2h, 1d/],
    [['app.example.com', '--for', '2h'], /silence needs --reason/],
    [['app example', '--for', '2h', '--reason', 'x'], /"app example" is not a record name/],
    [['app.example.com', '--for', '2h', '--reason', 'x', '--zone', 'zone-1'], /--zone "zone-1" is not a hosted zone id/],
    [['app.example.com', '--for', '2h', '--reason', 'x', '--from', 'tomorrow'], /--from "tomorrow" is not a date/],
    [['app.example.com', '--for', '2h', '--reason', 'x', '--until', 'x'], /Unknown option '--until'/],
    [['--for', '2h', '--reason', 'x'], /silence takes 1 argument, got 0/],
  ])('silence %j is refused: %s', async (argv, message) => {
    const { store, run } = setup();
    await expect(run('silence', ...argv)).rejects.toThrow(CliUsageError);
    await expect(run('silence', ...argv)).rejects.toThrow(message);
    expect(store.silences).toEqual([]);
  });
});

describe('failwatch silences / unsilence', () => {
  it('lists the silences in force, and ends one early', async () => {
    const { printed, run } = setup();
    await run('silence', 'app.example.com', '--for', '2h', '--reason', 'DR drill');
    printed.length = 0;
    expect(await run('silences')).toBe(0);
    expect(printed).toEqual(['s-0001  app.example.com  now -> 2026-11-25T12:00:00.000Z  DR drill']);
    expect(await run('unsilence', 's-0001')).toBe(0);
    printed.length = 0;
    await run('silences');
    expect(printed).toEqual(['No silences in force or planned (configured FAILWATCH_SILENCES are not listed here).']);
  });

  it('unsilence of an unknown id says so and exits 1', async () => {
    const { printed, run } = setup();
    expect(await run('unsilence', 's-nope')).toBe(1);
    expect(printed).toEqual(['No silence in force with id "s-nope"; list them with: npm run failwatch -- silences']);
  });

  it('an unknown command shows the usage', async () => {
    await expect(setup().run('mute')).rejects.toThrow(/Unknown command "mute"[\s\S]*Usage: npm run failwatch -- <command>/);
  });
});
