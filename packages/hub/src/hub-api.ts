import type {
  AddRemoteServer,
  HubEvent,
  InputResponse,
  ServerInfo,
  StartTool,
  TaskDetail,
  TaskSummary,
} from '@taskdeck/contract';
import type { CallbackPage } from './auth/callback-page.js';

/**
 * What every host (Electron main, web host, CLI) gets from the hub. The hub has no
 * Electron import; hosts adapt this to IPC, a WebSocket or a terminal.
 */
export interface HubApi {
  /** Calls `listener` at once with a snapshot, then with batches of changes (at most ~30 a second). */
  subscribe(listener: (event: HubEvent) => void): () => void;
  /** Starts a tool call as a task or a plain call; resolves with the record id once it exists. */
  startTool(request: StartTool): Promise<{ taskId: string }>;
  cancelTask(taskId: string): Promise<void>;
  respondToInput(taskId: string, response: InputResponse): Promise<void>;
  getTask(taskId: string): TaskDetail | undefined;
  listTasks(): TaskSummary[];
  startServer(name: string): Promise<void>;
  stopServer(name: string): Promise<void>;
  restartServer(name: string): Promise<void>;
  /** Adds a remote server to the user's servers.json (other entries and keys kept) and starts it. */
  addServer(request: AddRemoteServer): Promise<void>;
  /** Stops one of the user's servers and removes its entry from servers.json. */
  removeServer(name: string): Promise<void>;
  /** Starts signing in to a remote server: the authorization URL to open in the user's browser. */
  signIn(name: string): Promise<{ authorizationUrl: string }>;
  /** Deletes a remote server's sign-in and disconnects it; it waits for a new sign-in. */
  signOut(name: string): Promise<void>;
  /**
   * The redirect from an authorization server at the host's own callback page (the web host):
   * checked against the sign-ins this hub started (their `state`, once). Resolves with the page
   * the browser shows.
   */
  completeSignIn(params: URLSearchParams): Promise<CallbackPage>;
  /** Adds files or folders the user granted (dropped, picked) to the MCP roots; servers are told. */
  grantRoots(paths: string[]): Promise<string[]>;
  revokeRoot(path: string): Promise<string[]>;
  roots(): string[];
  /** False when the saved grants were damaged and set aside: what is not granted now may have been. */
  rootsIntact(): boolean;
  /** Every server: bundled, the user's, and entries of servers.json that could not be used. */
  servers(): ServerInfo[];
  shutdown(): Promise<void>;
}
