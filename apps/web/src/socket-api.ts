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
  MAX_SOCKET_MESSAGE_BYTES,
  SESSION_REFUSED_CLOSE_CODE,
  SOCKET_PROTOCOL,
  webCommands,
} from '@taskdeck/contract';
import { CommandSession } from '@taskdeck/hub/endpoint/command-session';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { type WebSocket, WebSocketServer } from 'ws';
import { completePath } from './path-completion';

/** A client this far behind is dropped; it reconnects and starts again from a fresh snapshot. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Pings find dead connections (a laptop that slept) so their subscriptions end. */
const PING_INTERVAL_MS = 30_000;

export interface SocketApiOptions {
  hub: HubApi;
  appInfo: AppInfo;
  home: string;
  /** Called after a root is revoked (the web host deletes uploaded copies). */
  onRevoked?: (path: string) => Promise<void>;
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

/** A message that is not JSON is malformed like any other: the session refuses it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createSocketApi(options: SocketApiOptions): SocketApi {
  const { hub } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_SOCKET_MESSAGE_BYTES,
    // The page offers [SOCKET_PROTOCOL, its session]; answer with the first, never echo the session.
    handleProtocols: (protocols) => (protocols.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  const alive = new WeakSet<WebSocket>();

  function session(ws: WebSocket): CommandSession<typeof webCommands> {
    return new CommandSession({
      hub,
      extraCommands: webCommands,
      handlers: {
        appInfo: () => options.appInfo,
        revokeRoot: async (path: string) => {
          const wasGranted = hub.roots().includes(path);
          const roots = await hub.revokeRoot(path);
          if (wasGranted && !roots.includes(path)) await options.onRevoked?.(path);
          return roots;
        },
        completePath: (prefix: string) =>
          completePath(prefix, { allowed: [options.home, ...hub.roots()], home: options.home }),
      },
      send(reply) {
        if (ws.readyState !== ws.OPEN) return true;
        ws.send(JSON.stringify(reply));
        return ws.bufferedAmount <= MAX_BUFFERED_BYTES;
      },
      close: (code, reason) => ws.close(code, reason),
    });
  }

  wss.on('connection', (ws) => {
    const commands = session(ws);
    alive.add(ws);
    // ws has already closed the connection with the matching code (1002, 1007, 1009…).
    ws.on('error', () => {});
    ws.on('pong', () => alive.add(ws));
    ws.on('close', () => commands.end());
    ws.on('message', (data, isBinary) => {
      try {
        commands.receive(isBinary ? undefined : parseJson((data as Buffer).toString()));
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
