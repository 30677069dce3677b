import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerInfo } from '@taskdeck/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { aesSealer } from '../../test/aes-sealer.js';
import { HttpMcpServer, type ProtectedResourceOptions } from '../../test/http-mcp-server.js';
import { HubHarness } from '../../test/hub-harness.js';
import {
  TestAuthorizationServer,
  type TestAuthorizationServerOptions,
} from '../../test/test-authorization-server.js';
import type { HubOptions } from '../hub.js';

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
  methodScopes?: ProtectedResourceOptions['methodScopes'];
  dataDir?: string;
  auth?: HubOptions['auth'];
}

async function setup(options: Setup = {}) {
  const as = await TestAuthorizationServer.start({ scopes: ['mcp', 'deploy'], ...options.as });
  closers.push(() => as.stop());
  const server = await HttpMcpServer.start({
    oauth: {
      authorizationServer: as,
      scopes: options.scopes ?? ['mcp'],
      toolScopes: options.toolScopes,
      methodScopes: options.methodScopes,
    },
  });
  closers.push(() => server.stop());
  const h = await startHub(server, options.dataDir, options.auth);
  return { as, server, h };
}

async function startHub(server: HttpMcpServer, dataDir?: string, auth?: HubOptions['auth']) {
  const h = await HubHarness.start({
    bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
    userServers: { remote: { url: server.url } },
    ...(dataDir && { dataDir }),
    auth,
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

  it('steps up on 403 insufficient_scope: the call fails clearly, a new sign-in asks for both scopes, the connection stays', async () => {
    const { as, server, h } = await setup({ toolScopes: { deploy: ['deploy'] } });
    const first = await signIn(h, as);
    // The scope of the 401 challenge, not every scope the metadata lists (SEP-835).
    expect(first.authorizationUrl.searchParams.get('scope')).toBe('mcp');

    const deploy = {
      server: 'remote',
      tool: 'deploy',
      arguments: { service: 'api', version: '2', stepMs: 10 },
    };
    const { taskId } = await h.hub.startTool(deploy);
    const failed = await h.finished(taskId);
    expect(failed.status).toBe('failed');
    expect(h.hub.getTask(taskId)?.error).toBe(
      'Server remote needs more access for this (scope: deploy): sign in again to allow it, then run it again.',
    );
    expect(status(h)).toBe('ready');
    await h.until(() => h.server('remote')?.auth?.needsScopes !== undefined, 'the step-up to show');
    expect(h.server('remote')?.auth).toMatchObject({
      state: 'signed_in',
      scopes: ['mcp'],
      needsScopes: ['deploy'],
    });
    // No refresh was tried: it would keep the scope as it is (typescript-sdk#2255).
    expect(as.events.filter((e) => e.kind === 'token' && e.grant === 'refresh_token')).toEqual([]);

    const { authorizationUrl } = await h.hub.signIn('remote');
    // SEP-2350: what was allowed before, and what the server asks for now.
    expect(new URL(authorizationUrl).searchParams.get('scope')).toBe('mcp deploy');
    expect((await as.browse(authorizationUrl)).status).toBe(200);
    await h.until(() => h.server('remote')?.auth?.scopes?.includes('deploy') === true, 'the wider grant');
    expect(h.server('remote')?.auth?.needsScopes).toBeUndefined();
    const again = await h.hub.startTool(deploy);
    expect(await h.finished(again.taskId)).toMatchObject({ status: 'completed', progress: 5, total: 5 });
    expect(h.hub.getTask(again.taskId)?.result?.content).toEqual([{ type: 'text', text: 'deployed api 2' }]);
    expect(server.sessionsStarted).toBe(1); // the same session throughout
  });

  it('waits for a sign-in, without retrying, when the server wants more scope before it lists its tools', async () => {
    const { as, server, h } = await setup({ methodScopes: { 'tools/list': ['read'] } });
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    const { authorizationUrl } = await h.hub.signIn('remote');
    expect((await as.browse(authorizationUrl)).status).toBe(200);
    await h.until(() => h.server('remote')?.auth?.needsScopes !== undefined, 'the step-up to show');
    expect(status(h)).toBe('needs_sign_in');
    expect(h.server('remote')?.error).toBe(
      'did not complete the MCP handshake: Server remote needs more access for this (scope: read): sign in again to allow it, then run it again.',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.requests.filter((r) => r.rpcMethod === 'tools/list' && r.status === 403)).toHaveLength(1);

    const again = await h.hub.signIn('remote');
    expect(new URL(again.authorizationUrl).searchParams.get('scope')).toBe('mcp read');
    expect((await as.browse(again.authorizationUrl)).status).toBe(200);
    await h.ready('remote');
    expect(h.server('remote')?.auth).toMatchObject({ state: 'signed_in', scopes: ['mcp', 'read'] });
  });

  it('refreshes an expired access token while tasks run; requests that find it expired together share one refresh', async () => {
    const { as, h } = await setup();
    await signIn(h, as);
    const tasks = await Promise.all([1, 2, 3].map(() => h.hub.startTool(count(30, 40))));
    await h.until(() => tasks.every(({ taskId }) => (h.tasks.get(taskId)?.progress ?? 0) >= 2), 'progress');
    as.expireAccessTokens();
    for (const { taskId } of tasks)
      expect(await h.finished(taskId)).toMatchObject({ status: 'completed', progress: 30 });
    const refreshes = as.events.filter((e) => e.kind === 'token' && e.grant === 'refresh_token');
    // Rotating refresh tokens: a second refresh with the same one would be refused and sign the
    // user out. (A request sent with the old token and answered after the refresh may refresh
    // again, with the new refresh token: that one is good.)
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    for (const refresh of refreshes)
      expect(refresh).toMatchObject({ outcome: 'issued', resource: expect.any(String) });
    expect(status(h)).toBe('ready');
    expect(h.server('remote')?.stderrTail.join('\n')).toContain(
      'the access token was refreshed (valid for 3600 s)',
    );
  });

  it('asks for sign-in again when the grant is revoked, keeps the running task, and follows it again after', async () => {
    const { as, h } = await setup();
    await signIn(h, as);
    const { taskId } = await h.hub.startTool(count(40, 50));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 2, 'progress');
    as.revokeEverything();
    // The next request is refused, the refresh too: the user must sign in again.
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in again', 10_000);
    expect(h.server('remote')?.auth).toMatchObject({ state: 'signed_out' });
    expect(h.tasks.get(taskId)?.status).toBe('working');
    expect(h.hub.getTask(taskId)?.connectionLost?.reason).toContain('needs sign-in');
    expect(as.events.filter((e) => e.kind === 'token' && e.grant === 'refresh_token')).toEqual([
      expect.objectContaining({ outcome: 'refused' }),
    ]);
    await signIn(h, as);
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed', progress: 40 });
    expect(h.hub.getTask(taskId)?.result?.content).toEqual([{ type: 'text', text: 'counted to 40' }]);
  });

  it('signs out: revokes and deletes the tokens, disconnects, and keeps the running task for the next sign-in', async () => {
    const { as, server, h } = await setup();
    await signIn(h, as);
    const { taskId } = await h.hub.startTool(count(40, 50));
    await h.until(() => (h.tasks.get(taskId)?.progress ?? 0) >= 1, 'progress');
    await h.hub.signOut('remote');
    expect(status(h)).toBe('needs_sign_in');
    expect(h.server('remote')?.error).toBe('Signed out of remote: sign in to use it again.');
    expect(as.events.filter((e) => e.kind === 'revoke')).toEqual([
      { kind: 'revoke', hint: 'refresh_token' },
      { kind: 'revoke', hint: 'access_token' },
    ]);
    expect(as.liveRefreshTokens).toBe(0);
    const saved = JSON.parse(readFileSync(join(h.dataDir, 'auth', 'credentials.json'), 'utf8'));
    expect(saved).toEqual({ version: 1, servers: {} });
    expect(h.tasks.get(taskId)?.status).toBe('working');
    const sessions = server.sessionsStarted;
    await signIn(h, as);
    expect(server.sessionsStarted).toBe(sessions + 1);
    expect(await h.finished(taskId)).toMatchObject({ status: 'completed' });
  });

  it('keeps the sign-in in an owner-only file, across a restart of Taskdeck', async () => {
    const { as, server, h } = await setup();
    await signIn(h, as);
    const file = join(h.dataDir, 'auth', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(h.dataDir, 'auth')).mode & 0o777).toBe(0o700);
    const { dataDir } = h;
    await h.hub.shutdown();
    const again = await startHub(server, dataDir);
    await again.ready('remote');
    expect(again.server('remote')?.auth).toMatchObject({ state: 'signed_in', scopes: ['mcp'] });
    expect(as.events.filter((e) => e.kind === 'authorize')).toHaveLength(1);
  });

  it('writes no token, code or verifier to a log, a message or any other file', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      const { as, h } = await setup({ toolScopes: { deploy: ['deploy'] } });
      const { authorizationUrl } = await signIn(h, as);
      const { taskId } = await h.hub.startTool(count(10, 20));
      as.expireAccessTokens();
      await h.finished(taskId);
      const step = await h.hub.startTool({
        server: 'remote',
        tool: 'deploy',
        arguments: { service: 'a', version: '1' },
      });
      await h.finished(step.taskId);
      await h.hub.signOut('remote');
      const secrets = [
        ...as.secrets,
        authorizationUrl.searchParams.get('state') as string,
        authorizationUrl.searchParams.get('code_challenge') as string,
      ];
      expect(as.secrets.length).toBeGreaterThanOrEqual(5);
      const files = readdirSync(h.dataDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
      expect(files).toContain(join(h.dataDir, 'logs', 'remote.log'));
      const texts = [
        ...files.map((path) => readFileSync(path, 'utf8')),
        JSON.stringify(h.hub.servers()),
        JSON.stringify(h.events),
        written.join(''),
      ];
      for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
      expect(readFileSync(join(h.dataDir, 'logs', 'remote.log'), 'utf8')).toContain('signed in (scope: mcp)');
    } finally {
      process.stderr.write = write;
    }
  });
});

describe('the redirect at the host’s own page (the web host)', () => {
  const callbackPage = () => 'http://127.0.0.1:9/oauth/callback';

  it('takes the redirect with the state it issued, once: a wrong or replayed state is refused', async () => {
    const { as, h } = await setup({ auth: { callbackPage } });
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    const { authorizationUrl } = await h.hub.signIn('remote');
    expect(new URL(authorizationUrl).searchParams.get('redirect_uri')).toBe(callbackPage());
    const back = new URL(await as.authorize(authorizationUrl));
    expect(back.origin + back.pathname).toBe(callbackPage());

    const forged = new URLSearchParams(back.searchParams);
    forged.set('state', `${forged.get('state')?.slice(0, -2)}xx`);
    expect(await h.hub.completeSignIn(forged)).toMatchObject({
      status: 400,
      title: 'This sign-in link is not valid',
    });
    const stateless = new URLSearchParams(back.searchParams);
    stateless.delete('state');
    expect(await h.hub.completeSignIn(stateless)).toMatchObject({ status: 400 });
    expect(h.server('remote')?.auth?.state).toBe('pending');

    expect(await h.hub.completeSignIn(back.searchParams)).toMatchObject({
      status: 200,
      title: 'Signed in to remote',
    });
    await h.ready('remote');
    const tokensIssued = as.events.filter((e) => e.kind === 'token').length;
    expect(await h.hub.completeSignIn(back.searchParams)).toMatchObject({ status: 400 });
    expect(as.events.filter((e) => e.kind === 'token')).toHaveLength(tokensIssued);
  });

  it('a denied consent leaves the server waiting for sign-in, and says why', async () => {
    const { as, h } = await setup({ auth: { callbackPage }, as: { consentPage: true } });
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    const { authorizationUrl } = await h.hub.signIn('remote');
    const back = new URL(await as.authorize(authorizationUrl, 'deny'));
    expect(await h.hub.completeSignIn(back.searchParams)).toMatchObject({
      status: 400,
      title: 'Signing in to remote failed',
      message:
        'the authorization server answered access_denied (The user denied access). Try again from Taskdeck.',
    });
    expect(status(h)).toBe('needs_sign_in');
    expect(h.server('remote')?.auth?.state).toBe('signed_out');
    expect(h.server('remote')?.stderrTail.join('\n')).toContain(
      'signing in failed: the authorization server answered access_denied',
    );
  });
});

describe('a sign-in', () => {
  it('is given up when the browser does not come back in time: the loopback listener closes', async () => {
    const { h } = await setup({ auth: { signInTimeoutMs: 300 } });
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    const { authorizationUrl } = await h.hub.signIn('remote');
    const redirect = new URL(authorizationUrl).searchParams.get('redirect_uri') as string;
    expect(h.server('remote')?.auth?.state).toBe('pending');
    await h.until(() => h.server('remote')?.auth?.state === 'signed_out', 'the sign-in to be given up');
    await expect(fetch(redirect)).rejects.toThrow();
    expect(h.server('remote')?.stderrTail.join('\n')).toContain('the sign-in was not finished within 0 s');
  });

  it('ends when Taskdeck quits: its loopback listener closes', async () => {
    const { h } = await setup();
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    const { authorizationUrl } = await h.hub.signIn('remote');
    const redirect = new URL(authorizationUrl).searchParams.get('redirect_uri') as string;
    expect((await fetch(`${redirect}?state=unknown&code=x`)).status).toBe(400);
    await h.hub.shutdown();
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('is refused for a local server and an unknown one, and fails clearly without an authorization server', async () => {
    const server = await HttpMcpServer.start({ token: 'static' });
    closers.push(() => server.stop());
    const h = await HubHarness.start({
      bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
      userServers: { remote: { url: server.url }, local: { command: process.execPath, args: ['-e', ''] } },
    });
    closers.push(() => h.close());
    await expect(h.hub.signIn('local')).rejects.toThrow(
      'Server local runs on this machine: it has no sign-in.',
    );
    await expect(h.hub.signIn('nope')).rejects.toThrow('Unknown server "nope".');
    await h.until(() => status(h) === 'needs_sign_in', 'the server to need sign-in');
    await expect(h.hub.signOut('remote')).rejects.toThrow('Server remote has no sign-in to sign out of.');
    await expect(h.hub.signIn('remote')).rejects.toThrow(/^Signing in to remote failed: /);
    expect(h.server('remote')?.auth?.state).toBe('signed_out');
  });
});

describe('a client registered by hand (servers.json "oauth")', () => {
  it('signs in with it where the authorization server offers no registration, and never logs its secret', async () => {
    const secret = 'by-hand-secret-0123456789';
    const as = await TestAuthorizationServer.start({
      dynamicRegistration: false,
      clients: [
        {
          client_id: 'taskdeck-by-hand',
          client_secret: secret,
          redirect_uris: ['http://127.0.0.1/callback'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
    });
    closers.push(() => as.stop());
    const server = await HttpMcpServer.start({ oauth: { authorizationServer: as, scopes: ['mcp'] } });
    closers.push(() => server.stop());
    process.env.TASKDECK_TEST_CLIENT_SECRET = secret;
    const h = await HubHarness.start({
      bundledServersDir: join(import.meta.dirname, 'no-bundled-servers'),
      userServers: {
        remote: {
          url: server.url,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: servers.json uses VS Code's ${env:NAME} syntax
          oauth: { clientId: 'taskdeck-by-hand', clientSecret: '${env:TASKDECK_TEST_CLIENT_SECRET}' },
        },
      },
    });
    closers.push(() => h.close());
    const { authorizationUrl } = await signIn(h, as);
    expect(authorizationUrl.searchParams.get('client_id')).toBe('taskdeck-by-hand');
    expect(as.events.filter((e) => e.kind === 'register')).toEqual([]);
    expect(as.events.filter((e) => e.kind === 'token')).toEqual([
      expect.objectContaining({ outcome: 'issued' }),
    ]);
    await h.hub.signOut('remote');
    expect(as.events.filter((e) => e.kind === 'revoke')).toHaveLength(2);
    expect(as.liveRefreshTokens).toBe(0);
    for (const file of ['auth/credentials.json', 'logs/remote.log'])
      expect(readFileSync(join(h.dataDir, file), 'utf8')).not.toContain(secret);
  });
});

describe('the saved sign-in', () => {
  it('sealed by the host holds no token in clear; another key cannot open it, and the user is told to sign in again', async () => {
    const sealer = aesSealer();
    const { as, server, h } = await setup({ auth: { sealer } });
    await signIn(h, as);
    const file = readFileSync(join(h.dataDir, 'auth', 'credentials.json'), 'utf8');
    expect(Object.keys(JSON.parse(file))).toEqual(['sealed']);
    for (const secret of as.secrets) expect(file).not.toContain(secret);
    const { dataDir } = h;
    await h.hub.shutdown();

    const same = await startHub(server, dataDir, { sealer });
    await same.ready('remote');
    await same.hub.shutdown();

    const other = await startHub(server, dataDir, { sealer: aesSealer() });
    await other.until(() => other.server('remote')?.status === 'needs_sign_in', 'the server to need sign-in');
    const notices = other.events.flatMap(({ event }) =>
      event.type === 'snapshot' ? (event.notices ?? []) : [],
    );
    expect(notices.map((n) => n.message)).toContainEqual(
      expect.stringMatching(
        /^The sign-in credentials .*credentials\.json could not be opened \(AES-256-GCM with the test key: .*\); it is replaced at the next sign-in\. Sign in again/,
      ),
    );
    await signIn(other, as);
  });

  it('goes with the server when the server is removed', async () => {
    const { as, h } = await setup();
    await signIn(h, as);
    await h.hub.removeServer('remote');
    const saved = JSON.parse(readFileSync(join(h.dataDir, 'auth', 'credentials.json'), 'utf8'));
    expect(saved.servers).toEqual({});
  });
});
