import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleNodeEntry } from '../../../scripts/build-servers.mjs';
import { SERVERS_DIR } from '../../../test/mcp-harness.js';
import { type JsonRpcResponse, RawJsonRpcPeer } from '../../../test/raw-jsonrpc-peer.js';

// The task runtime's protocol behaviour, seen on the wire: raw newline-delimited JSON-RPC
// written to a bundled server's stdin and read from its stdout, no SDK client in between.

const temps: string[] = [];
const peers: RawJsonRpcPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

async function start(script: string, options: Parameters<typeof RawJsonRpcPeer.start>[1] = {}) {
  const peer = await RawJsonRpcPeer.start(script, {
    ...options,
    env: { TASKDECK_DATA_DIR: tempDir('raw-data-'), TASKDECK_TIME_SCALE: '0.01', ...options.env },
  });
  peers.push(peer);
  return peer;
}

const bundled = (name: string) => join(SERVERS_DIR, `${name}.js`);

/** A knowledge server that may read `folder` (declared and answered as MCP roots). */
async function knowledgeWithRoot(folder: string) {
  const peer = await start(bundled('knowledge'), { capabilities: { roots: { listChanged: true } } });
  peer.onRequest('roots/list', () => ({ roots: [{ uri: pathToFileURL(folder).href }] }));
  return peer;
}

function structuredOf(response: JsonRpcResponse): Record<string, unknown> {
  return (response.result?.structuredContent ?? {}) as Record<string, unknown>;
}

function taskIdOf(response: JsonRpcResponse): string {
  const taskId = (response.result?.task as { taskId?: string } | undefined)?.taskId;
  if (!taskId) throw new Error(`Expected a CreateTaskResult, got ${JSON.stringify(response).slice(0, 300)}`);
  return taskId;
}

/** A tool result in short: whether it is an error, and the start of its text (results here can be 11 MB). */
function brief(result: Record<string, unknown> | undefined) {
  const content = (result?.content ?? []) as { text?: string }[];
  return { isError: result?.isError === true, text: (content[0]?.text ?? '').slice(0, 300) };
}

describe('task runtime over raw stdio JSON-RPC', () => {
  it('refuses a task-augmented call to a forbidden tool with -32601, before it runs', async () => {
    const folder = tempDir('raw-docs-');
    writeFileSync(join(folder, 'note.md'), '# Note\n\nSomething to find.');
    const peer = await knowledgeWithRoot(folder);
    const added = await peer.request('tools/call', {
      name: 'add_folder',
      arguments: { path: folder },
      task: {},
    });
    const taskId = taskIdOf(added);
    expect(structuredOf(await peer.request('tasks/result', { taskId }))).toMatchObject({ documents: 1 });

    const refused = await peer.request('tools/call', {
      name: 'remove_folder',
      arguments: { path: folder },
      task: { ttl: 60_000 },
    });
    expect(refused.result).toBeUndefined();
    expect(refused.error).toEqual({
      code: -32601,
      message: expect.stringMatching(/^Tool remove_folder does not support tasks/),
    });
    // Nothing ran: the folder is still indexed.
    const sources = await peer.request('tools/call', { name: 'list_sources', arguments: {} });
    expect(structuredOf(sources).sources).toContainEqual(expect.objectContaining({ path: folder }));
  });

  it('refuses a plain call to a required tool with -32601, naming the tool', async () => {
    const folder = tempDir('raw-docs-');
    const peer = await knowledgeWithRoot(folder);
    const refused = await peer.request('tools/call', { name: 'add_folder', arguments: { path: folder } });
    expect(refused.result).toBeUndefined();
    expect(refused.error).toEqual({
      code: -32601,
      message: expect.stringMatching(/^Tool add_folder must be called as a task/),
    });
    const sources = await peer.request('tools/call', { name: 'list_sources', arguments: {} });
    expect(structuredOf(sources).sources).not.toContainEqual(expect.objectContaining({ path: folder }));
  });

  it('notifies statusMessage changes to a client that sent no progressToken', async () => {
    const peer = await start(bundled('cloud-ops'));
    const created = await peer.request('tools/call', {
      name: 'deploy_service',
      arguments: { serviceName: 'billing', version: '9.1.0', environment: 'staging' },
      task: {},
    });
    const taskId = taskIdOf(created);
    const statuses = () =>
      peer.notificationsOf('notifications/tasks/status').filter((s) => s.taskId === taskId);
    await peer.until(() => statuses().some((s) => s.status === 'completed'), 'the deploy to complete');
    const working = statuses().filter((s) => s.status === 'working');
    expect(working.length).toBeGreaterThan(0);
    expect(working.every((s) => typeof s.statusMessage === 'string' && s.statusMessage !== '')).toBe(true);
    expect(statuses().at(-1)?.status).toBe('completed');
    expect(peer.notificationsOf('notifications/progress')).toEqual([]);
  });
});

describe('task runtime: results too large for one message', () => {
  let fixture: string;
  beforeAll(async () => {
    fixture = join(tempDir('runtime-fixture-'), 'runtime-fixture.js');
    await bundleNodeEntry({
      entry: join(import.meta.dirname, '..', 'test', 'runtime-fixture.ts'),
      outfile: fixture,
    });
  });

  const tooBig = STDIO_DEFAULT_MAX_BUFFER_SIZE + 1024 * 1024;
  const refusal = new RegExp(
    `^The result of sized(_task)? is 11\\.0 MiB \\(${tooBig + 39} bytes\\), more than the 9 MiB limit`,
  );

  it('fails the task with the size and the limit instead of sending it, and keeps serving', async () => {
    const peer = await start(fixture);
    const created = await peer.request('tools/call', {
      name: 'sized_task',
      arguments: { bytes: tooBig },
      task: {},
    });
    const taskId = taskIdOf(created);
    const result = await peer.request('tasks/result', { taskId });
    expect(brief(result.result)).toEqual({ isError: true, text: expect.stringMatching(refusal) });
    const task = await peer.request('tasks/get', { taskId });
    expect(task.result).toMatchObject({ status: 'failed', statusMessage: expect.stringMatching(refusal) });
    const line = (m: unknown) => JSON.stringify(m).length + 1;
    expect(Math.max(...peer.received.map(line))).toBeLessThan(64 * 1024);
    // Just under the bound still goes out whole.
    const fits = await peer.request('tools/call', {
      name: 'sized_task',
      arguments: { bytes: 9 * 1024 * 1024 - 100 },
    });
    expect(brief(fits.result).isError).toBe(false);
    expect(line(fits)).toBeLessThan(STDIO_DEFAULT_MAX_BUFFER_SIZE);
  });

  it('answers a plain call with a tool error instead of an oversized result', async () => {
    const peer = await start(fixture);
    const answer = await peer.request('tools/call', { name: 'sized', arguments: { bytes: tooBig } });
    expect(brief(answer.result)).toEqual({ isError: true, text: expect.stringMatching(refusal) });
    expect(
      (await peer.request('tools/call', { name: 'sized', arguments: { bytes: 3 } })).result,
    ).toMatchObject({
      content: [{ text: 'xxx' }],
    });
  });
});
