import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';

export interface WebHostInfo {
  /** Full URL including `?token=…`. */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  token: string;
  /** The hub's data folder (a fresh temp folder per worker). */
  dataDir: string;
}

/** Simulated durations (deploys) run at 5 % of real time in tests. */
export const TEST_TIME_SCALE = '0.05';

const serverJs = fileURLToPath(new URL('../out/web/index.js', import.meta.url));

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`web host printed no URL within 10 s: ${output}`)),
      10_000,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited (code ${code}) before printing its URL: ${output}`));
    });
  });
}

/** Starts the built web host (out/web/index.js) on a random port with a fresh data folder. */
export async function launchWebHost(
  timeScale = TEST_TIME_SCALE,
): Promise<{ info: WebHostInfo; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-e2e-'));
  const child = spawn(process.execPath, [serverJs, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Servers start with the fresh data dir (no cached tools yet) and must not stop when
    // idle during a worker's run: its specs expect them running.
    env: { ...process.env, TASKDECK_TIME_SCALE: timeScale, TASKDECK_SERVER_IDLE: '1h' },
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = new URL(await waitForUrl(child));
    const info = {
      url: url.href,
      origin: url.origin,
      port: Number(url.port),
      token: url.searchParams.get('token') ?? '',
      dataDir,
    };
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * `webHost`: the built web host on a random port, one per worker, with the real hub and the
 * bundled servers on a temp data folder.
 */
export const test = base.extend<object, { webHost: WebHostInfo }>({
  webHost: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern as the first argument.
    async ({}, use) => {
      const host = await launchWebHost();
      try {
        await use(host.info);
      } finally {
        await host.stop();
      }
    },
    { scope: 'worker' },
  ],
});
