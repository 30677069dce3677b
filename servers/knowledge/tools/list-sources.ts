import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge-base.js';
import { plural } from '../plural.js';

const ListSourcesOutput = z.object({
  sources: z.array(
    z.object({
      path: z.string(),
      kind: z.enum(['guides', 'folder']),
      documents: z.number().int(),
      state: z.enum(['ready', 'indexing', 'unavailable']),
      problem: z.string().optional().describe('Why an unavailable source cannot be searched now.'),
      addedAt: z.number().optional().describe('When the folder was added (ms since the epoch).'),
    }),
  ),
  documents: z.number().int(),
  indexBytes: z.number().int().describe('Size of the saved index on disk.'),
  notices: z.array(z.string()),
});

export function registerListSources(server: TaskServer, knowledge: () => Promise<KnowledgeBase>): void {
  server.tool({
    name: 'list_sources',
    title: 'List searched folders',
    description:
      'Lists the bundled guides and the folders added with add_folder, with their document counts and whether each can be searched now.',
    input: z.strictObject({}),
    output: ListSourcesOutput,
    annotations: { readOnlyHint: true },
    async run() {
      const base = await knowledge();
      const listed = await base.listSources();
      const output: z.output<typeof ListSourcesOutput> = { ...listed, notices: base.takeNotices() };
      const lines = [
        ...output.notices,
        `${plural(output.documents, 'document')} indexed from ${plural(output.sources.length, 'source')}:`,
        ...output.sources.map(
          (s) =>
            `- ${s.kind === 'guides' ? 'Taskdeck guides' : s.path}: ${plural(s.documents, 'document')}, ${s.state}${s.problem ? ` (${s.problem})` : ''}`,
        ),
      ];
      return textResult(lines.join('\n'), output);
    },
  });
}
