import { join } from 'node:path';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ServerInfo } from '@taskdeck/contract';
import { loadBundledManifest } from './bundled-manifest.js';
import { loadServerConfig, type ServerSpec } from './server-config.js';

export interface ServerListOptions {
  dataDir: string;
  bundledServersDir: string;
  /** Runtime for the bundled servers: Node, or Electron's own executable. */
  execPath?: string;
  electronRunAsNode?: boolean;
  /** Extra environment for every child server. */
  env?: Record<string, string>;
}

export interface ServerList {
  specs: ServerSpec[];
  /** Entries of the user's servers.json that could not be used: shown as stopped servers with the reason. */
  broken: ServerInfo[];
  /** What the user must be told (a missing manifest, a damaged servers.json). */
  problems: string[];
  /** The user's server list. */
  configPath: string;
  bundledNames: ReadonlySet<string>;
}

/** The bundled servers (from their build manifest) and the user's (servers.json). */
export async function loadServerList(options: ServerListOptions): Promise<ServerList> {
  // Taskdeck's own settings (TASKDECK_TIME_SCALE...) reach every child server.
  const passThrough = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('TASKDECK_') && entry[1] !== undefined,
    ),
  );
  const baseEnv = { ...getDefaultEnvironment(), ...passThrough, ...options.env };
  const problems: string[] = [];
  const bundled = await loadBundledManifest(options.bundledServersDir);
  if (bundled.problem) problems.push(bundled.problem);
  const specs: ServerSpec[] = bundled.servers.map((server) => ({
    name: server.name,
    transport: 'stdio',
    command: options.execPath ?? process.execPath,
    args: [server.path],
    env: {
      ...baseEnv,
      ...(options.electronRunAsNode && { ELECTRON_RUN_AS_NODE: '1' }),
      TASKDECK_DATA_DIR: options.dataDir,
    },
    disabled: false,
    bundled: true,
  }));
  const bundledNames = new Set(bundled.servers.map((server) => server.name));
  const configPath = join(options.dataDir, 'servers.json');
  const user = await loadServerConfig(configPath, bundledNames);
  if (user.damaged) problems.push(user.damaged);
  for (const spec of user.servers)
    specs.push(spec.transport === 'stdio' ? { ...spec, env: { ...baseEnv, ...spec.env } } : spec);
  const broken = user.errors.map((error) =>
    brokenEntry(error.name ?? 'servers.json', configPath, error.message),
  );
  return { specs, broken, problems, configPath, bundledNames };
}

function brokenEntry(name: string, configPath: string, message: string): ServerInfo {
  return {
    name,
    bundled: false,
    status: 'stopped',
    restarts: 0,
    tools: [],
    stderrTail: [],
    error: `Configuration error in ${configPath}: ${message}`,
  };
}
