/**
 * The monitor's end-to-end scenarios, written once against a MonitorDriver and run on the
 * web host (monitor.spec.ts) and in Electron (electron-monitor.spec.ts). Everything runs on
 * the real hub and the real bundled servers.
 */
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo, TestType } from '@playwright/test';
import { expect } from '@playwright/test';
import type { MonitorDriver } from './monitor-driver';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

type Values = [now: number | null, max: number | null, state: string | undefined][];

/** Records every distinct value the detail pane's progress bar shows (installed before the action). */
async function recordDetailProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Values = [];
    (window as unknown as { __progress: Values }).__progress = seen;
    const read = () => {
      const bar = document.querySelector<HTMLElement>('[data-testid=task-detail] [role=progressbar]');
      if (!bar) return;
      const now = bar.getAttribute('aria-valuenow');
      const max = bar.getAttribute('aria-valuemax');
      const entry: Values[number] = [
        now === null ? null : Number(now),
        max === null ? null : Number(max),
        bar.dataset.state,
      ];
      const last = seen.at(-1);
      if (!last || last[0] !== entry[0] || last[2] !== entry[2]) seen.push(entry);
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

const progressSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __progress: Values }).__progress);

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

async function openLauncher(page: Page, server: string, tool: string) {
  await page.getByRole('button', { name: 'New task…' }).first().click();
  const launcher = page.getByTestId('launcher');
  await expect(launcher).toBeVisible();
  await launcher.getByLabel('Server').selectOption(server);
  await launcher.getByLabel('Tool').selectOption({ value: tool });
  return launcher;
}

async function startDeploy(page: Page, version: string) {
  const launcher = await openLauncher(page, 'cloud-ops', 'deploy_service');
  await launcher.getByLabel('Service name').fill('billing');
  await launcher.getByLabel('Version').fill(version);
  await launcher.getByLabel('Environment').selectOption('prod');
  await launcher.getByRole('button', { name: 'Run' }).click();
  await expect(launcher).toBeHidden();
  const question = page.getByTestId('input-request');
  await expect(question).toContainText(`Deploy billing ${version} to production?`);
  return question;
}

/** Defines the scenarios under `title` (the host), so that reports tell the two runs apart. */
export function defineMonitorScenarios<T extends { monitor: MonitorDriver }>(
  test: TestType<T, object>,
  title: string,
): void {
  test.describe(title, () => defineScenarios(test));
}

function defineScenarios<T extends { monitor: MonitorDriver }>(test: TestType<T, object>): void {
  test('drop a CSV: the progress bar moves and the profile appears', async ({ monitor }, testInfo) => {
    const { page } = monitor;
    await recordDetailProgress(page);
    await monitor.profileCsv(600_000, 'sales.csv');
    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText('Profile sales.csv');
    await expect(detail).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
    const profile = detail.getByTestId('csv-profile');
    await expect(profile).toContainText('600,000 rows × 6 columns');
    await expect(profile.getByTestId('column-card')).toHaveCount(6);
    await expect(
      profile.getByTestId('column-card').filter({ hasText: 'amount' }).getByTestId('histogram'),
    ).toBeVisible();
    await expect(profile.getByTestId('column-card').filter({ hasText: 'city' })).toContainText('Berlin');
    const seen = await progressSeen(page);
    const partial = seen.filter(
      ([now, max, state]) => state === 'determinate' && now !== null && max !== null && now > 0 && now < max,
    );
    expect(partial.length, `progress values seen: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    await expect(detail.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    await shot(page, testInfo, 'csv-profile');
  });

  test('scan a folder and cancel it: status cancelled, the bar stops', async ({ monitor }, testInfo) => {
    const { page } = monitor;
    await monitor.scanFolder(`${projectRoot}node_modules`);
    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText(/^Scan .*node_modules$/);
    await expect(detail.getByTestId('detail-message')).toContainText(/Walking|Counting/);
    await shot(page, testInfo, 'scan-running');
    await detail.getByRole('button', { name: 'Cancel' }).click();
    await expect(detail).toHaveAttribute('data-status', 'cancelled');
    const bar = detail.getByRole('progressbar');
    await expect(bar).not.toHaveAttribute('data-state', 'indeterminate');
    const stopped = await bar.getAttribute('aria-valuenow');
    await page.waitForTimeout(1000);
    expect(await bar.getAttribute('aria-valuenow')).toBe(stopped);
    await expect(detail.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    const row = page
      .locator(`[data-testid=task-row][data-status=cancelled]`)
      .filter({ hasText: /Scan .*node_modules/ });
    await expect(row.first()).toBeVisible();
    await shot(page, testInfo, 'scan-cancelled');
  });

  test('deploy to prod: accept it, decline it, or put it off and cancel it', async ({
    monitor,
  }, testInfo) => {
    const { page } = monitor;
    const question = await startDeploy(page, '3.0.0');
    await shot(page, testInfo, 'deploy-confirmation');
    await question.getByRole('button', { name: 'Accept' }).click();
    await expect(question).toBeHidden();
    const detail = page.getByTestId('task-detail');
    await expect(detail).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
    await expect(detail.getByTestId('deploy-outcome')).toHaveText('succeeded');
    await expect(detail.getByTestId('deploy-result')).toContainText('→ 3.0.0');
    expect(await detail.getByTestId('deploy-step').count()).toBeGreaterThan(3);
    await shot(page, testInfo, 'deploy-result');

    const declined = await startDeploy(page, '3.0.1');
    await declined.getByRole('button', { name: 'Decline' }).click();
    await expect(declined).toBeHidden();
    await expect(detail).toHaveAttribute('data-status', 'cancelled');
    await expect(detail).toContainText('declined');

    // Esc puts the question off: the deploy waits until it is answered or cancelled on purpose.
    const later = await startDeploy(page, '3.0.2');
    await page.keyboard.press('Escape');
    await expect(later).toBeHidden();
    await expect(detail).toHaveAttribute('data-status', 'input_required');
    await detail.getByRole('button', { name: 'Cancel' }).click();
    await expect(detail).toHaveAttribute('data-status', 'cancelled');
  });

  test('launch a tool from its generated form, fixing validation errors first', async ({
    monitor,
  }, testInfo) => {
    const { page } = monitor;
    const before = await page.getByTestId('task-count').textContent();
    const launcher = await openLauncher(page, 'analytics', 'generate_sample_data');
    const count = launcher.getByLabel('Record count');
    await count.fill('0');
    await launcher.getByRole('button', { name: 'Run' }).click();
    await expect(launcher.getByTestId('field-error')).toHaveText(['Required', 'Must be at least 1']);
    await expect(count).toHaveAttribute('aria-invalid', 'true');
    await shot(page, testInfo, 'launcher-validation');
    await expect(page.getByTestId('task-count')).toHaveText(before ?? '');

    await launcher.getByLabel('Format').selectOption('csv');
    await count.fill('1500');
    await count.press('Enter');
    await expect(launcher).toBeHidden();
    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText('Generate sample data (csv)');
    await expect(detail).toHaveAttribute('data-status', 'completed');
    await expect(detail.getByTestId('task-arguments')).toContainText('1500');
    await expect(detail.getByTestId('sample-data')).toContainText('1,500 records');
  });

  test('a killed server shows its crash, comes back, and restarts on demand', async ({
    monitor,
  }, testInfo) => {
    const { page } = monitor;
    const card = page.locator('[data-testid=server][data-server="cloud-ops"]');
    await expect(card.getByTestId('server-status')).toHaveText('ready');
    const pid = Number(await card.getAttribute('data-pid'));
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await expect(
      card.getByTestId('server-error').or(card.getByTestId('server-last-crash')).first(),
    ).toContainText('killed by SIGKILL');
    await expect(card.getByTestId('server-status')).toHaveText('ready');
    await expect(card).toContainText('1 restart');
    await expect(card.getByTestId('server-last-crash')).toContainText('killed by SIGKILL');
    const restartedPid = Number(await card.getAttribute('data-pid'));
    expect(restartedPid).not.toBe(pid);
    await card.getByText(/^Error output/).click();
    await expect(card.getByTestId('server-stderr')).toContainText('killed by SIGKILL');
    await shot(page, testInfo, 'server-crashed-and-back');

    await card.getByRole('button', { name: 'Restart cloud-ops' }).click();
    await expect(card.getByTestId('server-status')).toHaveText('ready');
    await expect.poll(async () => Number(await card.getAttribute('data-pid'))).not.toBe(restartedPid);
  });
}
