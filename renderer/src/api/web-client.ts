/**
 * `window.taskdeck` for the web build: the same typed API over the web host's WebSocket.
 * Requests are answered by id; events are pushed. The socket reconnects with backoff and
 * re-subscribes, so the store gets a fresh snapshot after every reconnect. The page's session
 * (web-session.ts) authenticates the socket (a subprotocol) and uploads (a header).
 */
import {
  type CommandMethods,
  type CommandSpec,
  type ConnectionState,
  commands,
  type HubEvent,
  HubEventSchema,
  MAX_SOCKET_MESSAGE_BYTES,
  MAX_UPLOAD_NAME_BYTES,
  SESSION_HEADER,
  SESSION_PROTOCOL_PREFIX,
  SESSION_REFUSED_CLOSE_CODE,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  SocketReplySchema,
  type TaskdeckApi,
  UPLOAD_PATH,
  UploadResultSchema,
  webCommands,
} from '../../../contract/api';
import { shortenFileName } from '../../../contract/file-name';
import { formatBytes } from '../lib/format';
import { perf } from '../lib/perf';

const RETRY_MS = [500, 1000, 2000, 5000];
/** A request that is neither answered nor failed by then fails with a clear message. */
const REQUEST_TIMEOUT_MS = 60_000;

const OPEN_WITH_TOKEN = 'open the address with ?token= that the web host printed when it started';
export const NO_SESSION = `This page has no session with the Taskdeck web host: ${OPEN_WITH_TOKEN}`;
export const STALE_SESSION = `The Taskdeck web host no longer knows this page (it restarted): ${OPEN_WITH_TOKEN}`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface WebClientOptions {
  location: Pick<Location, 'protocol' | 'host'>;
  /** From takeSession(); without one the client does not connect and every call fails with NO_SESSION. */
  session: string | undefined;
}

export function createWebClient({ location, session }: WebClientOptions): TaskdeckApi {
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SOCKET_PATH}`;
  const pending = new Map<number, Pending>();
  const eventListeners = new Set<(event: HubEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let connection: ConnectionState = session
    ? { state: 'connecting' }
    : { state: 'refused', reason: NO_SESSION };
  let socket: WebSocket | undefined;
  let queue: string[] = [];
  let nextId = 1;
  let failures = 0;

  function setConnection(state: ConnectionState): void {
    connection = state;
    for (const listener of connectionListeners) listener(state);
  }

  function rejectPending(error: Error): void {
    for (const [id, request] of pending) {
      clearTimeout(request.timer);
      request.reject(error);
      pending.delete(id);
    }
    queue = [];
  }

  function connect(session: string): void {
    setConnection({ state: 'connecting' });
    const ws = new WebSocket(socketUrl, [SOCKET_PROTOCOL, `${SESSION_PROTOCOL_PREFIX}${session}`]);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      setConnection({ state: 'open' });
      if (eventListeners.size > 0) void call(commands.subscribe, []).catch(() => {});
      for (const message of queue) ws.send(message);
      queue = [];
    };
    ws.onmessage = (message) => receive(message.data);
    ws.onclose = (close) => {
      if (socket !== ws) return;
      socket = undefined;
      if (close.code === SESSION_REFUSED_CLOSE_CODE) {
        rejectPending(new Error(STALE_SESSION));
        setConnection({ state: 'refused', reason: STALE_SESSION });
        return;
      }
      rejectPending(new Error('The connection to the Taskdeck web host was lost; try again once it is back'));
      const retryInMs = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] as number;
      failures++;
      const reason =
        close.reason ||
        (close.code === 1006 ? 'the web host is not reachable' : `closed (code ${close.code})`);
      setConnection({ state: 'closed', reason, retryInMs });
      setTimeout(() => connect(session), retryInMs);
    };
  }

  function receive(data: unknown): void {
    // bench/ui measures from here: parsing and validation are part of the renderer's work.
    perf.received();
    let parsed: ReturnType<typeof SocketReplySchema.safeParse>;
    try {
      parsed = SocketReplySchema.safeParse(JSON.parse(String(data)));
    } catch {
      console.error('Taskdeck: the web host sent a message that is not JSON');
      return;
    }
    if (!parsed.success) {
      console.error('Taskdeck: the web host sent a malformed message');
      return;
    }
    const reply = parsed.data;
    if ('event' in reply) {
      const event = HubEventSchema.safeParse(reply.event);
      if (!event.success) {
        console.error(`Taskdeck: dropped a malformed hub event: ${event.error.message}`);
        return;
      }
      for (const listener of eventListeners) listener(event.data);
      return;
    }
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    clearTimeout(request.timer);
    if (reply.ok) request.resolve(reply.result);
    else request.reject(new Error(reply.error));
  }

  function call(spec: CommandSpec, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (connection.state === 'refused') {
        reject(new Error(connection.reason));
        return;
      }
      const id = nextId++;
      const message = JSON.stringify({ id, channel: spec.channel, args });
      // The web host closes the connection on a larger message: refuse it here, readably.
      const bytes = new TextEncoder().encode(message).length;
      if (bytes > MAX_SOCKET_MESSAGE_BYTES) {
        reject(
          new Error(
            `This request (${formatBytes(bytes)}) is larger than the ${formatBytes(MAX_SOCKET_MESSAGE_BYTES)} ` +
              'the web host accepts in one message: shorten the arguments (a long pasted text?)',
          ),
        );
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new Error(`${spec.channel}: no answer from the web host within ${REQUEST_TIMEOUT_MS / 1000} s`),
        );
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, {
        resolve: (raw) => {
          const result = spec.result.safeParse(raw);
          if (result.success) resolve(result.data);
          else reject(new Error(`${spec.channel}: the web host answered with an unexpected shape`));
        },
        reject,
        timer,
      });
      if (socket?.readyState === WebSocket.OPEN) socket.send(message);
      else queue.push(message);
    });
  }

  function bind<Group extends Record<string, CommandSpec>>(group: Group): CommandMethods<Group> {
    const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const [name, spec] of Object.entries(group)) methods[name] = (...args) => call(spec, args);
    return methods as unknown as CommandMethods<Group>;
  }

  function upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      if (!session) {
        reject(new Error(NO_SESSION));
        return;
      }
      const xhr = new XMLHttpRequest();
      const name = shortenFileName(file.name, MAX_UPLOAD_NAME_BYTES);
      xhr.open('POST', `${UPLOAD_PATH}?name=${encodeURIComponent(name)}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader(SESSION_HEADER, session);
      xhr.upload.onprogress = (event) =>
        onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
      xhr.onerror = () => reject(new Error(`Uploading ${file.name} failed: the web host did not answer`));
      xhr.onload = () => {
        if (xhr.status !== 200) {
          reject(
            new Error(`Uploading ${file.name} failed: ${xhr.responseText.trim() || `HTTP ${xhr.status}`}`),
          );
          return;
        }
        try {
          resolve(UploadResultSchema.parse(JSON.parse(xhr.responseText)).path);
        } catch {
          reject(new Error(`Uploading ${file.name} failed: unexpected answer from the web host`));
        }
      };
      xhr.send(file);
    });
  }

  if (session) connect(session);
  const hub = bind(commands);
  return {
    ...hub,
    host: 'web',
    onEvent(listener) {
      eventListeners.add(listener);
      if (socket?.readyState === WebSocket.OPEN) void hub.subscribe().catch(() => {});
      return () => {
        eventListeners.delete(listener);
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connection);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    importFile: upload,
    web: bind(webCommands),
  };
}
