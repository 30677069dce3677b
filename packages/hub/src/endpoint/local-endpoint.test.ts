import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppInfo, HubEvent, ServerInfo } from '@taskdeck/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubApi } from '../hub-api.js';
import { LocalEndpoint } from './local-endpoint.js';

const APP: AppInfo = { version: '9.9.9', platform: 'linux', host: 'web' };

const granted: string[] = [];

/** A hub that answers a few commands; the endpoint's job (auth, framing, routing) is what is tested. */
function hub(): HubApi & { emit(event: HubEvent): void } {
  const listeners = new Set<(event: HubEvent) => void>();
  return {
    subscribe(listener) {
      listener({ type: 'snapshot', servers: [], tasks: [], roots: ['/r'] });
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    startTool: async () => ({ taskId: 't1' }),
    cancelTask: async (id) => {
      throw new Error(`Task ${id} already ended (completed).`);
    },
    respondToInput: async () => {},
    getTask: () => undefined,
    listTasks: () => [],
    startServer: async () => {},
    stopServer: async () => {},
    restartServer: async () => {},
    addServer: async () => {},
    removeServer: async () => {},
    signIn: async () => ({ authorizationUrl: 'https://as.example.com/authorize' }),
    signOut: async () => {},
    completeSignIn: async () => ({ status: 400, title: 'No sign-in', message: 'none' }),
    grantRoots: async (paths) => {
      granted.push(...paths);
      return paths;
    },
    revokeRoot: async () => [],
    roots: () => ['/r'],
    rootsIntact: () => true,
    servers: (): ServerInfo[] => [],
    shutdown: async () => {},
  };
}

/** A raw client: lines in, lines out. */
function rawClient(path: string) {
  const socket: Socket = connect(path);
  const lines: unknown[] = [];
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      lines.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  return {
    socket,
    lines,
    closed,
    send: (value: unknown) => socket.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`),
    next: async (count = lines.length + 1) => {
      const end = Date.now() + 5000;
      while (lines.length < count) {
        if (Date.now() > end) throw new Error(`no line ${count}; got ${JSON.stringify(lines)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return lines[count - 1];
    },
  };
}

describe('LocalEndpoint', () => {
  let dataDir: string;
  let endpoint: LocalEndpoint;
  let h: ReturnType<typeof hub>;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'endpoint-'));
    h = hub();
    endpoint = await LocalEndpoint.start({ hub: h, dataDir, appInfo: APP });
  });
  afterEach(async () => {
    await endpoint.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes where it listens, with a token, readable by its owner only', async () => {
    const file = await LocalEndpoint.read(dataDir);
    expect(file).toMatchObject({ format: 1, pid: process.pid, host: 'web', version: '9.9.9' });
    expect(file?.token).toMatch(/^[0-9a-f]{64}$/);
    if (process.platform !== 'win32') {
      expect(statSync(LocalEndpoint.fileIn(dataDir)).mode & 0o777).toBe(0o600);
      expect(statSync(file?.path as string).mode & 0o777).toBe(0o600);
    }
  });

  it('refuses a client without the right token, and says where the token is', async () => {
    const file = await LocalEndpoint.read(dataDir);
    const c = rawClient(file?.path as string);
    c.send({ hello: { token: 'f'.repeat(64), client: 'test' } });
    expect(await c.next()).toEqual({ refused: expect.stringContaining('endpoint.json') });
    await c.closed;
  });

  it('after the hello, answers commands like the web host and pushes events once subscribed', async () => {
    const file = await LocalEndpoint.read(dataDir);
    const c = rawClient(file?.path as string);
    c.send({ hello: { token: file?.token, client: 'test' } });
    expect(await c.next()).toEqual({ welcome: APP });
    c.send({ id: 1, channel: 'hub:roots', args: [] });
    expect(await c.next()).toEqual({ id: 1, ok: true, result: ['/r'] });
    c.send({ id: 2, channel: 'hub:cancel-task', args: ['abc'] });
    expect(await c.next()).toEqual({ id: 2, ok: false, error: 'Task abc already ended (completed).' });
    c.send({ id: 3, channel: 'hub:grant-roots', args: [[]] });
    expect(await c.next()).toMatchObject({
      id: 3,
      ok: false,
      error: expect.stringMatching(/invalid arguments/),
    });
    c.send({ id: 4, channel: 'app:info', args: [] });
    expect(await c.next()).toEqual({ id: 4, ok: true, result: APP });
    c.send({ id: 5, channel: 'hub:subscribe', args: [] });
    await c.next(7); // the reply and the snapshot, in either order
    expect(c.lines.slice(5)).toEqual(
      expect.arrayContaining([
        { id: 5, ok: true, result: null },
        { event: expect.objectContaining({ type: 'snapshot' }) },
      ]),
    );
    h.emit({ type: 'batch', servers: [], tasks: [], logs: [] });
    expect(await c.next()).toEqual({ event: { type: 'batch', servers: [], tasks: [], logs: [] } });
    c.socket.destroy();
  });

  it('drops a client that sends junk or an oversized line, and keeps serving the others', async () => {
    const file = await LocalEndpoint.read(dataDir);
    const hello = { hello: { token: file?.token, client: 'test' } };
    const junk = rawClient(file?.path as string);
    junk.send(hello);
    await junk.next();
    junk.send('this is not json');
    await junk.closed;
    const malformed = rawClient(file?.path as string);
    malformed.send(hello);
    await malformed.next();
    malformed.send({ id: 'x', channel: 5 });
    await malformed.closed;
    const huge = rawClient(file?.path as string);
    huge.socket.write('x'.repeat(2 * 1024 * 1024));
    await huge.closed;
    const good = rawClient(file?.path as string);
    good.send(hello);
    await good.next();
    good.send({ id: 1, channel: 'hub:roots', args: [] });
    expect(await good.next()).toEqual({ id: 1, ok: true, result: ['/r'] });
    good.socket.destroy();
  });

  it('does nothing more for a client it dropped, even for lines already received with the bad one', async () => {
    const file = await LocalEndpoint.read(dataDir);
    const c = rawClient(file?.path as string);
    c.send({ hello: { token: file?.token, client: 'test' } });
    await c.next();
    // One chunk: a malformed request, then a grant that must not run.
    c.socket.write(
      `${JSON.stringify({ id: 'x' })}\n${JSON.stringify({ id: 2, channel: 'hub:grant-roots', args: [['/etc']] })}\n`,
    );
    await c.closed;
    expect(granted).toEqual([]);
  });

  it('removes its file and socket when it closes', async () => {
    const file = await LocalEndpoint.read(dataDir);
    await endpoint.close();
    expect(await LocalEndpoint.read(dataDir)).toBeUndefined();
    if (process.platform !== 'win32') expect(() => statSync(file?.path as string)).toThrow();
    endpoint = await LocalEndpoint.start({ hub: h, dataDir, appInfo: APP }); // for afterEach
  });

  it('takes over a socket left by a hub that crashed', async () => {
    const file = await LocalEndpoint.read(dataDir);
    // Simulate the crash: the file and socket stay, nothing listens any more.
    (endpoint as unknown as { server: { close(): void } }).server.close();
    const next = await LocalEndpoint.start({ hub: h, dataDir, appInfo: APP });
    expect((await LocalEndpoint.read(dataDir))?.token).not.toBe(file?.token);
    await next.close();
  });
});
