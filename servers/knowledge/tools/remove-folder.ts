import { type TaskServer, textResult } from '@taskdeck/task-runtime/task-server';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge-base.js';
import { plural } from '../plural.js';

const RemoveFolderOutput = z.object({
  folder: z.string(),
  removed: z.number().int().describe('Documents removed from the index.'),
});

export function registerRemoveFolder(server: TaskServer, knowledge: () => Promise<KnowledgeBase>): void {
  server.tool({
    name: 'remove_folder',
    title: 'Remove a folder from search',
    description:
      'Removes a folder added with add_folder and its documents from the index. The files themselves are not touched.',
    input: z.strictObject({
      path: z.string().describe('The folder as listed by list_sources (or as given to add_folder).'),
    }),
    output: RemoveFolderOutput,
    annotations: { destructiveHint: false, idempotentHint: false },
    async run(args) {
      const result = await (await knowledge()).removeFolder(args.path);
      return textResult(
        `Removed ${result.folder} (${plural(result.removed, 'document')}) from the index.`,
        result,
      );
    },
  });
}
