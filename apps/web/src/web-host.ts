/**
 * Web host: serves the built renderer to a browser on 127.0.0.1 only, and with a hub the
 * `window.taskdeck` API over a WebSocket (socket-api.ts) plus file uploads (upload.ts).
 *
 * Access needs the random token from the printed URL (`?token=…`); the first request
 * with a valid token sets an HttpOnly, SameSite=Strict cookie so that the page's asset
 * requests, the socket and uploads work. The Host header must name this server (DNS
 * rebinding); a cross-origin Origin header is refused, and the socket and uploads need a
 * same-origin one. No Electron import: runs under plain Node.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { extname, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { type AppInfo, SOCKET_PATH, UPLOAD_PATH } from '@taskdeck/contract';
import { RENDERER_CSP_HEADER } from '@taskdeck/contract/csp';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { createSocketApi, type SocketApi } from './socket-api';
import { DEFAULT_UPLOAD_LIMIT_BYTES, receiveUpload, UploadError } from './upload';

export interface WebHostOptions {
  /** TCP port on 127.0.0.1; 0 or omitted picks a free port. */
  port?: number;
  /** Directory holding the built renderer (index.html and assets/). */
  rendererDir: string;
  /** Fixed token, for tests only; by default 32 random bytes as hex. */
  token?: string;
  /** Without it only the UI is served (no socket API, no uploads). */
  api?: WebHostApiOptions;
}

export interface WebHostApiOptions {
  hub: HubApi;
  /** Uploaded files go to `<dataDir>/uploads/`. */
  dataDir: string;
  appInfo: AppInfo;
  uploadLimitBytes?: number;
  /** Typed-path completion is allowed under this folder (and the granted roots); default: the user's home. */
  home?: string;
}

export interface WebHost {
  /** URL to open, token included: http://127.0.0.1:<port>/?token=<token> */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': RENDERER_CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(`${text}\n`);
}

/** Maps a URL path to a file inside `root`, or undefined when it escapes the root or is malformed. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = resolve(root, relative);
  return file.startsWith(root + sep) ? file : undefined;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const rendererRoot = resolve(options.rendererDir);
  let port = 0;
  let cookieName = '';
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  /** Returns the real path of a servable file, or undefined (missing, directory, symlink leaving the root). */
  async function findFile(urlPath: string): Promise<string | undefined> {
    const candidate = resolveStaticPath(rendererRoot, urlPath);
    if (!candidate) return undefined;
    try {
      const [realRoot, realFile] = await Promise.all([realpath(rendererRoot), realpath(candidate)]);
      if (!realFile.startsWith(realRoot + sep)) return undefined;
      return (await stat(realFile)).isFile() ? realFile : undefined;
    } catch {
      return undefined;
    }
  }

  type Access = { ok: true; url: URL; setCookie: Record<string, string> } | { ok: false; reason: string };

  /** Host, Origin and token checks shared by every request kind; `needOrigin` for socket and upload. */
  function checkAccess(req: IncomingMessage, needOrigin: boolean): Access {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(host)) return { ok: false, reason: 'Forbidden: unexpected Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined ? !allowedOrigins.has(origin.toLowerCase()) : needOrigin) {
      return { ok: false, reason: 'Forbidden: cross-origin request' };
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) {
      if (!tokensEqual(queryToken, token)) return { ok: false, reason: 'Forbidden: wrong token' };
      return {
        ok: true,
        url,
        setCookie: { 'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/` },
      };
    }
    const cookieToken = readCookie(req, cookieName);
    if (cookieToken === undefined || !tokensEqual(cookieToken, token)) {
      return { ok: false, reason: 'Forbidden: open the URL with the token that the web host printed' };
    }
    return { ok: true, url, setCookie: {} };
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const api = options.api;
    if (!api) {
      sendText(res, 404, 'Not found');
      return;
    }
    try {
      const path = await receiveUpload(req, url.searchParams.get('name'), {
        hub: api.hub,
        dataDir: api.dataDir,
        limitBytes: api.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES,
      });
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(JSON.stringify({ path }));
    } catch (error) {
      const status = error instanceof UploadError ? error.status : 500;
      // The browser may still be sending: close the connection after the answer.
      sendText(res, status, error instanceof Error ? error.message : String(error), { Connection: 'close' });
      req.resume();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const isUpload = req.method === 'POST' && (req.url ?? '').split('?')[0] === UPLOAD_PATH;
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isUpload) {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!allowedHosts.has(host)) sendText(res, 403, 'Forbidden: unexpected Host header');
      else sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const access = checkAccess(req, isUpload);
    if (!access.ok) {
      sendText(res, 403, access.reason);
      return;
    }
    const { url, setCookie } = access;
    if (isUpload) {
      await handleUpload(req, res, url);
      return;
    }

    const file = await findFile(url.pathname);
    if (!file) {
      const missingUi = url.pathname === '/' || url.pathname === '/index.html';
      sendText(
        res,
        missingUi ? 503 : 404,
        missingUi ? 'The renderer is not built: run `npm run build`' : 'Not found',
        setCookie,
      );
      return;
    }
    const isHtml = extname(file) === '.html';
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
      ...setCookie,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  const socketApi: SocketApi | undefined = options.api
    ? createSocketApi({
        hub: options.api.hub,
        appInfo: options.api.appInfo,
        home: options.api.home ?? homedir(),
      })
    : undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const access = checkAccess(req, true);
    const refusal = !access.ok
      ? access.reason
      : access.url.pathname !== SOCKET_PATH || !socketApi
        ? 'Not found'
        : undefined;
    if (refusal !== undefined || !socketApi) {
      const status = refusal?.startsWith('Forbidden') ? '403 Forbidden' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal}\n`);
      return;
    }
    socketApi.upgrade(req, socket, head);
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });

  port = (server.address() as AddressInfo).port;
  // Cookies are not isolated by port: name the cookie after the port so two hosts do not clash.
  cookieName = `taskdeck_${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        socketApi?.close();
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
