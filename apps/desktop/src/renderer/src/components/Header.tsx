import { pickAndProfileCsv, pickAndScanFolder } from '../state/actions';
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
  return (
    <header className="border-b border-neutral-200 dark:border-neutral-800">
      <div className="flex items-center gap-3 px-4 py-1.5">
        <h1 className="text-lg font-semibold tracking-tight">Taskdeck</h1>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Button onClick={() => void pickAndProfileCsv()}>Profile a CSV…</Button>
          <Button onClick={() => void pickAndScanFolder()}>Scan a folder…</Button>
          <Button variant="primary" aria-keyshortcuts="n" onClick={() => openDialog({ kind: 'launcher' })}>
            New task…
          </Button>
          <Button
            variant="ghost"
            aria-label="Keyboard shortcuts"
            aria-keyshortcuts="?"
            title="Keyboard shortcuts (?)"
            onClick={() => openDialog({ kind: 'shortcuts' })}
          >
            ?
          </Button>
        </div>
      </div>
      <ConnectionBanner />
    </header>
  );
}
