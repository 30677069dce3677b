import {
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CredentialStore, ServerCredentials } from './credential-store.js';

/** One server as far as signing in goes. */
export interface AuthTarget {
  name: string;
  url: string;
  /** A client the user registered by hand: used as it is, never registered anew. */
  oauth?: { clientId: string; clientSecret?: string };
}

/** The browser part of one sign-in: where the authorization server sends the user back to. */
export interface SignInSession {
  redirectUrl: string;
  state: string;
  /** The SDK built the authorization URL: the user opens it. */
  onAuthorizationUrl(url: URL): void;
}

export interface ProviderOptions {
  /** Present while the user signs in; absent on a connection, which only uses and refreshes tokens. */
  session?: SignInSession;
  /** An https URL of this client's metadata document (SEP-991), used where the authorization server supports it. */
  clientMetadataUrl?: string;
  /** A line for the server's connection log; never a token, code or secret. */
  note(line: string): void;
}

/** What a connection says when it needs the user: the server then waits for "Sign in". */
export const SIGN_IN_AGAIN = 'the authorization server no longer accepts the saved sign-in: sign in again';

/**
 * The SDK's OAuthClientProvider for one server, over the credential store. The SDK's `auth()`
 * does discovery (RFC 9728, RFC 8414 and OpenID), registration (a client ID metadata document
 * or dynamic registration), PKCE, the `resource` parameter and refresh; this keeps what it
 * obtains.
 *
 * Two modes. With a session (the user clicked "Sign in") it registers when needed and hands
 * out the authorization URL; it presents no saved tokens, so the SDK authorizes anew instead of
 * refreshing (a step-up needs the user's consent). Without one (a live connection) it presents
 * the saved tokens and lets the SDK refresh them, and never starts an authorization or a
 * registration on its own: that throws UnauthorizedError, and the server waits for the user.
 */
export class ServerOAuthProvider implements OAuthClientProvider {
  private verifier: string | undefined;
  /**
   * A sign-in's registration and discovery, kept here until its tokens arrive and then saved
   * together: the live connection goes on refreshing with the saved client meanwhile.
   */
  private pending: Partial<ServerCredentials> = {};

  constructor(
    private readonly target: AuthTarget,
    private readonly store: CredentialStore,
    private readonly options: ProviderOptions,
  ) {}

  get redirectUrl(): string {
    const registered = this.saved()?.clientInformation as { redirect_uris?: string[] } | undefined;
    return this.options.session?.redirectUrl ?? registered?.redirect_uris?.[0] ?? 'http://127.0.0.1/callback';
  }

  get clientMetadataUrl(): string | undefined {
    return this.options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const metadata: OAuthClientMetadata & { application_type: string } = {
      client_name: 'Taskdeck',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public client: a desktop app cannot keep a secret (RFC 8252 §8.4).
      token_endpoint_auth_method: 'none',
      // SEP-837: a native application, redirected to a loopback address or its own local page.
      application_type: 'native',
    };
    return metadata;
  }

  state(): string {
    return this.session().state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    const { oauth } = this.target;
    if (oauth)
      return { client_id: oauth.clientId, ...(oauth.clientSecret && { client_secret: oauth.clientSecret }) };
    if (!this.options.session) {
      const information = this.saved()?.clientInformation;
      if (!information) throw new UnauthorizedError(SIGN_IN_AGAIN);
      return information;
    }
    if ('clientInformation' in this.pending) return this.pending.clientInformation;
    // A registration for another redirect address (the loopback port changes at every sign-in)
    // is replaced by a new one; a metadata document URL or a pre-registered client stays.
    const information = this.saved()?.clientInformation;
    const registered = (information as { redirect_uris?: string[] } | undefined)?.redirect_uris;
    return registered && !registered.includes(this.redirectUrl) ? undefined : information;
  }

  async saveClientInformation(clientInformation: OAuthClientInformationMixed): Promise<void> {
    // A client registered by hand stays in servers.json (the SDK offers it back with its issuer).
    if (this.target.oauth) return;
    if (this.options.session) this.pending.clientInformation = clientInformation;
    else await this.change((saved) => ({ ...saved, clientInformation }));
  }

  tokens(): OAuthTokens | undefined {
    return this.options.session ? undefined : this.saved()?.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    if (this.options.session) {
      const signedIn = {
        ...this.pending,
        ...(!this.target.oauth && { clientInformation: this.clientInformation() }),
        tokens,
        signedInAt: Date.now(),
      };
      this.pending = {};
      await this.change((saved) => ({ ...saved, ...signedIn }));
      return;
    }
    await this.change((saved) => ({ ...saved, tokens }));
    this.options.note(
      `the access token was refreshed${tokens.expires_in !== undefined ? ` (valid for ${tokens.expires_in} s)` : ''}`,
    );
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.session().onAuthorizationUrl(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    // Only in memory, only for this sign-in.
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('This sign-in has no PKCE code verifier: start it again.');
    return this.verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const client = scope === 'all' || scope === 'client';
    const tokens = scope === 'all' || scope === 'tokens';
    const discovery = scope === 'all' || scope === 'discovery';
    if (scope === 'verifier') this.verifier = undefined;
    else if (this.options.session) {
      if (client) this.pending.clientInformation = undefined;
      if (discovery) this.pending.discoveryState = undefined;
    } else {
      if (tokens && this.saved()?.tokens)
        this.options.note(
          'the authorization server refused the saved sign-in (the refresh was not accepted)',
        );
      await this.change((saved) => ({
        ...saved,
        ...(client && { clientInformation: undefined }),
        ...(tokens && { tokens: undefined }),
        ...(discovery && { discoveryState: undefined }),
      }));
    }
  }

  async saveDiscoveryState(discoveryState: OAuthDiscoveryState): Promise<void> {
    if (this.options.session) this.pending.discoveryState = discoveryState;
    else await this.change((saved) => ({ ...saved, discoveryState }));
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    // A sign-in discovers afresh: the server may have moved to another authorization server.
    return this.options.session ? this.pending.discoveryState : this.saved()?.discoveryState;
  }

  private session(): SignInSession {
    if (!this.options.session) throw new UnauthorizedError(SIGN_IN_AGAIN);
    return this.options.session;
  }

  private saved(): ServerCredentials | undefined {
    return this.store.get(this.target.name, this.target.url);
  }

  private change(apply: (saved: ServerCredentials) => ServerCredentials): Promise<void> {
    return this.store.update(this.target.name, this.target.url, apply);
  }
}
