import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTaskdeckClient, type TaskdeckClient } from '@taskdeck/client';
import { connectSocketTransport } from '@taskdeck/client/socket-transport';
import type { AppInfo } from '@taskdeck/contract';
import { Hub } from '@taskdeck/hub';
import { DataDirLock } from '@taskdeck/hub/data-dir-lock';
import { inProcessTransport } from '@taskdeck/hub/endpoint/in-process';
import { LocalEndpoint } from '@taskdeck/hub/endpoint/local-endpoint';
import { delay, serverIdle } from '@taskdeck/node-common/environment';
import packageJson from '../../../package.json' with { type: 'json' };

export interface HubConnection {
  client: TaskdeckClient;
  /** Who runs the hub: the app, the web host, or this command (`cli`). */
  hub: AppInfo;
  /** Disconnects, and stops the hub if this command started it. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Start the servers of a hub this command starts itself (not needed to read the history). */
  startServers: boolean;
}

const CLIENT_NAME = `taskdeck-cli/${packageJson.version}`;
/** How long a hub that holds the data dir without an endpoint gets to open it (starting) or let go (quitting). */
const OWNER_SETTLE_MS = 10_000;

/**
 * Reaches the hub that owns the data dir: the running app or web host through its local
 * endpoint, so a task started here shows live in its window and the history is one. When
 * no Taskdeck runs, starts a hub in this process (which listens too, so a second command
 * reaches this one).
 */
export async function connectToHub(dataDir: string, options: ConnectOptions): Promise<HubConnection> {
  let endpoint = await LocalEndpoint.read(dataDir);
  let owner = await DataDirLock.owner(dataDir);
  // A hub that is starting has not opened its endpoint yet; one that is quitting has closed it
  // but still holds the data dir for a moment: wait for either to settle.
  for (
    const deadline = Date.now() + OWNER_SETTLE_MS;
    !endpoint && owner !== undefined && Date.now() < deadline;
  ) {
    await delay(100);
    endpoint = await LocalEndpoint.read(dataDir);
    owner = await DataDirLock.owner(dataDir);
  }
  if (endpoint && owner !== undefined) {
    const { transport, hub } = await connectSocketTransport(endpoint, { client: CLIENT_NAME }).catch(
      (error: Error) => {
        throw new Error(`Taskdeck (pid ${owner}) owns ${dataDir}, but ${error.message}.`);
      },
    );
    const client = createTaskdeckClient(transport, {
      warn: (message) => process.stderr.write(`taskdeck: ${message}\n`),
    });
    return { client, hub, close: async () => client.close() };
  }
  if (owner !== undefined)
    throw new Error(
      `Taskdeck (pid ${owner}) owns ${dataDir} but has no local endpoint (an older version?). Quit it, or set TASKDECK_DATA_DIR to another folder.`,
    );
  const appInfo: AppInfo = {
    version: packageJson.version,
    platform: process.platform as AppInfo['platform'],
    host: 'cli',
  };
  const here = dirname(fileURLToPath(import.meta.url));
  const hub = await Hub.start({
    dataDir,
    appInfo,
    bundledServersDir: resolve(here, '..', 'servers'),
    startServers: options.startServers,
    serverIdle: serverIdle(process.env.TASKDECK_SERVER_IDLE, (message) =>
      process.stderr.write(`taskdeck: ${message}\n`),
    ),
  });
  const client = createTaskdeckClient(inProcessTransport(hub, appInfo));
  return {
    client,
    hub: appInfo,
    close: async () => {
      client.close();
      await hub.shutdown();
    },
  };
}
