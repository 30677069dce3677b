import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath, startWebHost, type WebHost, withSession } from './web-host';

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

describe('withSession', () => {
  it('puts the session in a meta tag at the start of <head>', () => {
    expect(withSession('<html><head lang="x"><title>T</title></head></html>', 'n.m')).toBe(
      '<html><head lang="x"><meta name="taskdeck-session" content="n.m" /><title>T</title></head></html>',
    );
    expect(withSession('<p>no head</p>', 'n.m')).toBe(
      '<meta name="taskdeck-session" content="n.m" /><p>no head</p>',
    );
  });
});

/** The session a page load with the token receives. */
function sessionIn(html: string): string | undefined {
  return /<meta name="taskdeck-session" content="([^"]+)"/.exec(html)?.[1];
}

describe('startWebHost', () => {
  let dir: string;
  let rendererDir: string;
  let host: WebHost;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskdeck-webhost-'));
    rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><head><title>Taskdeck</title></head>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'secret');
    await symlink(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
    host = await startWebHost({ rendererDir });
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a 32-byte hex token in the URL', () => {
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('hands a page loaded with the token a session of its own and sets no cookie', async () => {
    const reply = await get(host.port, `/?token=${host.token}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.body).toContain('<title>Taskdeck</title>');
    // Browsers send cookies for 127.0.0.1 to every port: nothing may be set that another port could use.
    expect(reply.headers['set-cookie']).toBeUndefined();
    const session = sessionIn(reply.body);
    expect(session).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(session).not.toContain(host.token);
    const again = await get(host.port, `/?token=${host.token}`);
    expect(sessionIn(again.body)).not.toBe(session);
  });

  it('accepts Authorization: Bearer <token> like ?token=', async () => {
    const reply = await get(host.port, '/', { Authorization: `Bearer ${host.token}` });
    expect(reply.status).toBe(200);
    expect(sessionIn(reply.body)).toBeDefined();
  });

  it('serves the UI files without a credential, and no session with them', async () => {
    const page = await get(host.port, '/');
    expect(page.status).toBe(200);
    expect(sessionIn(page.body)).toBeUndefined();
    const js = await get(host.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1)');
    const css = await get(host.port, '/assets/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(host.port, '/assets/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses a wrong token, in the query or as a Bearer', async () => {
    for (const reply of [
      await get(host.port, '/?token=00'),
      await get(host.port, `/?token=${'0'.repeat(64)}`),
      await get(host.port, '/', { Authorization: `Bearer ${'0'.repeat(64)}` }),
      await get(host.port, '/', { Authorization: `Basic ${host.token}` }),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(sessionIn(reply.body)).toBeUndefined();
    }
  });

  it('answers 400 to a request target that is not a path', async () => {
    expect((await get(host.port, '//[/')).status).toBe(400);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const path = `/?token=${host.token}`;
    expect((await get(host.port, path, { Host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(host.port, path, { Host: '127.0.0.1' })).status).toBe(403);
    expect((await get(host.port, path, { Host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses a cross-origin Origin header', async () => {
    const reply = await get(host.port, '/assets/app.js', { Origin: 'http://evil.example' });
    expect(reply.status).toBe(403);
    const same = await get(host.port, '/assets/app.js', { Origin: `http://127.0.0.1:${host.port}` });
    expect(same.status).toBe(200);
  });

  it('does not serve files outside the renderer directory', async () => {
    expect((await get(host.port, '/..%2fsecret.txt')).status).toBe(404);
    expect((await get(host.port, '/assets/link.txt')).status).toBe(404);
    expect((await get(host.port, '/assets')).status).toBe(404);
    expect((await get(host.port, '/missing.js')).status).toBe(404);
  });

  it('only allows GET and HEAD', async () => {
    const reply = await get(host.port, '/', {}, 'POST');
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
