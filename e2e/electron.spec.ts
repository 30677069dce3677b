import { fileURLToPath } from 'node:url';
import { _electron as electron } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { expect, test } from './fixtures';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary(projectRoot);
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

const skipReason = binary.found
  ? headlessLinux
    ? 'no display: run under xvfb-run to test the Electron window'
    : undefined
  : `Electron binary not installed (${binary.reason})`;

// biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern as the first argument.
test('Electron window: title, typed bridge, no Node globals', async ({}, testInfo) => {
  if (skipReason !== undefined || !binary.found) {
    // Printed as well: the list reporter does not show skip reasons.
    console.log(skipReason);
    test.skip(true, skipReason);
    return;
  }
  const rootUser = process.getuid?.() === 0;
  const app = await electron.launch({
    executablePath: binary.path,
    args: [...(rootUser ? ['--no-sandbox'] : []), projectRoot],
    cwd: projectRoot,
  });
  try {
    const page = await app.firstWindow();
    await expect(page).toHaveTitle('Taskdeck');
    expect(await page.evaluate(() => typeof (globalThis as { taskdeck?: unknown }).taskdeck)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    await expect(page.getByTestId('host')).toContainText('Electron, Taskdeck');
    await page.screenshot({ path: testInfo.outputPath('electron.png') });
  } finally {
    await app.close();
  }
});
