import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVERS_DIR } from '../../test/hub-harness.js';
import { TaskBook } from './task-book.js';
import type { TaskEvent } from './task-events.js';
import { type Call, Tasks20251125 } from './tasks-2025-11-25.js';

/**
 * The 2025-11-25 adapter alone, on the real bundled cloud-ops server over stdio with the
 * SDK's client: the events it reports, in order, applied to a real task book.
 */
interface Rig {
  adapter: Tasks20251125;
  book: TaskBook;
  events: { id: string; event: TaskEvent }[];
  client: Client;
  transport: StdioClientTransport;
  dataDir: string;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.client.close().catch(() => {});
    rmSync(rig.dataDir, { recursive: true, force: true });
  }
});

async function rig(timeScale = '0.02'): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'adapter-'));
  const events: Rig['events'] = [];
  const book = new TaskBook();
  const client = new Client(
    { name: 'adapter-test', version: '1' },
    { capabilities: { elicitation: { form: {} } } },
  );
  const adapter = new Tasks20251125({
    client: () => client,
    emit: (id, event) => {
      events.push({ id, event });
      book.apply(id, event);
    },
    status: (id) => book.get(id)?.status,
  });
  adapter.configureClient(client, 'cloud-ops');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(SERVERS_DIR, 'cloud-ops.js')],
    env: { PATH: process.env.PATH ?? '', TASKDECK_DATA_DIR: dataDir, TASKDECK_TIME_SCALE: timeScale },
    stderr: 'ignore',
  });
  await client.connect(transport);
  await client.listTools(); // the SDK reads taskSupport from its tools cache
  const r = { adapter, book, events, client, transport, dataDir };
  rigs.push(r);
  return r;
}

let next = 0;
function start(r: Rig, tool: string, args: Record<string, unknown>, mode: Call['mode'] = 'task'): string {
  const call: Call = { id: `call-${++next}`, server: 'cloud-ops', tool, arguments: args, mode };
  r.book.create(call);
  r.adapter.start(call);
  return call.id;
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const typesOf = (r: Rig, id: string) => r.events.filter((e) => e.id === id).map((e) => e.event.type);
const ended = (r: Rig, id: string) => until(() => typesOf(r, id).includes('ended'), `${id} to end`);

describe('Tasks20251125 on the real cloud-ops server', () => {
  it('reports accepted, progress, logs, then the end with its result, and nothing after', async () => {
    const r = await rig();
    const id = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: '3.2.0',
      environment: 'staging',
    });
    await ended(r, id);
    const types = typesOf(r, id);
    expect(types[0]).toBe('accepted');
    expect(types).toContain('progress');
    expect(types).toContain('log');
    expect(types.filter((t) => t === 'ended')).toHaveLength(1);
    expect(r.book.get(id)).toMatchObject({ status: 'completed', progress: 9, total: 9 });
    expect(r.book.get(id)?.result?.structuredContent).toMatchObject({ outcome: 'succeeded' });
    const count = r.events.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.events.length).toBe(count);
  });

  it('fetches a production question through tasks/result, and the answer resumes the task', async () => {
    const r = await rig();
    const id = start(r, 'deploy_service', {
      serviceName: 'web-frontend',
      version: '2.12.0',
      environment: 'prod',
    });
    await until(() => r.adapter.isWaitingForInput(id), 'the question');
    expect(r.book.get(id)).toMatchObject({ status: 'input_required' });
    expect(r.book.get(id)?.input?.message).toMatch(/production/i);
    r.adapter.respond(id, { action: 'accept', content: { confirm: true } });
    expect(r.book.get(id)?.input).toBeUndefined();
    await ended(r, id);
    expect(r.book.get(id)).toMatchObject({ status: 'completed' });
    expect(r.book.get(id)?.timeline.map((t) => t.status)).toEqual([
      'working',
      'input_required',
      'working',
      'completed',
    ]);
    expect(() => r.adapter.respond(id, { action: 'decline' })).toThrow(/not waiting for input/);
  });

  it('cancels a running task with tasks/cancel', async () => {
    const r = await rig('1');
    const id = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: '3.3.0',
      environment: 'staging',
    });
    await until(() => typesOf(r, id).includes('progress'), 'progress');
    await r.adapter.cancel(id);
    await ended(r, id);
    expect(r.book.get(id)).toMatchObject({ status: 'cancelled' });
  });

  it('sends a cancel asked for before the server named the task once it does', async () => {
    const r = await rig('1');
    const id = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: '3.4.0',
      environment: 'staging',
    });
    await r.adapter.cancel(id); // no remote id yet: remembered
    await ended(r, id);
    expect(r.book.get(id)).toMatchObject({ status: 'cancelled' });
  });

  it('runs a plain call and reports its result as the end', async () => {
    const r = await rig();
    const id = start(r, 'list_services', {}, 'plain');
    await ended(r, id);
    expect(typesOf(r, id)).toEqual(['ended']);
    expect(r.book.get(id)).toMatchObject({ status: 'completed', mode: 'plain' });
  });

  it('reports a refused argument as a failed end naming the field', async () => {
    const r = await rig();
    const id = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: 'not-a-version',
      environment: 'staging',
    });
    await ended(r, id);
    expect(r.book.get(id)?.status).toBe('failed');
    expect(r.book.get(id)?.error).toMatch(/version/);
  });

  it('ends whatever runs on a server whose connection is gone, with the reason', async () => {
    const r = await rig('1');
    const id = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: '3.5.0',
      environment: 'staging',
    });
    await until(() => typesOf(r, id).includes('progress'), 'progress');
    r.adapter.onDisconnect('cloud-ops', 'The server exited with code 1: boom');
    expect(r.book.get(id)).toMatchObject({ status: 'failed', error: 'The server exited with code 1: boom' });
  });

  it('marks every followed call interrupted at shutdown', async () => {
    const r = await rig('1');
    const a = start(r, 'deploy_service', {
      serviceName: 'billing',
      version: '3.6.0',
      environment: 'staging',
    });
    const b = start(r, 'deploy_service', {
      serviceName: 'web-frontend',
      version: '2.20.0',
      environment: 'staging',
    });
    await until(() => typesOf(r, a).includes('accepted') && typesOf(r, b).includes('accepted'), 'both tasks');
    r.adapter.interruptAll('Taskdeck quit');
    expect([r.book.get(a)?.status, r.book.get(b)?.status]).toEqual(['interrupted', 'interrupted']);
  });
});
