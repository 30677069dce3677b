import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverJs, waitForUrl } from '../test/server-process';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server pids from the hub's first snapshot that lists them all ready, over the socket. */
async function serverPids(pageUrl: string): Promise<number[]> {
  const page = new URL(pageUrl);
  const ws = new WebSocket(`ws://${page.host}/api`, {
    headers: { Authorization: `Bearer ${page.searchParams.get('token')}` },
  });
  await once(ws, 'open');
  const deadline = Date.now() + 20_000;
  try {
    while (Date.now() < deadline) {
      ws.send(JSON.stringify({ id: 1, channel: 'hub:subscribe', args: [] }));
      const [data] = await once(ws, 'message');
      const message = JSON.parse(String(data));
      // A snapshot lists every server; a batch only those that changed.
      const servers: { status: string; pid?: number }[] =
        message.event?.type === 'snapshot' ? message.event.servers : [];
      if (servers.length > 0 && servers.every((s) => s.status === 'ready'))
        return servers.map((s) => s.pid as number);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('servers did not become ready');
  } finally {
    ws.close();
  }
}

describe('out/web/index.js', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-webhost-int-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Taskdeck</title>');
    // Its own data folder: the web host starts the hub and the bundled servers there.
    child = spawn(
      process.execPath,
      [serverJs, '--renderer-dir', join(dir, 'renderer'), '--data-dir', join(dir, 'data')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TASKDECK_UPLOADS_LIMIT: '1KB' } },
    );
    url = await waitForUrl(child);
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a tokenized URL and serves the UI with it', async () => {
    const withToken = await fetch(url);
    expect(withToken.status).toBe(200);
    const page = await withToken.text();
    expect(page).toContain('<title>Taskdeck</title>');
    expect(page).toContain('<meta name="taskdeck-session"');
    const wrongToken = await fetch(url.replace(/\?token=.*/, `?token=${'0'.repeat(64)}`));
    expect(wrongToken.status).toBe(401);
  });

  it('bounds the uploads folder by TASKDECK_UPLOADS_LIMIT', async () => {
    const reply = await fetch(new URL('/upload?name=big.csv', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${new URL(url).searchParams.get('token')}` },
      body: 'x'.repeat(2000),
    });
    expect(reply.status).toBe(413);
    expect(await reply.text()).toMatch(/uploads folder is full \(0 B of 1.0 KB\)/);
  });

  it('stops cleanly on SIGTERM, servers included', async () => {
    const pids = await serverPids(url);
    expect(pids.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    // No orphans: every server process ended with the host.
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('stops cleanly when its terminal closes (SIGHUP), servers included', async () => {
    const data = join(dir, 'hangup');
    const host = spawn(
      process.execPath,
      [serverJs, '--renderer-dir', join(dir, 'renderer'), '--data-dir', data],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const pids = await serverPids(await waitForUrl(host));
    expect(pids.length).toBeGreaterThan(0);
    host.kill('SIGHUP');
    const [code] = await once(host, 'exit');
    expect(code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  async function failedStart(args: string[], env: Record<string, string> = {}): Promise<string> {
    const bad = spawn(process.execPath, [serverJs, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    bad.stderr.setEncoding('utf8');
    bad.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = await once(bad, 'exit');
    expect(code).toBe(1);
    return stderr;
  }

  it('rejects an invalid --port with exit code 1', async () => {
    expect(await failedStart(['--port', 'abc'])).toContain('--port must be an integer');
  });

  it('rejects an invalid uploads limit, from the flag first, then the environment', async () => {
    expect(await failedStart(['--uploads-limit', 'lots'], { TASKDECK_UPLOADS_LIMIT: '1GB' })).toContain(
      '--uploads-limit must be a size such as 10GB, 500MB or 1048576, got "lots"',
    );
    expect(await failedStart([], { TASKDECK_UPLOADS_LIMIT: '-5' })).toContain(
      'TASKDECK_UPLOADS_LIMIT must be a size',
    );
  });
});
