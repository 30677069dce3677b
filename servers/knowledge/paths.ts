import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '@taskdeck/node-common/environment';

/**
 * The bundled guides: `TASKDECK_KNOWLEDGE_DIR`, else `resources/knowledge` two levels
 * above this file (out/servers/knowledge.js when built, servers/knowledge/ in tests).
 */
export function guidesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TASKDECK_KNOWLEDGE_DIR) return resolve(env.TASKDECK_KNOWLEDGE_DIR);
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'knowledge');
}

/** Where the index and the list of added folders live (data-files.ts). */
export function indexDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'knowledge');
}
