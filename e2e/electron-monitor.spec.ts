import { test as base } from '@playwright/test';
import { makeCsv } from './csv';
import { csvWriter, electronSkipReason, type LaunchedApp, launchElectron } from './electron-app';
import { electronDriver, type MonitorDriver } from './monitor-driver';
import { defineMonitorScenarios } from './scenarios';

// The same scenarios as monitor.spec.ts, in the Electron window (native pickers answered by the test).
const test = base.extend<{ monitor: MonitorDriver }, { electronApp: LaunchedApp }>({
  electronApp: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern as the first argument.
    async ({}, use) => {
      const launched = await launchElectron();
      try {
        await use(launched);
      } finally {
        await launched.close();
      }
    },
    { scope: 'worker' },
  ],
  monitor: async ({ electronApp }, use) => {
    const page = await electronApp.app.firstWindow();
    await page.getByTestId('server').first().waitFor();
    await use(electronDriver(electronApp.app, page, csvWriter(electronApp.dataDir, makeCsv)));
  },
});

if (electronSkipReason !== undefined) {
  // Printed as well: the list reporter does not show skip reasons.
  console.log(`Electron monitor specs skipped: ${electronSkipReason}`);
}
test.skip(electronSkipReason !== undefined, electronSkipReason);
test.describe.configure({ timeout: 90_000 });

defineMonitorScenarios(test, 'Electron');
