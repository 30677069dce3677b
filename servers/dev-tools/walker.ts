import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isInside } from '@taskdeck/node-common/paths';
import { describeReadError } from './fs-errors.js';
import { IgnoreStack } from './ignore-rules.js';

/**
 * Walks a folder tree concurrently (bounded), applying git's ignore rules, the hidden
 * file choice and the symlink policy. Errors on single entries (permission denied, a
 * folder that vanished, a dangling link) are recorded, never fatal. With symlinks
 * followed, each real folder is visited once, so loops end.
 */

export interface WalkOptions {
  respectGitignore: boolean;
  includeHidden: boolean;
  followSymlinks: boolean;
  /** Stop after this many files (the result says it was truncated). */
  maxFiles?: number;
  signal?: AbortSignal;
  /** Whether a followed symlink's real target may be read (the client's roots); default: all. */
  mayRead?: (realPath: string) => boolean;
  /** Folders read at once. */
  concurrency?: number;
}

export interface WalkedFile {
  path: string;
  rel: string;
  name: string;
}

export interface WalkError {
  path: string;
  code: string;
  message: string;
}

export interface WalkStats {
  files: number;
  directories: number;
  skippedIgnored: number;
  skippedHidden: number;
  symlinksSkipped: number;
  symlinkLoops: number;
  /** Sockets, FIFOs and devices: never read. */
  specialFiles: number;
  truncated: boolean;
  errors: WalkError[];
  errorCount: number;
  /** The folder read most recently (relative), for status messages. */
  currentDirectory: string;
}

export interface WalkHooks {
  /** Called for every file; a returned promise pauses the walk (back-pressure). */
  onFile(file: WalkedFile): void | Promise<void>;
}

const MAX_ERRORS_KEPT = 100;
const DEFAULT_CONCURRENCY = 8;

interface DirTask {
  abs: string;
  rel: string;
  rules: IgnoreStack;
  /** Real path, kept only when symlinks are followed (loop detection). */
  real: string | undefined;
}

export async function walk(
  root: string,
  options: WalkOptions,
  hooks: WalkHooks,
  stats = newWalkStats(),
): Promise<WalkStats> {
  const mayRead = options.mayRead ?? (() => true);
  const rootRules = options.respectGitignore
    ? await IgnoreStack.forScanRoot(root, mayRead)
    : IgnoreStack.empty();
  const visited = new Set<string>();
  const rootReal = options.followSymlinks ? await realpath(root) : undefined;
  if (rootReal) visited.add(rootReal);

  const queue: DirTask[] = [{ abs: root, rel: '', rules: rootRules, real: rootReal }];
  let active = 0;
  let failure: unknown;
  let stopped = false;

  const recordError = (path: string, error: unknown) => {
    const e = error as NodeJS.ErrnoException;
    stats.errorCount++;
    if (stats.errors.length < MAX_ERRORS_KEPT) {
      stats.errors.push({ path: path || '.', code: e.code ?? 'EIO', message: describeReadError(e) });
    }
  };

  const visitFile = async (file: WalkedFile) => {
    if (options.maxFiles !== undefined && stats.files >= options.maxFiles) {
      stats.truncated = true;
      stopped = true;
      return;
    }
    stats.files++;
    await hooks.onFile(file);
  };

  const readDir = async (task: DirTask) => {
    options.signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await readdir(task.abs, { withFileTypes: true });
    } catch (error) {
      if (task.rel === '') throw error; // the scanned folder itself: nothing to report on
      recordError(task.rel, error);
      return;
    }
    stats.currentDirectory = task.rel;
    let rules = task.rules;
    if (options.respectGitignore) {
      if (entries.some((e) => e.name === '.git' && e.isDirectory()) && task.rel !== '') {
        rules = await rules.withNestedGitInfoExclude(task.abs, task.rel);
      } else if (task.rel === '' && entries.some((e) => e.name === '.git' && e.isDirectory())) {
        rules = await rules.withGitInfoExclude(task.abs, task.abs);
      }
      if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
        const text = await readFile(join(task.abs, '.gitignore'), 'utf8').catch((error) => {
          recordError(join(task.rel, '.gitignore'), error);
          return undefined;
        });
        if (text !== undefined) rules = rules.withNested(text, task.rel);
      }
    }
    // Concatenation, not path.join per entry: the folder path is already normal.
    const prefix = task.abs.endsWith(sep) ? task.abs : task.abs + sep;
    for (const entry of entries) {
      if (stopped) return;
      const name = entry.name;
      const rel = task.rel ? `${task.rel}/${name}` : name;
      const abs = prefix + name;
      if (options.respectGitignore && name === '.git') {
        stats.skippedIgnored++;
        continue;
      }
      if (!options.includeHidden && name.charCodeAt(0) === 46 /* . */) {
        stats.skippedHidden++;
        continue;
      }
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real: string | undefined;
      if (entry.isSymbolicLink()) {
        if (!options.followSymlinks) {
          stats.symlinksSkipped++;
          continue;
        }
        try {
          real = await realpath(abs);
          if (!mayRead(real)) {
            recordError(
              rel,
              Object.assign(new Error('link target is outside the granted roots'), { code: 'EACCES_ROOTS' }),
            );
            continue;
          }
          const info = await stat(real);
          isDir = info.isDirectory();
          isFile = info.isFile();
        } catch (error) {
          recordError(rel, error); // dangling link or a loop the kernel detected (ELOOP)
          continue;
        }
      }
      if (!isDir && !isFile) {
        stats.specialFiles++;
        continue;
      }
      if (rules.size > 0 && rules.ignores(rel, isDir)) {
        stats.skippedIgnored++;
        continue;
      }
      if (isFile) {
        await visitFile({ path: abs, rel, name });
        continue;
      }
      if (options.followSymlinks) {
        real ??= task.real ? join(task.real, name) : await realpath(abs);
        if (visited.has(real)) {
          // A link back to a folder on its own path is a loop; any other was reached another way.
          if (task.real && isInside(task.real, real)) stats.symlinkLoops++;
          continue;
        }
        visited.add(real);
      }
      stats.directories++;
      queue.push({ abs, rel, rules, real });
    }
  };

  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined || (stopped && active === 0)) return resolve();
      while (!stopped && active < (options.concurrency ?? DEFAULT_CONCURRENCY) && queue.length > 0) {
        const task = queue.pop() as DirTask;
        active++;
        readDir(task)
          .catch((error) => {
            failure ??= error;
          })
          .finally(() => {
            active--;
            pump();
          });
      }
      if (active === 0 && (queue.length === 0 || stopped)) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure;
  return stats;
}

export function newWalkStats(): WalkStats {
  return {
    files: 0,
    directories: 0,
    skippedIgnored: 0,
    skippedHidden: 0,
    symlinksSkipped: 0,
    symlinkLoops: 0,
    specialFiles: 0,
    truncated: false,
    errors: [],
    errorCount: 0,
    currentDirectory: '',
  };
}
