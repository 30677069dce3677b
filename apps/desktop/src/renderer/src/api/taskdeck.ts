import type { TaskdeckApi } from '@taskdeck/contract';
import { createWebClient } from './web-client';

let api: TaskdeckApi | undefined;

/** The host's API: the preload's in Electron, otherwise a WebSocket client for the web host. */
export function taskdeck(): TaskdeckApi {
  api ??= window.taskdeck ?? createWebClient();
  return api;
}
