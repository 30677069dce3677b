import { delay } from '@taskdeck/node-common/environment';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpHttpEndpoint, type SessionLimits } from './http-endpoint.js';
import { TaskServer, textResult } from './task-server.js';

// The endpoint in-process: what the bundled servers' HTTP tests (servers/cloud-ops) do not
// reach from outside, such as session limits and idle sessions.

const endpoints: McpHttpEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function listen(limits: Partial<SessionLimits> = {}) {
  const server = new TaskServer({ name: 'endpoint-test', version: '0.0.0' });
  server.tool({
    name: 'echo',
    title: 'Echo',
    description: 'Echoes',
    input: z.strictObject({ text: z.string() }),
    run: async ({ text }) => textResult(text),
  });
  const endpoint = await McpHttpEndpoint.listen(
    server,
    { host: '127.0.0.1', port: 0, allowedHosts: [] },
    limits,
  );
  endpoints.push(endpoint);
  return { server, endpoint, url: endpoint.url };
}

const json = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

async function open(url: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: json, body: initialize });
  expect(response.status).toBe(200);
  await response.text();
  const sessionId = response.headers.get('mcp-session-id') as string;
  const headers = { ...json, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
  const initialized = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
  expect((await fetch(url, { method: 'POST', headers, body: initialized })).status).toBe(202);
  return sessionId;
}

describe('McpHttpEndpoint', () => {
  it('prints a URL on the port it got, at /mcp', async () => {
    const { url, endpoint } = await listen();
    expect(url).toBe(`http://127.0.0.1:${endpoint.port}/mcp`);
  });

  it('answers what starts no session: bad JSON 400, too large 413, other methods 405', async () => {
    const { url } = await listen();
    const bad = await fetch(url, { method: 'POST', headers: json, body: '{"jsonrpc":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: -32700, message: 'Parse error: Invalid JSON' } });
    const notInit = await fetch(url, {
      method: 'POST',
      headers: json,
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    expect(notInit.status).toBe(400);
    expect(await notInit.json()).toMatchObject({
      error: { message: expect.stringContaining('Mcp-Session-Id') },
    });
    const large = await fetch(url, { method: 'POST', headers: json, body: 'x'.repeat(4 * 1024 * 1024 + 1) });
    expect(large.status).toBe(413);
    const put = await fetch(url, { method: 'PUT', headers: json, body: initialize });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
    // A wrong Accept header is the SDK transport's to refuse; no session is left behind.
    const { endpoint } = await listen();
    const wrongAccept = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: initialize,
    });
    expect(wrongAccept.status).toBe(406);
    expect(endpoint.sessionCount).toBe(0);
  });

  it('refuses a session beyond the limit with 503, and takes one again once a session ended', async () => {
    const { url, endpoint } = await listen({ maxSessions: 2 });
    const first = await open(url);
    await open(url);
    const third = await fetch(url, { method: 'POST', headers: json, body: initialize });
    expect(third.status).toBe(503);
    expect(await third.json()).toMatchObject({
      error: { message: expect.stringContaining('Too many sessions (2)') },
    });
    const ended = await fetch(url, {
      method: 'DELETE',
      headers: { 'Mcp-Session-Id': first, 'MCP-Protocol-Version': '2025-11-25' },
    });
    expect(ended.status).toBe(200);
    expect(endpoint.sessionCount).toBe(1);
    await open(url);
  });

  it('closes a session left idle, never one with an open stream; its id then answers 404', async () => {
    const { url, endpoint, server } = await listen({ idleMs: 200 });
    const idle = await open(url);
    const listening = await open(url);
    const stream = await fetch(url, {
      headers: {
        Accept: 'text/event-stream',
        'Mcp-Session-Id': listening,
        'MCP-Protocol-Version': '2025-11-25',
      },
    });
    expect(stream.status).toBe(200);
    for (let i = 0; i < 100 && endpoint.sessionCount > 1; i++) await delay(20);
    expect(endpoint.sessionCount).toBe(1);
    expect(server.sessionCount).toBe(1);
    const gone = await fetch(url, {
      method: 'POST',
      headers: { ...json, 'Mcp-Session-Id': idle, 'MCP-Protocol-Version': '2025-11-25' },
      body: '{"jsonrpc":"2.0","id":2,"method":"ping"}',
    });
    expect(gone.status).toBe(404);
    await stream.body?.cancel();
  });
});
