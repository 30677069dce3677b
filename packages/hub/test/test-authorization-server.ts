import { randomBytes } from 'node:crypto';
import type { Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import {
  InvalidGrantError,
  InvalidRequestError,
  InvalidTargetError,
  InvalidTokenError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  OAuthClientInformationFull,
  OAuthTokenRevocationRequest,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import express, { type Response } from 'express';

export interface TestAuthorizationServerOptions {
  /** Advertised as `scopes_supported`. */
  scopes?: string[];
  /** How long an access token lives, in seconds (default an hour). */
  accessTokenTtlS?: number;
  /**
   * The authorization endpoint shows a page with Approve and Deny (what a browser test clicks);
   * without it every request is approved at once with a redirect.
   */
  consentPage?: boolean;
  /** Clients registered by hand, known from the start. */
  clients?: OAuthClientInformationFull[];
  /** Offers dynamic client registration (default true). */
  dynamicRegistration?: boolean;
}

/** What the authorization server was asked, for assertions (never a token or a code). */
export type AsEvent =
  | { kind: 'register'; clientId: string; redirectUris: string[] }
  | {
      kind: 'authorize';
      clientId: string;
      scopes: string[];
      resource?: string;
      redirectUri: string;
      codeChallenge: boolean;
    }
  | {
      kind: 'token';
      grant: 'authorization_code' | 'refresh_token';
      resource?: string;
      scopes?: string[];
      outcome: 'issued' | 'refused';
    }
  | { kind: 'revoke'; hint?: string };

interface Grant {
  clientId: string;
  scopes: string[];
  resource?: string;
}
interface AccessToken extends Grant {
  expiresAt: number;
}
interface PendingCode extends Grant {
  challenge: string;
  redirectUri: string;
}

/**
 * An OAuth 2.1 authorization server for tests on 127.0.0.1, built on the SDK's server side
 * (`mcpAuthRouter`: RFC 8414 metadata, dynamic client registration, PKCE S256, the `resource`
 * parameter, refresh and revocation) with an in-memory provider: rotating refresh tokens (a
 * used one is refused, as OAuth 2.1 asks for public clients), access tokens that can be expired
 * or revoked on demand, and an optional consent page.
 */
export class TestAuthorizationServer {
  readonly events: AsEvent[] = [];
  /** The body of every registration request, as sent. */
  readonly registrationRequests: Record<string, unknown>[] = [];
  /** Every code and token it handed out: none may ever show in a log. */
  readonly secrets: string[] = [];
  private readonly clients = new Map<string, OAuthClientInformationFull>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  /** Consent pages waiting for a click, by their id. */
  private readonly consents = new Map<
    string,
    { client: OAuthClientInformationFull; params: AuthorizationParams }
  >();
  private http: NodeServer | undefined;
  private port = 0;

  private constructor(private readonly options: TestAuthorizationServerOptions) {
    for (const client of options.clients ?? []) this.clients.set(client.client_id, client);
  }

  static async start(options: TestAuthorizationServerOptions = {}): Promise<TestAuthorizationServer> {
    const server = new TestAuthorizationServer(options);
    await server.listen();
    return server;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The token's grant, when it is a live access token (what a resource server checks). */
  verify(token: string): AuthInfo | undefined {
    const found = this.accessTokens.get(token);
    if (!found || found.expiresAt <= Date.now() / 1000) return undefined;
    return {
      token,
      clientId: found.clientId,
      scopes: found.scopes,
      expiresAt: found.expiresAt,
      ...(found.resource && { resource: new URL(found.resource) }),
    };
  }

  /** Every access token issued so far expires now (refresh tokens stay good). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  /** The user revoked the app: every access and refresh token is refused from now on. */
  revokeEverything(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** How many refresh tokens are live (one per signed-in client, with rotation). */
  get liveRefreshTokens(): number {
    return this.refreshTokens.size;
  }

  /**
   * What the user's browser does with an authorization URL: opens it and clicks Approve (or
   * Deny) on the consent page when there is one. Resolves with where the authorization server
   * sends the browser back to (the client's redirect URI with the code or the error).
   */
  async authorize(authorizationUrl: string, decision: 'approve' | 'deny' = 'approve'): Promise<string> {
    let response = await fetch(authorizationUrl, { redirect: 'manual' });
    if (response.status === 200) {
      const page = await response.text();
      const consent = /name="consent" value="([^"]+)"/.exec(page)?.[1];
      if (!consent) throw new Error(`The authorization page has no consent form: ${page.slice(0, 200)}`);
      response = await fetch(new URL('/consent', this.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ consent, decision }),
        redirect: 'manual',
      });
    }
    const location = response.headers.get('location');
    if (response.status !== 302 || !location)
      throw new Error(`The authorization server answered ${response.status}: ${await response.text()}`);
    return location;
  }

  /** `authorize`, then the browser follows the redirect: resolves with the client's callback page. */
  async browse(
    authorizationUrl: string,
    decision: 'approve' | 'deny' = 'approve',
  ): Promise<{ status: number; text: string; callbackUrl: string }> {
    const callbackUrl = await this.authorize(authorizationUrl, decision);
    const callback = await fetch(callbackUrl, { redirect: 'manual' });
    return { status: callback.status, text: await callback.text(), callbackUrl };
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const app = express();
    app.set('trust proxy', false);
    const http = await new Promise<NodeServer>((resolve, reject) => {
      const server = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(server)));
    });
    this.http = http;
    this.port = (http.address() as AddressInfo).port;
    const rateLimit = { rateLimit: false as const };
    // The SDK's registration handler drops fields it does not know, such as SEP-837's
    // application_type: read the request first (its body parser then skips it).
    app.post('/register', express.json(), (req, _res, next) => {
      this.registrationRequests.push(req.body);
      next();
    });
    app.use(
      mcpAuthRouter({
        provider: this.provider(),
        issuerUrl: new URL(this.issuer),
        scopesSupported: this.options.scopes,
        authorizationOptions: rateLimit,
        tokenOptions: rateLimit,
        clientRegistrationOptions: rateLimit,
        revocationOptions: rateLimit,
      }),
    );
    app.post('/consent', express.urlencoded({ extended: false }), (req, res) => {
      const pending = this.consents.get(String(req.body?.consent));
      if (!pending) {
        res.status(400).send('Unknown consent request');
        return;
      }
      this.consents.delete(String(req.body.consent));
      if (req.body.decision === 'deny') {
        const back = new URL(pending.params.redirectUri);
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The user denied access');
        if (pending.params.state) back.searchParams.set('state', pending.params.state);
        res.redirect(302, back.href);
        return;
      }
      this.approve(pending.client, pending.params, res);
    });
  }

  private provider(): OAuthServerProvider {
    const registerClient: OAuthRegisteredClientsStore['registerClient'] = (client) => {
      const full = {
        ...client,
        client_id: `client-${randomBytes(6).toString('hex')}`,
      } as OAuthClientInformationFull;
      this.clients.set(full.client_id, full);
      this.events.push({ kind: 'register', clientId: full.client_id, redirectUris: full.redirect_uris });
      return full;
    };
    const clientsStore: OAuthRegisteredClientsStore = {
      getClient: (id) => this.clients.get(id),
      ...(this.options.dynamicRegistration !== false && { registerClient }),
    };
    return {
      clientsStore,
      authorize: async (client, params, res) => {
        this.events.push({
          kind: 'authorize',
          clientId: client.client_id,
          scopes: params.scopes ?? [],
          resource: params.resource?.href,
          redirectUri: params.redirectUri,
          codeChallenge: params.codeChallenge.length > 0,
        });
        if (!this.options.consentPage) {
          this.approve(client, params, res);
          return;
        }
        const id = randomBytes(12).toString('hex');
        this.consents.set(id, { client, params });
        res
          .status(200)
          .type('html')
          .send(
            `<!doctype html><title>Test authorization server</title><h1>Allow ${escapeHtml(client.client_name ?? client.client_id)}?</h1>` +
              `<p>Scopes: ${escapeHtml((params.scopes ?? []).join(' ') || '(none)')}</p>` +
              `<form method="post" action="/consent"><input type="hidden" name="consent" value="${id}">` +
              '<button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button></form>',
          );
      },
      challengeForAuthorizationCode: async (_client, code) => {
        const pending = this.codes.get(code);
        if (!pending) throw new InvalidGrantError('Unknown authorization code');
        return pending.challenge;
      },
      exchangeAuthorizationCode: async (client, code, _verifier, redirectUri, resource) => {
        const pending = this.codes.get(code);
        this.codes.delete(code); // one use only
        const refuse = (error: Error) => {
          this.events.push({
            kind: 'token',
            grant: 'authorization_code',
            resource: resource?.href,
            outcome: 'refused',
          });
          throw error;
        };
        if (!pending || pending.clientId !== client.client_id)
          return refuse(new InvalidGrantError('Unknown code'));
        if (redirectUri !== pending.redirectUri)
          return refuse(new InvalidGrantError('redirect_uri does not match'));
        if (resource?.href !== pending.resource)
          return refuse(new InvalidTargetError('resource does not match the authorization request'));
        this.events.push({
          kind: 'token',
          grant: 'authorization_code',
          resource: resource?.href,
          outcome: 'issued',
        });
        return this.issue(pending);
      },
      exchangeRefreshToken: async (client, refreshToken, scopes, resource) => {
        const grant = this.refreshTokens.get(refreshToken);
        this.refreshTokens.delete(refreshToken); // rotation: a refresh token is good once
        if (!grant || grant.clientId !== client.client_id) {
          this.events.push({
            kind: 'token',
            grant: 'refresh_token',
            resource: resource?.href,
            outcome: 'refused',
          });
          throw new InvalidGrantError('Unknown or used refresh token');
        }
        if (resource && resource.href !== grant.resource)
          throw new InvalidTargetError('resource does not match');
        if (scopes?.some((scope) => !grant.scopes.includes(scope)))
          throw new InvalidRequestError('A refresh cannot widen the scope');
        this.events.push({
          kind: 'token',
          grant: 'refresh_token',
          resource: resource?.href,
          scopes: grant.scopes,
          outcome: 'issued',
        });
        return this.issue(grant);
      },
      verifyAccessToken: async (token) => {
        const info = this.verify(token);
        if (!info) throw new InvalidTokenError('Invalid or expired token');
        return info;
      },
      revokeToken: async (_client, request: OAuthTokenRevocationRequest) => {
        this.events.push({ kind: 'revoke', hint: request.token_type_hint });
        this.refreshTokens.delete(request.token);
        this.accessTokens.delete(request.token);
      },
    };
  }

  private approve(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): void {
    const code = randomBytes(16).toString('hex');
    this.secrets.push(code);
    this.codes.set(code, {
      clientId: client.client_id,
      scopes: params.scopes ?? [],
      resource: params.resource?.href,
      challenge: params.codeChallenge,
      redirectUri: params.redirectUri,
    });
    const back = new URL(params.redirectUri);
    back.searchParams.set('code', code);
    if (params.state) back.searchParams.set('state', params.state);
    res.redirect(302, back.href);
  }

  private issue(grant: Grant): OAuthTokens {
    const ttl = this.options.accessTokenTtlS ?? 3600;
    const access = randomBytes(16).toString('hex');
    const refresh = randomBytes(16).toString('hex');
    this.secrets.push(access, refresh);
    this.accessTokens.set(access, { ...grant, expiresAt: Math.floor(Date.now() / 1000) + ttl });
    this.refreshTokens.set(refresh, { ...grant });
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_token: refresh,
      scope: grant.scopes.join(' '),
    };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
