/**
 * Sandboxed preload: exposes the narrow, typed `window.taskdeck` API and nothing else.
 * Results from the main process are validated against the contract before they reach the UI.
 * Bundled as one CommonJS file (out/preload/index.cjs): sandboxed preloads can only require 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { API_GLOBAL, commands, type TaskdeckApi } from '../../contract/api';

// zod must not try `new Function` (eval) under the page's CSP.
z.config({ jitless: true });

const api: TaskdeckApi = {
  async appInfo() {
    const raw: unknown = await ipcRenderer.invoke(commands.appInfo.channel);
    return commands.appInfo.result.parse(raw);
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, Object.freeze(api));
