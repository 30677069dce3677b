import { useEffect, useLayoutEffect } from 'react';
import { taskdeck } from './api/taskdeck';
import { ConfirmDialog } from './components/ConfirmDialog';
import { DropZone } from './components/DropZone';
import { FolderChooser } from './components/FolderChooser';
import { Header } from './components/Header';
import { InputRequestDialog, QuestionQueue } from './components/InputRequestDialog';
import { Launcher } from './components/Launcher';
import { Notices } from './components/Notices';
import { ServersPanel } from './components/ServersPanel';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { TaskDetailPane } from './components/TaskDetailPane';
import { TaskList } from './components/TaskList';
import { Toasts } from './components/Toasts';
import { perf } from './lib/perf';
import { useMediaQuery } from './lib/use-media-query';
import { useStore } from './state/store';
import { useShortcuts } from './state/use-shortcuts';

/** The one open dialog (store.dialog): a question waits while another dialog is open. */
function Dialogs() {
  const dialog = useStore((s) => s.dialog);
  switch (dialog?.kind) {
    case 'launcher':
      return <Launcher initialServer={dialog.server} initialTool={dialog.tool} />;
    case 'choose-folder':
      return <FolderChooser />;
    case 'question':
      return <InputRequestDialog />;
    case 'confirm':
      return <ConfirmDialog confirmation={dialog.confirmation} />;
    case 'shortcuts':
      return <ShortcutsHelp />;
    default:
      return null;
  }
}

/** bench/ui: the commit that shows a hub event ends its measured time. Its own component, so
 * that the App shell does not re-render on every batch. */
function PerfProbe() {
  const version = useStore((s) => s.monitor.version);
  useLayoutEffect(() => {
    if (version > 0) perf.committed();
  }, [version]);
  return null;
}

export function App() {
  const selectedTaskId = useStore((s) => s.selectedTaskId);
  const loaded = useStore((s) => s.monitor.loaded);
  // Tailwind's md: the servers column shows, and the toasts sit under it.
  const wide = useMediaQuery('(min-width: 768px)');
  useShortcuts();
  useEffect(() => {
    const api = taskdeck();
    const { receive, setConnection } = useStore.getState();
    const stopConnection = api.onConnection(setConnection);
    const stopEvents = api.onEvent(receive);
    return () => {
      stopEvents();
      stopConnection();
    };
  }, []);
  const detailOpen = loaded && selectedTaskId !== null;

  return (
    <div
      className="flex h-screen flex-col bg-neutral-50 text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100"
      data-testid="app"
    >
      <Header />
      <Notices />
      <div className="flex min-h-0 flex-1">
        {wide && (
          <div className="flex w-56 shrink-0 flex-col border-r border-neutral-200 xl:w-64 dark:border-neutral-800">
            <div className="min-h-0 flex-1">
              <ServersPanel />
            </div>
            <Toasts />
          </div>
        )}
        <main className="flex min-h-0 min-w-0 flex-1">
          {/* Beside the detail only where both stay usable; a narrower window shows one at a time. */}
          <div
            className={`min-h-0 min-w-0 flex-1 bg-white dark:bg-neutral-900 ${detailOpen ? 'hidden lg:block' : ''}`}
          >
            <TaskList />
          </div>
          {detailOpen && (
            <div className="min-h-0 w-full border-l border-neutral-200 bg-white lg:w-[46%] lg:max-w-3xl dark:border-neutral-800 dark:bg-neutral-900">
              <TaskDetailPane key={selectedTaskId} taskId={selectedTaskId} />
            </div>
          )}
        </main>
      </div>
      <Dialogs />
      <QuestionQueue />
      <DropZone />
      {!wide && <Toasts floating />}
      {perf.enabled && <PerfProbe />}
    </div>
  );
}
