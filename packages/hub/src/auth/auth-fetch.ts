import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** What a server's `WWW-Authenticate` challenge asked for (RFC 6750, RFC 9728). */
export interface Challenge {
  status: 401 | 403;
  /** Where its protected-resource metadata is. */
  resourceMetadataUrl?: string;
  /** The scopes the request needs. */
  scope?: string;
  error?: string;
}

/**
 * A request the server refused for lack of scope (403 `insufficient_scope`): the user must
 * allow more access by signing in again. Thrown instead of letting the SDK transport retry:
 * the SDK would refresh the token, which never widens its scope, and fail anyway
 * (typescript-sdk#2255).
 */
export class StepUpRequired extends Error {
  constructor(
    server: string,
    readonly scope: string | undefined,
  ) {
    super(
      `Server ${server} needs more access for this${scope ? ` (scope: ${scope})` : ''}: sign in again to allow it, then run it again.`,
    );
    this.name = 'StepUpRequired';
  }
}

/**
 * Refreshes of one refresh token share one request, and its answer for a minute after. Two
 * requests that find the access token expired at the same time would otherwise both refresh;
 * with rotating refresh tokens (OAuth 2.1 for public clients) the second is refused, and the
 * SDK would then delete the tokens the first one just saved.
 */
export class RefreshCoalescer {
  private readonly answers = new Map<string, Promise<StoredResponse>>();

  constructor(private readonly keepMs = 60_000) {}

  fetch(next: FetchLike, url: string | URL, init: RequestInit, key: string): Promise<Response> {
    let answer = this.answers.get(key);
    if (!answer) {
      answer = next(url, init).then(store);
      this.answers.set(key, answer);
      const forget = () => setTimeout(() => this.answers.delete(key), this.keepMs).unref();
      answer.then(forget, () => this.answers.delete(key));
    }
    return answer.then(replay);
  }
}

interface StoredResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

async function store(response: Response): Promise<StoredResponse> {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: await response.arrayBuffer(),
  };
}

function replay(stored: StoredResponse): Response {
  return new Response(stored.body.slice(0), {
    status: stored.status,
    statusText: stored.statusText,
    headers: stored.headers,
  });
}

export interface AuthFetchOptions {
  /** The server's name, for the step-up error. */
  server: string;
  /** The MCP endpoint: only its answers are challenges (the authorization server's are not). */
  serverUrl: string;
  refreshes: RefreshCoalescer;
  onChallenge(challenge: Challenge): void;
  next?: FetchLike;
}

/**
 * The fetch a remote server's transports and its sign-in use: notes every challenge of the MCP
 * endpoint (the scope and metadata URL a later sign-in asks for), turns a step-up into
 * StepUpRequired, and coalesces refreshes.
 */
export function authFetch(options: AuthFetchOptions): FetchLike {
  const next = options.next ?? ((url, init) => fetch(url, init));
  const endpoint = withoutQuery(options.serverUrl);
  return async (url, init = {}) => {
    const refresh = refreshKey(url, init);
    const response = refresh
      ? await options.refreshes.fetch(next, url, init, refresh)
      : await next(url, init);
    if ((response.status !== 401 && response.status !== 403) || withoutQuery(String(url)) !== endpoint)
      return response;
    const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(response);
    options.onChallenge({
      status: response.status,
      ...(resourceMetadataUrl && { resourceMetadataUrl: resourceMetadataUrl.href }),
      ...(scope && { scope }),
      ...(error && { error }),
    });
    if (response.status === 403 && error === 'insufficient_scope') {
      await response.body?.cancel().catch(() => {});
      throw new StepUpRequired(options.server, scope);
    }
    return response;
  };
}

/** A refresh-token grant's identity (its endpoint and body), or undefined for any other request. */
function refreshKey(url: string | URL, init: RequestInit): string | undefined {
  const { body } = init;
  if (init.method !== 'POST' || !(body instanceof URLSearchParams)) return undefined;
  if (body.get('grant_type') !== 'refresh_token') return undefined;
  return `${String(url)} ${body.toString()}`;
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url;
  }
}
