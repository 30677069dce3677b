import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from './task-record.js';
import { TaskTracker } from './task-tracker.js';

/**
 * A tracker whose one server ("s") runs in-process: `hang` never answers, `refuse`
 * answers JSON-RPC error -32000 (a server-defined code, the same as the SDK's
 * "Connection closed"). `close()` drops the connection the way a dying server does.
 */
async function setup() {
  const server = new Server(
    { name: 's', version: '1.0.0' },
    { capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } } } } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (request.params.name === 'refuse') throw Object.assign(new Error('busy, try later'), { code: -32000 });
    return new Promise(() => {});
  });
  const client = new Client(
    { name: 'hub', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } } },
  );
  const changes: TaskRecord['status'][] = [];
  const tracker = new TaskTracker({
    client: () => client,
    chooseMode: async (_server, tool) => (tool === 'hang_task' ? 'task' : 'plain'),
    onChange: (record) => changes.push(record.status),
    onLog: () => {},
  });
  tracker.configureClient(client, 's');
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  cleanups.push(() => client.close());
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { tracker, client, close: () => serverSide.close(), settle };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('TaskTracker when a server connection closes', () => {
  it('leaves calls whose connection closed to onDisconnect, which gives the reason', async () => {
    const t = await setup();
    const plain = await t.tracker.start('s', 'hang', {});
    const task = await t.tracker.start('s', 'hang_task', {});
    await t.settle();
    await t.close();
    await t.settle();
    // "Connection closed" says nothing: they wait for the supervisor's reason.
    expect(plain.status).toBe('working');
    expect(task.status).toBe('working');
    t.tracker.onDisconnect('s', 'Server s exited with code 7: fatal: lost the database');
    for (const record of [plain, task]) {
      expect(record).toMatchObject({
        status: 'failed',
        error: 'Server s exited with code 7: fatal: lost the database',
      });
    }
  });

  it('fails a call at once on an error the server answered, whatever its code', async () => {
    const t = await setup();
    const record = await t.tracker.start('s', 'refuse', {});
    await t.settle();
    expect(record).toMatchObject({ status: 'failed', error: 'MCP error -32000: busy, try later' });
  });
});
