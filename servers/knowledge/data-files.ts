import { z } from 'zod';

/**
 * The knowledge server's files under `<dataDir>/knowledge/`:
 * - `sources.json`: the folders the user added (small; written at once on every change);
 * - `index.jsonl`: a header line, the MiniSearch term index, the files skipped as binary,
 *   then one document per line
 *   (lines, not one JSON value, so no single string has to hold every document);
 * Every file is written to a temporary name and renamed: a crash leaves the old one.
 */
export const FILES = {
  sources: 'sources.json',
  index: 'index.jsonl',
} as const;

export const SourcesFileSchema = z.object({
  format: z.literal(1),
  folders: z.array(z.object({ path: z.string(), addedAt: z.number() })),
});
export type SourcesFile = z.infer<typeof SourcesFileSchema>;
