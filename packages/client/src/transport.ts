import { type ConnectionState, type SocketReply, SocketReplySchema } from '@taskdeck/contract';

/**
 * How a TaskdeckClient reaches a hub: Electron IPC, the web host's WebSocket, the hub's
 * local socket, or a hub in the same process. A transport moves raw values; the client
 * validates them against the contract.
 */
export interface Transport {
  /** Sends one command; resolves with its raw result, rejects with an Error a user can read. */
  request(channel: string, args: unknown[]): Promise<unknown>;
  /** Raw values the hub pushes (HubEvents). */
  onEvent(listener: (raw: unknown) => void): () => void;
  /** Connection state, now and on every change; a transport that never drops reports `open` once. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** Something that consumes a client's reports instead of throwing them into a listener. */
export type Warn = (message: string) => void;

/** Where a client's warnings go when its host gives no place for them. */
export const consoleWarn: Warn = (message) => console.error(`Taskdeck: ${message}`);

interface Pending {
  channel: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The request/reply half of the socket wire format (`{ id, channel, args }` answered by
 * `{ id, ok, result | error }`, plus pushed `{ event }`), shared by the WebSocket and the
 * local-socket transports: ids, timeouts, and failing everything in flight when the
 * connection goes.
 */
export class RequestBook {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly peer: string,
    private readonly timeoutMs: number,
  ) {}

  /** Registers a request; returns its id and the line to send for it. */
  open(
    channel: string,
    args: unknown[],
    settle: Pick<Pending, 'resolve' | 'reject'>,
  ): { id: number; line: string } {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.pending.delete(id);
      settle.reject(new Error(`${channel}: no answer from ${this.peer} within ${this.timeoutMs / 1000} s`));
    }, this.timeoutMs);
    this.pending.set(id, { channel, ...settle, timer });
    return { id, line: JSON.stringify({ id, channel, args }) };
  }

  /** Settles a request with a reply; returns the event of an `{ event }` message instead. */
  receive(text: string, warn: Warn): { event: unknown } | undefined {
    let reply: SocketReply;
    try {
      const parsed = SocketReplySchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        warn(`${this.peer} sent a malformed message`);
        return undefined;
      }
      reply = parsed.data;
    } catch {
      warn(`${this.peer} sent a message that is not JSON`);
      return undefined;
    }
    if ('event' in reply) return { event: reply.event };
    const request = this.pending.get(reply.id);
    if (!request) return undefined;
    this.pending.delete(reply.id);
    clearTimeout(request.timer);
    if (reply.ok) request.resolve(reply.result);
    else request.reject(new Error(reply.error));
    return undefined;
  }

  /** Fails one request that could not be sent. */
  fail(id: number, error: Error): void {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    request.reject(error);
  }

  failAll(error: Error): void {
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(error);
    }
    this.pending.clear();
  }
}

/** A set of listeners where one that throws cannot stop the others or the transport. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  constructor(private readonly warn: Warn) {}

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  get size(): number {
    return this.set.size;
  }

  emit(value: T): void {
    for (const listener of this.set) {
      try {
        listener(value);
      } catch (error) {
        this.warn(`a listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** The connection state, told to each new listener at once and to all of them on every change. */
export class ConnectionStates {
  private readonly listeners: Listeners<ConnectionState>;

  constructor(
    private current: ConnectionState,
    warn: Warn,
  ) {
    this.listeners = new Listeners(warn);
  }

  get state(): ConnectionState {
    return this.current;
  }

  set(state: ConnectionState): void {
    this.current = state;
    this.listeners.emit(state);
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    const remove = this.listeners.add(listener);
    listener(this.current);
    return remove;
  }
}
