/**
 * Who may use the web host. The UI's files are public (the same files as in the package);
 * the hub behind the WebSocket and uploads needs a credential:
 * - `Authorization: Bearer <token>` (or `?token=`): the CLI, tools, tests;
 * - a page session: a page loaded with the token receives one, keeps it in sessionStorage and
 *   presents it as a WebSocket subprotocol or the SESSION_HEADER on uploads.
 * No cookie: browsers send cookies for 127.0.0.1 to every port, so any other local web server
 * the browser visits would receive one. Sessions are stateless (a nonce and its HMAC under a
 * key that lives as long as this process): a restart invalidates them along with the token.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SESSION_HEADER, SESSION_PROTOCOL_PREFIX } from '@taskdeck/contract';
import { secretsEqual } from '@taskdeck/node-common/secrets';

export class Sessions {
  readonly #key = randomBytes(32);

  #mac(nonce: string): string {
    return createHmac('sha256', this.#key).update(nonce).digest('base64url');
  }

  /** A new page session: base64url characters and a dot, valid in a subprotocol token. */
  issue(): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.#mac(nonce)}`;
  }

  verify(session: string): boolean {
    const dot = session.indexOf('.');
    return dot > 0 && secretsEqual(session.slice(dot + 1), this.#mac(session.slice(0, dot)));
  }
}

/** The request target as a URL, or undefined when it is not an origin-form path (`/…`) that parses. */
export function parseTarget(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** What the request presents, unchecked: the token (Bearer or `?token=`) and a page session. */
export interface Presented {
  /** Set when an Authorization header is present: the Bearer value, or '' for another scheme. */
  bearer?: string;
  queryToken?: string;
  session?: string;
}

export function presented(req: IncomingMessage, url: URL): Presented {
  const result: Presented = {};
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    result.bearer = match?.[1] ?? '';
  }
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null) result.queryToken = queryToken;
  const header = req.headers[SESSION_HEADER.toLowerCase()];
  if (typeof header === 'string') result.session = header;
  const protocols = req.headers['sec-websocket-protocol'];
  const offered = protocols
    ?.split(',')
    .map((protocol) => protocol.trim())
    .find((protocol) => protocol.startsWith(SESSION_PROTOCOL_PREFIX));
  if (offered !== undefined) result.session ??= offered.slice(SESSION_PROTOCOL_PREFIX.length);
  return result;
}
