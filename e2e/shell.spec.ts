import { request } from 'node:http';
import { expect, test } from './fixtures';

function statusWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the web host serves the UI with the token', async ({ page, webHost }, testInfo) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const response = await page.goto(webHost.url);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Taskdeck');
  await expect(page.getByRole('heading', { name: 'Taskdeck' })).toBeVisible();
  // The monitor talks to the real hub over the socket: the four bundled servers come up.
  await expect(page.getByTestId('server-status')).toHaveText(['ready', 'ready', 'ready', 'ready'], {
    timeout: 20_000,
  });
  await expect(page.getByRole('searchbox', { name: 'Search tasks' })).toBeVisible();
  // The web build keeps its API client private: nothing is exposed on window.
  expect(await page.evaluate(() => 'taskdeck' in window)).toBe(false);
  await page.screenshot({ path: testInfo.outputPath('web-host-light.png'), fullPage: true });

  // Tailwind's dark: variant follows the system colour scheme.
  const light = await page.evaluate(
    () => getComputedStyle(document.querySelector('#root > div') as Element).backgroundColor,
  );
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(
    () => getComputedStyle(document.querySelector('#root > div') as Element).backgroundColor,
  );
  expect(dark).not.toBe(light);
  await page.screenshot({ path: testInfo.outputPath('web-host-dark.png'), fullPage: true });

  // Assets loaded through the cookie, and the CSP blocked nothing.
  expect(problems).toEqual([]);
});

test('the web host refuses requests without the token', async ({ page, webHost }) => {
  const response = await page.goto(`${webHost.origin}/`);
  expect(response?.status()).toBe(403);
  const wrong = await page.goto(`${webHost.origin}/?token=${'0'.repeat(64)}`);
  expect(wrong?.status()).toBe(403);
  await expect(page.getByText('Taskdeck', { exact: true })).toHaveCount(0);
});

test('the web host refuses a foreign Host header (DNS rebinding)', async ({ webHost }) => {
  const path = `/?token=${webHost.token}`;
  expect(await statusWithHost(webHost.port, path, `attacker.example:${webHost.port}`)).toBe(403);
  expect(await statusWithHost(webHost.port, path, `127.0.0.1:${webHost.port}`)).toBe(200);
});
