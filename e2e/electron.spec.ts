import { launchElectron, electronSkipReason as skipReason } from './electron-app';
import { expect, test } from './fixtures';

// biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern as the first argument.
test('Electron window: title, typed bridge, no Node globals', async ({}, testInfo) => {
  if (skipReason !== undefined) {
    // Printed as well: the list reporter does not show skip reasons.
    console.log(skipReason);
    test.skip(true, skipReason);
    return;
  }
  const launched = await launchElectron();
  try {
    const page = await launched.app.firstWindow();
    await expect(page).toHaveTitle('Taskdeck');
    expect(await page.evaluate(() => typeof (globalThis as { taskdeck?: unknown }).taskdeck)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const info = await page.evaluate(() =>
      (globalThis as { taskdeck?: { appInfo(): Promise<unknown> } }).taskdeck?.appInfo(),
    );
    expect(info).toMatchObject({ host: 'electron' });
    await expect(page.getByTestId('server').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('electron.png') });
  } finally {
    await launched.close();
  }
});
