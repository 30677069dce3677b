import { runServer } from '@taskdeck/task-runtime/main';
import { stderrLog } from '@taskdeck/task-runtime/stderr-log';
import { TaskServer } from '@taskdeck/task-runtime/task-server';
import { KnowledgeBase } from './knowledge-base.js';
import { guidesDir, indexDir } from './paths.js';
import { registerAddFolder } from './tools/add-folder.js';
import { registerGetDocument } from './tools/get-document.js';
import { registerListSources } from './tools/list-sources.js';
import { registerRemoveFolder } from './tools/remove-folder.js';
import { registerSearchDocuments } from './tools/search-documents.js';

const server = new TaskServer({
  name: 'knowledge',
  version: '0.1.0',
  instructions:
    'Full-text search over the Taskdeck guides and folders the user adds. Use search_documents to find passages ' +
    '(it re-indexes changed files first), get_document to read one, add_folder to index a folder (a task with progress), ' +
    'list_sources and remove_folder to manage what is searched.',
});

// Loading starts at once; tools wait for it, so the server answers initialize right away.
const opening = KnowledgeBase.open({
  indexDir: indexDir(),
  guidesDir: guidesDir(),
  resolveFolder: (path) => server.roots.resolve(path, 'directory'),
  log: (level, message) => stderrLog('knowledge', level, message),
});
const knowledge = () => opening;

registerSearchDocuments(server, knowledge);
registerAddFolder(server, knowledge);
registerGetDocument(server, knowledge);
registerListSources(server, knowledge);
registerRemoveFolder(server, knowledge);

await runServer(server, async () => (await opening).flush());
