import { type ConnectionState, EVENT_CHANNEL } from '@taskdeck/contract';
import { consoleWarn, Listeners, type Transport, type Warn } from './transport.js';

/** The part of Electron's `ipcRenderer` this transport uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * The hub in Electron's main process, through the preload's `ipcRenderer`: commands are
 * `invoke` calls on the contract's channels, events arrive on EVENT_CHANNEL. IPC to our
 * own main process does not drop, so the connection is `open` from the start.
 */
export function ipcTransport(ipc: IpcRendererLike, warn?: Warn): Transport {
  const events = new Listeners<unknown>(warn ?? consoleWarn);
  ipc.on(EVENT_CHANNEL, (_event, raw) => events.emit(raw));
  return {
    async request(channel, args) {
      try {
        return await ipc.invoke(channel, ...args);
      } catch (error) {
        throw new Error(remoteMessage(error));
      }
    },
    onEvent: (listener) => events.add(listener),
    onConnection(listener: (state: ConnectionState) => void) {
      listener({ state: 'open' });
      return () => {};
    },
    close() {},
  };
}

/** ipcRenderer prefixes "Error invoking remote method 'x': Error: "; the user reads only the reason. */
export function remoteMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
