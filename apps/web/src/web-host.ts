/**
 * Web host: serves the built renderer to a browser on 127.0.0.1 only, and with a hub the
 * `window.taskdeck` API over a WebSocket (socket-api.ts) plus file uploads (upload.ts).
 *
 * The UI's files are public; the socket and uploads need the token (`Authorization: Bearer`)
 * or the session of a page loaded with the token (access.ts explains why no cookie). The Host
 * header must name this server (DNS rebinding) and a cross-origin Origin header is refused.
 * Every listener is guarded: no request, frame or aborted connection can end the process.
 * No Electron import: runs under plain Node.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { extname, resolve, sep } from 'node:path';
import { type Duplex, pipeline } from 'node:stream';
import {
  type AppInfo,
  SESSION_META_NAME,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  UPLOAD_PATH,
} from '@taskdeck/contract';
import { RENDERER_CSP_HEADER } from '@taskdeck/contract/csp';
import { CALLBACK_PAGE_CSP, callbackPageHtml } from '@taskdeck/hub/auth/callback-page';
import type { HubApi } from '@taskdeck/hub/hub-api';
import { secretsEqual } from '@taskdeck/node-common/secrets';
import { parseTarget, presented, Sessions } from './access';
import { createSocketApi, type SocketApi } from './socket-api';
import { UploadError, Uploads } from './upload';

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
  /** One uploaded file at most; default 2 GB. */
  uploadLimitBytes?: number;
  /** All of `<dataDir>/uploads/` at most; default 10 GB. */
  uploadsTotalLimitBytes?: number;
  /** Typed-path completion is allowed under this folder (and the granted roots); default: the user's home. */
  home?: string;
}

export interface WebHost {
  /** URL to open, token included: http://127.0.0.1:<port>/?token=<token> */
  url: string;
  port: number;
  /** Where authorization servers send the browser back to after a sign-in (the hub's `callbackPage`). */
  signInCallbackUrl: string;
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

/** Hands a page loaded with the token its session (read by the web client, then kept in sessionStorage). */
export function withSession(html: string, session: string): string {
  const meta = `<meta name="${SESSION_META_NAME}" content="${session}" />`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return meta + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + meta + html.slice(at);
}

/** The sign-in redirect: authenticated by the `state` the hub issued, not by a page session. */
export const SIGN_IN_CALLBACK_PATH = '/oauth/callback';

const NO_CREDENTIAL =
  'Unauthorized: open the address that the web host printed, or send Authorization: Bearer <token>';

type Access =
  | { ok: true; url: URL; credential?: 'token' | 'session' }
  | { ok: false; status: number; reason: string; staleSession?: boolean };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const rendererRoot = resolve(options.rendererDir);
  const sessions = new Sessions();
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

  /** The Host header names this host (not a DNS-rebinding name). */
  function hostAllowed(req: IncomingMessage): boolean {
    return allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  /** Host, Origin, request target and credential checks shared by every request kind. */
  function checkAccess(req: IncomingMessage, url = parseTarget(req.url)): Access {
    if (!hostAllowed(req)) {
      return { ok: false, status: 403, reason: 'Forbidden: unexpected Host header' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      return { ok: false, status: 403, reason: 'Forbidden: cross-origin request' };
    }
    if (!url) return { ok: false, status: 400, reason: 'Bad request target' };
    const given = presented(req, url);
    const offeredToken = given.bearer ?? given.queryToken;
    if (offeredToken !== undefined) {
      return secretsEqual(offeredToken, token)
        ? { ok: true, url, credential: 'token' }
        : { ok: false, status: 401, reason: 'Unauthorized: wrong token' };
    }
    if (given.session !== undefined) {
      return sessions.verify(given.session)
        ? { ok: true, url, credential: 'session' }
        : { ok: false, status: 401, reason: 'Unauthorized: unknown session', staleSession: true };
    }
    return { ok: true, url };
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!uploads) {
      sendText(res, 404, 'Not found');
      return;
    }
    try {
      const path = await uploads.receive(req, url.searchParams.get('name'));
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

  async function serveFile(req: IncomingMessage, res: ServerResponse, access: Access & { ok: true }) {
    const { url } = access;
    const file = await findFile(url.pathname);
    if (!file) {
      const missingUi = url.pathname === '/' || url.pathname === '/index.html';
      sendText(
        res,
        missingUi ? 503 : 404,
        missingUi ? 'The renderer is not built: run `npm run build`' : 'Not found',
      );
      return;
    }
    const isHtml = extname(file) === '.html';
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    };
    if (isHtml && access.credential === 'token') {
      const html = withSession(await readFile(file, 'utf8'), sessions.issue());
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // pipeline, not pipe: a download aborted by the client closes the file too (no fd leak).
    pipeline(createReadStream(file), res, () => {});
  }

  /**
   * The browser arrives from the authorization server, without the page's session: the hub
   * checks the `state` it issued (once). Host-checked like every request; no Origin check, since
   * it is a top-level navigation from another site by design.
   */
  async function handleSignInCallback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const page = api
      ? await api.hub.completeSignIn(url.searchParams)
      : { status: 404, title: 'Not found', message: 'This web host has no hub.' };
    res.writeHead(page.status, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': CALLBACK_PAGE_CSP,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : callbackPageHtml(page));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.url);
    if (req.method === 'GET' && target?.pathname === SIGN_IN_CALLBACK_PATH) {
      if (!hostAllowed(req)) sendText(res, 403, 'Forbidden: unexpected Host header');
      else await handleSignInCallback(req, res, target);
      return;
    }
    const isUpload = req.method === 'POST' && (req.url ?? '').split('?')[0] === UPLOAD_PATH;
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isUpload) {
      if (!hostAllowed(req)) sendText(res, 403, 'Forbidden: unexpected Host header');
      else sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const access = checkAccess(req, target);
    if (!access.ok) {
      sendText(
        res,
        access.status,
        access.reason,
        access.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
      );
      return;
    }
    if (!isUpload) {
      await serveFile(req, res, access);
    } else if (access.credential === undefined) {
      sendText(res, 401, NO_CREDENTIAL, {
        'WWW-Authenticate': 'Bearer',
        Connection: 'close',
      });
      req.resume();
    } else {
      await handleUpload(req, res, access.url);
    }
  }

  function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
    const extra = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n${extra}` +
        `Content-Type: text/plain; charset=utf-8\r\n\r\n${reason}\n`,
    );
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const access = checkAccess(req);
    if (!access.ok) {
      // A page of ours with a session from before a restart: tell it in a way a page can read.
      const ourPage = (req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .some((p) => p.trim() === SOCKET_PROTOCOL);
      if (access.staleSession && ourPage && socketApi) {
        socketApi.refuse(req, socket, head, 'Session not valid: open the address the web host printed');
      } else {
        refuseUpgrade(socket, access.status, access.reason);
      }
      return;
    }
    if (access.url.pathname !== SOCKET_PATH || !socketApi) {
      refuseUpgrade(socket, 404, 'Not found');
    } else if (access.credential === undefined) {
      refuseUpgrade(socket, 401, NO_CREDENTIAL);
    } else {
      socketApi.upgrade(req, socket, head);
    }
  }

  let uploads: Uploads | undefined;
  let socketApi: SocketApi | undefined;
  const api = options.api;
  if (api) {
    const opened = await Uploads.open({
      hub: api.hub,
      dataDir: api.dataDir,
      fileLimitBytes: api.uploadLimitBytes,
      totalLimitBytes: api.uploadsTotalLimitBytes,
    });
    uploads = opened;
    // The web host owns uploads: a revoked upload is deleted here, the hub knows nothing of it.
    socketApi = createSocketApi({
      hub: api.hub,
      appInfo: api.appInfo,
      home: api.home ?? homedir(),
      onRevoked: (path) => opened.discard(path),
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own error listener from an upgraded socket: a reset would be uncaught.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  // After listening, an error is an accept() failure (out of file descriptors): keep serving.
  server.on('error', (error) => console.error(`Taskdeck web host: ${error.message}`));

  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    signInCallbackUrl: `http://127.0.0.1:${port}${SIGN_IN_CALLBACK_PATH}`,
    token,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        socketApi?.close();
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
