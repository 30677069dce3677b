import type { Locator, Page } from '@playwright/test';
import { HttpMcpServer } from '../packages/hub/test/http-mcp-server';
import { TestAuthorizationServer } from '../packages/hub/test/test-authorization-server';
import { expect, test } from './fixtures';

async function addRemoteServer(page: Page, name: string, url: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Add a remote server…' }).click();
  const form = page.getByRole('form', { name: 'Add a remote server' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('URL', { exact: true }).fill(url);
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form).toBeHidden();
  return page.locator(`[data-testid=server][data-server="${name}"]`);
}

async function runDeploy(page: Page, card: Locator, version: string, stepMs: number): Promise<void> {
  await card.getByRole('button', { name: 'Run a tool…' }).click();
  const launcher = page.getByTestId('launcher');
  await launcher.getByLabel('Tool').selectOption({ value: 'deploy' });
  await launcher.getByLabel('Service').fill('billing');
  await launcher.getByLabel('Version').fill(version);
  await launcher.getByLabel('Step duration (ms)').fill(String(stepMs));
  await launcher.getByRole('button', { name: 'Run' }).click();
  await expect(launcher).toBeHidden();
}

// A remote MCP server added by URL in the servers pane of the web host, and a task run on it.
test('adds a remote server by URL, runs a task on it with progress, and removes it', async ({
  page,
  webHost,
}, testInfo) => {
  const server = await HttpMcpServer.start();
  try {
    await page.goto(webHost.url);
    await page.getByTestId('server').first().waitFor();
    await page.getByRole('button', { name: 'Add a remote server…' }).click();
    const form = page.getByRole('form', { name: 'Add a remote server' });
    await form.getByLabel('Name', { exact: true }).fill('remote-e2e');
    await form.getByLabel('URL', { exact: true }).fill(server.url);
    await form.getByLabel(/^Headers/).fill('X-Team: e2e');
    await form.getByRole('button', { name: 'Add server' }).click();
    await expect(form).toBeHidden();

    const card = page.locator('[data-testid=server][data-server="remote-e2e"]');
    await expect(card.getByTestId('server-status')).toHaveText('ready');
    await expect(card.getByTestId('server-url')).toHaveText(`HTTP · ${server.url}`);
    await card.getByRole('button', { name: 'Run a tool…' }).click();
    const launcher = page.getByTestId('launcher');
    await launcher.getByLabel('Tool').selectOption({ value: 'count' });
    await launcher.getByLabel('Steps').fill('20');
    await launcher.getByLabel('Step duration (ms)').fill('100');
    await launcher.getByRole('button', { name: 'Run' }).click();
    await expect(launcher).toBeHidden();

    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText('count');
    await expect(detail.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^([1-9]|1[0-9])$/);
    await expect(detail).toHaveAttribute('data-status', 'completed');
    await expect(detail).toContainText('counted to 20');
    await page.screenshot({ path: testInfo.outputPath('remote-server.png') });

    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(card).toHaveCount(0);
    expect(server.requests.filter((r) => r.rpcMethod === 'initialize')).toHaveLength(1);
  } finally {
    await server.stop();
  }
});

// A remote server behind OAuth: added by URL, signed in through the authorization server's
// consent page in a new tab (the redirect comes back to the web host's own page), a deploy run
// as a task, another cancelled, then signed out.
test('adds a remote server that needs sign-in, signs in, runs a deploy as a task, cancels another, signs out', async ({
  page,
  webHost,
}, testInfo) => {
  const as = await TestAuthorizationServer.start({ scopes: ['mcp'], consentPage: true });
  const server = await HttpMcpServer.start({ oauth: { authorizationServer: as, scopes: ['mcp'] } });
  try {
    await page.goto(webHost.url);
    await page.getByTestId('server').first().waitFor();
    const card = await addRemoteServer(page, 'remote-oauth', server.url);
    await expect(card.getByTestId('server-status')).toHaveText('needs sign-in');

    const opened = page.context().waitForEvent('page');
    await card.getByRole('button', { name: 'Sign in to remote-oauth' }).click();
    const consent = await opened;
    await expect(consent.getByRole('heading', { name: 'Allow Taskdeck?' })).toBeVisible();
    await expect(card.getByRole('status')).toHaveText(
      'Finish signing in in your browser. Open the sign-in page',
    );
    await consent.getByRole('button', { name: 'Approve' }).click();
    await expect(consent.getByRole('heading')).toHaveText('Signed in to remote-oauth');
    expect(new URL(consent.url()).origin).toBe(webHost.origin);
    await consent.close();

    await expect(card.getByTestId('server-status')).toHaveText('ready');
    await expect(card.getByTestId('server-sign-in')).toContainText(
      `Signed in at ${new URL(as.issuer).origin} · mcp`,
    );

    await runDeploy(page, card, '1.2.0', 100);
    const detail = page.getByTestId('task-detail');
    await expect(detail.getByTestId('detail-title')).toHaveText('deploy');
    await expect(detail.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-5]$/);
    await expect(detail).toHaveAttribute('data-status', 'completed');
    await expect(detail).toContainText('deployed billing 1.2.0');

    await runDeploy(page, card, '1.3.0', 600);
    await expect(detail).toContainText('1.3.0');
    await expect(detail.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-4]$/);
    await detail.getByRole('button', { name: 'Cancel' }).click();
    await expect(detail).toHaveAttribute('data-status', 'cancelled');
    await page.screenshot({ path: testInfo.outputPath('remote-sign-in.png') });

    await card.getByRole('button', { name: 'Sign out of remote-oauth' }).click();
    await expect(card.getByTestId('server-status')).toHaveText('needs sign-in');
    await expect(card.getByRole('button', { name: 'Sign in to remote-oauth' })).toBeVisible();
    expect(as.liveRefreshTokens).toBe(0);

    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(card).toHaveCount(0);
  } finally {
    await server.stop();
    await as.stop();
  }
});
