import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
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

async function expectServersReady(page: Page): Promise<void> {
  await expect(page.getByTestId('server-status')).toHaveText(['ready', 'ready', 'ready', 'ready'], {
    timeout: 20_000,
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
  await expectServersReady(page);
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

  // Assets loaded, the socket connected, and the CSP blocked nothing.
  expect(problems).toEqual([]);
});

test('the token leaves the address bar, stays out of cookies, and a reload keeps working', async ({
  page,
  webHost,
}) => {
  await page.goto(webHost.url);
  await expectServersReady(page);
  expect(page.url()).toBe(`${webHost.origin}/`);
  expect(await page.context().cookies()).toEqual([]);
  const session = await page.evaluate(() => sessionStorage.getItem('taskdeck.session'));
  expect(session).toBeTruthy();
  expect(session).not.toContain(webHost.token);

  await page.reload();
  await expectServersReady(page);
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
});

test('nothing reusable reaches another local port the browser visits', async ({ page, webHost }) => {
  // Another local web server, as any program on the machine could run one.
  const seen: IncomingHttpHeaders[] = [];
  const other = createServer((req, res) => {
    seen.push(req.headers);
    res.end('<!doctype html><title>other</title>');
  });
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  try {
    await page.goto(webHost.url);
    await expectServersReady(page);
    const session = (await page.evaluate(() => sessionStorage.getItem('taskdeck.session'))) ?? '';
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    await page.goto(`${otherOrigin}/`);
    await page.evaluate((url) => fetch(url, { credentials: 'include' }), `${otherOrigin}/fetched`);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const sent = JSON.stringify(seen);
    expect(sent).not.toContain(webHost.token);
    expect(sent).not.toContain(session);
    expect(seen.every((headers) => headers.cookie === undefined)).toBe(true);
  } finally {
    other.close();
  }
});

test('a new tab with the printed URL works; one without it says how to get in', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await expectServersReady(page);
  const second = await page.context().newPage();
  await second.goto(webHost.url);
  await expectServersReady(second);
  // sessionStorage is per tab: a tab opened on the bare address has no session.
  const bare = await page.context().newPage();
  const response = await bare.goto(`${webHost.origin}/`);
  expect(response?.status()).toBe(200);
  await expect(bare.getByTestId('connection-banner')).toContainText(
    'open the address with ?token= that the web host printed',
  );
  await expect(bare.getByTestId('server-status')).toHaveCount(0);
});

test('the web host refuses a wrong token', async ({ page, webHost }) => {
  const wrong = await page.goto(`${webHost.origin}/?token=${'0'.repeat(64)}`);
  expect(wrong?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Taskdeck' })).toHaveCount(0);
});

test('the web host refuses a foreign Host header (DNS rebinding)', async ({ webHost }) => {
  const path = `/?token=${webHost.token}`;
  expect(await statusWithHost(webHost.port, path, `attacker.example:${webHost.port}`)).toBe(403);
  expect(await statusWithHost(webHost.port, path, `127.0.0.1:${webHost.port}`)).toBe(200);
});

test('the launcher refuses a request too large for the socket, and the connection stays up', async ({
  page,
  webHost,
}) => {
  await page.goto(webHost.url);
  await expectServersReady(page);
  await page.getByRole('button', { name: 'New task…' }).first().click();
  const launcher = page.getByTestId('launcher');
  await launcher.getByLabel('Server').selectOption('knowledge');
  await launcher.getByLabel('Tool').selectOption({ value: 'search_documents' });
  // A long pasted text: more than the 1 MB the web host accepts in one message.
  await launcher.getByLabel('Query').fill('lorem ipsum '.repeat(100_000));
  await launcher.getByRole('button', { name: 'Run' }).click();
  await expect(launcher).toContainText(
    'is larger than the 1.0 MB the Taskdeck web host accepts in one message: shorten the arguments',
  );
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  // The same socket still runs a normal request.
  await launcher.getByLabel('Query').fill('troubleshooting');
  await launcher.getByRole('button', { name: 'Run' }).click();
  await expect(launcher).toBeHidden();
});
