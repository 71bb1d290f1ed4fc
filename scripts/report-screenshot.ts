/**
 * `npx tsx scripts/report-screenshot.ts`: redraws docs/report.png, the README's picture of the report page,
 * from the sample month (local/sample-month.ts) in Debian's chromium. Offline, like the browser test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import './quiet-logs';
import { runCli } from '../lib/cli/run';
import { openChromium } from '../local/chromium';
import { harnessConnection, localCliContext } from '../local/console';
import { startHarness } from '../local/harness';
import { recordSampleMonth, SAMPLE_ENVIRONMENT, SAMPLE_MONTH, sampleAccount } from '../local/sample-month';

const OUTPUT = join(__dirname, '..', 'docs', 'report.png');

async function main(): Promise<void> {
  const world = sampleAccount();
  const harness = await startHarness(world, { environment: SAMPLE_ENVIRONMENT });
  const directory = mkdtempSync(join(tmpdir(), 'failwatch-report-'));
  try {
    await recordSampleMonth(harness, world);
    const page = join(directory, 'report.html');
    const code = await runCli(['report', '--month', SAMPLE_MONTH, '--html', page], localCliContext(harnessConnection(harness), { clock: harness.clock, print: () => undefined }));
    if (code !== 0) throw new Error(`failwatch report exited ${code}`);
    const browser = await openChromium();
    try {
      const tab = await browser.context.newPage();
      await tab.setViewportSize({ width: 1160, height: 700 });
      await tab.goto(pathToFileURL(page).href);
      await tab.screenshot({ path: OUTPUT, fullPage: true });
    } finally {
      await browser.close();
    }
    console.log(`wrote ${OUTPUT}`);
  } finally {
    await harness.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('report-screenshot failed:', error);
  process.exit(1);
});
