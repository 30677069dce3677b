/**
 * What the user does, as functions: each calls the host API, and turns a failure into an
 * error toast that says what went wrong (the API's message names the field or the reason).
 */

import { formatBytes } from '@taskdeck/client/format';
import {
  type InputResponse,
  type StartTool,
  type TaskSummary,
  TERMINAL_TASK_STATUSES,
} from '@taskdeck/contract';
import { taskLabel } from '@taskdeck/contract/task-words';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { useStore } from './store';

/** File names analyze_csv reads: the drop zone and the sample-data view offer only these. */
export const CSV_NAME = /\.(csv|tsv|tab|txt)$/i;

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

export async function cancelTask(task: TaskSummary): Promise<void> {
  try {
    await taskdeck().cancelTask(task.id);
  } catch (error) {
    fail(`Could not cancel ${taskLabel(task)}`, error);
  }
}

/** Cancels after asking (the keyboard shortcut: a key is easier to press by mistake than a button). */
export function confirmCancelTask(task: TaskSummary): void {
  if (TERMINAL_TASK_STATUSES.has(task.status)) return;
  useStore.getState().openDialog({
    kind: 'confirm',
    confirmation: {
      title: 'Cancel this task?',
      message: `${taskLabel(task)} on ${task.server} stops; what it did so far may be rolled back or left half done, as the server decides.`,
      confirmLabel: 'Cancel task',
      onConfirm: () => void cancelTask(task),
    },
  });
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

/**
 * Stop or restart a server, asking first when tasks run on it: they fail with it. Returns a
 * promise that settles when the action is done, or at once when it waits for the answer.
 */
export function requestServerAction(action: 'start' | 'stop' | 'restart', name: string): Promise<void> {
  const { monitor, openDialog } = useStore.getState();
  const running = [...monitor.tasks.values()].filter(
    (task) => task.server === name && !TERMINAL_TASK_STATUSES.has(task.status),
  ).length;
  if (action === 'start' || running === 0) return serverAction(action, name);
  const verb = action === 'stop' ? 'Stop' : 'Restart';
  openDialog({
    kind: 'confirm',
    confirmation: {
      title: `${verb} ${name}?`,
      message: `${running === 1 ? '1 task is' : `${running} tasks are`} running on ${name} and will fail.`,
      confirmLabel: `${verb} ${name}`,
      onConfirm: () => void serverAction(action, name),
    },
  });
  return Promise.resolve();
}

async function serverAction(action: 'start' | 'stop' | 'restart', name: string): Promise<void> {
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

/** Scans a folder the user typed or picked (granted by then): scan_project on dev-tools. */
export function scanFolder(directory: string): Promise<string | undefined> {
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
    if (folder) await scanFolder(folder);
  } catch (error) {
    fail('Could not choose a folder', error);
  }
}

/** Electron's native file picker; in the web build, the browser's (the file is then uploaded). */
export async function pickAndProfileCsv(): Promise<void> {
  const api = taskdeck();
  if (!api.electron) {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.csv,.tsv,.tab,.txt,text/csv';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) void profileCsvFile(file);
    });
    input.click();
    return;
  }
  try {
    const [file] = await api.electron.pickFiles({ extensions: ['csv', 'tsv', 'txt'] });
    if (file) await profileCsvPath(file);
  } catch (error) {
    fail('Could not choose a file', error);
  }
}
