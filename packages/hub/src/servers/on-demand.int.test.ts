import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, HubHarness } from '../../test/hub-harness.js';

const BUNDLED = ['analytics', 'cloud-ops', 'dev-tools', 'knowledge'];
const harnesses: HubHarness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A hub whose bundled servers start on first use and stop after `stopAfterMs` idle. */
async function start(dataDir: string, stopAfterMs: number, startServers?: boolean) {
  const h = await HubHarness.start({ dataDir, serverIdle: { stopAfterMs }, startServers });
  harnesses.push(h);
  return h;
}

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskdeck-on-demand-'));
  dirs.push(dir);
  return dir;
}

/** Runs once: the servers start with the hub (no cached tools yet) and write their tool lists. */
async function primed(stopAfterMs: number): Promise<string> {
  const dataDir = tempDataDir();
  const first = await start(dataDir, stopAfterMs);
  await first.ready(...BUNDLED);
  const cache = (name: string) => join(dataDir, 'cache', 'tools', `${name}.json`);
  await first.until(() => BUNDLED.every((n) => existsSync(cache(n))), 'the cached tool lists');
  expect(
    JSON.parse(readFileSync(cache('cloud-ops'), 'utf8')).tools.map((t: { name: string }) => t.name),
  ).toContain('deploy_service');
  await first.close();
  harnesses.splice(harnesses.indexOf(first), 1);
  return dataDir;
}

describe('bundled servers that start on first use', () => {
  it('list their cached tools while idle, start for a call, and stop again when idle', async () => {
    const dataDir = await primed(60_000);
    const h = await start(dataDir, 500);
    for (const name of BUNDLED) {
      expect(h.server(name)).toMatchObject({ status: 'idle' });
      expect(h.server(name)?.pid).toBeUndefined();
    }
    expect(h.server('cloud-ops')?.tools.map((t) => t.name)).toContain('deploy_service');
    expect(h.server('cloud-ops')?.tools.find((t) => t.name === 'deploy_service')?.taskSupport).toBe(
      'optional',
    );

    const { taskId } = await h.hub.startTool({ server: 'cloud-ops', tool: 'list_services', arguments: {} });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    expect(h.server('cloud-ops')?.status).toBe('ready');
    const pid = h.server('cloud-ops')?.pid as number;
    expect(pid).toBeGreaterThan(0);
    for (const name of ['analytics', 'dev-tools', 'knowledge']) expect(h.server(name)?.status).toBe('idle');

    await h.until(() => h.server('cloud-ops')?.status === 'idle', 'cloud-ops to stop when idle', 5000);
    expect(h.server('cloud-ops')?.pid).toBeUndefined();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await h.until(() => !alive(), 'the idle server process to exit', 5000);
    // The first call after an idle stop starts it again.
    const again = await h.hub.startTool({ server: 'cloud-ops', tool: 'list_services', arguments: {} });
    expect(await h.finished(again.taskId)).toMatchObject({ status: 'completed' });
    const next = h.server('cloud-ops')?.pid as number;
    expect(next).not.toBe(pid);

    // A call that comes while the idle stop is still under way waits for it, then starts a
    // new process, whose log is kept (the old stop must not close it).
    await h.until(() => h.server('cloud-ops')?.status === 'idle', 'cloud-ops to stop again', 5000);
    const during = await h.hub.startTool({ server: 'cloud-ops', tool: 'list_services', arguments: {} });
    expect(await h.finished(during.taskId)).toMatchObject({ status: 'completed' });
    const latest = h.server('cloud-ops')?.pid as number;
    expect(latest).not.toBe(next);
    const log = join(dataDir, 'logs', 'cloud-ops.log');
    await h.until(
      () => readFileSync(log, 'utf8').includes(`ready (pid ${latest})`),
      'the new process logged',
    );
  });

  it('keep a server running while a task on it waits for the user, however long', async () => {
    const dataDir = await primed(60_000);
    const h = await start(dataDir, 300);
    const { taskId } = await h.hub.startTool({
      server: 'cloud-ops',
      tool: 'deploy_service',
      arguments: { serviceName: 'web-frontend', version: '2.12.0', environment: 'prod' },
    });
    await h.until(() => h.tasks.get(taskId)?.input !== undefined, 'the confirmation request');
    await new Promise((r) => setTimeout(r, 1200)); // four idle times
    expect(h.server('cloud-ops')?.status).toBe('ready');
    await h.hub.respondToInput(taskId, { action: 'accept', content: { confirm: true } });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    await h.until(
      () => h.server('cloud-ops')?.status === 'idle',
      'cloud-ops to stop once the task ended',
      5000,
    );
  });

  it('start only the server called when the hub starts no servers, even without cached tools', async () => {
    const h = await start(tempDataDir(), 60_000, false);
    for (const name of BUNDLED) expect(h.server(name)?.status).toBe('stopped'); // no tools known yet
    await h.hub.startServer('dev-tools');
    expect(h.server('dev-tools')?.status).toBe('ready');
    for (const name of ['analytics', 'cloud-ops', 'knowledge'])
      expect(h.server(name)?.status).toBe('stopped');
  });

  it('apply to a user server only when it opts in; a call to one that cannot start fails with the reason', async () => {
    const dataDir = tempDataDir();
    const fixture = [join(FIXTURES_DIR, 'fixture-server.mjs'), 'echo'];
    const userServers = (env: Record<string, string> = {}) => ({
      lazy: { command: process.execPath, args: fixture, stopWhenIdle: true, env },
      always: { command: process.execPath, args: fixture },
    });
    const first = await HubHarness.start({
      dataDir,
      serverIdle: { stopAfterMs: 60_000 },
      userServers: userServers(),
      bundledServersDir: join(dataDir, 'none'),
    });
    await first.ready('lazy', 'always');
    await first.until(() => existsSync(join(dataDir, 'cache', 'tools', 'lazy.json')), 'the cached tools');
    expect(existsSync(join(dataDir, 'cache', 'tools', 'always.json'))).toBe(false);
    await first.close();

    // Same command line (the cache holds), but now it cannot start.
    const h = await HubHarness.start({
      dataDir,
      serverIdle: { stopAfterMs: 60_000 },
      userServers: userServers({ NODE_OPTIONS: '--require /nonexistent/preload.cjs' }),
      bundledServersDir: join(dataDir, 'none'),
    });
    harnesses.push(h);
    expect(h.server('lazy')?.status).toBe('idle');
    await h.ready('always');
    await expect(h.hub.startTool({ server: 'lazy', tool: 'echo', arguments: { text: 'x' } })).rejects.toThrow(
      /^Server lazy is not ready: Server lazy exited with code 1/,
    );
    await expect(h.hub.startTool({ server: 'lazy', tool: 'no_such_tool', arguments: {} })).rejects.toThrow(
      'Server lazy has no tool "no_such_tool".',
    );
  });
});
