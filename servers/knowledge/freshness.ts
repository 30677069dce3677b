/**
 * Whether a search would first have to re-index, answered from the files on disk
 * alone. This module imports no server code (only Node, zod and the walker), so the
 * hub can import it to decide between a plain call and a task-augmented one:
 *
 *   const { stale } = await needsReindex({ roots });
 *   stale ? startTask('search_documents', args) : call('search_documents', args);
 *
 * The server runs the same scan before each search, so a wrong guess costs only
 * a plain call that takes longer (with progress) or a task that finishes at once.
 */
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside } from '../shared/roots.js';
import { FILES, ManifestSchema, SourcesFileSchema } from './manifest.js';
import { guidesDir, indexDir } from './paths.js';
import { diffFiles, hasChanges, type WalkOptions, type WalkResult, walkFolder } from './walk.js';

export interface Source {
  path: string;
  kind: 'guides' | 'folder';
}

/** Walks one source without entering the other sources inside it (each is indexed on its own). */
export function scanSource(
  source: Source,
  all: readonly Source[],
  options: Omit<WalkOptions, 'exclude'> = {},
): Promise<WalkResult> {
  const exclude = new Set(
    all
      .filter((s) => s !== source && isInside(s.path, source.path) && s.path !== source.path)
      .map((s) => s.path),
  );
  return walkFolder(source.path, { ...options, exclude });
}

export interface FreshnessOptions {
  env?: NodeJS.ProcessEnv;
  /** The client's roots (real paths); folders outside them are skipped, as the server does. */
  roots?: readonly string[];
}

export interface Freshness {
  stale: boolean;
  /** Why a re-index is needed, for logs. */
  reason?: string;
}

export async function needsReindex(options: FreshnessOptions = {}): Promise<Freshness> {
  const dir = indexDir(options.env);
  const manifest = ManifestSchema.safeParse(await readJson(join(dir, FILES.manifest)));
  if (!manifest.success) return { stale: true, reason: 'nothing is indexed yet' };
  const listed = SourcesFileSchema.safeParse(await readJson(join(dir, FILES.sources)));
  const sources: Source[] = [
    { path: guidesDir(options.env), kind: 'guides' },
    ...(listed.success ? listed.data.folders.map((f) => ({ path: f.path, kind: 'folder' as const })) : []),
  ];
  for (const known of Object.keys(manifest.data.sources)) {
    if (!sources.some((s) => s.path === known))
      return { stale: true, reason: `${known} is no longer a source` };
  }
  for (const source of sources) {
    if (source.kind === 'folder' && options.roots) {
      const real = await realpath(source.path).catch(() => undefined);
      if (!real || !options.roots.some((root) => isInside(real, root))) continue;
    }
    const scan = await scanSource(source, sources).catch(() => undefined);
    if (!scan) continue; // a missing folder: the server reports it, nothing to index
    const indexed = new Map(
      (manifest.data.sources[source.path] ?? []).map(([path, mtimeMs, size]) => [path, { mtimeMs, size }]),
    );
    if (hasChanges(diffFiles(scan.files, indexed)))
      return { stale: true, reason: `files changed in ${source.path}` };
  }
  return { stale: false };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
