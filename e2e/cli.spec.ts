/**
 * The CLI and the app together: with the web host running on a data dir, `taskdeck call` on
 * the same data dir runs its task in that hub, so the page shows it live (its logs too), a
 * Ctrl-C in the terminal cancels it there, and `taskdeck tasks` lists it.
 */
import { expect, test } from '@playwright/test';
import { runCli } from '../apps/cli/test/cli-process';
import { launchWebHost } from './fixtures';

test('a task started with taskdeck call shows live in the running web host, and Ctrl-C cancels it there', async ({
  page,
}) => {
  test.setTimeout(90_000);
  // Real durations: 30 instances of 1.5 s each, long enough to watch and to cancel.
  const host = await launchWebHost('1');
  try {
    await page.goto(host.info.url);
    await page.getByTestId('server').first().waitFor();
    const call = runCli(
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
      { dataDir: host.info.dataDir },
    );
    const row = page.getByTestId('task-row').filter({ hasText: 'scale_service' });
    await expect(row).toHaveAttribute('data-status', 'working', { timeout: 20_000 });
    // Its logs reach the open detail pane as events, line by line while it runs.
    await row.getByRole('button').first().click();
    const logs = page.getByTestId('task-logs').locator(':scope > *');
    await expect(logs.first()).toBeVisible({ timeout: 20_000 });
    const seen = await logs.count();
    await expect.poll(() => logs.count(), { timeout: 20_000 }).toBeGreaterThan(seen);
    call.child.kill('SIGINT');
    expect(await call.exited).toBe(130);
    expect(call.stderr()).toContain('Cancelling…');
    await expect(row).toHaveAttribute('data-status', 'cancelled');
    const tasks = runCli(['tasks'], { dataDir: host.info.dataDir });
    expect(await tasks.exited).toBe(0);
    expect(tasks.stdout()).toMatch(/cancelled .* cloud-ops\/scale_service/);
  } finally {
    await host.stop();
  }
});
