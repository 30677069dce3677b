import { once } from 'node:events';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  type HubEvent,
  type InputResponse,
  MAX_SOCKET_MESSAGE_BYTES,
  SESSION_HEADER,
  SESSION_PROTOCOL_PREFIX,
  SESSION_REFUSED_CLOSE_CODE,
  SOCKET_PROTOCOL,
  type StartTool,
} from '@taskdeck/contract';
import { nestsDeeperThan } from '@taskdeck/hub/endpoint/command-session';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from './web-host';

/** A hub that records calls: the web host's job is validation and transport, tested here. */
class RecordingHub implements HubApi {
  readonly calls: unknown[][] = [];
  granted: string[] = [];
  subscribe(listener: (event: HubEvent) => void) {
    listener({ type: 'snapshot', servers: [], tasks: [], roots: this.granted });
    return () => {};
  }
  async startTool(request: StartTool) {
    this.calls.push(['startTool', request]);
    return { taskId: 'task-1' };
  }
  async cancelTask(taskId: string) {
    if (taskId === 'done') throw new Error('Task done is already completed');
    this.calls.push(['cancelTask', taskId]);
  }
  async respondToInput(taskId: string, response: InputResponse) {
    this.calls.push(['respondToInput', taskId, response]);
  }
  getTask() {
    return undefined;
  }
  listTasks() {
    return [];
  }
  async startServer() {}
  async stopServer() {}
  async restartServer() {}
  async addServer() {}
  async removeServer() {}
  async signIn(name: string) {
    this.calls.push(['signIn', name]);
    return { authorizationUrl: 'https://as.example.com/authorize?client_id=taskdeck' };
  }
  async signOut(name: string) {
    this.calls.push(['signOut', name]);
  }
  async completeSignIn(params: URLSearchParams) {
    this.calls.push(['completeSignIn', Object.fromEntries(params)]);
    return params.get('state') === 'good'
      ? { status: 200, title: 'Signed in to remote', message: 'You can close this tab.' }
      : { status: 400, title: 'This sign-in link is not valid', message: 'Start again.' };
  }
  async grantRoots(paths: string[]) {
    this.granted.push(...paths);
    return this.granted;
  }
  async revokeRoot(path: string) {
    this.granted = this.granted.filter((root) => root !== path);
    return this.granted;
  }
  roots() {
    return this.granted;
  }
  intact = true;
  rootsIntact() {
    return this.intact;
  }
  servers() {
    return [];
  }
  async shutdown() {}
}

describe('nestsDeeperThan', () => {
  it('measures nesting without recursion', () => {
    expect(nestsDeeperThan([{ a: [1] }], 3)).toBe(false);
    expect(nestsDeeperThan([{ a: [1] }], 2)).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, 64)).toBe(true);
  });
});

describe('web host API', () => {
  let dir: string;
  let host: WebHost;
  let hub: RecordingHub;
  let origin: string;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-socket-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<head><title>Taskdeck</title></head>');
    await mkdir(join(dir, 'home', 'projects'), { recursive: true });
    hub = new RecordingHub();
    host = await startWebHost({
      rendererDir: join(dir, 'renderer'),
      api: {
        hub,
        dataDir: join(dir, 'data'),
        appInfo: { version: '1.2.3', platform: 'linux', host: 'web' },
        uploadLimitBytes: 1000,
        uploadsTotalLimitBytes: 2500,
        home: join(dir, 'home'),
      },
    });
    origin = `http://127.0.0.1:${host.port}`;
    bearer = { Authorization: `Bearer ${host.token}` };
  });
  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** What a page loaded with the token receives, as the browser would see it. */
  async function pageSession(): Promise<string> {
    const page = await fetch(`${origin}/?token=${host.token}`);
    const session = /<meta name="taskdeck-session" content="([^"]+)"/.exec(await page.text())?.[1];
    if (!session) throw new Error('no session in the page');
    return session;
  }

  function connect(headers: Record<string, string> = bearer, path = '/api', protocols: string[] = []) {
    return new WebSocket(`ws://127.0.0.1:${host.port}${path}`, protocols, { headers });
  }

  function refusal(ws: WebSocket): Promise<number> {
    return new Promise((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', () => {});
    });
  }

  async function open(ws = connect()): Promise<{
    call(channel: string, args: unknown[]): Promise<unknown>;
    events: HubEvent[];
    ws: WebSocket;
  }> {
    const events: HubEvent[] = [];
    const waiting = new Map<number, (reply: unknown) => void>();
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if ('event' in message) events.push(message.event);
      else waiting.get(message.id)?.(message);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let id = 0;
    return {
      ws,
      events,
      call(channel, args) {
        const current = ++id;
        return new Promise((resolve) => {
          waiting.set(current, resolve);
          ws.send(JSON.stringify({ id: current, channel, args }));
        });
      },
    };
  }

  it('refuses an upgrade without a credential, from another origin or host, or on another path', async () => {
    expect(await refusal(connect({ Origin: origin }))).toBe(401);
    expect(await refusal(connect({ Authorization: `Bearer ${'0'.repeat(64)}` }))).toBe(401);
    expect(await refusal(connect({ ...bearer, Origin: 'http://evil.example' }))).toBe(403);
    expect(await refusal(connect({ ...bearer, Host: 'evil.example' }))).toBe(403);
    expect(await refusal(connect(bearer, '/other'))).toBe(404);
    expect(await refusal(connect(bearer))).toBe(101);
    expect(await refusal(connect({ ...bearer, Origin: origin }))).toBe(101);
  });

  it('no longer accepts the token as a cookie (it would reach every other local port)', async () => {
    const cookie = `taskdeck_${host.port}=${host.token}`;
    expect(await refusal(connect({ Origin: origin, Cookie: cookie }))).toBe(401);
    expect((await upload('/upload?name=a.csv', 'x', { Origin: origin, Cookie: cookie })).status).toBe(401);
  });

  it("accepts a page's session offered as a subprotocol, and never echoes it", async () => {
    const session = await pageSession();
    const ws = connect({ Origin: origin }, '/api', [SOCKET_PROTOCOL, `${SESSION_PROTOCOL_PREFIX}${session}`]);
    const client = await open(ws);
    expect(ws.protocol).toBe(SOCKET_PROTOCOL);
    expect(await client.call('app:info', [])).toMatchObject({ ok: true });
    ws.close();
  });

  it('closes with 4401 on a session it did not issue, so the page can say why', async () => {
    const ws = connect({ Origin: origin }, '/api', [
      SOCKET_PROTOCOL,
      `${SESSION_PROTOCOL_PREFIX}forged.session`,
    ]);
    ws.on('error', () => {});
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(SESSION_REFUSED_CLOSE_CODE);
    // Without our subprotocol it is a plain refusal.
    expect(await refusal(connect({ [SESSION_HEADER]: 'forged.session' }))).toBe(401);
  });

  it('answers commands by id and validates every argument', async () => {
    const client = await open();
    expect(await client.call('app:info', [])).toEqual({
      id: 1,
      ok: true,
      result: { version: '1.2.3', platform: 'linux', host: 'web' },
    });
    const start = { server: 'analytics', tool: 'analyze_csv', arguments: { filePath: '/x.csv' } };
    expect(await client.call('hub:start-tool', [start])).toEqual({
      id: 2,
      ok: true,
      result: { taskId: 'task-1' },
    });
    expect(hub.calls).toContainEqual(['startTool', start]);
    const bad = (await client.call('hub:start-tool', [{ server: '', tool: 'x' }])) as {
      ok: boolean;
      error: string;
    };
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/invalid arguments: 0\.server: .*; 0\.arguments/);
    expect(await client.call('hub:cancel-task', ['done'])).toEqual({
      id: 4,
      ok: false,
      error: 'Task done is already completed',
    });
    expect(await client.call('nope', [])).toEqual({ id: 5, ok: false, error: 'Unknown command nope' });
    // Electron-only commands do not exist here.
    expect(await client.call('dialog:pick-folder', [])).toMatchObject({ ok: false });
    client.ws.close();
  });

  it('forwards sign-in and sign-out, and answers the sign-in redirect at its own page without a credential', async () => {
    const client = await open();
    expect(await client.call('hub:sign-in', ['remote'])).toMatchObject({
      ok: true,
      result: { authorizationUrl: 'https://as.example.com/authorize?client_id=taskdeck' },
    });
    expect(await client.call('hub:sign-out', ['remote'])).toMatchObject({ ok: true, result: null });
    expect(hub.calls).toContainEqual(['signIn', 'remote']);
    expect(hub.calls).toContainEqual(['signOut', 'remote']);
    client.ws.close();

    expect(host.signInCallbackUrl).toBe(`${origin}/oauth/callback`);
    const good = await fetch(`${host.signInCallbackUrl}?state=good&code=c0de`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-security-policy')).toBe(
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(good.headers.get('cache-control')).toBe('no-store');
    expect(await good.text()).toContain('<h1>Signed in to remote</h1>');
    expect(hub.calls).toContainEqual(['completeSignIn', { state: 'good', code: 'c0de' }]);
    // The hub refuses a state it did not issue; the page says so.
    const wrong = await fetch(`${host.signInCallbackUrl}?state=forged&code=c0de`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('This sign-in link is not valid');
    // DNS rebinding: another Host never reaches the hub.
    const calls = hub.calls.length;
    const rebound = await new Promise<number>((resolve, reject) =>
      request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/oauth/callback?state=good&code=c',
          headers: { Host: `evil.example:${host.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
    expect((await fetch(host.signInCallbackUrl, { method: 'POST' })).status).toBe(405);
    expect(hub.calls).toHaveLength(calls);
  });

  it('refuses arguments nested deeper than any form produces', async () => {
    const client = await open();
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { deep };
    const reply = await client.call('hub:start-tool', [{ server: 's', tool: 't', arguments: { deep } }]);
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/nest deeper than 64 levels/) });
    client.ws.close();
  });

  it('streams a snapshot on subscribe', async () => {
    const client = await open();
    await client.call('hub:subscribe', []);
    expect(client.events[0]).toMatchObject({ type: 'snapshot' });
    client.ws.close();
  });

  it('completes typed paths under the home folder only', async () => {
    const client = await open();
    const inside = (await client.call('fs:complete-path', ['~/p'])) as {
      result: { entries: { path: string }[] };
    };
    expect(inside.result.entries.map((e) => e.path)).toEqual([join(dir, 'home', 'projects')]);
    const outside = (await client.call('fs:complete-path', ['/etc/'])) as {
      result: { entries: unknown[]; error: string };
    };
    expect(outside.result.entries).toEqual([]);
    expect(outside.result.error).toMatch(/home folder/);
    client.ws.close();
  });

  it('closes the socket on a malformed message', async () => {
    const client = await open();
    const closed = new Promise<number>((resolve) => client.ws.on('close', (code) => resolve(code)));
    client.ws.send('{not json');
    expect(await closed).toBe(1008);
  });

  it('closes only that socket with 1009 on a message over the limit', async () => {
    const other = await open();
    const client = await open();
    client.ws.on('error', () => {});
    const closed = new Promise<number>((resolve) => client.ws.on('close', (code) => resolve(code)));
    client.ws.send('x'.repeat(MAX_SOCKET_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009);
    expect(await other.call('app:info', [])).toMatchObject({ ok: true });
    other.ws.close();
  });

  function upload(
    path: string,
    body: string,
    headers: Record<string, string> = { Origin: origin, ...bearer },
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path,
          method: 'POST',
          headers: { Host: `127.0.0.1:${host.port}`, ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async function uploaded(name: string, body: string, headers?: Record<string, string>): Promise<string> {
    const reply = await upload(`/upload?name=${encodeURIComponent(name)}`, body, headers);
    expect(reply.status, reply.body).toBe(200);
    return (JSON.parse(reply.body) as { path: string }).path;
  }

  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );

  it('saves an upload under the data folder, grants it and returns its path', async () => {
    const path = await uploaded('../../sales q1.csv', 'a,b\n1,2\n');
    expect(path.startsWith(join(dir, 'data', 'uploads'))).toBe(true);
    expect(path.endsWith('/sales q1.csv')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('a,b\n1,2\n');
    expect(hub.granted).toContain(path);
    await open().then(async (client) => {
      await client.call('hub:revoke-root', [path]);
      client.ws.close();
    });
  });

  it('keeps the uploads folder readable by the user only', async () => {
    await uploaded('private.csv', 'a\n');
    expect((await stat(join(dir, 'data', 'uploads'))).mode & 0o777).toBe(0o700);
  });

  it("accepts a page's session in the upload header", async () => {
    const session = await pageSession();
    const path = await uploaded('page.csv', 'a\n', { Origin: origin, [SESSION_HEADER]: session });
    expect(hub.granted).toContain(path);
    expect(
      (await upload('/upload?name=a.csv', 'x', { Origin: origin, [SESSION_HEADER]: 'x.y' })).status,
    ).toBe(401);
  });

  it('refuses uploads without a credential, from another origin, without a name, or over the limit', async () => {
    expect((await upload('/upload?name=a.csv', 'x', { Origin: origin })).status).toBe(401);
    expect(
      (await upload('/upload?name=a.csv', 'x', { Origin: 'http://evil.example', ...bearer })).status,
    ).toBe(403);
    expect((await upload('/upload', 'x')).status).toBe(400);
    const big = await upload('/upload?name=big.csv', 'x'.repeat(2000));
    expect(big.status).toBe(413);
    expect(big.body).toContain('larger than the upload limit');
  });

  it('accepts names of any length and shortens them on disk, keeping the extension', async () => {
    for (const name of [`${'a'.repeat(5000)}.csv`, `${'é'.repeat(300)}.csv`, `${'😀'.repeat(200)}.tsv`]) {
      const path = await uploaded(name, 'a\n');
      expect(Buffer.byteLength(basename(path))).toBeLessThanOrEqual(200);
      expect(path.slice(-4)).toBe(name.slice(-4));
      expect(await readFile(path, 'utf8')).toBe('a\n');
    }
  });

  it('deletes an uploaded file when its grant is revoked', async () => {
    const path = await uploaded('revoke-me.csv', 'a\n');
    const client = await open();
    expect(await client.call('hub:revoke-root', [path])).toMatchObject({ ok: true });
    expect(await exists(dirname(path))).toBe(false);
    // A folder outside the uploads is only revoked, never deleted.
    const mine = join(dir, 'home', 'projects');
    hub.granted.push(mine);
    await client.call('hub:revoke-root', [mine]);
    expect(await exists(mine)).toBe(true);
    client.ws.close();
  });

  it('bounds the uploads folder in total, and frees the space of revoked files', async () => {
    // Start from an empty folder: revoke what the other tests left.
    const client = await open();
    for (const root of [...hub.granted]) await client.call('hub:revoke-root', [root]);
    const first = await uploaded('one.csv', 'x'.repeat(1000));
    await uploaded('two.csv', 'x'.repeat(1000));
    const full = await upload('/upload?name=three.csv', 'x'.repeat(600));
    expect(full.status).toBe(413);
    expect(full.body).toMatch(/uploads folder is full \(2\.0 KB of \d\.\d KB\)/);
    expect(await readdir(join(dir, 'data', 'uploads'))).toHaveLength(2);
    await client.call('hub:revoke-root', [first]);
    await uploaded('three.csv', 'x'.repeat(600));
    client.ws.close();
  });

  it('deletes uploads that are no longer granted when it starts', async () => {
    const kept = await uploaded('kept.csv', 'k\n');
    const orphan = join(dir, 'data', 'uploads', '1-orphan');
    await mkdir(orphan);
    await writeFile(join(orphan, 'old.csv'), 'o\n');
    const again = await startWebHost({
      rendererDir: join(dir, 'renderer'),
      api: { hub, dataDir: join(dir, 'data'), appInfo: { version: '1', platform: 'linux', host: 'web' } },
    });
    await again.close();
    expect(await exists(orphan)).toBe(false);
    expect(await exists(kept)).toBe(true);
  });

  it('deletes nothing at start when the saved grants were damaged (they were set aside, not lost)', async () => {
    const orphan = join(dir, 'data', 'uploads', '2-maybe-granted');
    await mkdir(orphan);
    await writeFile(join(orphan, 'precious.csv'), 'p\n');
    hub.intact = false;
    try {
      const again = await startWebHost({
        rendererDir: join(dir, 'renderer'),
        api: { hub, dataDir: join(dir, 'data'), appInfo: { version: '1', platform: 'linux', host: 'web' } },
      });
      await again.close();
      expect(await exists(join(orphan, 'precious.csv'))).toBe(true);
    } finally {
      hub.intact = true;
    }
  });
});
