import type { ServerInfo } from '@taskdeck/contract';
import { useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage, formatClock, formatDuration } from '../lib/format';
import { useNow } from '../lib/use-now';
import { removeServer, serverAction } from '../state/actions';
import { useStore } from '../state/store';
import { AddServerForm } from './AddServerForm';
import { ServerSignIn } from './ServerSignIn';
import { Button, ServerBadge } from './ui';

function ServerCard({ server, now }: { server: ServerInfo; now: number }) {
  const [busy, setBusy] = useState(false);
  const crash = useStore((s) => s.monitor.crashes.get(server.name));
  const openDialog = useStore((s) => s.openDialog);
  const run = async (action: 'start' | 'stop' | 'restart') => {
    setBusy(true);
    await serverAction(action, server.name);
    setBusy(false);
  };
  const [confirmRemove, setConfirmRemove] = useState(false);
  const running =
    server.status === 'ready' || server.status === 'starting' || server.status === 'reconnecting';
  const remote = server.transport === 'http' || server.transport === 'sse';
  const remove = async () => {
    setBusy(true);
    await removeServer(server.name);
    setBusy(false);
    setConfirmRemove(false);
  };
  return (
    <li
      data-testid="server"
      data-server={server.name}
      data-pid={server.pid}
      data-status={server.status}
      className="space-y-2 rounded-lg border border-neutral-200 bg-white p-3 dark:border-neutral-800 dark:bg-neutral-900"
    >
      <div className="flex items-center gap-2">
        <h3 className="truncate font-medium">{server.name}</h3>
        <ServerBadge status={server.status} />
      </div>
      {server.url && (
        <p
          data-testid="server-url"
          className="truncate font-mono text-xs text-neutral-500"
          title={server.url}
        >
          {server.transport === 'sse' ? 'HTTP+SSE' : 'HTTP'} · {server.url}
        </p>
      )}
      <p className="text-xs text-neutral-500 dark:text-neutral-400">
        {server.tools.length} {server.tools.length === 1 ? 'tool' : 'tools'}
        {server.pid !== undefined && ` · pid ${server.pid}`}
        {server.status === 'ready' &&
          server.startedAt !== undefined &&
          ` · up ${formatDuration(now - server.startedAt)}`}
        {server.restarts > 0 && ` · ${server.restarts} ${server.restarts === 1 ? 'restart' : 'restarts'}`}
        {server.status === 'idle' && ' · starts on first use'}
      </p>
      {server.error && (
        <p
          data-testid="server-error"
          className="whitespace-pre-wrap break-words rounded bg-red-50 px-2 py-1 text-xs text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {server.error}
        </p>
      )}
      {remote && <ServerSignIn server={server} />}
      {crash && crash.reason !== server.error && (
        <p data-testid="server-last-crash" className="break-words text-xs text-amber-800 dark:text-amber-300">
          Last crash at {formatClock(crash.at)}: {crash.reason}
        </p>
      )}
      <div className="flex flex-wrap gap-1.5">
        {running ? (
          <Button small onClick={() => void run('stop')} disabled={busy} aria-label={`Stop ${server.name}`}>
            Stop
          </Button>
        ) : (
          <Button small onClick={() => void run('start')} disabled={busy} aria-label={`Start ${server.name}`}>
            Start
          </Button>
        )}
        <Button
          small
          onClick={() => void run('restart')}
          disabled={busy}
          aria-label={`Restart ${server.name}`}
        >
          Restart
        </Button>
        {(server.status === 'ready' || server.status === 'idle') && server.tools.length > 0 && (
          <Button small variant="ghost" onClick={() => openDialog({ kind: 'launcher', server: server.name })}>
            Run a tool…
          </Button>
        )}
        {!server.bundled && !confirmRemove && (
          <Button small variant="ghost" onClick={() => setConfirmRemove(true)} disabled={busy}>
            Remove…
          </Button>
        )}
      </div>
      {confirmRemove && (
        <div className="flex flex-wrap items-center gap-1.5 text-xs">
          <span>Remove {server.name} from your servers.json?</span>
          <Button small variant="danger" onClick={() => void remove()} disabled={busy}>
            Remove
          </Button>
          <Button small variant="ghost" onClick={() => setConfirmRemove(false)} disabled={busy}>
            Keep
          </Button>
        </div>
      )}
      <details className="text-xs">
        <summary className="cursor-pointer select-none text-neutral-500 dark:text-neutral-400">
          {remote ? 'connection log' : 'stderr'} ({server.stderrTail.length}{' '}
          {server.stderrTail.length === 1 ? 'line' : 'lines'})
        </summary>
        {server.stderrTail.length === 0 ? (
          <p className="mt-1 text-neutral-500">
            {remote ? 'Nothing logged yet.' : 'Nothing written to stderr.'}
          </p>
        ) : (
          <pre
            data-testid="server-stderr"
            className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-neutral-100 p-2 font-mono text-[11px] leading-snug dark:bg-neutral-950"
          >
            {server.stderrTail.join('\n')}
          </pre>
        )}
      </details>
    </li>
  );
}

function GrantedRoots() {
  const roots = useStore((s) => s.monitor.roots);
  const toast = useStore((s) => s.toast);
  if (roots.length === 0) {
    return (
      <p className="text-xs text-neutral-500 dark:text-neutral-400">
        No folders or files granted yet: servers can read only what you drop or pick.
      </p>
    );
  }
  return (
    <ul className="space-y-1" aria-label="Granted folders and files">
      {roots.map((root) => (
        <li key={root} className="flex items-center gap-1 text-xs">
          <span className="min-w-0 flex-1 truncate font-mono" title={root}>
            {root}
          </span>
          <Button
            small
            variant="ghost"
            aria-label={`Revoke ${root}`}
            onClick={() =>
              taskdeck()
                .revokeRoot(root)
                .catch((error: unknown) =>
                  toast({ kind: 'error', title: `Could not revoke ${root}`, body: errorMessage(error) }),
                )
            }
          >
            ✕
          </Button>
        </li>
      ))}
    </ul>
  );
}

export function ServersPanel() {
  const servers = useStore((s) => s.monitor.servers);
  const loaded = useStore((s) => s.monitor.loaded);
  const now = useNow(5000);
  const [adding, setAdding] = useState(false);
  return (
    <aside aria-label="Servers" className="flex h-full min-h-0 flex-col gap-4 overflow-y-auto p-3">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
        Servers
      </h2>
      {!loaded ? (
        <p role="status" className="text-sm text-neutral-500">
          Connecting to the hub…
        </p>
      ) : servers.length === 0 ? (
        <p className="text-sm text-neutral-500">No servers configured.</p>
      ) : (
        <ul className="space-y-2">
          {servers.map((server) => (
            <ServerCard key={server.name} server={server} now={now} />
          ))}
        </ul>
      )}
      {loaded &&
        (adding ? (
          <AddServerForm onDone={() => setAdding(false)} />
        ) : (
          <Button small variant="ghost" className="self-start" onClick={() => setAdding(true)}>
            Add a remote server…
          </Button>
        ))}
      <div className="space-y-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-neutral-500 dark:text-neutral-400">
          Granted
        </h2>
        <GrantedRoots />
      </div>
    </aside>
  );
}
