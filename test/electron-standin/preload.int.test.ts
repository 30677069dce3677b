/**
 * The built preload, loaded as Electron loads a sandboxed one (preload-sandbox.ts), talking to
 * the built main process under the stand-in: `window.taskdeck` must work under the page's CSP
 * whether code generation was still allowed while the preload loaded (the preload runs before the
 * page's <meta> CSP is parsed) or not. When Chromium applies the policy to a file:// page is
 * exactly what the stand-in cannot tell, so both orders are tested.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CHANNEL, type HubEvent } from '@taskdeck/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, StandInApp } from './driver';
import { loadSandboxedPreload, type MainProcessIpc } from './preload-sandbox';

const PRELOAD = join(PROJECT_ROOT, 'out', 'preload', 'index.cjs');

let app: StandInApp;
let ipc: MainProcessIpc;
beforeAll(async () => {
  if (!existsSync(PRELOAD)) throw new Error('out/preload/index.cjs is missing: run npm run build first');
  app = StandInApp.start();
  await app.request('ready');
  await app.waitForRecord('page-load');
  ipc = {
    invoke: (channel, args) => app.invoke(channel, args),
    onMessage: (listener) =>
      app.onRecord((entry) => {
        if (entry.kind === 'send') listener(entry.channel as string, entry.args as unknown[]);
      }),
  };
});
afterAll(() => app.dispose());

describe.each([
  { order: 'code generation allowed while the preload loads, refused after', cspBeforeLoad: false },
  { order: 'code generation refused from the start', cspBeforeLoad: true },
])('window.taskdeck under the page CSP, $order', ({ cspBeforeLoad }) => {
  it('answers commands, reports errors and delivers hub events', async () => {
    const preload = loadSandboxedPreload(PRELOAD, ipc, { cspBeforeLoad });
    preload.applyPageCsp();
    expect(() => preload.evaluate('new Function("return 1")')).toThrow(
      'Code generation from strings disallowed',
    );
    const { api } = preload;
    expect(Object.isFrozen(api)).toBe(true);
    expect(api.host).toBe('electron');
    expect(await api.appInfo()).toMatchObject({ host: 'electron', platform: process.platform });

    const events: HubEvent[] = [];
    const stop = api.onEvent((event) => events.push(event));
    await app.waitFor('a snapshot in the page', () =>
      events.some((e) => e.type === 'snapshot') ? true : undefined,
    );
    await app.serversReady();
    const { taskId } = await api.startTool({
      server: 'cloud-ops',
      tool: 'deploy_service',
      arguments: { serviceName: 'billing', version: '3.1.0', environment: 'staging' },
    });
    await app.waitFor('the task to end in the page', () =>
      events.some((e) => e.tasks.some((task) => task.id === taskId && task.status === 'completed'))
        ? true
        : undefined,
    );
    expect(events.some((e) => e.type === 'batch' && e.tasks.some((task) => (task.progress ?? 0) > 0))).toBe(
      true,
    );
    expect((await api.listTasks()).map((task) => task.id)).toContain(taskId);
    expect((await api.getTask(taskId))?.status).toBe('completed');
    // A refused command reaches the page with the main process's reason only.
    await expect(api.startServer('nope')).rejects.toThrow(/^Unknown server "nope"\.$/);
    stop();
    preload.close();
    expect(app.all('send').filter((entry) => entry.channel !== EVENT_CHANNEL)).toEqual([]);
    expect(app.problems()).toEqual([]);
  });
});
