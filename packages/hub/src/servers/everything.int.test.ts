import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EverythingServer } from '../../test/everything-server.js';
import { HubHarness } from '../../test/hub-harness.js';

/**
 * The hub against a third-party server, `@modelcontextprotocol/server-everything`, in its HTTP
 * modes: its tools over Streamable HTTP as tasks (with an input request) and as plain calls with
 * progress, and its legacy HTTP+SSE mode.
 */
const harnesses: HubHarness[] = [];
const servers: EverythingServer[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function start(mode: 'streamableHttp' | 'sse', type: 'http' | 'sse') {
  const server = await EverythingServer.start(mode);
  servers.push(server);
  const h = await HubHarness.start({
    bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
    userServers: { everything: { type, url: server.url } },
  });
  harnesses.push(h);
  await h.ready('everything');
  return h;
}

describe('server-everything over HTTP', () => {
  it('runs its task tool, asks through it, and takes the answer, over Streamable HTTP', async () => {
    const h = await start('streamableHttp', 'http');
    const tools = h.server('everything')?.tools ?? [];
    expect(tools.find((t) => t.name === 'simulate-research-query')?.taskSupport).toBe('required');

    const { taskId } = await h.hub.startTool({
      server: 'everything',
      tool: 'simulate-research-query',
      arguments: { topic: 'python', ambiguous: true },
    });
    await h.until(() => h.tasks.get(taskId)?.input !== undefined, 'the question', 20_000);
    expect(h.tasks.get(taskId)).toMatchObject({ status: 'input_required', mode: 'task' });
    expect(h.tasks.get(taskId)?.input?.message).toContain('could have multiple interpretations');
    await h.hub.respondToInput(taskId, { action: 'accept', content: { interpretation: 'snake' } });
    const final = await h.finished(taskId, 30_000);
    expect(final.status).toBe('completed');
    const text = JSON.stringify(h.hub.getTask(taskId)?.result?.content);
    expect(text).toContain('Research Report: python (snake)');
  });

  it('runs a plain tool with progress', async () => {
    const h = await start('streamableHttp', 'http');
    const { taskId } = await h.hub.startTool({
      server: 'everything',
      tool: 'trigger-long-running-operation',
      arguments: { duration: 0.4, steps: 4 },
    });
    expect(await h.finished(taskId)).toMatchObject({
      status: 'completed',
      mode: 'plain',
      progress: 4,
      total: 4,
    });
  });

  it('talks to its legacy HTTP+SSE mode', async () => {
    const h = await start('sse', 'sse');
    const { taskId } = await h.hub.startTool({
      server: 'everything',
      tool: 'echo',
      arguments: { message: 'hi' },
    });
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    expect(JSON.stringify(h.hub.getTask(taskId)?.result?.content)).toContain('hi');
    expect(h.server('everything')?.stderrTail.join('\n')).toContain('over the legacy HTTP+SSE transport');
  });
});
