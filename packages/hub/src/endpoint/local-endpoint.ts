import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppInfo,
  ENDPOINT_FILE,
  type EndpointFile,
  EndpointFileSchema,
  EndpointHelloSchema,
  MAX_ENDPOINT_REQUEST_BYTES,
} from '@taskdeck/contract';
import { writeJsonFileAtomic } from '@taskdeck/node-common/json-file';
import { jsonLineSplitter } from '@taskdeck/node-common/json-lines';
import { secretsEqual } from '@taskdeck/node-common/secrets';
import type { HubApi } from '../hub-api.js';
import { CommandSession } from './command-session.js';

/** A client that says nothing useful this long after connecting is dropped. */
const HELLO_TIMEOUT_MS = 5_000;
/** A client this far behind on its events is dropped (it reconnects for a fresh snapshot). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** How long closing waits for clients to take their last answers before it cuts them off. */
const CLOSE_GRACE_MS = 1_000;
/** Unix socket paths are limited to about 104 bytes (sun_path); longer ones go to the temp dir. */
const MAX_SOCKET_PATH = 100;

export interface LocalEndpointOptions {
  hub: HubApi;
  dataDir: string;
  appInfo: AppInfo;
  /** Reports problems with clients (for the hub's log); default: nothing. */
  log?: (message: string) => void;
}

/**
 * The hub's endpoint for its own clients on this machine (the CLI, tools): a Unix socket,
 * or a named pipe on Windows, that only this user can reach. Where it is and a random token
 * go to `<data dir>/endpoint.json` with owner-only permissions; a client's first line must
 * be a hello with that token. Then it speaks the web host's socket protocol, a JSON value
 * per line (CommandSession).
 */
export class LocalEndpoint {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly file: string,
    private readonly socketPath: string,
    private readonly privateDir: string | undefined,
  ) {}

  static fileIn(dataDir: string): string {
    return join(dataDir, ENDPOINT_FILE);
  }

  /** The endpoint of the hub that owns `dataDir`, as it wrote it; undefined when there is none. */
  static async read(dataDir: string): Promise<EndpointFile | undefined> {
    try {
      const parsed = EndpointFileSchema.safeParse(
        JSON.parse(await readFile(LocalEndpoint.fileIn(dataDir), 'utf8')),
      );
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  static async start(options: LocalEndpointOptions): Promise<LocalEndpoint> {
    const token = randomBytes(32).toString('hex');
    const { path, privateDir } = await socketPath(options.dataDir);
    if (process.platform !== 'win32') await unlink(path).catch(() => {}); // a socket left by a crashed hub
    const server = createServer((socket) => endpoint.accept(socket, token, options));
    const endpoint = new LocalEndpoint(server, LocalEndpoint.fileIn(options.dataDir), path, privateDir);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => options.log?.(`local endpoint: ${error.message}`));
    if (process.platform !== 'win32') await chmod(path, 0o600);
    const file: EndpointFile = {
      format: 1,
      path,
      token,
      pid: process.pid,
      host: options.appInfo.host,
      version: options.appInfo.version,
    };
    await writeJsonFileAtomic(endpoint.file, file, { mode: 0o600 });
    return endpoint;
  }

  async close(): Promise<void> {
    await rm(this.file, { force: true });
    // Answers already written (a cancel that ended the task that makes us quit) still go out.
    for (const socket of this.sockets) socket.end();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const late = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(late);
    if (this.privateDir) await rm(this.privateDir, { recursive: true, force: true });
    else if (process.platform !== 'win32') await unlink(this.socketPath).catch(() => {});
  }

  private accept(socket: Socket, token: string, options: LocalEndpointOptions): void {
    this.sockets.add(socket);
    const split = jsonLineSplitter(MAX_ENDPOINT_REQUEST_BYTES);
    let session: CommandSession | undefined;
    const write = (value: unknown) => {
      if (socket.destroyed) return false;
      socket.write(`${JSON.stringify(value)}\n`);
      return socket.writableLength <= MAX_BUFFERED_BYTES;
    };
    const drop = (reason: string) => {
      options.log?.(`local endpoint: dropped a client: ${reason}`);
      socket.destroy();
    };
    const helloTimer = setTimeout(() => drop('no hello'), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = split.push(chunk);
      } catch (error) {
        drop((error as Error).message);
        return;
      }
      for (const line of lines) {
        // A client dropped for an earlier line of this chunk gets nothing more done.
        if (socket.destroyed) return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          drop('a line that is not JSON');
          return;
        }
        if (session) {
          session.receive(value);
          continue;
        }
        const hello = EndpointHelloSchema.safeParse(value);
        if (!hello.success || !secretsEqual(hello.data.hello.token, token)) {
          write({ refused: 'wrong or missing token (read it from endpoint.json in the data dir)' });
          socket.end();
          clearTimeout(helloTimer);
          return;
        }
        clearTimeout(helloTimer);
        session = new CommandSession({
          hub: options.hub,
          handlers: { appInfo: () => options.appInfo },
          extraCommands: {},
          send: write,
          close: (_code, reason) => drop(reason),
        });
        write({ welcome: options.appInfo });
      }
    });
    socket.on('error', () => {}); // close follows
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.sockets.delete(socket);
      session?.end();
    });
  }
}

/**
 * Where the socket goes: `<data dir>/hub.sock`, or a private folder in the temp dir when that
 * path is too long for a Unix socket; a named pipe named after the data dir on Windows.
 */
async function socketPath(dataDir: string): Promise<{ path: string; privateDir?: string }> {
  if (process.platform === 'win32') {
    const hash = createHash('sha256').update(dataDir.toLowerCase()).digest('hex').slice(0, 24);
    return { path: `\\\\.\\pipe\\taskdeck-${hash}` };
  }
  const inDataDir = join(dataDir, 'hub.sock');
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH) return { path: inDataDir };
  await mkdir(tmpdir(), { recursive: true });
  const privateDir = await mkdtemp(join(tmpdir(), 'taskdeck-'));
  await chmod(privateDir, 0o700);
  return { path: join(privateDir, 'hub.sock'), privateDir };
}
