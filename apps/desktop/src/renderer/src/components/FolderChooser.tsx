import type { PathCompletion } from '@taskdeck/contract';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage } from '../lib/format';
import { scanFolder } from '../state/actions';
import { useStore } from '../state/store';
import { Dialog } from './Dialog';
import { Button, ErrorText } from './ui';

/** The folder the completions list: everything up to the last separator. */
function completionsOf(completion: PathCompletion | undefined) {
  return completion?.entries.filter((entry) => entry.kind === 'directory') ?? [];
}

/**
 * The web build's folder choice: a browser cannot hand out folder paths, so the user types
 * one, with completion from the web host (limited to the home folder and granted folders).
 * Tab or → takes the highlighted suggestion; Enter scans the typed folder.
 */
export function FolderChooser() {
  const openDialog = useStore((s) => s.openDialog);
  const [path, setPath] = useState('~/');
  const [completion, setCompletion] = useState<PathCompletion>();
  const [active, setActive] = useState(0);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const listId = useId();
  const close = () => openDialog(null);
  const suggestions = completionsOf(completion);

  useEffect(() => {
    const web = taskdeck().web;
    if (!web || path.trim() === '') return;
    let current = true;
    const timer = setTimeout(() => {
      web.completePath(path).then(
        (result) => {
          if (!current) return;
          setCompletion(result);
          setActive(0);
        },
        (error: unknown) =>
          current &&
          setCompletion({
            resolved: null,
            directory: null,
            entries: [],
            truncated: false,
            error: errorMessage(error),
          }),
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path]);

  function take(index: number) {
    const entry = suggestions[index];
    if (entry) setPath(`${entry.path}/`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (suggestions.length === 0) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => Math.min(suggestions.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if ((event.key === 'Tab' && !event.shiftKey) || event.key === 'ArrowRight') {
      const input = event.currentTarget;
      if (event.key === 'ArrowRight' && input.selectionStart !== input.value.length) return;
      event.preventDefault();
      take(active);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const folder = path.trim().replace(/(.)[\\/]+$/, '$1');
    if (!folder) return;
    setBusy(true);
    setFailure(undefined);
    let absolute: string;
    try {
      // The host expands ~ (it knows the home folder of the machine the hub runs on).
      const resolved = (await taskdeck().web?.completePath(folder))?.resolved;
      if (!resolved) throw new Error('Type an absolute path, such as ~/projects or /home/me/project');
      absolute = resolved.replace(/(.)[\\/]+$/, '$1');
      await taskdeck().grantRoots([absolute]);
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
      return;
    }
    close();
    await scanFolder(absolute);
  }

  return (
    <Dialog title="Scan a project folder" onCancel={close} testId="folder-chooser">
      <form onSubmit={submit} noValidate className="space-y-3">
        <label className="block space-y-1 text-sm font-medium">
          <span className="block">Folder path on the machine running Taskdeck</span>
          <input
            aria-controls={listId}
            value={path}
            onChange={(event) => setPath(event.target.value)}
            onKeyDown={onKeyDown}
            spellCheck={false}
            autoComplete="off"
            className="w-full rounded-md border border-neutral-300 bg-white px-2.5 py-1.5 font-mono text-sm dark:border-neutral-700 dark:bg-neutral-950 focus-visible:outline-2 focus-visible:outline-sky-500"
          />
        </label>
        {/* Why nothing is suggested here: a note, not a warning (any folder typed can be scanned). */}
        {completion?.error && (
          <p className="text-xs text-neutral-600 dark:text-neutral-400" data-testid="completion-note">
            {completion.error}
          </p>
        )}
        <ul
          id={listId}
          aria-label="Matching folders"
          className="max-h-56 overflow-y-auto rounded-md border border-neutral-200 dark:border-neutral-800"
        >
          {suggestions.length === 0 ? (
            <li className="px-3 py-2 text-xs text-neutral-500">No matching folders.</li>
          ) : (
            suggestions.map((entry, index) => (
              <li key={entry.path}>
                <button
                  type="button"
                  onClick={() => take(index)}
                  className={`block w-full truncate px-3 py-1 text-left font-mono text-xs ${index === active ? 'bg-sky-100 dark:bg-sky-900' : 'hover:bg-neutral-100 dark:hover:bg-neutral-800'}`}
                >
                  {entry.path}/
                </button>
              </li>
            ))
          )}
          {completion?.truncated && (
            <li className="px-3 py-1 text-xs text-neutral-600 dark:text-neutral-400">
              More folders match: keep typing.
            </li>
          )}
        </ul>
        <p className="text-xs text-neutral-600 dark:text-neutral-400" data-testid="grant-note">
          Tab completes, Enter scans. Scanning lets the servers read{' '}
          <span className="font-mono">
            {completion?.resolved?.replace(/(.)[\\/]+$/, '$1') ?? 'this folder'}
          </span>{' '}
          and nothing else of your disk; take it back any time under Granted.
        </p>
        {failure && <ErrorText>{failure}</ErrorText>}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={busy}>
            Scan folder
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
