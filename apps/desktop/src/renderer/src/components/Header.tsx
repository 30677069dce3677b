import { useRef } from 'react';
import { taskdeck } from '../api/taskdeck';
import { pickAndProfileCsv, pickAndScanFolder, profileCsvFile } from '../state/actions';
import { useStore } from '../state/store';
import { Button } from './ui';

function ConnectionBanner() {
  const connection = useStore((s) => s.connection);
  if (connection.state === 'open') return null;
  const text =
    connection.state === 'connecting'
      ? 'Connecting to Taskdeck…'
      : connection.state === 'refused'
        ? connection.reason
        : `Disconnected from Taskdeck (${connection.reason}). Retrying in ${Math.ceil(connection.retryInMs / 1000)} s; the view below may be out of date.`;
  return (
    <p
      role="status"
      data-testid="connection-banner"
      className="bg-amber-100 px-4 py-1.5 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
    >
      {text}
    </p>
  );
}

export function Header() {
  const openDialog = useStore((s) => s.openDialog);
  const fileInput = useRef<HTMLInputElement>(null);
  const web = taskdeck().host === 'web';
  return (
    <header className="border-b border-neutral-200 dark:border-neutral-800">
      <div className="flex items-center gap-3 px-4 py-2">
        <h1 className="text-lg font-semibold tracking-tight">Taskdeck</h1>
        <span className="hidden text-xs text-neutral-500 sm:inline">MCP task monitor</span>
        <div className="ml-auto flex flex-wrap gap-2">
          <Button onClick={() => (web ? fileInput.current?.click() : void pickAndProfileCsv())}>
            Profile a CSV…
          </Button>
          <Button onClick={() => void pickAndScanFolder()}>Scan a folder…</Button>
          <Button variant="primary" onClick={() => openDialog({ kind: 'launcher' })}>
            New task…
          </Button>
        </div>
        {web && (
          <input
            ref={fileInput}
            type="file"
            accept=".csv,.tsv,.tab,.txt,text/csv"
            className="hidden"
            data-testid="csv-file-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void profileCsvFile(file);
            }}
          />
        )}
      </div>
      <ConnectionBanner />
    </header>
  );
}
