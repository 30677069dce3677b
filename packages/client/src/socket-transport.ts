import { connect, type Socket } from 'node:net';
import {
  type AppInfo,
  type EndpointFile,
  EndpointWelcomeSchema,
  MAX_ENDPOINT_REPLY_BYTES,
} from '@taskdeck/contract';
import { jsonLineSplitter } from '@taskdeck/node-common/json-lines';
import { ConnectionStates, Listeners, RequestBook, type Transport, type Warn } from './transport.js';

const REQUEST_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 3_000;

export interface SocketTransportOptions {
  /** Who connects, for the hub's logs ("taskdeck-cli/0.1.0"). */
  client: string;
  timeoutMs?: number;
  warn?: Warn;
}

/** A connected local-socket transport, and what the hub said about itself. */
export interface SocketConnection {
  transport: Transport;
  hub: AppInfo;
}

/**
 * Connects to a running hub's local endpoint (Unix socket or named pipe) and says hello with
 * the endpoint's token. Rejects when nothing answers or the hub refuses; the caller decides
 * what then (the CLI starts a hub of its own). No reconnect: a CLI command is short.
 */
export function connectSocketTransport(
  endpoint: Pick<EndpointFile, 'path' | 'token'>,
  options: SocketTransportOptions,
): Promise<SocketConnection> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`taskdeck: ${message}\n`));
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint.path);
    const split = jsonLineSplitter(MAX_ENDPOINT_REPLY_BYTES);
    const requests = new RequestBook('the running Taskdeck', options.timeoutMs ?? REQUEST_TIMEOUT_MS);
    const events = new Listeners<unknown>(warn);
    const connection = new ConnectionStates({ state: 'connecting' }, warn);
    let welcomed = false;
    const timer = setTimeout(
      () => fail(new Error('the running Taskdeck did not answer in time')),
      CONNECT_TIMEOUT_MS,
    );

    function fail(error: Error): void {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    }

    function onLine(line: string): void {
      if (welcomed) {
        const pushed = requests.receive(line, warn);
        if (pushed) events.emit(pushed.event);
        return;
      }
      let welcome: ReturnType<typeof EndpointWelcomeSchema.safeParse>;
      try {
        welcome = EndpointWelcomeSchema.safeParse(JSON.parse(line));
      } catch {
        fail(new Error('the running Taskdeck answered something that is not JSON'));
        return;
      }
      if (!welcome.success) {
        fail(new Error('the running Taskdeck answered an unexpected hello'));
        return;
      }
      if ('refused' in welcome.data) {
        fail(new Error(`the running Taskdeck refused: ${welcome.data.refused}`));
        return;
      }
      welcomed = true;
      clearTimeout(timer);
      connection.set({ state: 'open' });
      resolve({ transport: transport(socket), hub: welcome.data.welcome });
    }

    socket.on('connect', () => {
      socket.write(`${JSON.stringify({ hello: { token: endpoint.token, client: options.client } })}\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = split.push(chunk);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      for (const line of lines) onLine(line);
    });
    socket.on('error', (error) => {
      if (!welcomed) fail(new Error(`cannot reach the running Taskdeck: ${error.message}`));
    });
    socket.on('close', () => {
      if (!welcomed) {
        fail(new Error('the running Taskdeck closed the connection'));
        return;
      }
      requests.failAll(new Error('The connection to the running Taskdeck was lost'));
      connection.set({ state: 'closed', reason: 'the running Taskdeck went away', retryInMs: 0 });
    });

    function transport(s: Socket): Transport {
      return {
        request(channel, args) {
          return new Promise((resolveRequest, rejectRequest) => {
            const { id, line } = requests.open(channel, args, {
              resolve: resolveRequest,
              reject: rejectRequest,
            });
            if (s.destroyed) requests.fail(id, new Error('The connection to the running Taskdeck was lost'));
            else s.write(`${line}\n`);
          });
        },
        onEvent: (listener) => events.add(listener),
        onConnection: (listener) => connection.subscribe(listener),
        close() {
          s.end();
          s.destroy();
        },
      };
    }
  });
}
