import { readFile } from 'node:fs/promises';
import { moveAside } from '@taskdeck/node-common/json-file';
import { z } from 'zod';

/** One entry of the `mcpServers` JSON shape used by Claude Desktop, VS Code and Cursor. */
const ServerEntry = z
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

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  disabled: boolean;
  bundled: boolean;
  /** Starts on first use and stops when idle (the hub's serverIdle option); bundled servers always do. */
  stopWhenIdle?: boolean;
}

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
 * disabled} } }`, or VS Code's `"servers"` key). A bad entry gives an error naming that
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

export function parseServerConfig(
  json: unknown,
  path: string,
  reservedNames: ReadonlySet<string>,
): LoadedServerConfig {
  const root = json as Record<string, unknown> | null;
  const entries = root && typeof root === 'object' ? (root.mcpServers ?? root.servers) : undefined;
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
    return { servers: [], errors: [{ message: `${path} has no "mcpServers" object` }] };
  }
  const servers: ServerSpec[] = [];
  const errors: ServerConfigError[] = [];
  for (const [name, raw] of Object.entries(entries as Record<string, unknown>)) {
    const problem = checkEntry(name, raw, reservedNames);
    if (problem) {
      errors.push({ name, message: problem });
      continue;
    }
    const entry = ServerEntry.parse(raw);
    servers.push({
      name,
      command: entry.command,
      args: entry.args,
      env: entry.env,
      cwd: entry.cwd,
      disabled: entry.disabled,
      bundled: false,
      stopWhenIdle: entry.stopWhenIdle,
    });
  }
  return { servers, errors };
}

function checkEntry(name: string, raw: unknown, reservedNames: ReadonlySet<string>): string | undefined {
  if (!/^[\w.@-]{1,64}$/.test(name))
    return `Server name "${name}" must be 1-64 letters, digits, ".", "_", "@" or "-"`;
  if (reservedNames.has(name)) return `"${name}" is the name of a bundled server; pick another name`;
  if (raw && typeof raw === 'object' && 'url' in raw && !('command' in raw)) {
    return 'Only stdio servers (with "command") are supported; this entry has a "url"';
  }
  const parsed = ServerEntry.safeParse(raw);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'entry'}: ${issue.message}`)
    .join('; ');
}
