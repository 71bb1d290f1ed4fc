/** `silence --for` a window ending past the last representable date is a usage error, not a crash. */
import { CliUsageError, runCli } from '../../lib/cli/cli';
import { FixedClock } from '../../local/fixed-clock';

describe('silence --for beyond any date', () => {
  it('is refused with a CliUsageError, not a RangeError', async () => {
    const added: unknown[] = [];
    const run = runCli(['silence', 'app.example.com', '--for', '100000000d', '--reason', 'forever'], {
      silences: { listSilences: async () => [], addSilence: async (s) => void added.push(s), endSilence: async () => false },
      clock: new FixedClock(new Date('2026-11-25T10:00:00.000Z')),
      newId: () => 's-0001',
      print: () => undefined,
    });
    await expect(run).rejects.toBeInstanceOf(CliUsageError);
    expect(added).toEqual([]);
  });
});
