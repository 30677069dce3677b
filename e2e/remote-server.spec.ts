import { HttpMcpServer } from '../packages/hub/test/http-mcp-server';
import { expect, test } from './fixtures';

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
