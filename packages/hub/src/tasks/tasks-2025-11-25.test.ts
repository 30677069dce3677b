import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskBook } from './task-book.js';
import { type Call, Tasks20251125 } from './tasks-2025-11-25.js';

/**
 * The adapter with one in-process server ("s"): `hang` never answers, `refuse` answers
 * JSON-RPC error -32000 (a server-defined code, the same as the SDK's "Connection closed").
 * `close()` drops the connection the way a dying server does.
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
  const book = new TaskBook();
  const adapter = new Tasks20251125({
    client: () => client,
    emit: (id, event) => book.apply(id, event),
    status: (id) => book.get(id)?.status,
  });
  adapter.configureClient(client, 's');
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  cleanups.push(() => client.close());
  let next = 0;
  const start = (tool: string, mode: Call['mode']) => {
    const call: Call = { id: `c${++next}`, server: 's', tool, arguments: {}, mode };
    book.create(call);
    adapter.start(call);
    return call.id;
  };
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { adapter, book, start, close: () => serverSide.close(), settle };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('Tasks20251125 when a server connection closes', () => {
  it('leaves calls whose connection closed to onDisconnect, which gives the reason', async () => {
    const t = await setup();
    const plain = t.start('hang', 'plain');
    const task = t.start('hang', 'task');
    await t.settle();
    await t.close();
    await t.settle();
    // "Connection closed" says nothing: they wait for the supervisor's reason.
    expect(t.book.get(plain)?.status).toBe('working');
    expect(t.book.get(task)?.status).toBe('working');
    t.adapter.onDisconnect('s', 'Server s exited with code 7: fatal: lost the database');
    for (const id of [plain, task]) {
      expect(t.book.get(id)).toMatchObject({
        status: 'failed',
        error: 'Server s exited with code 7: fatal: lost the database',
      });
    }
  });

  it('fails a call at once on an error the server answered, whatever its code', async () => {
    const t = await setup();
    const id = t.start('refuse', 'plain');
    await t.settle();
    expect(t.book.get(id)).toMatchObject({ status: 'failed', error: 'MCP error -32000: busy, try later' });
  });
});
