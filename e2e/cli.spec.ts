/**
 * The CLI and the app together: with the web host running on a data dir, `taskdeck call` on
 * the same data dir runs its task in that hub, so the page shows it live (its logs too), a
 * Ctrl-C in the terminal cancels it there, and `taskdeck tasks` lists it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { launchWebHost } from './fixtures';

const CLI = fileURLToPath(new URL('../out/cli/taskdeck.js', import.meta.url));

function cli(args: string[], dataDir: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, TASKDECK_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return Object.assign(child, { output: () => output });
}

test('a task started with taskdeck call shows live in the running web host, and Ctrl-C cancels it there', async ({
  page,
}) => {
  test.setTimeout(90_000);
  // Real durations: 30 instances of 1.5 s each, long enough to watch and to cancel.
  const host = await launchWebHost('1');
  try {
    await page.goto(host.info.url);
    await page.getByTestId('server').first().waitFor();
    const call = cli(
      [
        'call',
        'cloud-ops',
        'scale_service',
        '--arg',
        'serviceName=billing',
        '--arg',
        'environment=staging',
        '--arg',
        'targetInstances=32',
      ],
      host.info.dataDir,
    );
    const row = page.getByTestId('task-row').filter({ hasText: 'Scale billing → staging' });
    await expect(row).toHaveAttribute('data-status', 'working', { timeout: 20_000 });
    // Its logs reach the open detail pane as events, line by line while it runs.
    await row.getByRole('button').first().click();
    const logs = page.getByTestId('task-logs').locator(':scope > *');
    await expect(logs.first()).toBeVisible({ timeout: 20_000 });
    const seen = await logs.count();
    await expect.poll(() => logs.count(), { timeout: 20_000 }).toBeGreaterThan(seen);
    call.kill('SIGINT');
    const [code] = (await once(call, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(call.output()).toContain('Cancelling…');
    await expect(row).toHaveAttribute('data-status', 'cancelled');
    const tasks = spawnSync(process.execPath, [CLI, 'tasks'], {
      env: { PATH: process.env.PATH, TASKDECK_DATA_DIR: host.info.dataDir },
      encoding: 'utf8',
    });
    expect(tasks.status).toBe(0);
    expect(tasks.stdout).toMatch(/cancelled .* cloud-ops\/scale_service/);
  } finally {
    await host.stop();
  }
});
