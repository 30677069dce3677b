import { randomBytes } from 'node:crypto';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { authFetch, type Challenge, RefreshCoalescer } from './auth-fetch.js';
import type { CallbackPage } from './callback-page.js';
import type { CredentialStore, ServerCredentials } from './credential-store.js';
import { LoopbackRedirect } from './loopback-redirect.js';
import { type AuthTarget, ServerOAuthProvider } from './server-oauth-provider.js';
import { SignInFlow } from './sign-in-flow.js';

export interface SignInsOptions {
  store: CredentialStore;
  /**
   * The host's own redirect page (the web host's `http://127.0.0.1:<port>/oauth/callback`), which
   * hands each redirect to `receive`; without one, each sign-in opens a one-shot loopback listener.
   */
  callbackPage?: () => string | undefined;
  /** An https URL where this client's metadata document is published (SEP-991), if any. */
  clientMetadataUrl?: string;
  /** A sign-in the user does not finish is given up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** A line for the server's connection log; never a token, code or secret. */
  note(server: string, line: string): void;
  /** The server's sign-in state changed (for its ServerInfo). */
  changed(server: string): void;
  /** New tokens arrived: a server waiting for sign-in connects again. */
  signedIn(server: string): void;
}

/** A server's sign-in as the UI shows it. */
export interface SignInInfo {
  state: 'signed_out' | 'pending' | 'signed_in';
  /** The scopes the authorization server granted. */
  scopes?: string[];
  /** Its origin, for "signed in at …". */
  authorizationServer?: string;
  /** The server asked for more access (a step-up): signing in again asks for these too. */
  needsScopes?: string[];
}

interface ActiveSignIn {
  flow: SignInFlow;
  target: AuthTarget;
  provider: ServerOAuthProvider;
  scope: string | undefined;
  resourceMetadataUrl: URL | undefined;
  loopback?: LoopbackRedirect;
  timer?: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const REVOKE_TIMEOUT_MS = 5000;

/**
 * Signing in to remote servers (MCP authorization, OAuth 2.1) through the SDK's `auth()`: the
 * user's "Sign in" starts a flow and gets the authorization URL to open; the redirect (the
 * host's page or a loopback listener) brings the code, exchanged with PKCE for tokens kept in
 * the credential store; a live connection presents and refreshes them. Scopes come from the
 * server's challenge (SEP-835), a step-up adds the challenged ones to what was asked before
 * (SEP-2350), and the `resource` parameter names the server (RFC 8707).
 */
export class SignIns {
  private readonly active = new Map<string, ActiveSignIn>();
  /** The last 401 challenge of each server: a sign-in asks for its scope, at its metadata URL. */
  private readonly challenges = new Map<string, Challenge>();
  /** Scopes a server asked for with 403 insufficient_scope, until a sign-in grants them. */
  private readonly stepUps = new Map<string, string>();
  private readonly refreshes = new RefreshCoalescer();

  constructor(private readonly options: SignInsOptions) {}

  /** What a connection to the server uses: the saved sign-in (none before the first) and the fetch that watches challenges. */
  connection(target: AuthTarget): { authProvider?: OAuthClientProvider; fetch: FetchLike } {
    const saved = this.saved(target);
    return {
      ...(saved?.tokens && {
        authProvider: new ServerOAuthProvider(target, this.options.store, {
          clientMetadataUrl: this.options.clientMetadataUrl,
          note: (line) => this.options.note(target.name, line),
        }),
      }),
      fetch: this.fetchFor(target),
    };
  }

  /**
   * Starts signing in (a pending one is replaced): discovery and registration, then resolves
   * with the authorization URL for the user's browser. The redirect finishes it.
   */
  async begin(target: AuthTarget): Promise<{ authorizationUrl: string }> {
    this.cancel(target.name, 'a new sign-in was started');
    const flow = new SignInFlow(target.name, randomBytes(32).toString('base64url'));
    let authorizationUrl: URL | undefined;
    let loopback: LoopbackRedirect | undefined;
    const page = this.options.callbackPage?.();
    if (!page) loopback = await LoopbackRedirect.open((params) => this.receive(params));
    const redirectUrl = page ?? (loopback as LoopbackRedirect).url;
    const provider = new ServerOAuthProvider(target, this.options.store, {
      session: { redirectUrl, state: flow.state, onAuthorizationUrl: (url) => (authorizationUrl = url) },
      clientMetadataUrl: this.options.clientMetadataUrl,
      note: (line) => this.options.note(target.name, line),
    });
    const challenge = this.challenges.get(target.name);
    const signIn: ActiveSignIn = {
      flow,
      target,
      provider,
      scope: this.scopeFor(target),
      resourceMetadataUrl: challenge?.resourceMetadataUrl
        ? new URL(challenge.resourceMetadataUrl)
        : undefined,
      loopback,
    };
    this.active.set(target.name, signIn);
    this.options.changed(target.name);
    try {
      const result = await auth(provider, this.authOptions(signIn));
      if (result !== 'REDIRECT' || !authorizationUrl)
        throw new Error('the authorization server did not ask for the user’s consent');
      checkAuthorizationUrl(authorizationUrl);
      flow.waitForUser(authorizationUrl.href);
    } catch (error) {
      const reason = describe(error);
      this.end(signIn, () => flow.fail(reason), `signing in failed: ${reason}`);
      throw new Error(`Signing in to ${target.name} failed: ${reason}`);
    }
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    signIn.timer = setTimeout(() => {
      const why = `the sign-in was not finished within ${Math.round(timeoutMs / 1000)} s`;
      this.end(signIn, () => flow.cancel(why), why);
    }, timeoutMs);
    signIn.timer.unref();
    const where = provider.discoveryState()?.authorizationServerUrl;
    this.options.note(
      target.name,
      `signing in${where ? ` at ${originOf(where)}` : ''}${signIn.scope ? ` (scope: ${signIn.scope})` : ''}: waiting for the browser`,
    );
    return { authorizationUrl: authorizationUrl.href };
  }

  /**
   * A redirect from the authorization server, at the host's page or a loopback listener: a sign-in
   * this hub started, by its `state`, once. Resolves with the page the browser shows; `done` when
   * it settled a sign-in.
   */
  async receive(params: URLSearchParams): Promise<{ page: CallbackPage; done: boolean }> {
    const state = params.get('state');
    const signIn = [...this.active.values()].find((candidate) => candidate.flow.owns(state));
    if (signIn?.flow.phase.kind !== 'waiting')
      return {
        page: {
          status: 400,
          title: 'This sign-in link is not valid',
          message:
            'It is unknown, finished already, or was replaced by a newer one. Start signing in again in Taskdeck.',
        },
        done: false,
      };
    const { flow, target } = signIn;
    const outcome = flow.receive(params);
    if (outcome.kind === 'refused') {
      this.end(signIn, () => {}, `signing in failed: ${outcome.reason}`);
      return { page: failedPage(target.name, outcome.reason), done: true };
    }
    try {
      const result = await auth(signIn.provider, {
        ...this.authOptions(signIn),
        authorizationCode: outcome.code,
      });
      if (result !== 'AUTHORIZED') throw new Error('the authorization server issued no tokens');
    } catch (error) {
      const reason = describe(error);
      this.end(signIn, () => flow.fail(reason), `signing in failed: ${reason}`);
      return { page: failedPage(target.name, reason), done: true };
    }
    const tokens = this.saved(target)?.tokens;
    await this.options.store
      .update(target.name, target.url, (saved) => ({
        ...saved,
        requestedScope: signIn.scope ?? tokens?.scope,
      }))
      .catch(() => {});
    this.stepUps.delete(target.name);
    this.challenges.delete(target.name);
    this.end(signIn, () => flow.finish(), `signed in${tokens?.scope ? ` (scope: ${tokens.scope})` : ''}`);
    this.options.signedIn(target.name);
    return {
      page: {
        status: 200,
        title: `Signed in to ${target.name}`,
        message: 'You can close this tab and go back to Taskdeck.',
      },
      done: true,
    };
  }

  /**
   * Signs out: a pending sign-in ends, the tokens are revoked at the authorization server where
   * it offers revocation (RFC 7009; best effort, bounded) and deleted here.
   */
  async signOut(target: AuthTarget): Promise<void> {
    const saved = this.saved(target);
    if (!saved?.tokens && !this.active.has(target.name))
      throw new Error(`Server ${target.name} has no sign-in to sign out of.`);
    this.cancel(target.name, 'signed out');
    const client = target.oauth
      ? { client_id: target.oauth.clientId, client_secret: target.oauth.clientSecret }
      : saved?.clientInformation;
    const revoked = saved?.tokens ? await revoke(saved, client) : undefined;
    await this.options.store.delete(target.name);
    this.stepUps.delete(target.name);
    this.options.note(
      target.name,
      `signed out: the saved sign-in was deleted${revoked ? ` (${revoked})` : ''}`,
    );
    this.options.changed(target.name);
  }

  /** The server was removed: its credentials go with it. */
  async forget(name: string): Promise<void> {
    this.cancel(name, 'the server was removed');
    this.challenges.delete(name);
    this.stepUps.delete(name);
    await this.options.store.delete(name);
  }

  /** Taskdeck quits: pending sign-ins end and their loopback listeners close. */
  close(): void {
    for (const name of [...this.active.keys()]) this.cancel(name, 'Taskdeck quit');
  }

  /** The server's sign-in for the UI; undefined for a server that never asked for one. */
  info(target: AuthTarget): SignInInfo | undefined {
    const saved = this.saved(target);
    const pending = this.active.has(target.name);
    const stepUp = this.stepUps.get(target.name);
    if (!saved?.tokens && !pending && !this.challenges.has(target.name) && stepUp === undefined)
      return undefined;
    const words = (text: string | undefined) => text?.split(' ').filter(Boolean) ?? [];
    const server = saved?.tokens && saved.discoveryState?.authorizationServerUrl;
    return {
      state: pending ? 'pending' : saved?.tokens ? 'signed_in' : 'signed_out',
      ...(saved?.tokens?.scope !== undefined && { scopes: words(saved.tokens.scope) }),
      ...(server && { authorizationServer: originOf(server) }),
      ...(stepUp !== undefined && { needsScopes: words(stepUp) }),
    };
  }

  private fetchFor(target: AuthTarget): FetchLike {
    return authFetch({
      server: target.name,
      serverUrl: target.url,
      refreshes: this.refreshes,
      onChallenge: (challenge) => this.onChallenge(target, challenge),
    });
  }

  private onChallenge(target: AuthTarget, challenge: Challenge): void {
    if (challenge.status === 401) {
      this.challenges.set(target.name, challenge);
    } else if (challenge.error === 'insufficient_scope') {
      this.stepUps.set(target.name, challenge.scope ?? '');
      this.options.note(
        target.name,
        `asked for more access${challenge.scope ? ` (scope: ${challenge.scope})` : ''}: sign in again to allow it`,
      );
    } else return;
    this.options.changed(target.name);
  }

  /** SEP-835: the challenge's scope; SEP-2350: together with what the user allowed before. */
  private scopeFor(target: AuthTarget): string | undefined {
    const challenged = this.stepUps.get(target.name) ?? this.challenges.get(target.name)?.scope;
    const before = this.saved(target)?.requestedScope;
    const scopes = new Set(
      [...(before?.split(' ') ?? []), ...(challenged?.split(' ') ?? [])].filter(Boolean),
    );
    return scopes.size > 0 ? [...scopes].join(' ') : undefined;
  }

  private authOptions(signIn: ActiveSignIn) {
    return {
      serverUrl: signIn.target.url,
      scope: signIn.scope,
      resourceMetadataUrl: signIn.resourceMetadataUrl,
      fetchFn: this.fetchFor(signIn.target),
    };
  }

  private saved(target: AuthTarget): ServerCredentials | undefined {
    return this.options.store.get(target.name, target.url);
  }

  private cancel(name: string, why: string): void {
    const signIn = this.active.get(name);
    if (signIn) this.end(signIn, () => signIn.flow.cancel(why), `the pending sign-in ended: ${why}`);
  }

  /** Settles a sign-in: its phase, its listener and timer, the log, the UI. */
  private end(signIn: ActiveSignIn, settle: () => void, line: string): void {
    settle();
    clearTimeout(signIn.timer);
    signIn.loopback?.close();
    if (this.active.get(signIn.target.name) === signIn) this.active.delete(signIn.target.name);
    this.options.note(signIn.target.name, line);
    this.options.changed(signIn.target.name);
  }
}

/** The authorization URL goes to the user's browser: https, or http to this machine only. */
function checkAuthorizationUrl(url: URL): void {
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return;
  throw new Error(
    `the authorization endpoint ${url.protocol}//${url.host} is neither https nor on this machine`,
  );
}

function failedPage(server: string, reason: string): CallbackPage {
  return {
    status: 400,
    title: `Signing in to ${server} failed`,
    message: `${reason}. Try again from Taskdeck.`,
  };
}

/** RFC 7009: revoke the refresh token (and with it the grant), then the access token. */
async function revoke(
  saved: ServerCredentials,
  client: { client_id: string; client_secret?: string } | undefined,
): Promise<string> {
  const endpoint = (
    saved.discoveryState?.authorizationServerMetadata as { revocation_endpoint?: string } | undefined
  )?.revocation_endpoint;
  if (!endpoint || !client || !saved.tokens) return 'the authorization server offers no revocation';
  const tokens: [string, string][] = [
    ...(saved.tokens.refresh_token
      ? [[saved.tokens.refresh_token, 'refresh_token'] as [string, string]]
      : []),
    [saved.tokens.access_token, 'access_token'],
  ];
  try {
    for (const [token, hint] of tokens) {
      const body = new URLSearchParams({ token, token_type_hint: hint, client_id: client.client_id });
      if (client.client_secret) body.set('client_secret', client.client_secret);
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) return `the authorization server answered HTTP ${response.status} to the revocation`;
    }
    return 'revoked at the authorization server';
  } catch (error) {
    return `not revoked at the authorization server: ${describe(error)}`;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** An error for the user: the SDK's OAuth errors carry the server's error code. */
function describe(error: unknown): string {
  const code = (error as { errorCode?: string } | undefined)?.errorCode;
  const message = (error as Error | undefined)?.message ?? String(error);
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
