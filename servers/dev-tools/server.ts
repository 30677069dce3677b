import { runServer } from '@taskdeck/task-runtime/main';
import { TaskServer } from '@taskdeck/task-runtime/task-server';
import { registerScanProject } from './scan-project-tool.js';

const instructions =
  'Developer tools over the folders the user granted. scan_project measures a project folder (languages, lines of ' +
  'code/comments/blanks, largest files, TODOs, manifests, generated files); run it as a task for big folders.';

export async function main(workerEntry: URL): Promise<void> {
  const server = new TaskServer({ name: 'dev-tools', version: '0.1.0', title: 'Dev tools', instructions });
  registerScanProject(server, workerEntry);
  await runServer(server);
}
