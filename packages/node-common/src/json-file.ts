import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

export type LoadResult<T> =
  | { kind: 'loaded'; value: T }
  | { kind: 'missing' }
  /** Unreadable JSON or wrong shape: moved aside to `backupPath` so nothing is lost. */
  | { kind: 'corrupt'; reason: string; backupPath: string };

/** Reads and validates a JSON file; a corrupt one is renamed aside, never fatal. */
export async function loadJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<LoadResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: 'loaded', value: parsed.data };
    reason = `unexpected content (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})`;
  } catch (error) {
    reason = `not valid JSON (${(error as Error).message})`;
  }
  const backupPath = `${path}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
  await rename(path, backupPath);
  return { kind: 'corrupt', reason, backupPath };
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
}

async function writeTextFileAtomic(path: string, text: string, options: WriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
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

  constructor(private readonly path: string) {}

  save(value: unknown): Promise<void> {
    // The text is the snapshot: later changes to `value` do not reach this save.
    const text = toJsonText(value);
    const next = this.chain.then(() => writeTextFileAtomic(this.path, text));
    this.chain = next.catch(() => {});
    return next;
  }

  /** Resolves when every save so far has finished. */
  flush(): Promise<void> {
    return this.chain;
  }
}
