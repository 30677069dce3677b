/**
 * The `window.taskdeck` API over a WebSocket: requests `{ id, channel, args }` answered by
 * `{ id, ok, result | error }`, and pushed `{ event }` messages carrying HubEvents. Every
 * request is validated with the contract's schemas before it reaches the hub.
 *
 * Input never ends the process: a protocol error (oversized message, invalid UTF-8, bad
 * frame) closes that one connection with its close code (ws does that once the socket has an
 * `error` listener), and nothing a message causes is allowed to throw out of a listener.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AppInfo,
  type CommandSpec,
  commands,
  MAX_SOCKET_MESSAGE_BYTES,
  SESSION_REFUSED_CLOSE_CODE,
  SOCKET_PROTOCOL,
  type SocketReply,
  SocketRequestSchema,
  webCommands,
} from '@taskdeck/contract';
import { type Handler, type Handlers, hubHandlers, runCommand } from '@taskdeck/hub/commands';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { type WebSocket, WebSocketServer } from 'ws';
import { completePath } from './path-completion';

/** A client this far behind is dropped; it reconnects and starts again from a fresh snapshot. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Pings find dead connections (a laptop that slept) so their subscriptions end. */
const PING_INTERVAL_MS = 30_000;
/** Deeper arguments than any form produces; a bound keeps recursive code downstream safe. */
const MAX_ARGUMENT_DEPTH = 64;

export interface SocketApiOptions {
  hub: HubApi;
  appInfo: AppInfo;
  home: string;
  /** Called after a root is revoked (the web host deletes uploaded copies). */
  onRevoked?: (path: string) => Promise<void>;
}

interface Route {
  spec: CommandSpec;
  handler: Handler<CommandSpec>;
}

export interface SocketApi {
  /** Takes over an authenticated upgrade request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Completes the handshake only to close with SESSION_REFUSED_CLOSE_CODE: a page can read a
   * close code, not the HTTP status of a refused upgrade. `reason`: at most 123 bytes.
   */
  refuse(req: IncomingMessage, socket: Duplex, head: Buffer, reason: string): void;
  close(): void;
}

function send(ws: WebSocket, reply: SocketReply): void {
  if (ws.readyState !== ws.OPEN) return;
  try {
    ws.send(JSON.stringify(reply));
  } catch (error) {
    // A result that does not serialize must not take the host down: the request fails instead.
    if ('id' in reply && reply.ok) {
      send(ws, { id: reply.id, ok: false, error: `Cannot send the result: ${(error as Error).message}` });
    }
  }
}

/** Whether `value` nests objects and arrays deeper than `limit` (iterative: no stack to overflow). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

export function createSocketApi(options: SocketApiOptions): SocketApi {
  const { hub } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_SOCKET_MESSAGE_BYTES,
    // The page offers [SOCKET_PROTOCOL, its session]; answer with the first, never echo the session.
    handleProtocols: (protocols) => (protocols.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  const shared = hubHandlers(hub);
  const alive = new WeakSet<WebSocket>();

  function routesFor(ws: WebSocket, unsubscribe: { current?: () => void }): Map<string, Route> {
    const handlers: Handlers<typeof commands & typeof webCommands> = {
      ...shared,
      appInfo: () => options.appInfo,
      subscribe: () => {
        unsubscribe.current?.();
        unsubscribe.current = hub.subscribe((event) => {
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
            ws.close(1013, 'Client too slow; reconnect for a fresh snapshot');
            return;
          }
          send(ws, { event });
        });
        return null;
      },
      revokeRoot: async (path) => {
        const wasGranted = hub.roots().includes(path);
        const roots = await hub.revokeRoot(path);
        if (wasGranted && !roots.includes(path)) await options.onRevoked?.(path);
        return roots;
      },
      completePath: (prefix) =>
        completePath(prefix, { allowed: [options.home, ...hub.roots()], home: options.home }),
    };
    const routes = new Map<string, Route>();
    for (const [name, spec] of Object.entries({ ...commands, ...webCommands })) {
      const handler = handlers[name as keyof typeof handlers] as Handler<CommandSpec>;
      routes.set(spec.channel, { spec, handler });
    }
    return routes;
  }

  function receive(ws: WebSocket, routes: Map<string, Route>, data: Buffer, isBinary: boolean): void {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      raw = undefined;
    }
    const request = SocketRequestSchema.safeParse(raw);
    if (!request.success) {
      // No usable id to answer: the client is broken or hostile.
      ws.close(1008, 'Malformed request');
      return;
    }
    const { id, channel, args } = request.data;
    const route = routes.get(channel);
    if (!route) {
      send(ws, { id, ok: false, error: `Unknown command ${channel}` });
      return;
    }
    if (nestsDeeperThan(args, MAX_ARGUMENT_DEPTH)) {
      send(ws, {
        id,
        ok: false,
        error: `${channel}: arguments nest deeper than ${MAX_ARGUMENT_DEPTH} levels`,
      });
      return;
    }
    runCommand(route.spec, route.handler, args).then(
      (result) => send(ws, { id, ok: true, result }),
      (error: unknown) =>
        send(ws, { id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  wss.on('connection', (ws) => {
    const unsubscribe: { current?: () => void } = {};
    const routes = routesFor(ws, unsubscribe);
    alive.add(ws);
    // ws has already closed the connection with the matching code (1002, 1007, 1009…).
    ws.on('error', () => {});
    ws.on('pong', () => alive.add(ws));
    ws.on('close', () => unsubscribe.current?.());
    ws.on('message', (data, isBinary) => {
      try {
        receive(ws, routes, data as Buffer, isBinary);
      } catch {
        ws.close(1011, 'Internal error');
      }
    });
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  return {
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    refuse(req, socket, head, reason) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        ws.close(SESSION_REFUSED_CLOSE_CODE, reason);
      });
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
