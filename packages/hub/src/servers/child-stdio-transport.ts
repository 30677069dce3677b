import type { Readable, Writable } from 'node:stream';
import {
  ReadBuffer,
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
  serializeMessage,
} from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * MCP transport over a child's stdin/stdout that the supervisor spawned itself (the
 * SDK's StdioClientTransport spawns on its own, without a process group). A line
 * that is not JSON-RPC is reported through `onerror` and skipped: a server that
 * prints garbage on stdout keeps its connection. A message larger than the SDK's read
 * buffer closes it, with `failure` saying why: that message was lost, and whoever
 * waits for its answer would wait forever.
 */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Why this side dropped the connection, when it did. */
  failure: string | undefined;
  private readonly buffer = new ReadBuffer();
  private closed = false;

  constructor(
    private readonly stdin: Writable,
    private readonly stdout: Readable,
  ) {}

  async start(): Promise<void> {
    this.stdout.on('data', this.onData);
    this.stdout.once('close', this.onStreamClose);
    this.stdout.on('error', (error: Error) => this.onerror?.(error));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.stdin.destroyed || this.stdin.writableEnded)
      throw new Error('Server process is gone');
    await new Promise<void>((resolve, reject) => {
      const ok = this.stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else this.stdin.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.onStreamClose();
  }

  private readonly onData = (chunk: Buffer) => {
    try {
      this.buffer.append(chunk);
    } catch (error) {
      this.failure =
        `sent a message larger than the ${STDIO_DEFAULT_MAX_BUFFER_SIZE / 1024 / 1024} MiB an MCP client reads at once ` +
        `(${(error as Error).message}); its connection was dropped`;
      this.onStreamClose();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        this.onerror?.(
          new Error(`Server wrote a line that is not JSON-RPC: ${(error as Error).message.slice(0, 200)}`),
        );
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  };

  private readonly onStreamClose = () => {
    if (this.closed) return;
    this.closed = true;
    this.stdout.off('data', this.onData);
    this.buffer.clear();
    this.onclose?.();
  };
}
