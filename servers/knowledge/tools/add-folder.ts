import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge-base.js';
import { plural } from '../plural.js';

const AddFolderOutput = z.object({
  folder: z.string().describe('The folder indexed (real path).'),
  documents: z.number().int().describe('Documents now indexed from it.'),
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
  skipped: z.number().int().describe('Files left out: binary, over 2 MiB, symbolic links, unreadable.'),
  alreadyIndexed: z
    .boolean()
    .describe('True when the folder was already indexed (itself or inside another folder).'),
  absorbed: z.array(z.string()).describe('Indexed folders inside this one, now part of it.'),
});

export function registerAddFolder(server: TaskServer, knowledge: () => Promise<KnowledgeBase>): void {
  server.taskTool({
    name: 'add_folder',
    title: 'Add a folder to search',
    description:
      'Indexes the Markdown, plain text, HTML (text only) and source files under a folder, so search_documents finds them. ' +
      'Progress counts files; cancelling leaves the index as it was. Hidden folders, node_modules and files over 2 MiB are skipped. ' +
      'Adding a folder that is already indexed brings it up to date.',
    input: z.strictObject({
      path: z
        .string()
        .describe('Absolute path of the folder; it must be inside the folders you granted (MCP roots).'),
    }),
    output: AddFolderOutput,
    taskSupport: 'required',
    async run(args, ctx) {
      const base = await knowledge();
      const result = await base.addFolder(args.path, ctx);
      const output: z.output<typeof AddFolderOutput> = result;
      const text = result.alreadyIndexed
        ? `${args.path} is already indexed as part of ${result.folder}; brought up to date: ${result.added} added, ${result.updated} updated, ${result.removed} removed.`
        : result.documents === 0
          ? `Added ${result.folder}, but it holds no Markdown, text, HTML or source files yet; files added later are indexed on the next search.`
          : `Indexed ${plural(result.documents, 'document')} from ${result.folder}` +
            (result.skipped > 0 ? ` (${plural(result.skipped, 'file')} skipped).` : '.');
      return textResult(text, output);
    },
  });
}
