import { test as base, expect } from './fixtures';
import { type MonitorDriver, webDriver } from './monitor-driver';
import { defineMonitorScenarios } from './scenarios';

const test = base.extend<{ monitor: MonitorDriver }>({
  monitor: async ({ page, webHost }, use) => {
    // Whatever a scenario does, the page must not log errors (CSP violations, bad events, React).
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(webHost.url);
    await page.getByTestId('server').first().waitFor();
    await use(webDriver(page));
    expect(problems).toEqual([]);
  },
});
test.describe.configure({ timeout: 90_000 });

defineMonitorScenarios(test, 'web host');
