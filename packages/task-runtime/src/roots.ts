import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { isInside } from '@taskdeck/node-common/paths';

export type PathKind = 'file' | 'directory';

/**
 * The calling client's MCP roots (the files and folders the user granted). When the
 * client declares the roots capability, every path a tool reads must resolve, symlinks
 * followed, inside one of them; a client without roots (a server run alone) is not
 * restricted. Each client's list is cached until its `notifications/roots/list_changed`.
 * `caller` names the session (its SDK Server) of the tool call in progress; outside
 * any call there is no client, and nothing to restrict.
 */
export class RootsGuard {
  private readonly cached = new WeakMap<Server, Promise<string[]>>();

  constructor(private readonly caller: () => Server | undefined) {}

  /** Starts following a new session's roots changes. */
  watch(server: Server): void {
    server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
      this.cached.delete(server);
    });
  }

  /** Real paths of the granted roots, or undefined when the client declares no roots. */
  async roots(): Promise<string[] | undefined> {
    const server = this.caller();
    if (!server?.getClientCapabilities()?.roots) return undefined;
    let roots = this.cached.get(server);
    if (!roots) {
      roots = this.fetch(server);
      this.cached.set(server, roots);
    }
    return roots.catch((error) => {
      if (this.cached.get(server) === roots) this.cached.delete(server);
      throw error;
    });
  }

  /**
   * Resolves `path` (absolute, symlinks followed), checks it exists, has the expected
   * kind and lies inside the roots. Throws an Error whose message a user can act on.
   */
  async resolve(path: string, kind: PathKind): Promise<string> {
    if (!path.trim()) throw new Error('No path given.');
    if (!isAbsolute(path)) throw new Error(`Path must be absolute: ${path}`);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      throw new Error(describeFsError(error, path, kind));
    }
    const roots = await this.roots();
    if (roots && !roots.some((root) => isInside(real, root))) {
      const granted = roots.length > 0 ? roots.join(', ') : 'none';
      throw new Error(
        `Access denied: ${path} is outside the folders and files you granted (granted: ${granted}).`,
      );
    }
    const info = await stat(real).catch((error) => {
      throw new Error(describeFsError(error, path, kind));
    });
    if (kind === 'file' && info.isDirectory()) throw new Error(`${path} is a folder, not a file.`);
    if (kind === 'directory' && !info.isDirectory()) throw new Error(`${path} is a file, not a folder.`);
    return real;
  }

  /** Checks a path that need not exist yet (an output file): its parent must be inside the roots. */
  async resolveNew(path: string): Promise<string> {
    if (!isAbsolute(path)) throw new Error(`Path must be absolute: ${path}`);
    const parent = await this.resolve(dirname(path), 'directory');
    return join(parent, basename(path));
  }

  private async fetch(server: Server): Promise<string[]> {
    const { roots } = await server.listRoots();
    const paths = await Promise.all(
      roots
        .filter((root) => root.uri.startsWith('file://'))
        .map((root) => realpath(fileURLToPath(root.uri)).catch(() => undefined)),
    );
    return paths.filter((p): p is string => p !== undefined);
  }
}

function describeFsError(error: unknown, path: string, kind: PathKind): string {
  const code = (error as NodeJS.ErrnoException).code;
  const what = kind === 'file' ? 'File' : 'Folder';
  if (code === 'ENOENT') return `${what} not found: ${path}`;
  if (code === 'EACCES' || code === 'EPERM') return `Permission denied: cannot read ${path}`;
  if (code === 'ENOTDIR') return `${what} not found: ${path} (a part of the path is not a folder)`;
  if (code === 'ELOOP') return `${path} is a symbolic link loop`;
  return `Cannot open ${path}: ${(error as Error).message}`;
}
