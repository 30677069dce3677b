import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** A name the server answers to: `port` undefined means any port (a name given by the user, e.g. behind a proxy). */
interface AllowedHost {
  name: string;
  port?: number;
}

/** Why a request is refused: the HTTP status, a message and the headers to send. */
export interface Refusal {
  status: 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Whether `host` (a listen address or name) is this machine's loopback interface. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Whether `host` is a listen-on-every-interface address. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A host name as it appears in a Host header or URL: IPv6 addresses in brackets, lowercase. */
export function urlHostname(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * Who may call the HTTP endpoint. DNS rebinding (a web page whose own name resolves to
 * this machine) is refused by the Host header: a browser sends the page's name there, so
 * only the names this server is reached by pass, on its port. An Origin header, when
 * present, must name one of them too. When a token is set, every request must carry it
 * as `Authorization: Bearer`.
 */
export class HttpAccess {
  private readonly allowed: AllowedHost[];
  private readonly tokenDigest: Buffer | undefined;
  private readonly realm: string;

  constructor(options: {
    /** The listen address. */
    host: string;
    port: number;
    /** More names (`name` or `name:port`) clients use to reach the server: a DNS name, a proxy's. */
    allowedHosts?: string[];
    token?: string;
    realm: string;
  }) {
    const { host, port } = options;
    const names = new Set<string>();
    if (isLoopback(host)) for (const name of LOOPBACK_NAMES) names.add(name);
    else if (isWildcard(host)) for (const name of machineNames()) names.add(name);
    names.add(urlHostname(host));
    this.allowed = [...names].map((name) => ({ name, port }));
    for (const extra of options.allowedHosts ?? []) {
      const parsed = parseHost(extra);
      if (!parsed) throw new Error(`Not a host name: ${JSON.stringify(extra)}`);
      this.allowed.push(parsed);
    }
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this.realm = options.realm;
  }

  /** Why this request is refused, or undefined when it may proceed. */
  check(headers: { host?: string; origin?: string; authorization?: string }): Refusal | undefined {
    if (!this.allows(headers.host, 80)) {
      return {
        status: 403,
        message: `Forbidden: Host ${JSON.stringify(headers.host ?? '')} is not this server's`,
      };
    }
    if (headers.origin !== undefined && !this.allowsOrigin(headers.origin)) {
      return {
        status: 403,
        message: `Forbidden: Origin ${JSON.stringify(headers.origin)} is not this server's`,
      };
    }
    return this.checkToken(headers.authorization);
  }

  private checkToken(authorization: string | undefined): Refusal | undefined {
    if (!this.tokenDigest) return undefined;
    const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (given !== undefined && timingSafeEqual(digest(given), this.tokenDigest)) return undefined;
    const challenge =
      given === undefined
        ? `Bearer realm="${this.realm}"`
        : `Bearer realm="${this.realm}", error="invalid_token", error_description="The token is not this server's"`;
    return {
      status: 401,
      message:
        given === undefined
          ? 'Unauthorized: this server requires Authorization: Bearer <token>'
          : 'Unauthorized: wrong token',
      headers: { 'WWW-Authenticate': challenge },
    };
  }

  private allows(hostHeader: string | undefined, defaultPort: number): boolean {
    const parsed = hostHeader === undefined ? undefined : parseHost(hostHeader);
    if (!parsed) return false;
    const { name, port = defaultPort } = parsed;
    return this.allowed.some((a) => a.name === name && (a.port === undefined || a.port === port));
  }

  private allowsOrigin(origin: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (a sandboxed or file: page) and anything else that is not a URL
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    return this.allows(host, url.protocol === 'https:' ? 443 : 80);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** `name` or `name:port` (IPv6 in brackets), as in a Host header. */
function parseHost(value: string): AllowedHost | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[\w.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return undefined;
  const name = urlHostname(match[1] as string);
  return match[2] === undefined ? { name } : { name, port: Number(match[2]) };
}

/** Every name of this machine a client on the network may use: loopback, its addresses, its host name. */
function machineNames(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined)
    .map((info) => urlHostname(info.address.replace(/%.*$/, '')));
  return [...LOOPBACK_NAMES, ...addresses, hostname().toLowerCase()];
}
