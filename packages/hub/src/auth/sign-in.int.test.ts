import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerInfo } from '@taskdeck/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpMcpServer, type ProtectedResourceOptions } from '../../test/http-mcp-server.js';
import { HubHarness } from '../../test/hub-harness.js';
import {
  TestAuthorizationServer,
  type TestAuthorizationServerOptions,
} from '../../test/test-authorization-server.js';

/**
 * Signing in to a remote MCP server (OAuth 2.1, MCP authorization) against an authorization
 * server and a protected MCP server on 127.0.0.1, the hub as the client: discovery from the
 * challenge, dynamic registration, PKCE, the `resource` parameter, scopes from the challenge,
 * step-up, refresh, revocation, sign-out, and the tasks through all of it.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Setup {
  as?: TestAuthorizationServerOptions;
  scopes?: string[];
  toolScopes?: ProtectedResourceOptions['toolScopes'];
  dataDir?: string;
}

async function setup(options: Setup = {}) {
  const as = await TestAuthorizationServer.start({ scopes: ['mcp', 'deploy'], ...options.as });
  closers.push(() => as.stop());
  const server = await HttpMcpServer.start({
    oauth: { authorizationServer: as, scopes: options.scopes ?? ['mcp'], toolScopes: options.toolScopes },
  });
  closers.push(() => server.stop());
  const h = await startHub(server, options.dataDir);
  return { as, server, h };
}

async function startHub(server: HttpMcpServer, dataDir?: string) {
  const h = await HubHarness.start({
    bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
    userServers: { remote: { url: server.url } },
    ...(dataDir && { dataDir }),
  });
  closers.push(() => h.close());
  return h;
}

function status(h: HubHarness): ServerInfo['status'] | undefined {
  return h.server('remote')?.status;
}

async function signIn(h: HubHarness, as: TestAuthorizationServer) {
  await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
  const { authorizationUrl } = await h.hub.signIn('remote');
  const callback = await as.browse(authorizationUrl);
  expect(callback.status).toBe(200);
  expect(callback.text).toContain('Signed in to remote');
  await h.ready('remote');
  return { authorizationUrl: new URL(authorizationUrl), callback };
}

const count = (steps: number, stepMs: number) => ({
  server: 'remote',
  tool: 'count',
  arguments: { steps, stepMs },
});

describe('signing in to a remote server', () => {
  it('signs in with dynamic registration, PKCE and the resource parameter, asking for the challenge’s scope', async () => {
    const { as, server, h } = await setup();
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    expect(h.server('remote')?.auth).toEqual({ state: 'signed_out' });

    const { authorizationUrl: url, callback } = await signIn(h, as);
    // The authorization request (RFC 6749 + PKCE + RFC 8707), to the server's own authorization server.
    expect(url.origin).toBe(new URL(as.issuer).origin);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(server.url);
    expect(url.searchParams.get('scope')).toBe('mcp');
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(40);
    // The redirect: a loopback listener at a random port (RFC 8252 §7.3), closed once used.
    const redirect = new URL(url.searchParams.get('redirect_uri') as string);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(callback.callbackUrl.startsWith(redirect.href)).toBe(true);
    await expect(fetch(callback.callbackUrl)).rejects.toThrow();

    expect(as.events.filter((e) => e.kind === 'register')).toEqual([
      expect.objectContaining({ redirectUris: [redirect.href] }),
    ]);
    expect(as.registrationRequests).toEqual([
      expect.objectContaining({
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        scope: 'mcp',
      }),
    ]);
    expect(as.events.find((e) => e.kind === 'token')).toMatchObject({
      grant: 'authorization_code',
      resource: server.url,
      outcome: 'issued',
    });
    expect(h.server('remote')?.auth).toEqual({
      state: 'signed_in',
      scopes: ['mcp'],
      authorizationServer: new URL(as.issuer).origin,
    });

    // A task with progress, and a cancel, over the authorized connection.
    const { taskId } = await h.hub.startTool(count(5, 20));
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed', progress: 5, total: 5 });
    const { taskId: long } = await h.hub.startTool(count(500, 20));
    await h.until(() => (h.tasks.get(long)?.progress ?? 0) >= 1, 'progress');
    await h.hub.cancelTask(long);
    expect(await h.finished(long)).toMatchObject({ status: 'cancelled' });
    const answered = server.requests.filter((r) => r.path === '/mcp' && r.status === 200);
    expect(answered.length).toBeGreaterThan(3);
    expect(answered.every((r) => r.authorized)).toBe(true);
  });
});
