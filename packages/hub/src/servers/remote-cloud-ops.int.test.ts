import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServerProcess, startHttpServer } from '../../../../scripts/http-server-process.mjs';
import { HubHarness, SERVERS_DIR } from '../../test/hub-harness.js';

/**
 * Our own cloud-ops server run elsewhere (`--http` with a token) and added to the hub by URL:
 * tasks on it behave as on a local one (progress, a question, cancel), and a new session after
 * a restart of the connection still follows a running task by its id.
 */
const TOKEN = 'remote-test-token-0123456789abcdef0123456789';

describe('cloud-ops over Streamable HTTP, through the hub', () => {
  let server: HttpServerProcess;
  let serverData: string;
  let h: HubHarness;

  beforeAll(async () => {
    serverData = mkdtempSync(join(tmpdir(), 'remote-ops-'));
    server = await startHttpServer(join(SERVERS_DIR, 'cloud-ops.js'), {
      args: ['--token', TOKEN],
      env: { PATH: process.env.PATH ?? '', TASKDECK_DATA_DIR: serverData, TASKDECK_TIME_SCALE: '0.05' },
    });
    h = await HubHarness.start({
      bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
      userServers: { 'remote-ops': { url: server.url, headers: { Authorization: `Bearer ${TOKEN}` } } },
    });
    await h.ready('remote-ops');
  });

  afterAll(async () => {
    await h?.close();
    await server?.stop();
    rmSync(serverData, { recursive: true, force: true });
  });

  const deploy = (version: string, environment: string, serviceName = 'billing') => ({
    server: 'remote-ops',
    tool: 'deploy_service',
    arguments: { serviceName, version, environment },
  });

  it('runs a deploy as a task with progress, and answers a production question', async () => {
    const { taskId } = await h.hub.startTool(deploy('7.0.0', 'staging'));
    expect(await h.finished(taskId, 30_000)).toMatchObject({
      status: 'completed',
      mode: 'task',
      progress: 9,
      total: 9,
    });
    const prod = await h.hub.startTool(deploy('2.30.0', 'prod', 'web-frontend'));
    await h.until(() => h.tasks.get(prod.taskId)?.input !== undefined, 'the production question', 30_000);
    await h.hub.respondToInput(prod.taskId, { action: 'accept', content: { confirm: true } });
    expect(await h.finished(prod.taskId, 30_000)).toMatchObject({ status: 'completed' });
  });

  it('cancels a running task on the remote server', async () => {
    const { taskId } = await h.hub.startTool({
      server: 'remote-ops',
      tool: 'scale_service',
      arguments: { serviceName: 'billing', environment: 'staging', targetInstances: 40 },
    });
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) > 0, 'progress', 30_000);
    await h.hub.cancelTask(taskId);
    expect(await h.finished(taskId, 30_000)).toMatchObject({ status: 'cancelled' });
  });

  it('follows a running task again by its id after the connection is restarted (a new session)', async () => {
    const { taskId } = await h.hub.startTool({
      server: 'remote-ops',
      tool: 'scale_service',
      arguments: { serviceName: 'billing', environment: 'dev', targetInstances: 12 },
    });
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) > 0, 'progress', 30_000);
    await h.hub.restartServer('remote-ops');
    await h.ready('remote-ops');
    expect(await h.finished(taskId, 60_000)).toMatchObject({ status: 'completed' });
    expect(h.hub.getTask(taskId)?.result?.structuredContent).toMatchObject({ toInstances: 12 });
  });
});
