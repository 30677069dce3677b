/**
 * Sandboxed preload: exposes the narrow, typed `window.taskdeck` API and nothing else: the
 * client library over Electron IPC, so results and events from the main process are
 * validated against the contract before they reach the UI. Bundled as one CommonJS file
 * (out/preload/index.cjs): sandboxed preloads can only require 'electron'.
 */

// First: before any schema exists (see the module).
import '@taskdeck/contract/zod-jitless';
import { commandMethods, createTaskdeckClient } from '@taskdeck/client';
import { ipcTransport } from '@taskdeck/client/ipc-transport';
import { API_GLOBAL, electronCommands, type TaskdeckApi } from '@taskdeck/contract';
import { contextBridge, ipcRenderer, webUtils } from 'electron';

const transport = ipcTransport(ipcRenderer);
const { close: _close, ...client } = createTaskdeckClient(transport);

const api: TaskdeckApi = {
  ...client,
  host: 'electron',
  async importFile(file) {
    const path = webUtils.getPathForFile(file);
    if (!path)
      throw new Error(
        `${file.name} has no path on disk (dragged from another app?): save it to a file first`,
      );
    await client.grantRoots([path]);
    return path;
  },
  electron: commandMethods(transport, electronCommands),
};

contextBridge.exposeInMainWorld(API_GLOBAL, Object.freeze(api));
