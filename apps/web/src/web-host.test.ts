import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath, startWebHost, type WebHost } from './web-host';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('resolveStaticPath', () => {
  const root = '/srv/ui';
  it('maps / to index.html and keeps files inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe('/srv/ui/index.html');
    expect(resolveStaticPath(root, '/assets/app.js')).toBe('/srv/ui/assets/app.js');
  });
  it('refuses traversal, encoded traversal, backslashes and NUL bytes', () => {
    expect(resolveStaticPath(root, '/../secret')).toBeUndefined();
    expect(resolveStaticPath(root, '/..%2f..%2fetc%2fpasswd')).toBeUndefined();
    expect(resolveStaticPath(root, '/assets/..%5c..%5csecret')).toBeUndefined();
    expect(resolveStaticPath(root, '/index.html%00.js')).toBeUndefined();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeUndefined();
    expect(resolveStaticPath(root, '/..')).toBeUndefined();
  });
});

describe('startWebHost', () => {
  let dir: string;
  let rendererDir: string;
  let host: WebHost;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-webhost-'));
    rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Taskdeck</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'secret');
    await symlink(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
    host = await startWebHost({ rendererDir });
    cookie = `taskdeck_${host.port}=${host.token}`;
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a 32-byte hex token in the URL', () => {
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('serves index.html with the token and sets an HttpOnly SameSite=Strict cookie', async () => {
    const reply = await get(host.port, `/?token=${host.token}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.body).toContain('<title>Taskdeck</title>');
    const setCookie = String(reply.headers['set-cookie']);
    expect(setCookie).toContain(cookie);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('serves assets with the cookie and the right content types', async () => {
    const js = await get(host.port, '/assets/app.js', { Cookie: cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1)');
    const css = await get(host.port, '/assets/app.css', { Cookie: `other=1; ${cookie}` });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(host.port, '/assets/app.js', { Cookie: cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses requests without a token, with a wrong token or a wrong cookie', async () => {
    expect((await get(host.port, '/')).status).toBe(403);
    expect((await get(host.port, '/assets/app.js')).status).toBe(403);
    expect((await get(host.port, '/?token=00')).status).toBe(403);
    expect((await get(host.port, `/?token=${'0'.repeat(64)}`)).status).toBe(403);
    expect((await get(host.port, '/', { Cookie: `taskdeck_${host.port}=${'0'.repeat(64)}` })).status).toBe(
      403,
    );
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const path = `/?token=${host.token}`;
    expect((await get(host.port, path, { Host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(host.port, path, { Host: '127.0.0.1' })).status).toBe(403);
    expect((await get(host.port, path, { Host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses a cross-origin Origin header', async () => {
    const reply = await get(host.port, '/assets/app.js', { Cookie: cookie, Origin: 'http://evil.example' });
    expect(reply.status).toBe(403);
    const same = await get(host.port, '/assets/app.js', {
      Cookie: cookie,
      Origin: `http://127.0.0.1:${host.port}`,
    });
    expect(same.status).toBe(200);
  });

  it('does not serve files outside the renderer directory', async () => {
    expect((await get(host.port, '/..%2fsecret.txt', { Cookie: cookie })).status).toBe(404);
    expect((await get(host.port, '/assets/link.txt', { Cookie: cookie })).status).toBe(404);
    expect((await get(host.port, '/assets', { Cookie: cookie })).status).toBe(404);
    expect((await get(host.port, '/missing.js', { Cookie: cookie })).status).toBe(404);
  });

  it('only allows GET and HEAD', async () => {
    const reply = await get(host.port, '/', { Cookie: cookie }, 'POST');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('answers 503 with a hint when the renderer is not built', async () => {
    const empty = await startWebHost({ rendererDir: join(dir, 'nothing-here') });
    try {
      const reply = await get(empty.port, `/?token=${empty.token}`);
      expect(reply.status).toBe(503);
      expect(reply.body).toContain('npm run build');
    } finally {
      await empty.close();
    }
  });
});
