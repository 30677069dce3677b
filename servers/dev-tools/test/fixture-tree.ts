import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Test helper: builds a folder tree in a fresh temp dir from a map of relative paths.
 * A string or Buffer value is a file, `{ link: target }` a symlink, `{ dir: true }` an
 * empty folder.
 */
export type FixtureEntry = string | Buffer | { link: string } | { dir: true };

export function makeTree(entries: Record<string, FixtureEntry>): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'taskdeck-devtools-'));
  for (const [rel, entry] of Object.entries(entries)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) writeFileSync(path, entry);
    else if ('link' in entry) symlinkSync(entry.link, path);
    else mkdirSync(path, { recursive: true });
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
