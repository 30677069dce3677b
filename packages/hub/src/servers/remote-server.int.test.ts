// biome-ignore-all lint/suspicious/noTemplateCurlyInString: servers.json uses VS Code's ${env:NAME} syntax, not templates
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerInfo } from '@taskdeck/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpMcpServer } from '../../test/http-mcp-server.js';
import { HubHarness } from '../../test/hub-harness.js';

/**
 * The hub as a Streamable HTTP client, against small SDK servers on 127.0.0.1 that misbehave
 * on demand: dropped streams, expired sessions, restarts, a server that stays away, 401.
 */
const harnesses: HubHarness[] = [];
const servers: HttpMcpServer[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function serve(options?: Parameters<typeof HttpMcpServer.start>[0]) {
  const server = await HttpMcpServer.start(options);
  servers.push(server);
  return server;
}

async function start(entry: Record<string, unknown>, options: Parameters<typeof HubHarness.start>[0] = {}) {
  const h = await HubHarness.start({
    bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
    userServers: { remote: entry },
    http: {
      streamReconnection: {
        initialReconnectionDelay: 50,
        maxReconnectionDelay: 200,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 3,
      },
    },
    ...options,
  });
  harnesses.push(h);
  return h;
}

/** Every status the server went through, in order, from the published events. */
function statuses(h: HubHarness, name = 'remote'): ServerInfo['status'][] {
  const seen: ServerInfo['status'][] = [];
  for (const { event } of h.events)
    for (const server of event.servers)
      if (server.name === name && seen.at(-1) !== server.status) seen.push(server.status);
  return seen;
}

const count = (steps: number, stepMs: number) => ({
  server: 'remote',
  tool: 'count',
  arguments: { steps, stepMs },
});

describe('a remote server over Streamable HTTP', () => {
  it('runs a task with progress and its result, in one session with the protocol version on every request', async () => {
    const server = await serve({ token: 'tok-123' });
    process.env.TASKDECK_TEST_TOKEN = 'tok-123';
    const h = await start({
      type: 'http',
      url: server.url,
      headers: { Authorization: 'Bearer ${env:TASKDECK_TEST_TOKEN}' },
    });
    await h.ready('remote');
    expect(h.server('remote')).toMatchObject({ transport: 'http', url: server.url });
    expect(h.server('remote')?.pid).toBeUndefined();
    const { taskId } = await h.hub.startTool(count(5, 20));
    expect(await h.finished(taskId)).toMatchObject({
      status: 'completed',
      mode: 'task',
      progress: 5,
      total: 5,
    });
    expect(h.hub.getTask(taskId)?.result?.content).toEqual([{ type: 'text', text: 'counted to 5' }]);

    const [initialize, ...rest] = server.requests;
    expect(initialize).toMatchObject({ httpMethod: 'POST', rpcMethod: 'initialize', sessionId: undefined });
    const session = rest[0]?.sessionId;
    expect(session).toBeDefined();
    for (const request of rest)
      expect(request).toMatchObject({ sessionId: session, protocolVersion: '2025-11-25' });
    expect(server.requests.every((r) => r.authorized)).toBe(true);
    expect(rest.some((r) => r.httpMethod === 'GET')).toBe(true); // the stream for server notifications
    // The connection's log says what happened, never a header.
    const log = h.server('remote')?.stderrTail.join('\n') ?? '';
    expect(log).toContain(`[taskdeck] connecting to ${server.url} (Streamable HTTP)`);
    expect(log).toContain(`[taskdeck] connected, session ${session}, protocol 2025-11-25`);
    const file = readFileSync(join(h.dataDir, 'logs', 'remote.log'), 'utf8');
    expect(file).toContain(`session ${session}`);
    expect(`${log}${file}`).not.toContain('tok-123');
  });

  it('names none of the user’s folders to a remote server', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    await h.hub.grantRoots([h.dataDir]);
    const { taskId } = await h.hub.startTool({ server: 'remote', tool: 'roots', arguments: {} });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    expect(h.hub.getTask(taskId)?.result?.content).toEqual([{ type: 'text', text: '[]' }]);
  });

  it('cancels a remote task', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(500, 20));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 1, 'progress');
    await h.hub.cancelTask(taskId);
    expect(await h.finished(taskId)).toMatchObject({ status: 'cancelled' });
  });

  it('resumes a dropped event stream with Last-Event-ID and misses no notification', async () => {
    const server = await serve();
    const h = await start({ type: 'streamable-http', url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(20, 40));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 2, 'progress');
    server.dropStreams();
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed', progress: 20 });
    const resumed = server.requests.filter((r) => r.httpMethod === 'GET' && r.lastEventId);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(resumed[0]?.sessionId).toBe(server.requests[1]?.sessionId);
    // Still the same session: nothing was lost, nothing was reconnected.
    expect(server.sessionsStarted).toBe(1);
    expect(statuses(h)).toEqual(['starting', 'ready']);
  });

  it('keeps the session of a server that offers no event stream, and polls its tasks', async () => {
    const server = await serve({ noEventStream: 400 });
    const h = await start({ url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(3, 20));
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    expect(server.sessionsStarted).toBe(1);
    expect(statuses(h)).toEqual(['starting', 'ready']);
    expect(h.server('remote')?.stderrTail.join('\n')).toContain(
      'offers no event stream (HTTP 400): its notifications cannot arrive; tasks are polled',
    );
  });

  it('starts a new session when the server forgets it (404), and the task goes on', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(25, 40));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 2, 'progress');
    server.expireSessions();
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed', progress: 25 });
    expect(server.sessionsStarted).toBe(2);
    expect(server.requests.some((r) => r.status === 404)).toBe(true);
    expect(h.server('remote')?.stderrTail.join('\n')).toContain(
      'answered HTTP 404: the session ended; starting a new one',
    );
    expect(h.server('remote')?.status).toBe('ready');
  });

  it('shows a restarting server as reconnecting, then fails the task it no longer knows', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(500, 20));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 1, 'progress');
    await server.restart(400);
    const final = await h.finished(taskId);
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/^The server no longer knows this task: /);
    expect(statuses(h)).toEqual(expect.arrayContaining(['ready', 'reconnecting']));
    await h.ready('remote');
    expect(h.server('remote')?.lastCrash?.reason).toMatch(
      /^Server remote cannot be reached at .* \(ECONNREFUSED\)|^Server remote answered HTTP 404/,
    );
    // While it was away, the task said why it was not followed.
    const lost = h.events
      .flatMap(({ event }) => event.tasks)
      .find((t) => t.id === taskId && t.connectionLost);
    expect(lost?.connectionLost?.reason).toMatch(/^Server remote/);
    // The restarted server works.
    const again = await h.hub.startTool(count(2, 10));
    expect(await h.finished(again.taskId)).toMatchObject({ status: 'completed' });
  });

  it('keeps a task through the user’s restart of the server, and interrupts it on a stop', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    const kept = await h.hub.startTool(count(30, 30));
    await h.until(() => (h.tasks.get(kept.taskId)?.progress ?? 0) >= 1, 'progress');
    await h.hub.restartServer('remote');
    expect(await h.finished(kept.taskId)).toMatchObject({ status: 'completed', progress: 30 });
    expect(server.sessionsStarted).toBe(2);

    const stopped = await h.hub.startTool(count(500, 20));
    await h.until(() => (h.tasks.get(stopped.taskId)?.progress ?? 0) >= 1, 'progress');
    await h.hub.stopServer('remote');
    expect(await h.finished(stopped.taskId)).toMatchObject({
      status: 'interrupted',
      statusMessage:
        'Server remote was stopped. Taskdeck no longer follows this task; it may still run on the server.',
    });
  });

  it('gives up on a server that stays away, and stops following its task', async () => {
    const server = await serve();
    const h = await start({ url: server.url }, { restartPolicy: { initialDelayMs: 50, maxCrashes: 3 } });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool(count(500, 20));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 1, 'progress');
    await server.stop();
    const final = await h.finished(taskId);
    expect(final).toMatchObject({ status: 'interrupted' });
    expect(final.statusMessage).toMatch(
      /Taskdeck no longer follows this task; it may still run on the server\.$/,
    );
    await h.until(() => h.server('remote')?.status === 'crashed', 'the server to be given up');
    expect(h.server('remote')?.error).toMatch(
      /cannot be reached at .*\(ECONNREFUSED\) \(failed 3 times in a row; restart it when fixed\)/,
    );
  });

  it('fails a plain call on a server that went away, with the reason', async () => {
    const server = await serve();
    const h = await start({ url: server.url });
    await h.ready('remote');
    const plain = await h.hub.startTool({ server: 'remote', tool: 'echo', arguments: { text: 'hi' } });
    expect(await h.finished(plain.taskId)).toMatchObject({ status: 'completed', mode: 'plain' });
    await server.stop();
    const late = await h.hub.startTool({ server: 'remote', tool: 'echo', arguments: { text: 'late' } });
    expect(await h.finished(late.taskId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^Server remote cannot be reached at .* \((ECONNREFUSED|the server closed the connection)\)$/,
      ),
    });
  });

  it('waits for sign-in on 401 instead of retrying', async () => {
    const server = await serve({ token: 'secret' });
    const h = await start({ url: server.url });
    await h.until(() => h.server('remote')?.status === 'needs_sign_in', 'needs sign-in');
    expect(h.server('remote')?.error).toBe(
      `answered HTTP 401 Unauthorized: it needs sign-in (${server.url})`,
    );
    expect(h.server('remote')?.lastCrash).toBeUndefined(); // waiting for the user is no crash
    const asked = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.requests.length).toBe(asked);
    await expect(h.hub.startTool({ server: 'remote', tool: 'echo', arguments: {} })).rejects.toThrow(
      'has no tool',
    );
  });

  it('falls back to the legacy HTTP+SSE transport when the server answers that way', async () => {
    const server = await serve({ legacy: true });
    const h = await start({ url: server.url });
    await h.ready('remote');
    const { taskId } = await h.hub.startTool({ server: 'remote', tool: 'echo', arguments: { text: 'old' } });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    const log = h.server('remote')?.stderrTail.join('\n');
    expect(log).toContain('it answered HTTP 404: trying the legacy HTTP+SSE transport');
    expect(log).toContain('over the legacy HTTP+SSE transport');
  });

  it('picks up a task still running on the server when Taskdeck restarts', async () => {
    const server = await serve();
    const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-remote-'));
    servers.push({ stop: async () => rmSync(dataDir, { recursive: true, force: true }) } as HttpMcpServer);
    const first = await start({ url: server.url }, { dataDir });
    await first.ready('remote');
    const { taskId } = await first.hub.startTool(count(40, 40));
    await first.until(() => (first.tasks.get(taskId)?.progress ?? 0) >= 2, 'progress');
    const mcpTaskId = first.hub.getTask(taskId)?.mcpTaskId;
    await first.hub.shutdown();
    harnesses.splice(harnesses.indexOf(first), 1);

    const second = await start({ url: server.url }, { dataDir, startServers: false });
    expect(second.hub.getTask(taskId)).toMatchObject({
      status: 'working',
      mcpTaskId,
      connectionLost: {
        reason: expect.stringMatching(
          /^Taskdeck quit while this task was running\. It still runs on server remote/,
        ),
      },
    });
    await second.hub.startServer('remote');
    expect(await second.finished(taskId)).toMatchObject({ status: 'completed', progress: 40 });
    expect(second.hub.getTask(taskId)?.connectionLost).toBeUndefined();
    expect(second.hub.getTask(taskId)?.result?.content).toEqual([{ type: 'text', text: 'counted to 40' }]);
  });
});

describe('adding and removing a remote server', () => {
  it('adds one to servers.json, keeping the rest of the file, starts it and runs a task on it', async () => {
    const server = await serve();
    const h = await start({ command: 'node', args: ['mine.js'], disabled: true, note: 'kept' });
    const path = join(h.dataDir, 'servers.json');
    await h.hub.addServer({ name: 'added', url: server.url, headers: { 'X-Team': 'ops' } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      mcpServers: {
        remote: { command: 'node', args: ['mine.js'], disabled: true, note: 'kept' },
        added: { type: 'http', url: server.url, headers: { 'X-Team': 'ops' } },
      },
    });
    await h.ready('added');
    const { taskId } = await h.hub.startTool({ ...count(3, 10), server: 'added' });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed', server: 'added' });

    await expect(h.hub.addServer({ name: 'added', url: server.url })).rejects.toThrow(
      'There is already a server named "added".',
    );
    await expect(h.hub.addServer({ name: 'x', url: 'ftp://127.0.0.1/' })).rejects.toThrow(
      'url: must start with http:// or https://',
    );

    await h.hub.removeServer('added');
    expect(h.server('added')).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).mcpServers)).toEqual(['remote']);
    await h.until(
      () => h.events.some(({ event }) => event.type === 'batch' && event.removedServers?.includes('added')),
      'the removal to be published',
    );
    // Its session was ended on the server (HTTP DELETE).
    expect(server.requests.some((r) => r.httpMethod === 'DELETE')).toBe(true);
    await expect(h.hub.removeServer('added')).rejects.toThrow('Unknown server "added".');
  });

  it('removes an entry that could not be used, and refuses to remove a bundled server', async () => {
    const h = await HubHarness.start({ userServers: { broken: { url: 'ftp://127.0.0.1/' } } });
    harnesses.push(h);
    expect(h.server('broken')?.error).toMatch(/url: must start with/);
    await h.hub.removeServer('broken');
    expect(h.server('broken')).toBeUndefined();
    expect(JSON.parse(readFileSync(join(h.dataDir, 'servers.json'), 'utf8'))).toEqual({ mcpServers: {} });
    await expect(h.hub.removeServer('cloud-ops')).rejects.toThrow('"cloud-ops" is a bundled server');
  });
});
