/**
 * Web host: serves the built renderer to a browser on 127.0.0.1 only.
 *
 * Access needs the random token from the printed URL (`?token=…`); the first request
 * with a valid token sets an HttpOnly, SameSite=Strict cookie so that the page's asset
 * requests work. The Host header must name this server (DNS rebinding) and a
 * cross-origin Origin header is refused. No Electron import: runs under plain Node.
 *
 * Later versions add the WebSocket API that implements `window.taskdeck` over the socket.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RENDERER_CSP_HEADER } from '../contract/csp';

export interface WebHostOptions {
  /** TCP port on 127.0.0.1; 0 or omitted picks a free port. */
  port?: number;
  /** Directory holding the built renderer (index.html and assets/). */
  rendererDir: string;
  /** Fixed token, for tests only; by default 32 random bytes as hex. */
  token?: string;
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(host)) {
      sendText(res, 403, 'Forbidden: unexpected Host header');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      sendText(res, 403, 'Forbidden: cross-origin request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }

    const url = new URL(req.url ?? '/', `http://${host}`);
    const queryToken = url.searchParams.get('token');
    const cookieToken = readCookie(req, cookieName);
    const setCookie: Record<string, string> = {};
    if (queryToken !== null) {
      if (!tokensEqual(queryToken, token)) {
        sendText(res, 403, 'Forbidden: wrong token');
        return;
      }
      setCookie['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    } else if (cookieToken === undefined || !tokensEqual(cookieToken, token)) {
      sendText(res, 403, 'Forbidden: open the URL with the token that the web host printed');
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
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'renderer-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: node out/webhost/server.js [--port N] [--renderer-dir DIR]');
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got "${values.port}"`);
  }
  // Built layout: out/webhost/server.js next to out/renderer/.
  const rendererDir = values['renderer-dir'] ?? fileURLToPath(new URL('../renderer/', import.meta.url));
  const host = await startWebHost({ port, rendererDir });
  console.log(`Taskdeck web host: ${host.url}`);
  let stopping = false;
  const stop = () => {
    // Ctrl-C reaches both `npm start` and this process: a repeated signal must not abort the close.
    if (stopping) return;
    stopping = true;
    void host.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const isEntryPoint =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  main().catch((error: unknown) => {
    console.error(`Taskdeck web host: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
