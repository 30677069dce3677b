import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpHarness, SERVERS_DIR, textOf } from '../../test/mcp-harness.js';

// cloud-ops as a remote server: `node out/servers/cloud-ops.js --http` on 127.0.0.1, with the
// SDK's Streamable HTTP client (through the test harness), and raw HTTP where the exact status
// code or header is what is tested.

const harnesses: McpHarness[] = [];
afterEach(async () => {
  // Sessions first, then the harness that owns the server process.
  for (const h of harnesses.splice(0).reverse()) await h.close();
});

async function start(options: Parameters<typeof McpHarness.start>[1] = {}) {
  const harness = await McpHarness.start('cloud-ops', { ...options, http: options.http ?? {} });
  harnesses.push(harness);
  return harness;
}

async function newSession(h: McpHarness, options: Parameters<McpHarness['newSession']>[0] = {}) {
  const session = await h.newSession(options);
  harnesses.push(session);
  return session;
}

const staging = { serviceName: 'billing', version: '3.1.0', environment: 'staging' };
const accept = () => ({ action: 'accept' as const, content: { confirm: true } });

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request exactly as given (node:http lets the test set Host), read to its end. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A session opened by hand: initialize, then notifications/initialized. */
async function rawSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const init = await raw(url, { headers, body: initialize });
  expect(init.status).toBe(200);
  const sessionId = init.headers['mcp-session-id'] as string;
  const session = { ...headers, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
  const initialized = await raw(url, {
    headers: session,
    body: { jsonrpc: '2.0', method: 'notifications/initialized' },
  });
  expect(initialized.status).toBe(202);
  return sessionId;
}

interface SseEvent {
  id?: string;
  data: string;
}

/** Reads SSE events from a streamed response until `enough` says so; the stream stays open. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  enough: (events: SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) event.id = line.slice(4);
        if (line.startsWith('data: ')) event.data += line.slice(6);
      }
      if (event.data) events.push(event);
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

const statusOf = (event: SseEvent) => {
  const message = JSON.parse(event.data) as { method?: string; params?: { status?: string } };
  return message.method === 'notifications/tasks/status' ? message.params?.status : undefined;
};

describe('cloud-ops over Streamable HTTP', () => {
  it('prints its URL and runs a deploy as a task, with progress, status notifications and tasks/result', async () => {
    const h = await start();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { task, progressToken } = await h.startTask('deploy_service', staging);
    const result = await h.result(task.taskId);
    expect(textOf(result)).toBe('Deployed billing 3.1.0 to staging (2 instances, was 3.0.4).');
    await h.waitForStatus(task.taskId, 'completed');
    expect(h.progressOf(progressToken).length).toBeGreaterThan(2);
    expect(h.transitionsOf(task.taskId)).toEqual(['working', 'completed']);
    expect(h.stderr).toContain('MCP over HTTP at');
  });

  it('cancels a deploy over HTTP: the work stops, no progress after it', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.2' } });
    const { task, progressToken } = await h.startTask('deploy_service', staging);
    await h.until(() => h.progressOf(progressToken).length > 0, 'the first progress');
    expect((await h.client.experimental.tasks.cancelTask(task.taskId)).status).toBe('cancelled');
    const cancelledAt = Date.now();
    await h.waitForStatus(task.taskId, 'cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.progressOf(progressToken).filter((p) => p.at > cancelledAt)).toEqual([]);
    expect(h.transitionsOf(task.taskId)).toEqual(['working', 'cancelled']);
    expect((await h.client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
  });

  it('serves a task to a new session after the connection that started it dropped', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.2' } });
    const { task, progressToken } = await h.startTask('deploy_service', staging);
    await h.until(() => h.progressOf(progressToken).length > 0, 'the first progress');
    // The client goes away without ending its session (no DELETE): a dropped connection.
    await h.client.close();
    const again = await newSession(h);
    expect((await again.client.experimental.tasks.getTask(task.taskId)).status).toBe('working');
    const listed = await again.client.experimental.tasks.listTasks();
    expect(listed.tasks.map((t) => t.taskId)).toEqual([task.taskId]);
    // From the session that asked about it, the task is heard again, and its result read.
    await again.waitForStatus(task.taskId, 'completed');
    const result = await again.result(task.taskId);
    expect(textOf(result)).toBe('Deployed billing 3.1.0 to staging (2 instances, was 3.0.4).');
  });

  it('asks a production deploy’s question again on a new session when the client holding it dropped', async () => {
    let held = false;
    const h = await start({
      onElicit: () => {
        held = true;
        return new Promise(() => {}); // the user never answers on this connection
      },
    });
    const { task } = await h.startTask('deploy_service', {
      serviceName: 'web-frontend',
      version: '2.12.0',
      environment: 'prod',
    });
    await h.waitForStatus(task.taskId, 'input_required');
    h.result(task.taskId).catch(() => {}); // takes the question, then the connection drops
    await h.until(() => held, 'the question to reach the first client');
    await h.client.close();
    const asked: string[] = [];
    const again = await newSession(h, {
      onElicit: (request) => {
        asked.push(request.message);
        return accept();
      },
    });
    const result = await again.result(task.taskId);
    expect(asked).toEqual([
      'Deploy web-frontend 2.12.0 to production? 3 instance(s) now run 2.11.5; they are updated one at a time.',
    ]);
    expect(textOf(result)).toBe('Deployed web-frontend 2.12.0 to prod (3 instances, was 2.11.5).');
  });

  it('replays what a dropped GET stream missed when the client resumes it with Last-Event-ID', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.1' } });
    const sessionId = await rawSession(h.url);
    const headers = { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
    const listen = (lastEventId?: string) =>
      fetch(h.url, {
        headers: {
          ...headers,
          Accept: 'text/event-stream',
          ...(lastEventId !== undefined && { 'Last-Event-ID': lastEventId }),
        },
      });
    const first = await listen();
    expect(first.status).toBe(200);
    const call = await raw(h.url, {
      headers,
      body: {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'deploy_service', arguments: staging, task: {} },
      },
    });
    expect(call.body).toContain('"taskId"');
    const reader = (first.body as ReadableStream<Uint8Array>).getReader();
    const seen = await readEvents(reader, (events) => events.some((e) => statusOf(e) === 'working'));
    const lastSeen = seen.at(-1) as SseEvent;
    expect(lastSeen.id).toBeDefined();
    await reader.cancel(); // the stream drops; the deploy goes on, its events are kept
    await new Promise((r) => setTimeout(r, 300));

    const resumed = await listen(lastSeen.id);
    expect(resumed.status).toBe(200);
    const resumedReader = (resumed.body as ReadableStream<Uint8Array>).getReader();
    const missed = await readEvents(resumedReader, (events) =>
      events.some((e) => statusOf(e) === 'completed'),
    );
    await resumedReader.cancel();
    const ids = [lastSeen, ...missed].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(missed.map(statusOf)).toContain('completed');

    // An event the server does not know (any more) cannot be resumed from.
    expect((await listen('999999')).status).toBe(400);
  });

  it('refuses a foreign Host or Origin with 403 (DNS rebinding), accepts its own names', async () => {
    const h = await start();
    const port = new URL(h.url).port;
    const foreignHost = await raw(h.url, { headers: { Host: `evil.example.com:${port}` }, body: initialize });
    expect(foreignHost.status).toBe(403);
    expect(JSON.parse(foreignHost.body)).toMatchObject({
      error: { message: expect.stringContaining('Host') },
    });
    const foreignOrigin = await raw(h.url, {
      headers: { Origin: 'http://evil.example.com' },
      body: initialize,
    });
    expect(foreignOrigin.status).toBe(403);
    expect((await raw(h.url, { headers: { Origin: 'null' }, body: initialize })).status).toBe(403);
    expect(
      (await raw(h.url, { headers: { Host: `127.0.0.1:${Number(port) + 1}` }, body: initialize })).status,
    ).toBe(403);
    const local = await raw(h.url, {
      headers: { Host: `localhost:${port}`, Origin: `http://localhost:${port}` },
      body: initialize,
    });
    expect(local.status).toBe(200);
  });

  it('answers 404 for a terminated or unknown session, 400 without one', async () => {
    const h = await start();
    const sessionId = await rawSession(h.url);
    const headers = { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
    expect((await raw(h.url, { headers, body: list })).status).toBe(200);
    expect((await raw(h.url, { method: 'DELETE', headers })).status).toBe(200);
    const after = await raw(h.url, { headers, body: list });
    expect(after.status).toBe(404);
    expect(JSON.parse(after.body)).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
    expect((await raw(h.url, { headers: { 'Mcp-Session-Id': 'made-up' }, body: list })).status).toBe(404);
    expect((await raw(h.url, { body: list })).status).toBe(400);
    expect((await raw(h.url, { method: 'GET', headers: { Accept: 'text/event-stream' } })).status).toBe(400);
    expect((await raw(h.url.replace('/mcp', '/other'), { body: initialize })).status).toBe(404);
  });

  it.each<[string, { args?: string[]; env?: Record<string, string> }]>([
    ['--token', { args: ['--token', 'sesame'] }],
    ['TASKDECK_SERVER_TOKEN', { env: { TASKDECK_SERVER_TOKEN: 'sesame' } }],
  ])(
    'requires the bearer token set with %s: 401 without it or with another, served with it',
    async (_how, setup) => {
      const h = await start({ env: setup.env, http: { args: setup.args, token: 'sesame' } });
      expect((await h.client.listTools()).tools.map((t) => t.name)).toContain('deploy_service');
      const missing = await raw(h.url, { body: initialize });
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="cloud-ops"');
      const wrong = await raw(h.url, { headers: { Authorization: 'Bearer open' }, body: initialize });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="cloud-ops", error="invalid_token"/);
      expect(
        (await raw(h.url, { headers: { Authorization: 'Bearer sesame' }, body: initialize })).status,
      ).toBe(200);
    },
  );
});

describe('cloud-ops command line', () => {
  const script = join(SERVERS_DIR, 'cloud-ops.js');
  const run = (args: string[]) =>
    spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 15_000, input: '' });

  it('refuses to listen beyond loopback without a token, saying how to fix it', () => {
    const refused = run(['--http', '--host', '0.0.0.0']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('Refusing to listen on 0.0.0.0 without a token');
    expect(refused.stderr).toContain('--allow-unauthenticated');
  });

  it('says why it cannot listen (the port is taken) and exits 1', async () => {
    const h = await start();
    const port = new URL(h.url).port;
    const taken = run(['--http', '--port', port]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
  });

  it('explains a wrong command line and exits 2; --help prints the usage', () => {
    const wrong = run(['--htp']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/Unknown option '--htp'/);
    expect(wrong.stderr).toContain('Usage: node cloud-ops.js');
    expect(run(['--port', '80']).stderr).toContain('--port applies to --http only');
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--http');
  });
});
