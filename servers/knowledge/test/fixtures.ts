import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DocumentIndex, type NewDocument } from '../document-index.js';
import type { Work } from '../knowledge-base.js';

/** A temporary folder tree for a test; `remove()` deletes it. */
export function tempTree(files: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'knowledge-test-'));
  const write = (name: string, content: string, mtimeSeconds?: number) => {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    // Distinct mtimes make changes visible even within one clock tick.
    if (mtimeSeconds !== undefined) utimesSync(path, mtimeSeconds, mtimeSeconds);
    return path;
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return {
    root,
    path: (name: string) => join(root, name),
    write,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Work that records what it reported and can be aborted. */
export function recordingWork(
  onProgress?: (done: number, total: number | undefined, controller: AbortController) => void,
) {
  const controller = new AbortController();
  const progress: { done: number; total?: number; message?: string }[] = [];
  const statuses: (string | null)[] = [];
  const work: Work = {
    signal: controller.signal,
    progress(done, total, message) {
      progress.push({ done, total, message });
      onProgress?.(done, total, controller);
    },
    status(message) {
      statuses.push(message);
    },
  };
  return { work, progress, statuses, controller };
}

/** An index holding these documents (title and text; the rest filled in). */
export function indexOf(
  docs: {
    title: string;
    text?: string;
    headings?: string;
    category?: string;
    tags?: string[];
    path?: string;
  }[],
) {
  const index = DocumentIndex.empty();
  const tx = index.begin();
  for (const [i, doc] of docs.entries()) tx.put(documentOf({ ...doc, path: doc.path ?? `/docs/${i}.md` }));
  tx.commit();
  return index;
}

export function documentOf(doc: {
  title: string;
  path: string;
  text?: string;
  headings?: string;
  category?: string;
  tags?: string[];
}): NewDocument {
  return {
    path: doc.path,
    source: '/docs',
    format: 'markdown',
    title: doc.title,
    headings: doc.headings ?? '',
    text: doc.text ?? '',
    category: doc.category ?? 'markdown',
    tags: doc.tags ?? [],
    mtimeMs: 1,
    size: 1,
    indexedAt: 1,
  };
}
