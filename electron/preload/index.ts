/**
 * Sandboxed preload: exposes the narrow, typed `window.taskdeck` API and nothing else.
 * Results and events from the main process are validated against the contract before they
 * reach the UI. Bundled as one CommonJS file (out/preload/index.cjs): sandboxed preloads can
 * only require 'electron'.
 */
// First: before any schema exists (see the module).
import '../../contract/zod-jitless';
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  API_GLOBAL,
  type CommandMethods,
  type CommandSpec,
  commands,
  EVENT_CHANNEL,
  electronCommands,
  HubEventSchema,
  type TaskdeckApi,
} from '../../contract/api';

/** ipcRenderer prefixes "Error invoking remote method 'x': Error: "; the UI shows only the reason. */
function remoteMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}

function bind<Group extends Record<string, CommandSpec>>(group: Group): CommandMethods<Group> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, spec] of Object.entries(group)) {
    methods[name] = async (...args) => {
      let raw: unknown;
      try {
        raw = await ipcRenderer.invoke(spec.channel, ...args);
      } catch (error) {
        throw new Error(remoteMessage(error));
      }
      return spec.result.parse(raw);
    };
  }
  return methods as unknown as CommandMethods<Group>;
}

const hub = bind(commands);

const api: TaskdeckApi = {
  ...hub,
  host: 'electron',
  onEvent(listener) {
    const onMessage = (_event: Electron.IpcRendererEvent, raw: unknown) => {
      const parsed = HubEventSchema.safeParse(raw);
      if (parsed.success) listener(parsed.data);
      else console.error(`Taskdeck: dropped a malformed hub event: ${parsed.error.message}`);
    };
    ipcRenderer.on(EVENT_CHANNEL, onMessage);
    // The main process answers with a snapshot, then batches.
    hub
      .subscribe()
      .catch((error: unknown) => console.error(`Taskdeck: subscribe failed: ${remoteMessage(error)}`));
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, onMessage);
    };
  },
  onConnection(listener) {
    // IPC to our own main process does not drop.
    listener({ state: 'open' });
    return () => {};
  },
  async importFile(file) {
    const path = webUtils.getPathForFile(file);
    if (!path)
      throw new Error(
        `${file.name} has no path on disk (dragged from another app?): save it to a file first`,
      );
    await hub.grantRoots([path]);
    return path;
  },
  electron: bind(electronCommands),
};

contextBridge.exposeInMainWorld(API_GLOBAL, Object.freeze(api));
