import type { TaskdeckApi } from '@taskdeck/contract';
import { createWebClient } from './web-client';
import { takeSession } from './web-session';

let api: TaskdeckApi | undefined;

/** The host's API: the preload's in Electron, otherwise a WebSocket client for the web host. */
export function taskdeck(): TaskdeckApi {
  api ??= window.taskdeck ?? createWebClient({ location: window.location, session: takeSession() });
  return api;
}
