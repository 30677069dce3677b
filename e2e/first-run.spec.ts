/**
 * What a first-time user trips on (issue 12), each through the web host on a hub of its own:
 * the prod question, dialog focus, the empty state's buttons, the app's own sample data, one
 * modal at a time, stopping a busy server, rows that say what they are, batched toasts, the
 * keyboard, and a refused file that says how to grant it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { test as base, expect, ownWebHost, type WebHostInfo } from './fixtures';
import { type HubSocket, readyHub } from './hub-socket';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../out/cli/taskdeck.js', import.meta.url));

/** A hub of its own per test: what one test starts never shows in another's list. */
const test = base.extend<{ host: WebHostInfo; hub: HubSocket }>({ host: ownWebHost, hub: readyHub });
test.describe.configure({ timeout: 60_000 });

async function open(page: Page, host: WebHostInfo, width = 1440, height = 900): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.goto(host.url);
  await expect(page.getByTestId('server-status')).toHaveText(['ready', 'ready', 'ready', 'ready'], {
    timeout: 20_000,
  });
}

const row = (page: Page, title: string) => page.getByTestId('task-row').filter({ hasText: title });

async function launch(page: Page, server: string, tool: string, fields: Record<string, string>) {
  await page.getByRole('button', { name: 'New task…' }).first().click();
  const launcher = page.getByTestId('launcher');
  await launcher.getByLabel('Server').selectOption(server);
  await launcher.getByLabel('Tool').selectOption({ value: tool });
  for (const [label, value] of Object.entries(fields)) {
    const field = launcher.getByLabel(label);
    if ((await field.evaluate((element) => element.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await launcher.getByRole('button', { name: 'Run' }).click();
  await expect(launcher).toBeHidden();
}

function taskdeck(args: string[], dataDir: string) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, TASKDECK_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

test('1. the prod question: Not now keeps the deploy waiting on its row, the safe choice looks safe, Accept deploys', async ({
  page,
  host,
}) => {
  await open(page, host);
  await launch(page, 'cloud-ops', 'deploy_service', {
    'Service name': 'billing',
    Version: '5.0.0',
    Environment: 'prod',
  });
  const question = page.getByTestId('input-request');
  await expect(question).toContainText('Deploy billing 5.0.0 to production?');
  // Decline is the safe answer: not styled as a danger; Accept is the primary action.
  const decline = question.getByRole('button', { name: 'Decline' });
  expect(await decline.evaluate((b) => getComputedStyle(b).color)).not.toMatch(
    /rgb\(1[89]\d, \d{1,2}, \d{1,2}\)/,
  );
  await expect(question.getByRole('button', { name: 'Accept' })).toHaveClass(/bg-sky-600/);
  // Nothing to tick: accepting is the confirmation, and Enter lands on the safe "Not now".
  await expect(question.getByRole('checkbox')).toHaveCount(0);
  await expect(question.getByRole('button', { name: 'Not now' })).toBeFocused();

  // Esc is "not now": the deploy keeps waiting for the answer on its row.
  await page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  const deploy = row(page, 'Deploy billing 5.0.0 → prod');
  await expect(deploy).toHaveAttribute('data-status', 'input_required');
  await expect(deploy.getByTestId('task-message')).toContainText('Needs your answer');
  // So is a click outside the dialog.
  await deploy.getByRole('button', { name: /^Answer/ }).click();
  await expect(question).toBeVisible();
  await page.mouse.click(8, 8);
  await expect(question).toBeHidden();
  await page.waitForTimeout(500);
  await expect(deploy).toHaveAttribute('data-status', 'input_required');

  await deploy.getByRole('button', { name: /^Answer/ }).click();
  await question.getByRole('button', { name: 'Accept' }).click();
  await expect(deploy).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
});

test('2. a dialog focuses its first field, gives the focus back when it closes, and Cancel on a row keeps it in the list', async ({
  page,
  host,
}) => {
  await open(page, host);
  const newTask = page.getByRole('button', { name: 'New task…' }).first();
  await newTask.click();
  await expect(page.getByTestId('launcher').getByLabel('Server')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(newTask).toBeFocused();

  // Typing goes into the folder chooser's field, and Enter scans.
  await page.getByRole('button', { name: 'Scan a folder…' }).first().click();
  const path = page.getByTestId('folder-chooser').getByLabel('Folder path on the machine running Taskdeck');
  await expect(path).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(`${projectRoot}node_modules`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-chooser')).toBeHidden();
  const scan = page.getByTestId('task-row').filter({ hasText: 'Scan' });
  await expect(scan).toHaveAttribute('data-status', 'working');

  await scan.getByRole('button', { name: /^Cancel/ }).click();
  await expect(scan).toHaveAttribute('data-status', 'cancelled');
  await expect(page.locator('[data-list]')).toBeFocused();
});

test("3. the empty state's Profile a CSV… opens the browser's file chooser and profiles the file", async ({
  page,
  host,
}) => {
  await open(page, host);
  await expect(page.getByText('No tasks yet')).toBeVisible();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('app').getByRole('main').getByRole('button', { name: 'Profile a CSV…' }).click();
  await (await chooser).setFiles({
    name: 'orders.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('id,city\n1,Oslo\n2,Rome\n3,Oslo\n'),
  });
  const detail = page.getByTestId('task-detail');
  await expect(detail.getByTestId('detail-title')).toHaveText('Profile orders.csv');
  await expect(detail).toHaveAttribute('data-status', 'completed');
  await expect(detail.getByTestId('csv-profile')).toContainText('3 rows × 2 columns');
});

test('4. the sample data the app generates can be profiled in one click', async ({ page, host }) => {
  await open(page, host);
  await launch(page, 'analytics', 'generate_sample_data', { Format: 'csv', 'Record count': '500' });
  const detail = page.getByTestId('task-detail');
  await expect(detail).toHaveAttribute('data-status', 'completed');
  await detail.getByRole('button', { name: 'Profile this file' }).click();
  await expect(detail.getByTestId('detail-title')).toHaveText(/^Profile sample-500-seed\d+\.csv$/);
  await expect(detail).toHaveAttribute('data-status', 'completed');
  await expect(detail.getByTestId('csv-profile')).toContainText('500 rows');
  // The Granted list names the folder the servers may always read.
  await expect(page.getByTestId('granted')).toContainText("Taskdeck's samples");
});

test('5. a question waits behind an open dialog: one modal at a time', async ({ page, host, hub }) => {
  await open(page, host);
  await page.getByRole('button', { name: 'New task…' }).first().click();
  const launcher = page.getByTestId('launcher');
  await expect(launcher).toBeVisible();
  // Another client starts a prod deploy while the launcher is open.
  const id = await hub.start('cloud-ops', 'deploy_service', {
    serviceName: 'billing',
    version: '5.1.0',
    environment: 'prod',
  });
  const deploy = page.locator(`[data-testid=task-row][data-task-id="${id}"]`);
  await expect(deploy).toHaveAttribute('data-status', 'input_required');
  await expect(deploy.getByTestId('task-message')).toContainText('Needs your answer');
  await expect(page.locator('dialog[open]')).toHaveCount(1);
  await expect(page.getByTestId('input-request')).toHaveCount(0);
  // The launcher closes: now the question comes.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('input-request')).toContainText('Deploy billing 5.1.0 to production?');
  await expect(page.locator('dialog[open]')).toHaveCount(1);
});

test('6. stopping a server with a running task asks first, and says what will fail', async ({
  page,
  host,
  hub,
}) => {
  await open(page, host);
  const id = await hub.start('cloud-ops', 'deploy_service', {
    serviceName: 'billing',
    version: '5.2.0',
    environment: 'prod',
  });
  const question = page.getByTestId('input-request');
  await expect(question).toBeVisible();
  await question.getByRole('button', { name: 'Not now' }).click();
  const card = page.locator('[data-testid=server][data-server="cloud-ops"]');
  await card.getByRole('button', { name: /cloud-ops/ }).click();
  await card.getByRole('button', { name: 'Stop cloud-ops' }).click();
  const confirm = page.getByTestId('confirm');
  await expect(confirm).toContainText('1 task is running on cloud-ops and will fail.');
  await expect(confirm.getByRole('button', { name: 'Keep running' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Keep running' }).click();
  await expect(card.getByTestId('server-status')).toHaveText('ready');
  const deploy = page.locator(`[data-testid=task-row][data-task-id="${id}"]`);
  await expect(deploy).toHaveAttribute('data-status', 'input_required');

  await card.getByRole('button', { name: 'Stop cloud-ops' }).click();
  await confirm.getByRole('button', { name: 'Stop cloud-ops' }).click();
  await expect(card.getByTestId('server-status')).toHaveText('stopped');
  await expect(deploy).toHaveAttribute('data-status', 'failed');
});

test('7. rows say what they are and when they started, and the search matches their arguments', async ({
  page,
  host,
  hub,
}) => {
  await open(page, host);
  const csv = join(host.dataDir, 'samples', 'orders.csv');
  writeFileSync(csv, 'id,amount\n1,10\n2,20\n');
  await hub.start('cloud-ops', 'deploy_service', {
    serviceName: 'billing',
    version: '3.1.0',
    environment: 'staging',
  });
  await hub.start('analytics', 'analyze_csv', { filePath: csv });
  await hub.start('knowledge', 'search_documents', { query: 'cancel a task' });
  await expect(row(page, 'Deploy billing 3.1.0 → staging')).toHaveAttribute('data-status', 'completed', {
    timeout: 20_000,
  });
  await expect(row(page, 'Profile orders.csv')).toHaveAttribute('data-status', 'completed');
  await expect(row(page, 'Search ‘cancel a task’')).toHaveAttribute('data-status', 'completed');
  for (const title of await page.getByTestId('task-title').allTextContents()) expect(title).not.toMatch(/_/); // no tool ids
  await expect(page.getByTestId('task-started').first()).toHaveText(/^\d{1,2}:\d{2}/);
  const height = (await page.getByTestId('task-row').first().boundingBox())?.height ?? 0;
  expect(height).toBeGreaterThanOrEqual(36);
  expect(height).toBeLessThanOrEqual(44);
  // (40 px: 20 rows fit under the header and the filters of a 900 px window.)

  const search = page.getByRole('searchbox', { name: 'Search tasks' });
  await search.fill('orders.csv');
  await expect(page.getByTestId('task-title')).toHaveText(['Profile orders.csv']);
  await search.fill('staging');
  await expect(page.getByTestId('task-title')).toHaveText(['Deploy billing 3.1.0 → staging']);
});

test('9. task endings come as one toast, beside the list; a failure stays; the task in view gets none', async ({
  page,
  host,
  hub,
}) => {
  await open(page, host);
  // A prod deploy waits for its answer: the task in view.
  const watched = await hub.start('cloud-ops', 'deploy_service', {
    serviceName: 'billing',
    version: '5.3.0',
    environment: 'prod',
  });
  await page.getByTestId('input-request').getByRole('button', { name: 'Not now' }).click();
  await page.locator(`[data-testid=task-row][data-task-id="${watched}"]`).getByRole('button').first().click();
  await expect(page.getByTestId('task-detail')).toBeVisible();

  await Promise.all([
    ...Array.from({ length: 12 }, (_, i) =>
      hub.start('analytics', 'generate_sample_data', { format: 'csv', recordCount: 10 + i }),
    ),
    hub.start('analytics', 'analyze_csv', { filePath: join(projectRoot, 'package.json') }),
    hub.call('hub:cancel-task', watched),
  ]);
  const toasts = page.getByTestId('toast');
  await expect(toasts).toHaveCount(1, { timeout: 20_000 });
  await expect(toasts).toHaveText(/12 finished, 1 failed/);
  await expect(toasts).toHaveAttribute('data-kind', 'error');
  // Beside the list, under the servers: not over the list's controls or the open detail.
  const toast = await toasts.boundingBox();
  const list = await page.getByRole('main').boundingBox();
  expect(toast && list && toast.x + toast.width <= list.x).toBe(true);
  // A failure stays past the time other toasts go by themselves.
  await page.waitForTimeout(7000);
  await expect(toasts).toHaveCount(1);
  await toasts.getByRole('button', { name: 'Show failed tasks' }).click();
  await expect(page.getByRole('combobox', { name: 'Filter by status' })).toHaveValue('failed');
  await expect(toasts).toHaveCount(0);
});

test('11. the keyboard: new task, next and previous, search, cancel with confirmation, help; the view survives a reload', async ({
  page,
  host,
  hub,
}) => {
  await open(page, host, 1440, 700);
  for (let i = 0; i < 40; i++)
    await hub.start('analytics', 'generate_sample_data', { format: 'csv', recordCount: 10 + i });
  const waiting = await hub.start('cloud-ops', 'deploy_service', {
    serviceName: 'billing',
    version: '5.4.0',
    environment: 'prod',
  });
  await page.getByTestId('input-request').getByRole('button', { name: 'Not now' }).click();
  await expect(page.locator('[data-testid=task-row][data-status=completed]')).not.toHaveCount(0);

  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts-help');
  await expect(help).toContainText('Cancel the selected task');
  await page.keyboard.press('Escape');
  await page.keyboard.press('n');
  await expect(page.getByTestId('launcher')).toBeVisible();
  await page.keyboard.press('Escape');

  // j selects the first task in the list; j and k move from the selected one.
  const rows = page.getByTestId('task-row');
  const selectedRow = page.locator('[data-testid=task-row]:has([aria-current])');
  await page.keyboard.press('j');
  await expect(selectedRow).toHaveAttribute(
    'data-task-id',
    (await rows.first().getAttribute('data-task-id')) ?? '',
  );
  const detail = page.getByTestId('task-detail');
  const deployRow = page.locator(`[data-testid=task-row][data-task-id="${waiting}"]`);
  await deployRow.getByRole('button').first().click();
  await expect(detail).toHaveAttribute('data-status', 'input_required');
  const below = await rows
    .nth(
      (await rows.evaluateAll(
        (all, id) => all.findIndex((r) => r.getAttribute('data-task-id') === id),
        waiting,
      )) + 1,
    )
    .getAttribute('data-task-id');
  await page.keyboard.press('j');
  await expect(selectedRow).toHaveAttribute('data-task-id', below ?? '');
  await expect(detail).toHaveAttribute('data-status', 'completed');
  await page.keyboard.press('k');
  await expect(detail).toHaveAttribute('data-status', 'input_required');
  // x asks before it cancels.
  await page.keyboard.press('x');
  const confirm = page.getByTestId('confirm');
  await expect(confirm).toContainText('Deploy billing 5.4.0 → prod');
  await confirm.getByRole('button', { name: 'Cancel task' }).click();
  await expect(page.locator(`[data-testid=task-row][data-task-id="${waiting}"]`)).toHaveAttribute(
    'data-status',
    'cancelled',
  );

  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search tasks' });
  await expect(search).toBeFocused();
  await search.fill('Generate');
  await page.getByRole('combobox', { name: 'Filter by status' }).selectOption('completed');
  await page.locator('[data-testid=task-row]').nth(3).getByRole('button').first().click();
  const selected = await detail.getByTestId('detail-title').textContent();
  const list = page.locator('[data-list]');
  await list.evaluate((element) => {
    element.scrollTop = 400;
  });
  await page.waitForTimeout(600);
  await page.reload();
  await expect(search).toHaveValue('Generate');
  await expect(page.getByRole('combobox', { name: 'Filter by status' })).toHaveValue('completed');
  await expect(detail.getByTestId('detail-title')).toHaveText(selected ?? '');
  await expect.poll(() => list.evaluate((element) => element.scrollTop)).toBe(400);
});

test('13. the folder chooser names the one folder a scan grants; Granted then lists exactly it, and its neighbours stay shut', async ({
  page,
  host,
}) => {
  await open(page, host);
  const parent = mkdtempSync(join(tmpdir(), 'taskdeck-scan-grant-'));
  try {
    const app = join(parent, 'app');
    const neighbour = join(parent, 'other', 'data.csv');
    mkdirSync(app);
    mkdirSync(join(parent, 'other'));
    writeFileSync(join(app, 'main.ts'), '// entry\nexport const answer = 42;\n');
    writeFileSync(neighbour, 'id,city\n1,Oslo\n');

    await page.getByRole('button', { name: 'Scan a folder…' }).first().click();
    const chooser = page.getByTestId('folder-chooser');
    await chooser.getByLabel('Folder path on the machine running Taskdeck').fill(app);
    await expect(chooser.getByTestId('grant-note')).toContainText(
      `Scanning lets the servers read ${app} and nothing else`,
    );
    await expect(chooser.getByRole('alert')).toHaveCount(0);
    await page.keyboard.press('Enter');

    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText(`Scan ${app}`);
    await expect(detail).toHaveAttribute('data-status', 'completed');
    const granted = page.getByTestId('granted');
    await expect(granted.locator(`li[title="${app}"]`)).toHaveCount(1);
    await expect(granted.locator(`li[title="${parent}"]`)).toHaveCount(0);

    await launch(page, 'analytics', 'analyze_csv', { 'File path': neighbour });
    await expect(detail).toHaveAttribute('data-status', 'failed');
    await expect(detail.getByRole('alert')).toContainText(
      `Access denied: ${neighbour} is outside the folders`,
    );
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('14. a file outside the grants is refused with how to grant it; taskdeck grant lets it in, revoke shuts it out', async ({
  page,
  host,
}) => {
  await open(page, host);
  const folder = mkdtempSync(join(tmpdir(), 'taskdeck-grant-'));
  try {
    const file = join(folder, 'data.csv');
    writeFileSync(file, 'id,city\n1,Oslo\n');
    const profile = async (expected: string) => {
      await launch(page, 'analytics', 'analyze_csv', { 'File path': file });
      await expect(page.getByTestId('task-detail')).toHaveAttribute('data-status', expected);
    };
    await profile('failed');
    const detail = page.getByTestId('task-detail');
    await expect(detail.getByRole('alert')).toContainText(`Access denied: ${file} is outside the folders`);
    await expect(detail.getByRole('alert')).toContainText(
      'drop the file on the window or use "Scan a folder…"',
    );
    await expect(detail.getByRole('alert')).toContainText(`in a terminal, run: taskdeck grant ${file}`);
    // The error shows once, not again as the result.
    await expect(detail.getByText('Access denied').filter({ visible: true })).toHaveCount(1);

    expect(taskdeck(['grant', file], host.dataDir)).toMatchObject({ code: 0 });
    await expect(page.getByTestId('granted')).toContainText(file);
    await profile('completed');
    expect(taskdeck(['revoke', file], host.dataDir)).toMatchObject({ code: 0 });
    await expect(page.getByTestId('granted')).not.toContainText(file);
    await profile('failed');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
