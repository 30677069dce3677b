import { readFile } from 'node:fs/promises';
import { HTTP_HEADER_NAME_PATTERN, SERVER_NAME_PATTERN } from '@taskdeck/contract';
import { moveAside } from '@taskdeck/node-common/json-file';
import { z } from 'zod';

/** A stdio entry of the `mcpServers` JSON shape used by Claude Desktop, VS Code and Cursor. */
const StdioEntry = z
  .object({
    type: z.literal('stdio').optional(),
    command: z.string().min(1, 'must not be empty'),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().min(1).optional(),
    disabled: z.boolean().default(false),
    /** Opt in to starting on first use and stopping when idle, like the bundled servers. */
    stopWhenIdle: z.boolean().default(false),
  })
  .loose();

/**
 * A remote entry: `url` (Cursor), with `type: "http"` (VS Code, Claude Code), `"streamable-http"`
 * or `"sse"` (the legacy HTTP+SSE transport only), `headers` sent with every request, and `oauth`:
 * a client registered by hand with the server's authorization server (Claude Code's key), for
 * one that offers no registration of its own.
 */
const RemoteEntry = z
  .object({
    type: z.enum(['http', 'streamable-http', 'streamableHttp', 'sse']).optional(),
    url: z.string().min(1, 'must not be empty'),
    headers: z.record(z.string(), z.string()).default({}),
    oauth: z
      .object({ clientId: z.string().min(1, 'must not be empty'), clientSecret: z.string().optional() })
      .loose()
      .optional(),
    disabled: z.boolean().default(false),
  })
  .loose();

interface CommonSpec {
  name: string;
  disabled: boolean;
  bundled: boolean;
}

/** A server Taskdeck runs as a child process and talks to over its stdio. */
export interface StdioServerSpec extends CommonSpec {
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Starts on first use and stops when idle (the hub's serverIdle option); bundled servers always do. */
  stopWhenIdle?: boolean;
}

/**
 * A server reached at a URL: Streamable HTTP, falling back to the legacy HTTP+SSE transport
 * when the server answers that way (`http`), or HTTP+SSE only (`sse`). `headers` hold the
 * values with `${env:NAME}` already resolved: never log them.
 */
export interface RemoteServerSpec extends CommonSpec {
  transport: 'http' | 'sse';
  url: string;
  headers: Record<string, string>;
  /** A client registered by hand, used instead of registering (the secret `${env:…}`-resolved: never log it). */
  oauth?: { clientId: string; clientSecret?: string };
}

export type ServerSpec = StdioServerSpec | RemoteServerSpec;

export interface ServerConfigError {
  /** The entry's name, or undefined for a problem with the whole file. */
  name?: string;
  message: string;
}

export interface LoadedServerConfig {
  servers: ServerSpec[];
  errors: ServerConfigError[];
  /** The file could not be read or parsed at all: what happened to it, for the user. */
  damaged?: string;
}

/**
 * Reads the user's server list (`{ "mcpServers": { name: {command, args, env, cwd,
 * disabled} or {type, url, headers, disabled} } }`, or VS Code's `"servers"` key). A bad entry gives an error naming that
 * entry and the others still load; a missing file means no user servers; a file that is
 * not JSON at all is moved aside (`servers.json.corrupt-<time>`) and reported in `damaged`.
 */
export async function loadServerConfig(
  path: string,
  reservedNames: ReadonlySet<string>,
): Promise<LoadedServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: [], errors: [] };
    return setAside(path, `cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return setAside(path, `is not valid JSON (${(error as Error).message})`);
  }
  return parseServerConfig(json, path, reservedNames);
}

async function setAside(path: string, problem: string): Promise<LoadedServerConfig> {
  let where: string;
  try {
    where = `It was moved to ${await moveAside(path)}`;
  } catch (error) {
    where = `It could not be moved aside (${(error as Error).message})`;
  }
  return {
    servers: [],
    errors: [],
    damaged: `Your server list ${path} ${problem}. ${where}; your own servers do not run until it is repaired and back in place.`,
  };
}

/**
 * Parses the user's server list. `env` resolves `${env:NAME}` in a remote entry's `url`,
 * `headers` and `oauth.clientSecret` (VS Code's syntax), so a secret can stay out of the file.
 */
export function parseServerConfig(
  json: unknown,
  path: string,
  reservedNames: ReadonlySet<string>,
  env: NodeJS.ProcessEnv = process.env,
): LoadedServerConfig {
  const entries = serverEntries(json);
  if (!entries) return { servers: [], errors: [{ message: `${path} has no "mcpServers" object` }] };
  const servers: ServerSpec[] = [];
  const errors: ServerConfigError[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    const read = readEntry(name, raw, reservedNames, env);
    if (typeof read === 'string') errors.push({ name, message: read });
    else servers.push(read);
  }
  return { servers, errors };
}

/** The object of server entries: `mcpServers`, or VS Code's `servers`; undefined when there is none. */
function serverEntries(json: unknown): Record<string, unknown> | undefined {
  const root = json as Record<string, unknown> | null;
  const entries = root && typeof root === 'object' ? (root.mcpServers ?? root.servers) : undefined;
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) return undefined;
  return entries as Record<string, unknown>;
}

/** A usable spec, or the message that says what is wrong with the entry. */
function readEntry(
  name: string,
  raw: unknown,
  reservedNames: ReadonlySet<string>,
  env: NodeJS.ProcessEnv,
): ServerSpec | string {
  if (!SERVER_NAME_PATTERN.test(name))
    return `Server name "${name}" must be 1-64 letters, digits, ".", "_", "@" or "-"`;
  if (reservedNames.has(name)) return `"${name}" is the name of a bundled server; pick another name`;
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  if ('url' in fields && 'command' in fields)
    return 'An entry has either "command" (stdio) or "url" (remote), not both';
  if ('url' in fields || (typeof fields.type === 'string' && fields.type !== 'stdio'))
    return readRemote(name, raw, env);
  const parsed = StdioEntry.safeParse(raw);
  if (!parsed.success) return describeIssues(parsed.error);
  const entry = parsed.data;
  return {
    name,
    transport: 'stdio',
    command: entry.command,
    args: entry.args,
    env: entry.env,
    cwd: entry.cwd,
    disabled: entry.disabled,
    bundled: false,
    stopWhenIdle: entry.stopWhenIdle,
  };
}

function readRemote(name: string, raw: unknown, env: NodeJS.ProcessEnv): RemoteServerSpec | string {
  const parsed = RemoteEntry.safeParse(raw);
  if (!parsed.success) return describeIssues(parsed.error);
  const entry = parsed.data;
  const url = expandEnv(entry.url, env);
  if (url.problem) return `url: ${url.problem}`;
  const urlProblem = checkUrl(url.value);
  if (urlProblem) return `url: ${urlProblem}`;
  const headers: Record<string, string> = {};
  for (const [header, template] of Object.entries(entry.headers)) {
    if (!HTTP_HEADER_NAME_PATTERN.test(header)) return `headers: "${header}" is not a valid HTTP header name`;
    const value = expandEnv(template, env);
    if (value.problem) return `headers.${header}: ${value.problem}`;
    // Never the value itself in a message: it may be a token.
    if (/[\r\n\0]/.test(value.value)) return `headers.${header}: must not contain line breaks`;
    headers[header] = value.value;
  }
  let oauth: RemoteServerSpec['oauth'];
  if (entry.oauth) {
    const secret =
      entry.oauth.clientSecret === undefined ? undefined : expandEnv(entry.oauth.clientSecret, env);
    if (secret?.problem) return `oauth.clientSecret: ${secret.problem}`;
    oauth = { clientId: entry.oauth.clientId, ...(secret && { clientSecret: secret.value }) };
  }
  return {
    name,
    transport: entry.type === 'sse' ? 'sse' : 'http',
    url: url.value,
    headers,
    ...(oauth && { oauth }),
    disabled: entry.disabled,
    bundled: false,
  };
}

/** The reason a URL cannot be used for a remote server, or undefined. */
function checkUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  return undefined;
}

/** Resolves `${env:NAME}` from `env`; other `${…}` variables (VS Code's `${input:…}`) are refused. */
function expandEnv(template: string, env: NodeJS.ProcessEnv): { value: string; problem?: string } {
  let problem: string | undefined;
  const value = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const match = /^env:(\w+)$/.exec(inner);
    if (!match) {
      problem ??= `${whole} is not supported; only \${env:NAME} is`;
      return '';
    }
    const name = match[1] as string;
    const found = env[name];
    if (found === undefined) problem ??= `the environment variable ${name} is not set`;
    return found ?? '';
  });
  return problem ? { value: '', problem } : { value };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'entry'}: ${issue.message}`)
    .join('; ');
}
