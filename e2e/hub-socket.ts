/**
 * The web host's API from the test itself, as any non-browser client uses it (a WebSocket with
 * the token): to start tasks behind the page's back, as another window or the CLI would.
 */
import type { ServerInfo, StartTool, TaskDetail } from '@taskdeck/contract';
import WebSocket from 'ws';
import type { WebHostInfo } from './fixtures';

export interface HubSocket {
  call<T = unknown>(channel: string, ...args: unknown[]): Promise<T>;
  start(server: string, tool: string, args: StartTool['arguments']): Promise<string>;
  task(taskId: string): Promise<TaskDetail | null>;
  /** Resolves once every server is ready (a fresh web host starts them). */
  ready(): Promise<void>;
  close(): void;
}

export async function connectHub(host: WebHostInfo): Promise<HubSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, {
    headers: { Authorization: `Bearer ${host.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      ok?: boolean;
      result?: unknown;
      error?: string;
    };
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending || message.id === undefined) return;
    waiting.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  });
  const call = <T>(channel: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      ws.send(JSON.stringify({ id, channel, args }));
    });
  return {
    call,
    start: async (server, tool, args) =>
      (await call<{ taskId: string }>('hub:start-tool', { server, tool, arguments: args })).taskId,
    task: (taskId) => call<TaskDetail | null>('hub:get-task', taskId),
    async ready() {
      for (let tries = 0; tries < 200; tries++) {
        const servers = await call<ServerInfo[]>('hub:servers');
        if (servers.length > 0 && servers.every((server) => server.status === 'ready')) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('The servers did not all become ready within 20 s.');
    },
    close: () => ws.close(),
  };
}

/** A fixture: the web host's API, connected once its servers are ready. */
export async function readyHub({ host }: { host: WebHostInfo }, use: (hub: HubSocket) => Promise<void>) {
  const hub = await connectHub(host);
  try {
    await hub.ready();
    await use(hub);
  } finally {
    hub.close();
  }
}
