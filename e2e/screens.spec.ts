/**
 * The monitor's main states as a user sees them, at 1440×900 and 1024×700, light and dark (and
 * 900×700 light):
 * screenshots saved to test-results/screens/ (for people to judge), and axe-core run on each
 * state (in both colour schemes) with no violation allowed. One web host for the whole file:
 * empty first, then the dialogs, then a storm of 300 tasks and their details.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { type TaskSummary, TERMINAL_TASK_STATUSES } from '@taskdeck/contract';
import { test as base, expect, ownWebHost, type WebHostInfo } from './fixtures';
import { type HubSocket, readyHub } from './hub-socket';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

const test = base.extend<object, { host: WebHostInfo; hub: HubSocket }>({
  host: [ownWebHost, { scope: 'worker' }],
  hub: [readyHub, { scope: 'worker' }],
});
test.describe.configure({ mode: 'serial', timeout: 120_000 });

interface Look {
  width: number;
  height: number;
  scheme: 'light' | 'dark';
}
const LOOKS: readonly Look[] = [
  { width: 1440, height: 900, scheme: 'light' },
  { width: 1440, height: 900, scheme: 'dark' },
  { width: 1024, height: 700, scheme: 'light' },
  { width: 1024, height: 700, scheme: 'dark' },
  // The narrowest common desktop window: the detail takes the list's place.
  { width: 900, height: 700, scheme: 'light' },
];

/** `state` reached in every look: opened by `reach`, photographed, and checked by axe at 1440. */
async function everyLook(
  page: Page,
  host: WebHostInfo,
  testInfo: TestInfo,
  state: string,
  reach: (page: Page, look: Look) => Promise<void>,
): Promise<void> {
  for (const look of LOOKS) {
    await page.setViewportSize({ width: look.width, height: look.height });
    await page.emulateMedia({ colorScheme: look.scheme, reducedMotion: 'reduce' });
    await page.goto(host.url);
    await expect(page.getByTestId('server-status')).toHaveText(['ready', 'ready', 'ready', 'ready'], {
      timeout: 20_000,
    });
    await reach(page, look);
    await page.waitForTimeout(300);
    await page.screenshot({
      path: join(
        testInfo.project.outputDir,
        'screens',
        `${state}-${look.width}x${look.height}-${look.scheme}.png`,
      ),
    });
    if (look.width === 1440) {
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = violations.map(
        (v) => `${v.id} (${look.scheme}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      expect(found, `axe on ${state}, ${look.scheme}`).toEqual([]);
    }
  }
}

const openDialog = (button: string, testId: string) => async (page: Page) => {
  await page.getByRole('button', { name: button }).first().click();
  await expect(page.getByTestId(testId)).toBeVisible();
};

/** Opens the detail of the newest task whose row matches `text`. */
const detailOf = (text: string, status: string) => async (page: Page) => {
  const row = page.locator(`[data-testid=task-row][data-status=${status}]`).filter({ hasText: text }).first();
  // The last look's selection survived the reload: in a narrow window its detail hides the list.
  const close = page.getByRole('button', { name: 'Close task detail' });
  if (await close.isVisible()) await close.click();
  await page.getByRole('searchbox', { name: 'Search tasks' }).fill(text);
  await row.getByRole('button').first().click();
  await expect(page.getByTestId('task-detail')).toHaveAttribute('data-status', status);
  // Beside the detail, the whole list shows again (a narrow window shows the detail alone).
  const search = page.getByRole('searchbox', { name: 'Search tasks' });
  if (await search.isVisible()) await search.fill('');
};

test('empty, and each dialog', async ({ page, host }, testInfo) => {
  await everyLook(page, host, testInfo, '01-empty', async () => {
    await expect(page.getByText('No tasks yet')).toBeVisible();
  });
  await everyLook(page, host, testInfo, '02-dialog-new-task', openDialog('New task…', 'launcher'));
  await everyLook(page, host, testInfo, '03-dialog-scan-folder', async (p) => {
    await openDialog('Scan a folder…', 'folder-chooser')(p);
    await p.keyboard.type('projects');
  });
  await everyLook(page, host, testInfo, '04-dialog-shortcuts', async (p) => {
    await p.keyboard.press('?');
    await expect(p.getByTestId('shortcuts-help')).toBeVisible();
  });
});

test('a prod question, and stopping its server', async ({ page, host, hub }, testInfo) => {
  // One service per look: deploys to the same service wait for each other, and only the first asks.
  const services = ['billing', 'api-gateway', 'web-frontend', 'search-indexer'];
  await everyLook(page, host, testInfo, '05-dialog-question', async (p) => {
    await hub.start('cloud-ops', 'deploy_service', {
      serviceName: services.shift() ?? 'billing',
      version: '6.0.0',
      environment: 'prod',
    });
    await expect(p.getByTestId('input-request')).toBeVisible();
  });
  await everyLook(page, host, testInfo, '06-dialog-confirm-stop', async (p) => {
    const question = p.getByTestId('input-request');
    // Each look's reload brings the waiting questions back one by one: put them off.
    while (await question.isVisible().catch(() => false)) {
      await question.getByRole('button', { name: 'Not now' }).click();
      await p.waitForTimeout(100);
    }
    const card = p.locator('[data-testid=server][data-server="cloud-ops"]');
    await card.getByRole('button', { name: /cloud-ops/ }).click();
    await card.getByRole('button', { name: 'Stop cloud-ops' }).click();
    await expect(p.getByTestId('confirm')).toContainText('tasks are running on cloud-ops and will fail');
  });
  for (const task of await hub.call<TaskSummary[]>('hub:list-tasks'))
    if (!TERMINAL_TASK_STATUSES.has(task.status)) await hub.call('hub:cancel-task', task.id);
});

test('300 tasks, and the detail of each kind of result', async ({ page, host, hub }, testInfo) => {
  const starts: Promise<string>[] = [];
  for (let i = 0; i < 260; i++)
    starts.push(
      hub.start('analytics', 'generate_sample_data', { format: i % 4 ? 'csv' : 'json', recordCount: 20 + i }),
    );
  for (let i = 0; i < 20; i++)
    starts.push(hub.start('analytics', 'analyze_csv', { filePath: join(projectRoot, `missing-${i}.csv`) }));
  for (const query of ['cancel a task', 'grant a folder', 'progress bar', 'input required'])
    starts.push(hub.start('knowledge', 'search_documents', { query }));
  await Promise.all(starts);
  const csv = join(host.dataDir, 'samples', 'orders.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    csv,
    `id,city,amount,ordered_on\n${Array.from({ length: 5000 }, (_, i) => `${i},${['Oslo', 'Rome', 'Lisbon'][i % 3]},${(i * 37) % 1000},2026-0${1 + (i % 9)}-1${i % 10}`).join('\n')}\n`,
  );
  await hub.call('hub:grant-roots', [join(projectRoot, 'packages')]);
  await hub.start('analytics', 'analyze_csv', { filePath: csv });
  await hub.start('dev-tools', 'scan_project', { directory: join(projectRoot, 'packages') });
  for (let i = 0; i < 10; i++)
    await hub.start('cloud-ops', 'deploy_service', {
      serviceName: 'billing',
      version: `3.${i}.0`,
      environment: 'staging',
    });
  const running = async () =>
    (await hub.call<TaskSummary[]>('hub:list-tasks'))
      .filter((task) => !TERMINAL_TASK_STATUSES.has(task.status))
      .map((task) => `${task.title}: ${task.status} ${task.statusMessage ?? ''}`);
  await expect.poll(running, { timeout: 90_000 }).toEqual([]);

  await everyLook(page, host, testInfo, '07-tasks', async (p, look) => {
    await expect(p.getByTestId('task-row').first()).toBeVisible();
    // Density: a 900 px window shows 20 tasks or more.
    const list = await p.locator('[data-list]').boundingBox();
    const rows = await p
      .getByTestId('task-row')
      .evaluateAll((all) => all.map((r) => r.getBoundingClientRect()));
    const whole = rows.filter((r) => list && r.top >= list.y && r.bottom <= list.y + list.height + 1).length;
    expect(whole).toBeGreaterThanOrEqual(look.height === 900 ? 20 : 13);
  });
  await everyLook(page, host, testInfo, '08-detail-csv', detailOf('orders.csv', 'completed'));
  await everyLook(page, host, testInfo, '09-detail-scan', detailOf('Scan', 'completed'));
  await everyLook(page, host, testInfo, '10-detail-search', detailOf('cancel a task', 'completed'));
  await everyLook(page, host, testInfo, '11-detail-deploy', detailOf('Deploy billing 3.9.0', 'completed'));
  await everyLook(page, host, testInfo, '12-detail-failed', detailOf('missing-3.csv', 'failed'));
  await everyLook(
    page,
    host,
    testInfo,
    '13-detail-sample',
    detailOf('Generate sample data (csv)', 'completed'),
  );
});
