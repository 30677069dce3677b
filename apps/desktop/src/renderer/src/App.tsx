import { useEffect, useLayoutEffect } from 'react';
import { taskdeck } from './api/taskdeck';
import { DropZone } from './components/DropZone';
import { FolderChooser } from './components/FolderChooser';
import { Header } from './components/Header';
import { InputRequestDialog } from './components/InputRequestDialog';
import { Launcher } from './components/Launcher';
import { Notices } from './components/Notices';
import { ServersPanel } from './components/ServersPanel';
import { TaskDetailPane } from './components/TaskDetailPane';
import { TaskList } from './components/TaskList';
import { Toasts } from './components/Toasts';
import { perf } from './lib/perf';
import { useStore } from './state/store';

function Dialogs() {
  const dialog = useStore((s) => s.dialog);
  if (dialog?.kind === 'launcher')
    return <Launcher initialServer={dialog.server} initialTool={dialog.tool} />;
  if (dialog?.kind === 'choose-folder') return <FolderChooser />;
  return null;
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

  return (
    <div
      className="flex h-screen flex-col bg-neutral-50 text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100"
      data-testid="app"
    >
      <Header />
      <Notices />
      <div className="flex min-h-0 flex-1">
        <div className="hidden w-72 shrink-0 border-r border-neutral-200 md:block dark:border-neutral-800">
          <ServersPanel />
        </div>
        <main className="flex min-h-0 min-w-0 flex-1">
          <div
            className={`min-h-0 min-w-0 flex-1 bg-white dark:bg-neutral-900 ${selectedTaskId ? 'hidden lg:block' : ''}`}
          >
            <TaskList />
          </div>
          {selectedTaskId && (
            <div className="min-h-0 w-full border-l border-neutral-200 bg-white lg:w-[48%] lg:max-w-3xl dark:border-neutral-800 dark:bg-neutral-900">
              <TaskDetailPane key={selectedTaskId} taskId={selectedTaskId} />
            </div>
          )}
        </main>
      </div>
      <Dialogs />
      <InputRequestDialog />
      <DropZone />
      <Toasts />
      {perf.enabled && <PerfProbe />}
    </div>
  );
}
