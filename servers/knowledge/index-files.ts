import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { moveAside, writeJsonFileAtomic } from '@taskdeck/node-common/json-file';
import { z } from 'zod';
import { FILES, type SourcesFile, SourcesFileSchema } from './data-files.js';
import { DocumentIndex, type DocumentRecord } from './document-index.js';

const INDEX_FORMAT = 1;

const HeaderSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  documents: z.number().int().min(0),
  savedAt: z.number(),
});
const SkippedSchema = z.array(
  z.object({ path: z.string(), source: z.string(), mtimeMs: z.number(), size: z.number() }),
);
const RecordSchema = z.object({
  id: z.number().int().positive(),
  path: z.string().min(1),
  source: z.string().min(1),
  format: z.enum(['markdown', 'text', 'html', 'code']),
  title: z.string(),
  headings: z.string(),
  text: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  mtimeMs: z.number(),
  size: z.number(),
  indexedAt: z.number(),
}) satisfies z.ZodType<DocumentRecord>;

export async function writeAtomically(path: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const out = createWriteStream(temp);
    // A failed open or write (folder gone, disk full) rejects below; unheard, it would
    // be an uncaught exception that ends the server.
    out.on('error', () => {});
    await write(out);
    out.end();
    await finished(out);
    // The data must be on disk before the rename makes it the current file.
    const handle = await open(temp, 'r');
    await handle.sync().finally(() => handle.close());
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes one chunk, waiting when the stream's buffer is full (large indexes). */
async function put(out: Writable, chunk: string): Promise<void> {
  if (out.errored) throw out.errored;
  // `once` rejects if the stream fails while we wait for it to drain.
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function saveIndex(dir: string, index: DocumentIndex): Promise<void> {
  // Both snapshots in the same tick: a change committed while the file is written
  // must not make the documents and the term index disagree.
  const documents = [...index.documents()];
  const terms = index.serializeTerms();
  const skipped = index
    .skippedFiles()
    .map(({ path, source, mtimeMs, size }) => ({ path, source, mtimeMs, size }));
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, FILES.index), async (out) => {
    await put(
      out,
      `${JSON.stringify({ format: INDEX_FORMAT, documents: documents.length, savedAt: Date.now() })}\n`,
    );
    await put(out, `${terms}\n`);
    await put(out, `${JSON.stringify(skipped)}\n`);
    for (const {
      id,
      path,
      source,
      format,
      title,
      headings,
      text,
      category,
      tags,
      mtimeMs,
      size,
      indexedAt,
    } of documents) {
      const record: DocumentRecord = {
        id,
        path,
        source,
        format,
        title,
        headings,
        text,
        category,
        tags,
        mtimeMs,
        size,
        indexedAt,
      };
      await put(out, `${JSON.stringify(record)}\n`);
    }
  });
}

export interface LoadedIndex {
  index: DocumentIndex;
  /** Set when the saved index was unusable and the caller must re-index everything. */
  problem?: string;
}

/** Loads the saved index; a missing one is empty, a damaged one is set aside and reported. */
export async function loadIndex(dir: string): Promise<LoadedIndex> {
  const path = join(dir, FILES.index);
  try {
    return { index: await readIndex(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { index: DocumentIndex.empty() };
    const reason = error instanceof Error ? error.message : String(error);
    // Keep the damaged file for a bug report, out of the way of the next save.
    await moveAside(path).catch(() => rm(path, { force: true }));
    return { index: DocumentIndex.empty(), problem: `The saved search index was damaged (${reason}).` };
  }
}

async function readIndex(path: string): Promise<DocumentIndex> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let header: z.infer<typeof HeaderSchema> | undefined;
  let terms: unknown;
  let skipped: z.infer<typeof SkippedSchema> = [];
  const documents: DocumentRecord[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (lineNumber === 1) header = HeaderSchema.parse(parseLine(line, lineNumber));
    else if (lineNumber === 2) terms = parseLine(line, lineNumber);
    else if (lineNumber === 3) {
      const parsed = SkippedSchema.safeParse(parseLine(line, lineNumber));
      if (!parsed.success) throw new Error('line 3 is not the list of skipped files');
      skipped = parsed.data;
    } else if (line.length > 0) {
      const parsed = RecordSchema.safeParse(parseLine(line, lineNumber));
      if (!parsed.success) throw new Error(`line ${lineNumber} is not a document record`);
      documents.push(parsed.data);
    }
  }
  if (!header) throw new Error('the file is empty');
  if (documents.length !== header.documents) {
    throw new Error(`it holds ${documents.length} of its ${header.documents} documents`);
  }
  return DocumentIndex.restore(terms, documents, skipped);
}

function parseLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`line ${lineNumber} is not valid JSON`);
  }
}

export async function readSources(dir: string): Promise<{ sources: SourcesFile; problem?: string }> {
  const empty: SourcesFile = { format: 1, folders: [] };
  let text: string;
  try {
    text = await readFile(join(dir, FILES.sources), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sources: empty };
    return { sources: empty, problem: `Cannot read the list of folders: ${(error as Error).message}` };
  }
  try {
    return { sources: SourcesFileSchema.parse(JSON.parse(text)) };
  } catch {
    await moveAside(join(dir, FILES.sources)).catch(() => {});
    return { sources: empty, problem: 'The list of added folders was damaged; add your folders again.' };
  }
}

export async function writeSources(dir: string, sources: SourcesFile): Promise<void> {
  await writeJsonFileAtomic(join(dir, FILES.sources), sources);
}
