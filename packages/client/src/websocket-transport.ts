import { MAX_SOCKET_MESSAGE_BYTES } from '@taskdeck/contract';
import { formatBytes } from './format.js';
import {
  ConnectionStates,
  consoleWarn,
  Listeners,
  RequestBook,
  type Transport,
  type Warn,
} from './transport.js';

const RETRY_MS = [500, 1000, 2000, 5000];
/** A request that is neither answered nor failed by then fails with a clear message. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The part of the browser's WebSocket this transport uses (the `ws` package's fits too). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WebSocketTransportOptions {
  /** The socket URL, asked again before each (re)connect (it may carry a fresh credential). */
  url: () => string;
  /** Subprotocols to offer, asked before each connect (the web host reads its session from them). */
  protocols?: () => string[];
  /** Default: the global WebSocket. */
  WebSocket?: new (
    url: string,
    protocols?: string[],
  ) => WebSocketLike;
  /** What the server accepts per message; larger requests are refused here, before sending. */
  maxMessageBytes?: number;
  timeoutMs?: number;
  /** Called with every received message before parsing (bench/ui measures from there). */
  onReceive?: () => void;
  warn?: Warn;
  /** Who is at the other end, in messages ("the Taskdeck web host"). */
  peer?: string;
  /** Set when there is no way in (no credential): never connects, every request fails with this. */
  refused?: string;
  /** A close with this code means the server will not take this client again: stop, with `reason`. */
  refusal?: { code: number; reason: string };
}

const OPEN = 1;

/**
 * The hub's API over a WebSocket: requests answered by id, pushed events. It reconnects with
 * backoff for as long as it lives; requests sent while it reconnects wait in a queue, and
 * those in flight when the connection drops fail with a clear message.
 */
export function webSocketTransport(options: WebSocketTransportOptions): Transport {
  const peer = options.peer ?? 'the Taskdeck web host';
  const warn = options.warn ?? consoleWarn;
  const Ctor =
    options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketTransportOptions['WebSocket']);
  if (!Ctor) throw new Error('No WebSocket implementation available');
  const maxBytes = options.maxMessageBytes ?? MAX_SOCKET_MESSAGE_BYTES;
  const requests = new RequestBook(peer, options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const events = new Listeners<unknown>(warn);
  const connection = new ConnectionStates(
    options.refused ? { state: 'refused', reason: options.refused } : { state: 'connecting' },
    warn,
  );
  let socket: WebSocketLike | undefined;
  let queue: string[] = [];
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function connect(): void {
    retry = undefined;
    connection.set({ state: 'connecting' });
    let ws: WebSocketLike;
    try {
      ws = new (Ctor as NonNullable<typeof Ctor>)(options.url(), options.protocols?.());
    } catch (error) {
      lost(undefined, 0, `cannot open the connection: ${(error as Error).message}`);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      const waiting = queue;
      queue = [];
      for (const line of waiting) ws.send(line);
      connection.set({ state: 'open' });
    };
    ws.onmessage = (message) => {
      options.onReceive?.();
      const pushed = requests.receive(String(message.data), warn);
      if (pushed) events.emit(pushed.event);
    };
    ws.onerror = () => {}; // onclose follows with the code
    ws.onclose = (close) => {
      if (socket !== ws) return;
      if (options.refusal && close.code === options.refusal.code) refuse(options.refusal.reason);
      else lost(ws, close.code, close.reason);
    };
  }

  function refuse(reason: string): void {
    socket = undefined;
    requests.failAll(new Error(reason));
    queue = [];
    connection.set({ state: 'refused', reason });
  }

  function lost(ws: WebSocketLike | undefined, code: number, reason: string): void {
    if (ws && socket !== ws) return;
    socket = undefined;
    requests.failAll(new Error(`The connection to ${peer} was lost; try again once it is back`));
    queue = [];
    if (closed) return;
    const retryInMs = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] as number;
    failures++;
    const why =
      reason || (code === 1006 || code === 0 ? `${peer} is not reachable` : `closed (code ${code})`);
    connection.set({ state: 'closed', reason: why, retryInMs });
    retry = setTimeout(connect, retryInMs);
  }

  if (connection.state.state !== 'refused') connect();
  return {
    request(channel, args) {
      return new Promise((resolve, reject) => {
        const current = connection.state;
        if (current.state === 'refused') {
          reject(new Error(current.reason));
          return;
        }
        const { id, line } = requests.open(channel, args, { resolve, reject });
        // The server closes the connection on a larger message: refuse it here, readably.
        const bytes = new TextEncoder().encode(line).length;
        if (bytes > maxBytes) {
          requests.fail(
            id,
            new Error(
              `This request (${formatBytes(bytes)}) is larger than the ${formatBytes(maxBytes)} ${peer} accepts in one message: shorten the arguments (a long pasted text?)`,
            ),
          );
          return;
        }
        if (socket?.readyState === OPEN) socket.send(line);
        else queue.push(line);
      });
    },
    onEvent: (listener) => events.add(listener),
    onConnection: (listener) => connection.subscribe(listener),
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close(1000, 'Client closed');
      requests.failAll(new Error('The client was closed'));
    },
  };
}
