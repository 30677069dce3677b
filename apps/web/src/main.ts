#!/usr/bin/env node
/**
 * `npm run web` / `node out/web/index.js`: starts the hub (with the bundled servers)
 * and the web host in front of it, prints the URL with its token, and stops both (no
 * orphan server processes) on Ctrl-C, SIGTERM or SIGHUP. `--uploads-limit` (or TASKDECK_UPLOADS_LIMIT)
 * bounds `<data dir>/uploads/`; `--server-idle` (or TASKDECK_SERVER_IDLE) is how long a bundled
 * server may sit unused before it stops (it starts again on its next call; 0: never stop).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Hub } from '@taskdeck/hub';
import { dataDir as defaultDataDir, serverIdle } from '@taskdeck/node-common/environment';
import packageJson from '../../../package.json' with { type: 'json' };
import { DEFAULT_UPLOADS_TOTAL_BYTES, parseByteSize } from './upload';
import { startWebHost, type WebHost } from './web-host';

/** The uploads folder's bound: the flag, else the environment, else 10 GB. */
function uploadsLimit(flag: string | undefined): number {
  const [text, source] =
    flag !== undefined
      ? [flag, '--uploads-limit']
      : [process.env.TASKDECK_UPLOADS_LIMIT, 'TASKDECK_UPLOADS_LIMIT'];
  if (text === undefined || text === '') return DEFAULT_UPLOADS_TOTAL_BYTES;
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new Error(`${source} must be a size such as 10GB, 500MB or 1048576, got "${text}"`);
  }
  return bytes;
}

/** The bundled servers' idle stop: the flag, else the environment, else 5 minutes. */
function idleFlag(flag: string | undefined) {
  const warn = (message: string) => console.error(`taskdeck: ${message}`);
  return flag !== undefined
    ? serverIdle(flag, warn, '--server-idle')
    : serverIdle(process.env.TASKDECK_SERVER_IDLE, warn);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'renderer-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      'uploads-limit': { type: 'string' },
      'server-idle': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: node out/web/index.js [--port N] [--data-dir DIR] [--renderer-dir DIR] [--uploads-limit SIZE] [--server-idle DURATION]',
    );
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got "${values.port}"`);
  }
  const uploadsTotalLimitBytes = uploadsLimit(values['uploads-limit']);
  // Built layout: out/web/index.js next to out/renderer/ and out/servers/.
  const rendererDir = values['renderer-dir'] ?? fileURLToPath(new URL('../renderer/', import.meta.url));
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const appInfo = { version: packageJson.version, platform: process.platform, host: 'web' } as const;
  let host: WebHost | undefined;
  const hub = await Hub.start({
    dataDir,
    appInfo,
    bundledServersDir: fileURLToPath(new URL('../servers/', import.meta.url)),
    serverIdle: idleFlag(values['server-idle']),
    // Sign-ins come back to this host's own page (before it listens, to a loopback listener).
    auth: { callbackPage: () => host?.signInCallbackUrl },
  });
  try {
    host = await startWebHost({
      port,
      rendererDir,
      api: {
        hub,
        dataDir,
        uploadsTotalLimitBytes,
        appInfo,
      },
    });
  } catch (error) {
    await hub.shutdown();
    throw error;
  }
  const started = host;
  console.log(`Taskdeck web host: ${started.url}`);
  console.log(`Data folder: ${dataDir}`);
  let stopping = false;
  const stop = () => {
    // Ctrl-C reaches both `npm start` and this process: a repeated signal must not abort the close.
    if (stopping) return;
    stopping = true;
    // The hub stops the server processes (no orphans) before we exit.
    void Promise.allSettled([started.close(), hub.shutdown()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Its terminal closed: without this, Node exits at once and servers that ignore stdin outlive it.
  process.on('SIGHUP', stop);
}

main().catch((error: unknown) => {
  console.error(`Taskdeck web host: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
