/** The installed command itself (package.json `bin`): a real process, its real exit codes. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

async function failwatch(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // No AWS settings at all: nothing here may need them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('FAILWATCH_')));
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin', 'failwatch.cjs'), ...argv], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('bin/failwatch.cjs', () => {
  it('is the package\'s `failwatch` command', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin).toEqual({ failwatch: 'bin/failwatch.cjs' });
  });

  it('--help: exit 0, the commands listed', async () => {
    const { code, stdout, stderr } = await failwatch('status', '--help');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage: failwatch status \[options\]/);
  });

  it('bad usage: exit 2, one line on stderr', async () => {
    expect(await failwatch('history', '--kind', 'NOPE', '--stage', 'prod')).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^failwatch: --kind "NOPE": NOPE is not a kind; use a comma-separated list of FAILOVER, .*\n$/),
    });
  });

  it('an AWS failure: exit 1, one line on stderr (here: no credentials and no region at all)', async () => {
    const { code, stdout, stderr } = await failwatch('silences', '--stage', 'prod');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^failwatch: DynamoDB failed while reading silences: .*(No AWS region|No AWS credentials)/)]);
  });
});
