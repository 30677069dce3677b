import { type Dirent, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import type { PathCompletion } from '@taskdeck/contract';
import { isInside } from '@taskdeck/node-common/paths';

const DEFAULT_LIMIT = 50;

export interface CompletionScope {
  /** Folders whose contents may be listed: the user's home and the granted roots. */
  allowed: readonly string[];
  home?: string;
  limit?: number;
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await fs.realpath(path);
  } catch {
    return undefined;
  }
}

async function isDirectory(dir: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return (await fs.stat(join(dir, entry.name))).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Completes a typed path for the web host's folder and file chooser. A browser cannot pick
 * folders by path, so this lists directory entries; that makes it a filesystem oracle, so it
 * only lists folders whose real path (symlinks resolved) lies inside the home folder or a
 * granted root, and only returns names, never contents.
 */
export async function completePath(typed: string, scope: CompletionScope): Promise<PathCompletion> {
  const home = scope.home ?? homedir();
  const limit = scope.limit ?? DEFAULT_LIMIT;
  const expanded =
    typed === '~'
      ? `${home}${sep}`
      : typed.startsWith(`~${sep}`) || typed.startsWith('~/')
        ? join(home, typed.slice(2)) + (/[\\/]$/.test(typed) ? sep : '')
        : typed;
  if (!isAbsolute(expanded)) {
    return {
      resolved: null,
      directory: null,
      entries: [],
      truncated: false,
      error: 'Type an absolute path, such as ~/projects or /home/me/data',
    };
  }
  const endsWithSeparator = /[\\/]$/.test(expanded);
  const directory = endsWithSeparator ? expanded : dirname(expanded);
  const partial = endsWithSeparator ? '' : basename(expanded);

  const realDirectory = await realOrUndefined(directory);
  if (!realDirectory)
    return { resolved: expanded, directory, entries: [], truncated: false, error: `No folder ${directory}` };
  const allowedReal = (await Promise.all(scope.allowed.map(realOrUndefined))).filter(
    (p): p is string => p !== undefined,
  );
  if (!allowedReal.some((root) => isInside(realDirectory, root))) {
    return {
      resolved: expanded,
      directory,
      entries: [],
      truncated: false,
      error: 'Folder names are suggested only inside your home folder or folders you granted',
    };
  }

  let dirents: Dirent[];
  try {
    dirents = await fs.readdir(realDirectory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR'
        ? 'is not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : 'cannot be listed';
    return { resolved: expanded, directory, entries: [], truncated: false, error: `${directory} ${why}` };
  }
  const showHidden = partial.startsWith('.');
  const matching = dirents.filter(
    (entry) => entry.name.startsWith(partial) && (showHidden || !entry.name.startsWith('.')),
  );
  const entries = await Promise.all(
    matching.map(async (entry) => ({
      path: join(directory, entry.name),
      kind: (await isDirectory(realDirectory, entry)) ? ('directory' as const) : ('file' as const),
    })),
  );
  // Folders only: the chooser picks folders, and file names need not leave this machine.
  const folders = entries.filter((entry) => entry.kind === 'directory');
  folders.sort((a, b) => a.path.localeCompare(b.path));
  return {
    resolved: expanded,
    directory,
    entries: folders.slice(0, limit),
    truncated: folders.length > limit,
  };
}
