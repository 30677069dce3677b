import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Built by test/global-setup.ts (scripts/build-servers.mjs).
const serverJs = fileURLToPath(new URL('../out/webhost/server.js', import.meta.url));

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /Taskdeck web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`web host exited early (code ${code}): ${output}`)));
  });
}

describe('out/webhost/server.js', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-webhost-int-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Taskdeck</title>');
    child = spawn(process.execPath, [serverJs, '--renderer-dir', join(dir, 'renderer')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    expect(await withToken.text()).toContain('<title>Taskdeck</title>');
    const withoutToken = await fetch(url.replace(/\?token=.*/, ''));
    expect(withoutToken.status).toBe(403);
  });

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('rejects an invalid --port with exit code 1', async () => {
    const bad = spawn(process.execPath, [serverJs, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bad.stderr.setEncoding('utf8');
    bad.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = await once(bad, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('--port must be an integer');
  });
});
