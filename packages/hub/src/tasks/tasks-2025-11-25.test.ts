import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
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
  const { adapter, book, serverSide } = await linkAdapter(server, 's');
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

/** The adapter and a book, over a client linked in-process to `server` (named `name`). */
async function linkAdapter(server: Server, name: string) {
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
  adapter.configureClient(client, name);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  cleanups.push(() => client.close());
  return { adapter, book, serverSide };
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

/**
 * A server with a task store, over an in-process link: tasks it creates wait until the test
 * ends them (`finish`), as a remote server's tasks run on while Taskdeck cannot reach it.
 */
async function taskSetup() {
  const store = new InMemoryTaskStore();
  const server = new Server(
    { name: 'r', version: '1.0.0' },
    { capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } } } }, taskStore: store },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => ({
    task: await store.createTask({ ttl: 60_000 }, extra.requestId, request),
  }));
  const { adapter, book } = await linkAdapter(server, 'r');
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  };
  const call = (id: string): Call => ({ id, server: 'r', tool: 'count', arguments: {}, mode: 'task' });
  const start = async (id: string) => {
    book.create(call(id));
    adapter.start(call(id));
    await until(() => book.get(id)?.mcpTaskId !== undefined);
    return book.get(id)?.mcpTaskId as string;
  };
  const finish = (taskId: string) =>
    store.storeTaskResult(taskId, 'completed', { content: [{ type: 'text', text: 'done' }] });
  return { adapter, book, call, start, finish, until };
}

const LOST = { tasksOutlive: true, retrying: true };

describe('Tasks20251125 with a remote server whose tasks outlive the connection', () => {
  it('keeps a task through a lost connection and follows it again by id, result included', async () => {
    const t = await taskSetup();
    const mcpTaskId = await t.start('a');
    t.adapter.onDisconnect('r', 'Server r cannot be reached', LOST);
    expect(t.book.get('a')).toMatchObject({
      status: 'working',
      connectionLost: { reason: 'Server r cannot be reached' },
    });
    await t.finish(mcpTaskId); // it ends while Taskdeck cannot see it
    t.adapter.resume('r');
    await t.until(() => t.book.get('a')?.status === 'completed');
    expect(t.book.get('a')).toMatchObject({ result: { content: [{ type: 'text', text: 'done' }] } });
    expect(t.book.get('a')?.connectionLost).toBeUndefined();
  });

  it('fails a task the server no longer knows when it is followed again', async () => {
    const t = await taskSetup();
    t.book.create(t.call('gone'));
    t.adapter.adopt(t.call('gone'), 'no-such-task', 'Taskdeck restarted');
    expect(t.book.get('gone')?.connectionLost?.reason).toBe('Taskdeck restarted');
    t.adapter.resume('r');
    await t.until(() => t.book.get('gone')?.status === 'failed');
    expect(t.book.get('gone')?.error).toMatch(/^The server no longer knows this task: /);
  });

  it('fails what cannot outlive the connection: a plain call, a task not created yet', async () => {
    const t = await taskSetup();
    t.book.create({ ...t.call('p'), mode: 'plain' });
    t.adapter.start({ ...t.call('p'), mode: 'plain' });
    t.book.create(t.call('early'));
    t.adapter.start(t.call('early'));
    t.adapter.onDisconnect('r', 'Server r cannot be reached', LOST); // before the create's answer
    for (const id of ['p', 'early'])
      expect(t.book.get(id)).toMatchObject({ status: 'failed', error: 'Server r cannot be reached' });
  });

  it('stops following (interrupted) a task whose server is given up or stopped', async () => {
    const t = await taskSetup();
    await t.start('stopped');
    t.adapter.onDisconnect('r', 'Server r was stopped.', { tasksOutlive: true, retrying: false });
    expect(t.book.get('stopped')).toMatchObject({
      status: 'interrupted',
      statusMessage:
        'Server r was stopped. Taskdeck no longer follows this task; it may still run on the server.',
    });
  });

  it('keeps a remote task running at shutdown, for the next start to adopt; interrupts the others', async () => {
    const t = await taskSetup();
    await t.start('kept');
    t.adapter.interruptAll('Taskdeck quit while this task was running.', (server) => server === 'r');
    expect(t.book.get('kept')).toMatchObject({
      status: 'working',
      connectionLost: {
        reason:
          'Taskdeck quit while this task was running. It still runs on server r; Taskdeck follows it again when it starts.',
      },
    });
    t.adapter.resume('r'); // forgotten: nothing follows it in this hub any more
    await new Promise((r) => setTimeout(r, 50));
    expect(t.book.get('kept')?.connectionLost).toBeDefined();

    const u = await taskSetup();
    await u.start('local');
    u.adapter.interruptAll('Taskdeck quit while this task was running.', () => false);
    expect(u.book.get('local')?.status).toBe('interrupted');
  });
});
