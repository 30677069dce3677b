import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notice } from '@taskdeck/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES_DIR, HubHarness } from '../test/hub-harness.js';
import { TaskJournal } from './journal/task-journal.js';

const harnesses: HubHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
async function start(options?: Parameters<typeof HubHarness.start>[0]) {
  const h = await HubHarness.start(options);
  harnesses.push(h);
  return h;
}

const fixture = (mode: string) => ({
  command: process.execPath,
  args: [join(FIXTURES_DIR, 'fixture-server.mjs'), mode],
});

/** True while `pid` runs (a zombie has exited: reaping it is its parent's or init's job). */
function inProcessTable(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)])
      .toString()
      .trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

const deploy = (version: string, environment = 'staging', serviceName = 'billing') => ({
  server: 'cloud-ops',
  tool: 'deploy_service',
  arguments: { serviceName, version, environment },
});

describe('hub with the real servers', () => {
  it('runs a deploy as a task and keeps its record complete', async () => {
    const h = await start();
    await h.ready('cloud-ops');
    expect(h.server('cloud-ops')?.tools.map((t) => t.name)).toContain('deploy_service');
    const { taskId } = await h.hub.startTool(deploy('3.2.0'));
    const final = await h.finished(taskId);
    expect(final).toMatchObject({ status: 'completed', mode: 'task', progress: 9, total: 9 });
    const detail = h.hub.getTask(taskId);
    expect(detail?.result?.structuredContent).toMatchObject({ outcome: 'succeeded' });
    expect(detail?.timeline.map((t) => t.status)).toEqual(['working', 'completed']);
    expect(detail?.logs.some((l) => l.message.includes('Pulling image billing:3.2.0'))).toBe(true);
    expect(detail?.arguments).toEqual(deploy('3.2.0').arguments);
  });

  it('runs quick tools as plain calls and fails bad arguments clearly', async () => {
    const h = await start();
    await h.ready('cloud-ops');
    const list = await h.hub.startTool({ server: 'cloud-ops', tool: 'list_services', arguments: {} });
    expect(await h.finished(list.taskId)).toMatchObject({ status: 'completed', mode: 'plain' });
    const bad = await h.hub.startTool({
      ...deploy('1.0.0'),
      arguments: { serviceName: 'billing', version: '1.0.0', environment: 'qa' },
    });
    expect(await h.finished(bad.taskId)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('environment: must be one of "dev", "staging", "prod" (got "qa")'),
    });
    await expect(h.hub.startTool({ server: 'cloud-ops', tool: 'nope', arguments: {} })).rejects.toThrow(
      'Server cloud-ops has no tool "nope".',
    );
    await expect(h.hub.startTool({ server: 'ghost', tool: 'x', arguments: {} })).rejects.toThrow(
      'Unknown server "ghost".',
    );
  });

  it('runs concurrent tasks on several servers', async () => {
    const h = await start({ userServers: { echo: fixture('garbage') } });
    await h.ready('cloud-ops', 'echo');
    const ids = await Promise.all([
      h.hub.startTool(deploy('3.3.0', 'dev')),
      h.hub.startTool(deploy('1.6.0', 'dev', 'api-gateway')),
      h.hub.startTool({
        server: 'cloud-ops',
        tool: 'scale_service',
        arguments: { serviceName: 'search-indexer', environment: 'dev', targetInstances: 3 },
      }),
      h.hub.startTool({ server: 'echo', tool: 'echo', arguments: { text: 'hello' } }),
    ]);
    const finals = await Promise.all(ids.map(({ taskId }) => h.finished(taskId)));
    expect(finals.map((f) => f.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(h.hub.getTask(ids[3]?.taskId as string)?.result?.content).toEqual([
      { type: 'text', text: 'hello' },
    ]);
  });

  it('cancels a task and a plain call', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '0.5' }, userServers: { hang: fixture('hang') } });
    await h.ready('cloud-ops', 'hang');
    const task = await h.hub.startTool(deploy('3.4.0'));
    await h.until(() => (h.tasks.get(task.taskId)?.progress ?? 0) >= 1, 'the deploy to make progress');
    await h.hub.cancelTask(task.taskId);
    expect(await h.finished(task.taskId)).toMatchObject({ status: 'cancelled' });
    const plain = await h.hub.startTool({ server: 'hang', tool: 'hang', arguments: {} });
    await h.hub.cancelTask(plain.taskId);
    expect(await h.finished(plain.taskId)).toMatchObject({
      status: 'cancelled',
      statusMessage: 'Cancelled by you.',
    });
    await expect(h.hub.cancelTask(plain.taskId)).rejects.toThrow('already ended (cancelled)');
  });

  it('surfaces a prod confirmation as an input request and sends the answer back', async () => {
    const h = await start();
    await h.ready('cloud-ops');
    const accepted = await h.hub.startTool(deploy('2.12.0', 'prod', 'web-frontend'));
    await h.until(() => h.tasks.get(accepted.taskId)?.input !== undefined, 'the input request');
    const pending = h.tasks.get(accepted.taskId);
    expect(pending).toMatchObject({
      status: 'input_required',
      input: { message: expect.stringContaining('Deploy web-frontend 2.12.0 to production?') },
    });
    expect(pending?.input?.requestedSchema).toMatchObject({
      properties: { confirm: { type: 'boolean' } },
      required: ['confirm'],
    });
    await h.hub.respondToInput(accepted.taskId, { action: 'accept', content: { confirm: true } });
    expect(await h.finished(accepted.taskId)).toMatchObject({ status: 'completed' });
    expect(h.hub.getTask(accepted.taskId)?.timeline.map((t) => t.status)).toEqual([
      'working',
      'input_required',
      'working',
      'completed',
    ]);

    const declined = await h.hub.startTool(deploy('2.13.0', 'prod', 'web-frontend'));
    await h.until(() => h.tasks.get(declined.taskId)?.input !== undefined, 'the second input request');
    await h.hub.respondToInput(declined.taskId, { action: 'decline' });
    expect(await h.finished(declined.taskId)).toMatchObject({
      status: 'cancelled',
      statusMessage: 'Production deploy of web-frontend 2.13.0 was declined; nothing changed.',
    });
    await expect(h.hub.respondToInput(declined.taskId, { action: 'decline' })).rejects.toThrow(
      'is not waiting for input',
    );
  });

  it('fails the task of a server killed with SIGKILL, restarts the server and leaves no orphan', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '1' } });
    await h.ready('cloud-ops');
    const pid = h.server('cloud-ops')?.pid as number;
    const { taskId } = await h.hub.startTool(deploy('3.5.0'));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? -1) >= 0, 'the deploy to start');
    process.kill(pid, 'SIGKILL');
    const final = await h.finished(taskId);
    expect(final.status).toBe('failed');
    // Its last stderr line is the routine "info: ready", which explains nothing.
    expect(final.error).toBe('Server cloud-ops killed by SIGKILL');
    await h.until(
      () => h.server('cloud-ops')?.status === 'ready' && h.server('cloud-ops')?.pid !== pid,
      'the restart',
    );
    expect(h.server('cloud-ops')?.restarts).toBe(1);
    expect(h.server('cloud-ops')?.lastCrash?.reason).toMatch(/^Server cloud-ops killed by SIGKILL/);
    expect(inProcessTable(pid)).toBe(false);
    // The restarted server works.
    const again = await h.hub.startTool(deploy('3.5.1', 'dev'));
    expect((await h.finished(again.taskId, 30_000)).status).toBe('completed');
  });

  it('fails a plain call whose server dies with the exit code and its last stderr line', async () => {
    const h = await start({ userServers: { mortal: fixture('tasks') } });
    await h.ready('mortal');
    const pid = h.server('mortal')?.pid;
    const dying = await h.hub.startTool({
      server: 'mortal',
      tool: 'die',
      arguments: { text: 'fatal: lost the database', count: 7 },
    });
    expect(await h.finished(dying.taskId)).toMatchObject({
      status: 'failed',
      mode: 'plain',
      error: 'Server mortal exited with code 7: fatal: lost the database',
    });
    await h.until(
      () => h.server('mortal')?.status === 'ready' && h.server('mortal')?.pid !== pid,
      'the restart',
    );
    // Nothing on stderr but "info: ready" this time (the previous process's line is not this one's).
    const silent = await h.hub.startTool({ server: 'mortal', tool: 'die', arguments: { count: 9 } });
    expect(await h.finished(silent.taskId)).toMatchObject({
      status: 'failed',
      error: 'Server mortal exited with code 9',
    });
  });

  it('fails every call on a server that sends a message too large to read, and restarts it', async () => {
    const h = await start({ userServers: { big: fixture('tasks') } });
    await h.ready('big');
    const pid = h.server('big')?.pid;
    const waiting = await h.hub.startTool({ server: 'big', tool: 'wait_task', arguments: {} });
    const hanging = await h.hub.startTool({ server: 'big', tool: 'hang', arguments: {} });
    await h.until(() => h.hub.getTask(waiting.taskId)?.mcpTaskId !== undefined, 'the task to be created');
    const huge = await h.hub.startTool({ server: 'big', tool: 'huge', arguments: {} });
    const reason =
      'Server big sent a message larger than the 10 MiB an MCP client reads at once ' +
      '(ReadBuffer exceeded maximum size of 10485760 bytes); its connection was dropped';
    for (const { taskId } of [huge, hanging, waiting]) {
      expect(await h.finished(taskId)).toMatchObject({ status: 'failed', error: reason });
    }
    // Cancel answers at once: the task already ended.
    await expect(h.hub.cancelTask(waiting.taskId)).rejects.toThrow('already ended (failed)');
    await h.until(() => h.server('big')?.status === 'ready' && h.server('big')?.pid !== pid, 'the restart');
    expect(h.server('big')?.lastCrash?.reason).toBe(reason);
    expect(h.server('big')?.restarts).toBe(1);

    // A task's oversized result (through tasks/result) fails it the same way.
    const hugeTask = await h.hub.startTool({ server: 'big', tool: 'huge_task', arguments: {} });
    expect(await h.finished(hugeTask.taskId)).toMatchObject({
      status: 'failed',
      mode: 'task',
      error: reason,
    });
    await h.until(
      () => h.server('big')?.status === 'ready' && h.server('big')?.restarts === 2,
      'the second restart',
    );
    const echo = await h.hub.startTool({ server: 'big', tool: 'echo', arguments: { text: 'still here' } });
    expect(await h.finished(echo.taskId)).toMatchObject({ status: 'completed' });
  });

  it('keeps serving a server that writes garbage on stdout', async () => {
    const h = await start({ userServers: { noisy: fixture('garbage') } });
    await h.ready('noisy');
    for (let i = 0; i < 5; i++) {
      const { taskId } = await h.hub.startTool({
        server: 'noisy',
        tool: 'echo',
        arguments: { text: `n${i}` },
      });
      expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    }
    expect(h.server('noisy')?.status).toBe('ready');
    expect(h.server('noisy')?.stderrTail.some((l) => l.includes('not JSON-RPC'))).toBe(true);
  });

  it('gives up on a server that never answers the handshake, with a clear state', async () => {
    const h = await start({
      startTimeoutMs: 1000,
      restartPolicy: { initialDelayMs: 50, maxCrashes: 2 },
      userServers: { silent: fixture('silent') },
    });
    await h.until(() => h.server('silent')?.status === 'crashed', 'the silent server to be given up', 20_000);
    expect(h.server('silent')?.error).toMatch(
      /did not complete the MCP handshake: .*timed out.*crashed 2 times in a row/i,
    );
    await expect(h.hub.startTool({ server: 'silent', tool: 'x', arguments: {} })).rejects.toThrow(
      'has no tool',
    );
  });

  it('fails a call that never gets an answer, after the timeout', async () => {
    const h = await start({ plainCallTimeoutMs: 500, userServers: { hang: fixture('hang') } });
    await h.ready('hang');
    const { taskId } = await h.hub.startTool({ server: 'hang', tool: 'hang', arguments: {} });
    expect(await h.finished(taskId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/did not answer in time/),
    });
    expect(h.server('hang')?.status).toBe('ready');
  });

  it('marks a crash-looping server crashed with its last stderr lines, until the user restarts it', async () => {
    const h = await start({
      restartPolicy: { initialDelayMs: 20, maxCrashes: 3 },
      userServers: { broken: fixture('crash') },
    });
    await h.until(() => h.server('broken')?.status === 'crashed', 'the crash loop to stop');
    const broken = h.server('broken');
    expect(broken?.error).toContain('fatal: FIXTURE_API_KEY is not set');
    expect(broken?.error).toContain('exited with code 3');
    expect(broken?.stderrTail).toContain('fatal: FIXTURE_API_KEY is not set');
    const restartsBefore = broken?.restarts;
    await new Promise((r) => setTimeout(r, 300));
    expect(h.server('broken')?.restarts).toBe(restartsBefore);
    await h.hub.restartServer('broken');
    await h.until(() => h.server('broken')?.status === 'crashed', 'the next crash loop');
  });

  it('refreshes a server’s tools when it says they changed', async () => {
    const h = await start({ userServers: { growing: fixture('garbage') } });
    await h.ready('growing');
    expect(h.server('growing')?.tools.map((t) => t.name)).not.toContain('grown');
    const { taskId } = await h.hub.startTool({ server: 'growing', tool: 'grow', arguments: {} });
    await h.finished(taskId);
    await h.until(() => h.server('growing')?.tools.some((t) => t.name === 'grown') === true, 'the new tool');
  });

  it('stops a server that ignores stdin and SIGTERM, with everything in its process group', async () => {
    const h = await start({
      stopTimings: { stdinGraceMs: 300, termGraceMs: 300 },
      userServers: { stubborn: fixture('stubborn') },
    });
    await h.ready('stubborn');
    const pid = h.server('stubborn')?.pid as number;
    await h.until(
      () => h.server('stubborn')?.stderrTail.some((l) => l.startsWith('helper pid')) === true,
      'the helper',
    );
    const helperPid = Number(
      h
        .server('stubborn')
        ?.stderrTail.find((l) => l.startsWith('helper pid'))
        ?.split(' ')[2],
    );
    expect(inProcessTable(helperPid)).toBe(true);
    await h.hub.stopServer('stubborn');
    expect(h.server('stubborn')?.status).toBe('stopped');
    expect(h.server('stubborn')?.stderrTail).toContain('ignoring SIGTERM');
    await h.until(
      () => !inProcessTable(pid) && !inProcessTable(helperPid),
      'the whole group to be gone',
      5000,
    );
  });

  it('reports bad config entries by name and still starts the good ones', async () => {
    const h = await start({
      userServers: {
        good: fixture('garbage'),
        'no-command': { args: ['x'] },
        'cloud-ops': fixture('garbage'),
        remote: { url: 'ftp://127.0.0.1/mcp' },
      },
    });
    await h.ready('good', 'cloud-ops');
    const errors = Object.fromEntries(
      h.hub
        .servers()
        .filter((s) => s.error)
        .map((s) => [s.name, s.error]),
    );
    expect(errors['no-command']).toMatch(/command: Invalid input: expected string, received undefined/);
    expect(errors['cloud-ops']).toMatch(/"cloud-ops" is the name of a bundled server/);
    expect(errors.remote).toMatch(/url: must start with http:\/\/ or https:\/\//);
  });

  it('reports a server the system refuses to start (a NUL byte in its command) and keeps running', async () => {
    const h = await start({ userServers: { good: fixture('garbage'), nul: { command: 'node\u0000x' } } });
    await h.ready('good');
    await h.until(() => h.server('nul')?.status === 'crashed', 'the refused server to be marked crashed');
    expect(h.server('nul')?.error).toContain('could not start "node\u0000x"');
    expect(h.server('nul')?.error).toContain('without null bytes');
  });

  it('still runs the servers when their log folder cannot be created', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-hub-'));
    writeFileSync(join(dataDir, 'logs'), 'a file where the logs folder should be');
    try {
      const h = await start({ dataDir, userServers: { good: fixture('garbage') } });
      await h.ready('good');
      expect(h.server('good')?.stderrTail.join('')).toContain('cannot write its log');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('coalesces a flood of progress into bounded batches and never drops the final state', async () => {
    const h = await start({ userServers: { flood: fixture('flood') } });
    await h.ready('flood');
    const from = h.events.length;
    const startedAt = Date.now();
    const { taskId } = await h.hub.startTool({
      server: 'flood',
      tool: 'flood',
      arguments: { count: 20_000 },
    });
    const final = await h.finished(taskId, 30_000);
    const seconds = (Date.now() - startedAt) / 1000;
    const batches = h.events.slice(from).filter((e) => e.event.type === 'batch');
    expect(final).toMatchObject({ status: 'completed', progress: 20_000, total: 20_000 });
    // 20,000 notifications; at most one batch per 33 ms interval (+1 for the edges).
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(seconds * 31) + 2);
    expect(batches.length).toBeLessThan(2000);
  });

  it("calls every task-capable tool as a task: a small job completes at once, a bad path fails with the server's reason", async () => {
    const h = await start();
    await h.ready('dev-tools');
    await h.ready('analytics');
    const dir = mkdtempSync(join(tmpdir(), 'task-mode-'));
    try {
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.ts`), 'const a = 1;\n');
      writeFileSync(join(dir, 'small.csv'), 'id,amount\n1,1.5\n2,3.0\n');
      await h.hub.grantRoots([dir]);
      const scan = await h.hub.startTool({
        server: 'dev-tools',
        tool: 'scan_project',
        arguments: { directory: dir },
      });
      expect(await h.finished(scan.taskId)).toMatchObject({ status: 'completed', mode: 'task' });
      const csv = await h.hub.startTool({
        server: 'analytics',
        tool: 'analyze_csv',
        arguments: { filePath: join(dir, 'small.csv') },
      });
      expect(await h.finished(csv.taskId)).toMatchObject({ status: 'completed', mode: 'task' });
      const missing = await h.hub.startTool({
        server: 'analytics',
        tool: 'analyze_csv',
        arguments: { filePath: join(dir, 'nope.csv') },
      });
      expect(await h.finished(missing.taskId)).toMatchObject({
        status: 'failed',
        mode: 'task',
        error: expect.stringContaining('nope.csv'),
      });
      const outside = await h.hub.startTool({
        server: 'dev-tools',
        tool: 'scan_project',
        arguments: { directory: FIXTURES_DIR },
      });
      expect(await h.finished(outside.taskId)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^Access denied/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never opens a user path itself: a FIFO outside the roots is refused by the server and the hub stays responsive', async () => {
    const h = await start();
    await h.ready('analytics');
    const dir = mkdtempSync(join(tmpdir(), 'fifo-'));
    try {
      const fifo = join(dir, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      const started = await h.hub.startTool({
        server: 'analytics',
        tool: 'analyze_csv',
        arguments: { filePath: fifo },
      });
      expect(await h.finished(started.taskId)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^Access denied/),
      });
      // Grants and new calls still answer (before, the hub's own row estimate blocked on the FIFO).
      await h.hub.grantRoots([tmpdir()]);
      await h.hub.revokeRoot(tmpdir());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes server logs where the host asks', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'hub-logs-'));
    try {
      const h = await start({ logDir });
      await h.ready('cloud-ops');
      await h.until(() => existsSync(join(logDir, 'cloud-ops.log')), 'the log file');
      await h.until(
        () => readFileSync(join(logDir, 'cloud-ops.log'), 'utf8').includes('ready (pid'),
        'the ready line',
      );
      expect(existsSync(join(h.dataDir, 'logs'))).toBe(false);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('creates a new data dir readable by the user only (history, uploads and server state are private)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'taskdeck-hub-'));
    try {
      const h = await start({ dataDir: join(parent, 'Taskdeck'), startServers: false });
      expect(statSync(h.dataDir).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('grants roots and tells the servers', async () => {
    const h = await start();
    await h.ready('cloud-ops');
    const roots = await h.hub.grantRoots([FIXTURES_DIR]);
    expect(roots).toEqual([FIXTURES_DIR]);
    await expect(h.hub.grantRoots(['/no/such/path'])).rejects.toThrow('Not found: /no/such/path');
    expect(await h.hub.revokeRoot(FIXTURES_DIR)).toEqual([]);
  });

  it('keeps the history across restarts, in a journal a second hub cannot share', async () => {
    const first = await start();
    await first.ready('cloud-ops');
    const { taskId } = await first.hub.startTool(deploy('3.6.0', 'dev'));
    await first.finished(taskId);
    await expect(HubHarness.start({ dataDir: first.dataDir })).rejects.toThrow(
      /Another Taskdeck \(pid \d+\) is using/,
    );
    await first.hub.shutdown();
    const second = await start({ dataDir: first.dataDir });
    expect(second.hub.getTask(taskId)).toMatchObject({ status: 'completed', tool: 'deploy_service' });
    expect(second.hub.getTask(taskId)?.result?.structuredContent).toMatchObject({ toVersion: '3.6.0' });
  });

  it('refuses to start or restart a server once it is shutting down, so none outlives it', async () => {
    const h = await start();
    await h.ready('cloud-ops');
    const stopping = h.hub.shutdown();
    await expect(h.hub.startServer('cloud-ops')).rejects.toThrow('Taskdeck is shutting down.');
    await expect(h.hub.restartServer('analytics')).rejects.toThrow('Taskdeck is shutting down.');
    await stopping;
    expect(h.hub.servers().every((server) => server.status !== 'ready' && server.status !== 'starting')).toBe(
      true,
    );
  });

  it('marks tasks running at shutdown as interrupted in the journal', async () => {
    const h = await start({ env: { TASKDECK_TIME_SCALE: '1' } });
    await h.ready('cloud-ops');
    const { taskId } = await h.hub.startTool(deploy('3.7.0'));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? -1) >= 0, 'the deploy to start');
    await h.hub.shutdown();
    const { records } = await TaskJournal.read(TaskJournal.pathIn(h.dataDir));
    expect(records.find((r) => r.id === taskId)).toMatchObject({
      status: 'interrupted',
      statusMessage: 'Taskdeck quit while this task was running.',
    });
    expect(existsSync(join(h.dataDir, 'logs', 'cloud-ops.log'))).toBe(true);
    expect(readFileSync(join(h.dataDir, 'logs', 'cloud-ops.log'), 'utf8')).toContain(
      '[cloud-ops] info: ready',
    );
  });
});

/** A data dir whose history holds one finished deploy, its hub stopped. */
async function historyOfOneDeploy(version: string) {
  const h = await start();
  await h.ready('cloud-ops');
  const { taskId } = await h.hub.startTool(deploy(version, 'dev'));
  await h.finished(taskId);
  await h.hub.shutdown();
  return { dataDir: h.dataDir, taskId };
}

describe('journal recovery', () => {
  it('skips a torn last line and shows tasks that were running as interrupted', async () => {
    const path = TaskJournal.pathIn((await historyOfOneDeploy('3.8.0')).dataDir);
    const running = {
      ...JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[0] as string),
      id: 'was-running',
      status: 'working',
    };
    writeFileSync(path, `${readFileSync(path, 'utf8')}${JSON.stringify(running)}\n{"id":"torn","sta`);
    const loaded = await TaskJournal.read(path);
    expect(loaded).toMatchObject({ unreadableLines: 0, tornLastLine: true });
    expect(loaded.interrupted).toBe(1);
    expect(loaded.records.find((r) => r.id === 'was-running')).toMatchObject({
      status: 'interrupted',
      statusMessage: 'Taskdeck stopped while this task was running; its outcome is unknown.',
    });
  });
});

describe('damaged files in the data dir', () => {
  /** What the hub printed on its stderr while `run` ran. */
  async function stderrOf(run: () => Promise<void>): Promise<string> {
    const spy = vi.spyOn(process.stderr, 'write');
    try {
      await run();
      return spy.mock.calls.map(([chunk]) => String(chunk)).join('');
    } finally {
      spy.mockRestore();
    }
  }
  const noticesIn = (h: HubHarness): Notice[] => h.events.flatMap(({ event }) => event.notices ?? []);

  it('moves damaged files aside, keeps every task, tells the user and still starts', async () => {
    const { dataDir, taskId } = await historyOfOneDeploy('3.9.0');
    const journal = TaskJournal.pathIn(dataDir);
    writeFileSync(journal, `not a record\n${readFileSync(journal, 'utf8')}`);
    writeFileSync(join(dataDir, 'roots.json'), '{"roots": ["/home/me/proj');
    writeFileSync(join(dataDir, 'servers.json'), '{"mcpServers": {"mine": {"command": "x"},}}');

    let h: HubHarness | undefined;
    const stderr = await stderrOf(async () => {
      h = await start({ dataDir });
    });
    const hub = h as HubHarness;
    await hub.ready('cloud-ops');
    expect(hub.hub.getTask(taskId)?.status).toBe('completed');
    const files = readdirSync(dataDir);
    const rootsBackup = join(dataDir, files.find((f) => f.startsWith('roots.json.corrupt-')) as string);
    const serversBackup = join(dataDir, files.find((f) => f.startsWith('servers.json.corrupt-')) as string);
    expect(readFileSync(rootsBackup, 'utf8')).toBe('{"roots": ["/home/me/proj');
    expect(readFileSync(serversBackup, 'utf8')).toBe('{"mcpServers": {"mine": {"command": "x"},}}');
    const quarantine = readdirSync(join(dataDir, 'journal')).find((f) => f.startsWith('tasks.quarantine-'));
    expect(readFileSync(join(dataDir, 'journal', quarantine as string), 'utf8')).toBe('not a record\n');

    const snapshot = hub.events[0]?.event;
    expect(snapshot?.type).toBe('snapshot');
    const messages = (snapshot?.notices ?? []).map((n) => `${n.level}: ${n.message}`);
    expect(messages).toHaveLength(3);
    const [journalNotice, rootsNotice, serversNotice] = messages;
    expect(journalNotice).toBe(
      `warning: 1 line of the task history (${journal}) could not be read and was moved, as it was, to ${join(dataDir, 'journal', quarantine as string)}. Every other task was kept.`,
    );
    expect(rootsNotice).toContain(
      `warning: The list of granted files and folders ${join(dataDir, 'roots.json')} is not valid JSON (`,
    );
    expect(rootsNotice).toContain(`). It was moved to ${rootsBackup}; nothing is granted now`);
    expect(serversNotice).toContain(
      `error: Your server list ${join(dataDir, 'servers.json')} is not valid JSON (`,
    );
    expect(serversNotice).toContain(`). It was moved to ${serversBackup}; your own servers do not run`);
    for (const notice of snapshot?.notices ?? []) {
      expect(stderr.split(notice.message)).toHaveLength(2); // printed once
    }
    // A later subscriber sees the same notices.
    const late: Notice[] = [];
    hub.hub.subscribe((event) => late.push(...(event.notices ?? [])))();
    expect(late).toEqual(snapshot?.notices);
  });

  it('starts, and says so, when the journal cannot be written at all at start (a full disk)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-hub-'));
    mkdirSync(join(dataDir, 'journal'));
    mkdirSync(`${TaskJournal.pathIn(dataDir)}.compact`);
    const stderr = await stderrOf(async () => {
      const h = await start({ dataDir });
      await h.ready('cloud-ops');
      const [notice] = noticesIn(h);
      expect(notice?.message).toMatch(/^The task history could not be written to .*tasks\.jsonl \(EISDIR/);
      const { taskId } = await h.hub.startTool(deploy('4.0.1', 'dev'));
      expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
    });
    expect(stderr).toContain('The task history could not be written');
  });

  it('reports a journal it cannot write while running, and writes it in full once it can', async () => {
    const h = await start({ journal: { compactBytes: 1 } });
    await h.ready('cloud-ops');
    const blocker = `${TaskJournal.pathIn(h.dataDir)}.compact`;
    mkdirSync(blocker);
    let taskId = '';
    const stderr = await stderrOf(async () => {
      // Declined: a short record written four times, enough to make compaction due.
      ({ taskId } = await h.hub.startTool(deploy('4.0.0', 'prod')));
      await h.until(() => h.tasks.get(taskId)?.input !== undefined, 'the input request');
      await h.hub.respondToInput(taskId, { action: 'decline' });
      await h.finished(taskId);
      await h.until(() => noticesIn(h).length > 0, 'a notice');
    });
    const [notice] = noticesIn(h);
    expect(notice?.level).toBe('error');
    expect(notice?.message).toMatch(
      /^The task history could not be written to .*tasks\.jsonl \(EISDIR.*\)\. The tasks still show here/,
    );
    expect(h.events.find(({ event }) => event.notices?.length)?.event.type).toBe('batch');
    expect(stderr).toContain(notice?.message);
    rmSync(blocker, { recursive: true });
    await h.hub.shutdown();
    // Rewritten from memory at shutdown: one line per task, none torn.
    expect(readFileSync(TaskJournal.pathIn(h.dataDir), 'utf8').trim().split('\n')).toHaveLength(1);
    const loaded = await TaskJournal.read(TaskJournal.pathIn(h.dataDir));
    expect(loaded.records.map((r) => [r.id, r.status])).toEqual([[taskId, 'cancelled']]);
    expect(noticesIn(h)).toHaveLength(1);
  });
});
