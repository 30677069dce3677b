import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

export type LoadResult<T> =
  | { kind: 'loaded'; value: T }
  | { kind: 'missing' }
  /**
   * Unreadable, not JSON or the wrong shape: moved aside to `backupPath` so nothing is lost.
   * `reason` reads after the file's name: "is not valid JSON (…)", "cannot be read (…)".
   */
  | { kind: 'corrupt'; reason: string; backupPath: string }
  /** Could not be read nor moved aside: left where it is, and must not be written over. */
  | { kind: 'stuck'; reason: string };

/** Reads and validates a JSON file; a bad one is renamed aside (a folder too), never fatal. */
export async function loadJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<LoadResult<z.output<S>>> {
  let reason: string;
  try {
    const text = await readFile(path, 'utf8');
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      if (parsed.success) return { kind: 'loaded', value: parsed.data };
      reason = `has unexpected content (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})`;
    } catch (error) {
      reason = `is not valid JSON (${(error as Error).message})`;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    reason = `cannot be read (${(error as Error).message})`;
  }
  try {
    return { kind: 'corrupt', reason, backupPath: await moveAside(path) };
  } catch (error) {
    return { kind: 'stuck', reason: `${reason} and could not be moved aside (${(error as Error).message})` };
  }
}

/** Renames a damaged file (or whatever stands at `path`) to `<path>.corrupt-<time>`; returns the new path. */
export async function moveAside(path: string): Promise<string> {
  const backupPath = `${path}.corrupt-${timestampForFileName()}`;
  await rename(path, backupPath);
  return backupPath;
}

/** The current time for a file name: ISO 8601 without colons (Windows forbids them). */
export function timestampForFileName(now = new Date()): string {
  return now.toISOString().replaceAll(':', '-');
}

/**
 * Writes JSON so that a crash at any moment leaves either the old or the new file:
 * write a temp file in the same folder, fsync it, rename over the target.
 */
export function writeJsonFileAtomic(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  return writeTextFileAtomic(path, toJsonText(value), options);
}

export interface WriteOptions {
  /** Permissions of the new file (0o600: only its owner may read it); default 0o666 less the umask. */
  mode?: number;
  /** Permissions of its folder, set at every write (0o700: a folder made looser is closed again). */
  folderMode?: number;
}

async function writeTextFileAtomic(path: string, text: string, options: WriteOptions = {}): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: options.folderMode });
  if (options.folderMode !== undefined) await chmod(folder, options.folderMode);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', options.mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Serializes saves of one file: each save writes the latest value, in call order. */
export class JsonFileWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly options: WriteOptions = {},
  ) {}

  save(value: unknown): Promise<void> {
    // The text is the snapshot: later changes to `value` do not reach this save.
    const text = toJsonText(value);
    const next = this.chain.then(() => writeTextFileAtomic(this.path, text, this.options));
    this.chain = next.catch(() => {});
    return next;
  }

  /** Resolves when every save so far has finished. */
  flush(): Promise<void> {
    return this.chain;
  }
}
