import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** A response as it came over the wire: exactly one of `result` and `error`. */
export interface JsonRpcResponse {
  id: number;
  result?: Record<string, unknown>;
  error?: JsonRpcError;
}

export interface JsonRpcNotification {
  method: string;
  params?: Record<string, unknown>;
}

type RequestHandler = (params: Record<string, unknown> | undefined) => unknown;

/**
 * An MCP client with no SDK in between: newline-delimited JSON-RPC written to a server's
 * stdin and read from its stdout, so tests see the exact messages the server sends
 * (error codes, notifications) and nothing a client library would fix up or drop.
 */
export class RawJsonRpcPeer {
  readonly notifications: JsonRpcNotification[] = [];
  /** Every line the server wrote on stdout, parsed, in order. */
  readonly received: Record<string, unknown>[] = [];
  private readonly pending = new Map<number, (response: JsonRpcResponse) => void>();
  private readonly handlers = new Map<string, RequestHandler>();
  private nextId = 1;
  private partial = '';
  private stderrText = '';

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {});
  }

  /** Spawns `node <script>` and completes the MCP handshake with `capabilities`. */
  static async start(
    script: string,
    options: { env?: Record<string, string>; capabilities?: Record<string, unknown> } = {},
  ): Promise<RawJsonRpcPeer> {
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const peer = new RawJsonRpcPeer(child);
    const init = await peer.request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: options.capabilities ?? {},
      clientInfo: { name: 'raw-jsonrpc-test', version: '0.0.0' },
    });
    if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
    peer.notify('notifications/initialized');
    return peer;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Answers the server's requests of `method` (roots/list, elicitation/create). */
  onRequest(method: string, handler: RequestHandler): void {
    this.handlers.set(method, handler);
  }

  request(method: string, params?: Record<string, unknown>, timeoutMs = 15_000): Promise<JsonRpcResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`No answer to ${method} (id ${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.write({ jsonrpc: '2.0', id, method, ...(params && { params }) });
    });
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.write({ jsonrpc: '2.0', method, ...(params && { params }) });
  }

  notificationsOf(method: string): Record<string, unknown>[] {
    return this.notifications.filter((n) => n.method === method).map((n) => n.params ?? {});
  }

  async until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Closes stdin and waits for the server to exit (SIGKILL after 5 s). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private write(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onData(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      this.received.push(message);
      this.dispatch(message);
    }
  }

  private dispatch(message: Record<string, unknown>): void {
    const { id, method } = message;
    if (typeof method !== 'string') {
      this.pending.get(id as number)?.(message as unknown as JsonRpcResponse);
      this.pending.delete(id as number);
      return;
    }
    const params = message.params as Record<string, unknown> | undefined;
    if (id === undefined) {
      this.notifications.push({ method, params });
      return;
    }
    const handler = this.handlers.get(method);
    if (!handler) {
      this.write({ jsonrpc: '2.0', id, error: { code: -32601, message: `No handler for ${method}` } });
      return;
    }
    this.write({ jsonrpc: '2.0', id, result: handler(params) });
  }
}
