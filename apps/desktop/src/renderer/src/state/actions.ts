/**
 * What the user does, as functions: each calls the host API, and turns a failure into an
 * error toast that says what went wrong (the API's message names the field or the reason).
 */

import { formatBytes } from '@taskdeck/client/format';
import type { InputResponse, StartTool } from '@taskdeck/contract';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { useStore } from './store';

const CSV_NAME = /\.(csv|tsv|tab|txt)$/i;

function fail(title: string, error: unknown): undefined {
  useStore.getState().toast({ kind: 'error', title, body: errorMessage(error) });
  return undefined;
}

/** Starts a tool and selects its task; undefined (and a toast) when it could not start. */
export async function startTool(request: StartTool): Promise<string | undefined> {
  try {
    const { taskId } = await taskdeck().startTool(request);
    useStore.getState().select(taskId);
    return taskId;
  } catch (error) {
    return fail(`Could not start ${request.tool}`, error);
  }
}

export async function cancelTask(taskId: string, tool: string): Promise<void> {
  try {
    await taskdeck().cancelTask(taskId);
  } catch (error) {
    fail(`Could not cancel ${tool}`, error);
  }
}

export async function respondToInput(taskId: string, response: InputResponse): Promise<boolean> {
  try {
    await taskdeck().respondToInput(taskId, response);
    return true;
  } catch (error) {
    fail('Could not send the answer', error);
    return false;
  }
}

export async function serverAction(action: 'start' | 'stop' | 'restart', name: string): Promise<void> {
  const api = taskdeck();
  try {
    if (action === 'start') await api.startServer(name);
    else if (action === 'stop') await api.stopServer(name);
    else await api.restartServer(name);
  } catch (error) {
    fail(`Could not ${action} ${name}`, error);
  }
}

/** Removes one of the user's servers (the hub deletes its entry from servers.json). */
export async function removeServer(name: string): Promise<void> {
  try {
    await taskdeck().removeServer(name);
  } catch (error) {
    fail(`Could not remove ${name}`, error);
  }
}

/**
 * Starts signing in to a remote server and opens the authorization server's page in the
 * browser (Electron hands http(s) pages to the system browser); resolves with its URL, or
 * undefined (and a toast) when the sign-in could not start.
 */
export async function signIn(name: string): Promise<string | undefined> {
  try {
    const { authorizationUrl } = await taskdeck().signIn(name);
    const { protocol } = new URL(authorizationUrl);
    if (protocol === 'https:' || protocol === 'http:')
      window.open(authorizationUrl, '_blank', 'noopener,noreferrer');
    return authorizationUrl;
  } catch (error) {
    return fail(`Could not sign in to ${name}`, error);
  }
}

export async function signOut(name: string): Promise<void> {
  try {
    await taskdeck().signOut(name);
  } catch (error) {
    fail(`Could not sign out of ${name}`, error);
  }
}

/** Profiles a CSV file from disk (Electron) or uploaded (web): analyze_csv on analytics. */
export async function profileCsvFile(file: File): Promise<void> {
  const { toast, dismissToast } = useStore.getState();
  if (!CSV_NAME.test(file.name)) {
    toast({
      kind: 'error',
      title: `${file.name} is not a CSV file`,
      body: 'Drop a .csv, .tsv or .txt file to profile it.',
    });
    return;
  }
  const api = taskdeck();
  const toastId =
    api.host === 'web'
      ? toast({ kind: 'info', title: `Uploading ${file.name}`, body: formatBytes(file.size), progress: 0 })
      : undefined;
  let path: string;
  try {
    path = await api.importFile(file, (sent, total) => {
      if (toastId !== undefined)
        toast({
          id: toastId,
          kind: 'info',
          title: `Uploading ${file.name}`,
          body: `${formatBytes(sent)} of ${formatBytes(total)}`,
          progress: total > 0 ? sent / total : 0,
        });
    });
  } catch (error) {
    fail(`Could not open ${file.name}`, error);
    return;
  } finally {
    if (toastId !== undefined) dismissToast(toastId);
  }
  await profileCsvPath(path);
}

export function profileCsvPath(filePath: string): Promise<string | undefined> {
  return startTool({ server: 'analytics', tool: 'analyze_csv', arguments: { filePath } });
}

/** Grants a folder typed or picked by the user, then scans it: scan_project on dev-tools. */
export async function scanFolder(directory: string, alreadyGranted = false): Promise<string | undefined> {
  if (!alreadyGranted) {
    try {
      await taskdeck().grantRoots([directory]);
    } catch (error) {
      return fail(`Could not open ${directory}`, error);
    }
  }
  return startTool({ server: 'dev-tools', tool: 'scan_project', arguments: { directory } });
}

/** Electron's native folder picker, then a scan; the web build asks for a typed path instead. */
export async function pickAndScanFolder(): Promise<void> {
  const api = taskdeck();
  if (!api.electron) {
    useStore.getState().openDialog({ kind: 'choose-folder' });
    return;
  }
  try {
    const folder = await api.electron.pickFolder();
    if (folder) await scanFolder(folder, true);
  } catch (error) {
    fail('Could not choose a folder', error);
  }
}

export async function pickAndProfileCsv(): Promise<void> {
  const api = taskdeck();
  if (!api.electron) {
    useStore.getState().openDialog({ kind: 'choose-csv' });
    return;
  }
  try {
    const [file] = await api.electron.pickFiles({ extensions: ['csv', 'tsv', 'txt'] });
    if (file) await profileCsvPath(file);
  } catch (error) {
    fail('Could not choose a file', error);
  }
}
