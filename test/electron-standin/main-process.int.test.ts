/**
 * The built main process (out/main/index.js) under the Electron stand-in: startup, the window,
 * IPC and its sender checks, the servers, tasks, notifications, CSV files opened with the app,
 * and every way the app ends. After each run: no server process left, the data dir's lock
 * released, the window's position saved. Needs `npm run build` (main, preload, renderer).
 *
 * What the stand-in cannot prove (the Electron specs in e2e/ do, where the binary exists):
 * Chromium's own behaviour (when a page's CSP applies, its URL canonicalization, sandboxing,
 * contextIsolation, real IPC serialization), macOS's `open-file` timing and native
 * notifications, dialogs and menus.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CommandSpec, commands, electronCommands, type TaskDetail } from '@taskdeck/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HttpMcpServer } from '../../packages/hub/test/http-mcp-server';
import { TestAuthorizationServer } from '../../packages/hub/test/test-authorization-server';
import {
  type StandInApp as App,
  expectCleanExit,
  PROJECT_ROOT,
  processesUsing,
  processLaunch,
  StandInApp,
  startWindow,
} from './driver';

const OUT = join(PROJECT_ROOT, 'out');
const CHANNELS = [...Object.values(commands), ...Object.values(electronCommands)].map((spec) => spec.channel);
const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));

beforeAll(() => {
  for (const part of ['main/index.js', 'preload/index.cjs', 'renderer/index.html']) {
    if (!existsSync(join(OUT, part))) throw new Error(`out/${part} is missing: run npm run build first`);
  }
});

/** Checks a command's answer against the contract and returns it. */
async function answered<S extends CommandSpec>(
  app: App,
  spec: S,
  ...args: unknown[]
): Promise<z.output<S['result']>> {
  return spec.result.parse(await app.call(spec.channel, ...args)) as z.output<S['result']>;
}

const stoppers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stoppers.splice(0)) await stop();
});

/** An authorization server and an MCP server it protects, on 127.0.0.1. */
async function protectedServer() {
  const as = await TestAuthorizationServer.start({ scopes: ['mcp'] });
  const server = await HttpMcpServer.start({ oauth: { authorizationServer: as, scopes: ['mcp'] } });
  stoppers.push(
    () => server.stop(),
    () => as.stop(),
  );
  return { as, server };
}

const running = new Set<App>();
function launch(...options: Parameters<typeof StandInApp.start>): App {
  const app = StandInApp.start(...options);
  running.add(app);
  return app;
}
afterEach(async () => {
  await Promise.all([...running].map((app) => app.dispose()));
  running.clear();
});

describe('a session: startup, IPC, servers, a task, a notification, the window closed', () => {
  let app: App;
  const scratch = mkdtempSync(join(tmpdir(), 'taskdeck-standin-files-'));
  beforeAll(async () => {
    app = StandInApp.start();
    await startWindow(app);
  });
  afterAll(async () => {
    await app.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('sets up before ready, then opens one sandboxed, isolated window on the built page', () => {
    const kinds = app.records.map((entry) => entry.kind);
    expect(kinds.indexOf('app.enableSandbox')).toBeLessThan(kinds.indexOf('window-created'));
    expect(app.all('app.setPath')).toEqual([{ kind: 'app.setPath', name: 'userData', path: app.dataDir }]);
    const created = app.all('window-created') as unknown as {
      options: { webPreferences: Record<string, unknown> };
    }[];
    expect(created).toHaveLength(1);
    const prefs = created[0]?.options.webPreferences ?? {};
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe(join(OUT, 'preload', 'index.cjs'));
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(app.all('page-load')).toMatchObject([{ file: join(OUT, 'renderer', 'index.html'), loaded: true }]);
  });

  it('registers every contract channel once', () => {
    expect(
      app
        .all('ipc-handle')
        .map((entry) => entry.channel)
        .sort(),
    ).toEqual([...CHANNELS].sort());
  });

  it('answers its own top frame and refuses every other sender', async () => {
    expect(await answered(app, commands.appInfo)).toEqual({
      version,
      platform: process.platform,
      host: 'electron',
    });
    const page = app.all('page-load')[0]?.url as string;
    const refusals = await Promise.all([
      app.invoke(commands.appInfo.channel, [], 'subframe'),
      app.invoke(commands.appInfo.channel, [], 'none'),
      app.invoke(commands.appInfo.channel, [], 'foreign', page),
      app.invoke(commands.appInfo.channel, [], 'main', 'https://example.com/'),
      app.invoke(commands.appInfo.channel, [], 'main', pathToFileURL(join(scratch, 'index.html')).href),
    ]);
    for (const refusal of refusals) {
      expect(refusal).toEqual({
        ok: false,
        error: expect.stringContaining('refused, the sender is not the Taskdeck window'),
      });
    }
  });

  it('starts the four servers with its own executable as Node', async () => {
    await app.serversReady();
    for (const server of app.monitor.servers) {
      const launched = processLaunch(server.pid as number);
      expect(launched.argv.slice(0, 2)).toEqual([
        process.execPath,
        join(OUT, 'servers', `${server.name}.js`),
      ]);
      expect(launched.env.get('ELECTRON_RUN_AS_NODE')).toBe('1');
      expect(launched.env.get('TASKDECK_DATA_DIR')).toBe(app.dataDir);
    }
  });

  it('answers every command in the contract shape, and refuses bad arguments', async () => {
    expect(await answered(app, commands.listTasks)).toEqual([]);
    expect(await answered(app, commands.roots)).toEqual([]);
    const folder = realpathSync(scratch);
    expect(await answered(app, commands.grantRoots, [scratch])).toEqual([folder]);
    expect(await answered(app, commands.revokeRoot, folder)).toEqual([]);
    await app.request('queue-dialog', { answer: { canceled: false, filePaths: [scratch] } });
    expect(await answered(app, electronCommands.pickFolder)).toBe(scratch);
    expect(await answered(app, electronCommands.pickFolder)).toBeNull(); // cancelled
    writeFileSync(join(scratch, 'a.csv'), 'x\n1\n');
    await app.request('queue-dialog', { answer: { canceled: false, filePaths: [join(scratch, 'a.csv')] } });
    expect(await answered(app, electronCommands.pickFiles, { extensions: ['csv'] })).toEqual([
      join(scratch, 'a.csv'),
    ]);
    expect(app.all('open-dialog')).toHaveLength(3);
    expect(await answered(app, commands.getTask, 'no-such-task')).toBeNull();
    for (const spec of [commands.stopServer, commands.startServer, commands.restartServer]) {
      expect(await answered(app, spec, 'knowledge')).toBeNull();
    }
    await app.serversReady();
    const bad = await app.invoke(commands.startTool.channel, [{ server: '', tool: 'x' }]);
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('invalid arguments') });
  });

  it('signs in to a remote server through a loopback redirect, its credentials sealed with safeStorage', async () => {
    const { as, server } = await protectedServer();
    expect(await answered(app, commands.addServer, { name: 'remote', url: server.url })).toBeNull();
    await app.waitFor('the remote server to need sign-in', () =>
      app.monitor.servers.find((s) => s.name === 'remote' && s.status === 'needs_sign_in'),
    );
    const { authorizationUrl } = await answered(app, commands.signIn, 'remote');
    const redirect = new URL(new URL(authorizationUrl).searchParams.get('redirect_uri') as string);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect((await as.browse(authorizationUrl)).status).toBe(200);
    await app.waitFor('the remote server to be ready', () =>
      app.monitor.servers.find((s) => s.name === 'remote' && s.status === 'ready'),
    );
    const file = readFileSync(join(app.dataDir, 'auth', 'credentials.json'), 'utf8');
    expect(Object.keys(JSON.parse(file))).toEqual(['sealed']);
    for (const secret of as.secrets) expect(file).not.toContain(secret);
    expect(app.all('safe-storage-encrypt').length).toBeGreaterThan(0);
    expect(await answered(app, commands.signOut, 'remote')).toBeNull();
    expect(await answered(app, commands.removeServer, 'remote')).toBeNull();
  });

  it('runs a task with progress and tells the unfocused user when it ends', async () => {
    const { taskId } = await answered(app, commands.startTool, {
      server: 'cloud-ops',
      tool: 'deploy_service',
      arguments: { serviceName: 'billing', version: '3.1.0', environment: 'staging' },
    });
    const task = await app.waitFor('the deploy to complete', () => {
      const current = app.monitor.tasks.get(taskId);
      return current?.status === 'completed' ? current : undefined;
    });
    expect(task.progress).toBeGreaterThan(0);
    const detail = (await answered(app, commands.getTask, taskId)) as TaskDetail;
    expect(detail.timeline.map((step) => step.status)).toEqual(['working', 'completed']);
    const shown = await app.waitForRecord('notification');
    // The notification names the task as the list does, from the tool's title and its arguments.
    expect(shown).toMatchObject({ title: 'Deploy billing 3.1.0 → staging completed' });
  });

  it('keeps the notification alive until it is clicked, and a click focuses the window', async () => {
    const { index } = (await app.waitForRecord('notification')) as unknown as { index: number };
    await app.request('gc');
    expect(await app.request('click-notification', { index })).toEqual({ clicked: true });
    await app.waitForRecord('window-focus');
  });

  it('asks before a production deploy and goes on when the user accepts', async () => {
    const { taskId } = await answered(app, commands.startTool, {
      server: 'cloud-ops',
      tool: 'deploy_service',
      arguments: { serviceName: 'billing', version: '3.1.0', environment: 'prod' },
    });
    await app.waitFor('the question', () =>
      app.monitor.tasks.get(taskId)?.status === 'input_required' ? true : undefined,
    );
    expect(
      await answered(app, commands.respondToInput, taskId, { action: 'accept', content: { confirm: true } }),
    ).toBeNull();
    await app.waitFor('the deploy to complete', () =>
      app.monitor.tasks.get(taskId)?.status === 'completed' ? true : undefined,
    );
    const slow = await answered(app, commands.startTool, {
      server: 'cloud-ops',
      tool: 'scale_service',
      arguments: { serviceName: 'billing', environment: 'staging', targetInstances: 5 },
    });
    expect(await answered(app, commands.cancelTask, slow.taskId)).toBeNull();
  });

  it('does not add a listener per reload', async () => {
    const before = await app.request('listener-count', { event: 'destroyed' });
    for (let reload = 0; reload < 3; reload++) {
      await app.request('reload');
      await app.call(commands.subscribe.channel);
    }
    expect(await app.request('listener-count', { event: 'destroyed' })).toBe(before);
  });

  it('keeps the window on its page and adds its CSP to its own page only', async () => {
    expect(await app.request('navigate', { url: 'https://example.com/' })).toEqual({ prevented: true });
    expect(await app.request('window-open', { url: 'https://example.com/doc' })).toEqual({ action: 'deny' });
    expect(await app.request('window-open', { url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(app.all('open-external').map((entry) => entry.url)).toEqual([
      'https://example.com/',
      'https://example.com/doc',
    ]);
    expect(await app.request('attach-webview')).toEqual({ prevented: true });
    expect(await app.request('permission-request', { permission: 'notifications' })).toBe(false);
    expect(await app.request('permission-check', { permission: 'media', origin: 'file://' })).toBe(false);

    const page = app.all('page-load')[0]?.url as string;
    const ours = (await app.request('headers-received', { url: page, resourceType: 'mainFrame' })) as {
      responseHeaders?: Record<string, string[]>;
    };
    expect(ours.responseHeaders?.['Content-Security-Policy']?.[0]).toContain("script-src 'self'");
    for (const url of ['devtools://devtools/bundled/devtools_app.html', 'https://example.com/']) {
      const other = (await app.request('headers-received', { url, resourceType: 'mainFrame' })) as {
        responseHeaders?: Record<string, string[]>;
      };
      expect(other.responseHeaders?.['Content-Security-Policy'], url).toBeUndefined();
    }
  });

  it('quits when its last window closes: servers stopped, lock released, position saved', async () => {
    await app.request('close-window');
    await expectCleanExit(app, { hadWindow: true });
    expect(JSON.parse(readFileSync(join(app.dataDir, 'window-state.json'), 'utf8'))).toMatchObject({
      width: 1280,
      height: 800,
      maximized: false,
    });
  });
});

describe('sign-in credentials where safeStorage would not protect them', () => {
  it('are kept in the owner-only file, as elsewhere', async () => {
    const app = launch({ safeStorage: 'basic_text' });
    await startWindow(app);
    const { as, server } = await protectedServer();
    await answered(app, commands.addServer, { name: 'remote', url: server.url });
    await app.waitFor('the remote server to need sign-in', () =>
      app.monitor.servers.find((s) => s.name === 'remote' && s.status === 'needs_sign_in'),
    );
    const { authorizationUrl } = await answered(app, commands.signIn, 'remote');
    expect((await as.browse(authorizationUrl)).status).toBe(200);
    const path = join(app.dataDir, 'auth', 'credentials.json');
    await app.waitFor('the credentials', () => (existsSync(path) ? true : undefined));
    expect(JSON.parse(readFileSync(path, 'utf8')).servers.remote.url).toBe(server.url);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(app.all('safe-storage-encrypt')).toEqual([]);
  });
});

describe('an install path with characters URLs escape', () => {
  let install = '';
  afterAll(() => rmSync(install, { recursive: true, force: true }));

  it('loads its page and answers its own window', async () => {
    // A folder name with what pathToFileURL escapes and Chromium's loadFile URL does not.
    install = join(mkdtempSync(join(tmpdir(), 'taskdeck-install-')), 'Task deck [50%] ^| é');
    for (const part of ['main', 'preload', 'renderer'])
      cpSync(join(OUT, part), join(install, 'out', part), { recursive: true });
    symlinkSync(join(OUT, 'servers'), join(install, 'out', 'servers'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(install, 'node_modules'));
    cpSync(join(PROJECT_ROOT, 'package.json'), join(install, 'package.json'));
    const app = launch({ main: join(install, 'out', 'main', 'index.js') });
    await app.request('ready');
    expect(await app.waitForRecord('page-load')).toMatchObject({
      file: join(install, 'out', 'renderer', 'index.html'),
      loaded: true,
    });
    expect(await answered(app, commands.appInfo)).toMatchObject({ host: 'electron' });
    expect((await app.invoke(commands.appInfo.channel, [], 'subframe')).ok).toBe(false);
    await app.request('close-window');
    await expectCleanExit(app, { hadWindow: true });
  });
});

describe('CSV files opened with the app', () => {
  let folder = '';
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** The analyze_csv tasks, by file. */
  async function profiled(app: App): Promise<string[]> {
    const tasks = (await answered(app, commands.listTasks)).filter((task) => task.tool === 'analyze_csv');
    const details = await Promise.all(tasks.map((task) => answered(app, commands.getTask, task.id)));
    return details.map((detail) => (detail as TaskDetail).arguments.filePath as string).sort();
  }

  it('profiles files from argv (paths and file: URLs), open-file before and after ready, and a second launch', async () => {
    folder = realpathSync(mkdtempSync(join(tmpdir(), 'taskdeck-csv-')));
    const file = (name: string) => {
      mkdirSync(join(folder, 'My Data'), { recursive: true });
      writeFileSync(join(folder, 'My Data', name), 'id,amount\n1,2.5\n2,3.5\n');
      return join(folder, 'My Data', name);
    };
    const byUrl = file('by url.csv');
    const relative = file('relative.csv');
    const app = launch({
      args: [pathToFileURL(byUrl).href, 'relative.csv', '--some-switch'],
      cwd: join(folder, 'My Data'),
    });
    const early = file('early.csv');
    await app.request('emit-app', { event: 'open-file', args: [early] });
    await startWindow(app);
    const second = file('second launch.csv');
    await app.request('emit-app', {
      event: 'second-instance',
      args: [['/opt/Taskdeck/taskdeck', pathToFileURL(second).href], folder],
    });
    const late = file('late.csv');
    expect(await app.request('emit-app', { event: 'open-file', args: [late] })).toEqual({
      defaultPrevented: true,
    });
    const expected = [byUrl, relative, early, second, late].sort();
    await app.waitFor('five files opened', () =>
      app.monitor.tasks.size + app.all('error-box').length >= 5 ? true : undefined,
    );
    expect(await profiled(app)).toEqual(expected);
    expect(app.all('error-box')).toEqual([]);
    expect(app.all('window-focus').length).toBeGreaterThan(0);

    // Quitting while a file is still being opened ends quietly: no error box on the way out.
    await app.request('emit-app', {
      event: 'second-instance',
      args: [['/opt/Taskdeck/taskdeck', file('at quit.csv')], folder],
      quitAfter: true,
    });
    await expectCleanExit(app, { hadWindow: true });
    expect(app.all('error-box')).toEqual([]);
  });
});

describe('ways it ends early', () => {
  it('a second instance hands over and quits before starting anything (data dir created first)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'taskdeck-standin-new-'));
    const app = launch({ lockTaken: true, dataDir: join(parent, 'not', 'yet') });
    await expectCleanExit(app, { hadWindow: false });
    expect(app.all('window-created')).toEqual([]);
    rmSync(parent, { recursive: true, force: true });
  });

  it('a hub that cannot start shows why and quits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-standin-'));
    // Another live Taskdeck owns this data dir: this test process stands in for it.
    writeFileSync(join(dataDir, 'hub.lock'), String(process.pid));
    const app = launch({ dataDir });
    await app.request('ready');
    expect(await app.exitCode()).toBe(0);
    expect(app.all('error-box')).toEqual([
      {
        kind: 'error-box',
        title: 'Taskdeck cannot start',
        content: expect.stringContaining(`pid ${process.pid}`),
      },
    ]);
    expect(app.all('window-created')).toEqual([]);
    expect(app.problems()).toEqual([]);
    expect(processesUsing(dataDir)).toEqual([]);
    expect(readFileSync(join(dataDir, 'hub.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('a quit while the hub is starting waits for it, then stops it', async () => {
    const app = launch();
    await app.request('ready', { quitWhenCreated: join(app.dataDir, 'hub.lock') });
    await expectCleanExit(app, { hadWindow: false });
    // Nothing starts after the quit: no window, no IPC.
    const quitAt = app.records.findIndex((entry) => entry.kind === 'quit-on-file');
    expect(quitAt).toBeGreaterThanOrEqual(0);
    const after = app.records.slice(quitAt).map((entry) => entry.kind);
    expect(after).not.toContain('window-created');
    expect(after).not.toContain('ipc-handle');
  });
});

describe('the test driver', () => {
  it('removes the data dir of a killed app only after the processes still writing into it have ended', async () => {
    const app = launch();
    await app.request('ready');
    // Stands in for a server that goes on writing for a moment after the app is killed.
    const folder = join(app.dataDir, 'knowledge');
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
        const end = Date.now() + 1500;
        for (let n = 0; Date.now() < end; n++) {
          fs.mkdirSync(${JSON.stringify(folder)}, { recursive: true });
          try { fs.writeFileSync(${JSON.stringify(folder)} + '/part-' + (n % 50), 'x'); } catch {}
        }`,
      ],
      { stdio: 'ignore', env: { TASKDECK_DATA_DIR: app.dataDir } },
    );
    const writerExit = once(writer, 'exit');
    await app.waitFor('the writer to start', () => (existsSync(folder) ? true : undefined));
    await app.dispose();
    expect(existsSync(app.dataDir)).toBe(false);
    // It was waited for, not killed.
    expect(await writerExit).toEqual([0, null]);
  });
});
