import type { AppInfo, ConnectionState, SocketReply } from '@taskdeck/contract';
import type { HubApi } from '../hub-api.js';
import { CommandSession } from './command-session.js';

/**
 * A hub in this very process, reached exactly as over a socket (the same CommandSession:
 * validation, routing, subscription), without the socket. The CLI uses it when no Taskdeck
 * runs. Its shape is the client library's Transport.
 */
export function inProcessTransport(hub: HubApi, appInfo: AppInfo) {
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const listeners = new Set<(raw: unknown) => void>();
  let nextId = 1;
  const session = new CommandSession({
    hub,
    handlers: { appInfo: () => appInfo },
    extraCommands: {},
    send(reply: SocketReply) {
      if ('event' in reply) {
        for (const listener of listeners) listener(reply.event);
        return true;
      }
      const request = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) request?.resolve(reply.result);
      else request?.reject(new Error(reply.error));
      return true;
    },
    close: (_code, reason) => {
      for (const request of pending.values()) request.reject(new Error(reason));
      pending.clear();
    },
  });
  return {
    request(channel: string, args: unknown[]): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        session.receive({ id, channel, args });
      });
    },
    onEvent(listener: (raw: unknown) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener({ state: 'open' });
      return () => {};
    },
    close() {
      session.end();
    },
  };
}
