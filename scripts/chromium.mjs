// Which Chromium the Playwright suite runs: Debian's package where it is installed, else the one
// `npx playwright install chromium` downloads. When neither is there, the message says what is
// missing and how to get it (instead of Playwright's "Executable doesn't exist" in every test).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Chromium from the system's packages (Debian's `chromium`, Ubuntu's `chromium-browser`). */
export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const HOW_TO_GET_CHROMIUM =
  'The end-to-end tests need Chromium. Install it with `sudo apt-get install -y chromium` (Debian, Ubuntu), ' +
  'or with `npx playwright install chromium` where the Playwright download host is reachable.';

/**
 * @typedef {{ found: true, path: string, source: 'system' | 'playwright' } | { found: false, reason: string }} Chromium
 */

/**
 * @param {{ root: string, system?: readonly string[], exists?: (path: string) => boolean }} options
 * @returns {Chromium}
 */
export function findChromium({ root, system = SYSTEM_CHROMIUM, exists = existsSync }) {
  const installed = system.find((path) => exists(path));
  if (installed) return { found: true, path: installed, source: 'system' };
  let downloaded;
  try {
    const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
    downloaded = chromium.executablePath();
  } catch {
    // playwright-core missing or unable to say: same as no download.
  }
  if (downloaded && exists(downloaded)) return { found: true, path: downloaded, source: 'playwright' };
  return {
    found: false,
    reason: `No Chromium found (looked for ${[...system, downloaded ?? "Playwright's own download"].join(', ')}). ${HOW_TO_GET_CHROMIUM}`,
  };
}
