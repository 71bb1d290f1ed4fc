/**
 * Debian's chromium, driven through playwright-core for the report page's browser test and its screenshot:
 * headless, in a fresh profile, with everything that would reach the network on its own turned off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where `apt-get install chromium` puts it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] as const;

export interface OpenBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function openChromium(): Promise<OpenBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'failwatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
