import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge-base.js';

/** Longer texts are cut (the UI shows a document, it does not need megabytes at once). */
const MAX_TEXT = 200_000;

const GetDocumentOutput = z.object({
  id: z.string(),
  title: z.string(),
  path: z.string(),
  source: z.string(),
  format: z.enum(['markdown', 'text', 'html', 'code']),
  category: z.string(),
  tags: z.array(z.string()),
  modifiedAt: z.string().describe('ISO time of the indexed version.'),
  size: z.number().int().describe('File size in bytes.'),
  text: z
    .string()
    .describe('The indexed text (Markdown, plain text, HTML as text, or code); snippet offsets refer to it.'),
  truncated: z.boolean(),
});

export function registerGetDocument(server: TaskServer, knowledge: () => Promise<KnowledgeBase>): void {
  server.tool({
    name: 'get_document',
    title: 'Get a document',
    description: `Returns an indexed document: its metadata and its text (first ${MAX_TEXT.toLocaleString('en-US')} characters).`,
    input: z.strictObject({
      id: z.string().min(1).describe('The id of a search_documents result (the file path).'),
    }),
    output: GetDocumentOutput,
    annotations: { readOnlyHint: true },
    async run(args) {
      const doc = await (await knowledge()).document(args.id);
      const truncated = doc.text.length > MAX_TEXT;
      const output: z.output<typeof GetDocumentOutput> = {
        id: doc.path,
        title: doc.title,
        path: doc.path,
        source: doc.source,
        format: doc.format,
        category: doc.category,
        tags: doc.tags,
        modifiedAt: new Date(doc.mtimeMs).toISOString(),
        size: doc.size,
        text: truncated ? doc.text.slice(0, MAX_TEXT) : doc.text,
        truncated,
      };
      return textResult(
        `# ${doc.title}\n${doc.path}\n\n${output.text}${truncated ? '\n…(truncated)' : ''}`,
        output,
      );
    },
  });
}
