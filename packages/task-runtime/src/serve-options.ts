import { parseArgs } from 'node:util';
import { isLoopback } from './http-access.js';

/** Where the bearer token comes from when `--token` is not given. */
export const TOKEN_ENV = 'TASKDECK_SERVER_TOKEN';

export interface HttpOptions {
  host: string;
  /** 0: a free port, printed at start. */
  port: number;
  token?: string;
  /** More names clients reach the server by (`name` or `name:port`). */
  allowedHosts: string[];
}

export type ServeMode = { kind: 'stdio' } | { kind: 'http'; options: HttpOptions } | { kind: 'help' };

/** A command line that cannot run; the message says why. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function usage(name: string): string {
  return `Usage: node ${name}.js [--http [--host H] [--port N] [--token T] [--allowed-host NAME[:PORT]]... [--allow-unauthenticated]]

Without --http the server speaks MCP over stdio (how Taskdeck and other MCP clients run it).

  --http                   serve MCP over Streamable HTTP at http://H:N/mcp (the URL is printed)
  --host H                 address to listen on (default 127.0.0.1: this machine only)
  --port N                 port (default 0: a free one)
  --token T                require "Authorization: Bearer T" on every request (or set ${TOKEN_ENV},
                           which keeps the token out of the process list)
  --allowed-host NAME      another name clients use in the URL (a DNS name, a proxy's); the Host
                           header must be one of the server's names (DNS-rebinding protection)
  --allow-unauthenticated  listen beyond this machine without a token (only behind a proxy that
                           authenticates the clients itself)`;
}

/** Reads a server's command line (the arguments after the script) and its environment. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServeMode {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (!values.http) {
    const stray = HTTP_ONLY.find((option) => values[option] !== undefined);
    if (stray) throw new UsageError(`--${stray} applies to --http only`);
    return { kind: 'stdio' };
  }
  const host = values.host ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError('--host must not be empty');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (got ${JSON.stringify(values.port)})`);
  }
  // An empty variable is no token (as if unset); an empty --token is a mistake.
  const token = values.token ?? (env[TOKEN_ENV] || undefined);
  if (token !== undefined && !/^\S+$/.test(token)) {
    throw new UsageError(`The token (--token or ${TOKEN_ENV}) must be one word without spaces`);
  }
  if (token === undefined && !isLoopback(host) && !values['allow-unauthenticated']) {
    throw new UsageError(
      `Refusing to listen on ${host} without a token: anyone who can reach the port could run this server's tools. ` +
        `Set one with --token or ${TOKEN_ENV} (clients send "Authorization: Bearer <token>"), or, behind a proxy ` +
        'that authenticates the clients itself, pass --allow-unauthenticated.',
    );
  }
  return { kind: 'http', options: { host, port, token, allowedHosts: values['allowed-host'] ?? [] } };
}

const HTTP_ONLY = ['host', 'port', 'token', 'allowed-host', 'allow-unauthenticated'] as const;

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      http: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'allow-unauthenticated': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
