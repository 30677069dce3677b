import type { ServerInfo } from '@taskdeck/contract';
import { useState } from 'react';
import { taskdeck } from '../api/taskdeck';
import { errorMessage, formatClock, formatDuration, plural } from '../lib/format';
import { grantedList } from '../lib/granted-list';
import { useNow } from '../lib/use-now';
import { removeServer, requestServerAction } from '../state/actions';
import { useStore } from '../state/store';
import { AddServerForm } from './AddServerForm';
import { ServerSignIn } from './ServerSignIn';
import { Button, ScrollingText, ServerBadge } from './ui';

const heading = 'text-xs font-semibold uppercase tracking-wide text-neutral-600 dark:text-neutral-400';

/**
 * One server. A healthy one (ready, or idle until its first use) is a single line (name,
 * status, tools); opening it, or anything wrong with it (not ready, an error, a crash
 * earlier, a sign-in needed), shows the whole card.
 */
function ServerCard({ server, now }: { server: ServerInfo; now: number }) {
  const [busy, setBusy] = useState(false);
  const crash = useStore((s) => s.monitor.crashes.get(server.name));
  const openDialog = useStore((s) => s.openDialog);
  const healthy =
    (server.status === 'ready' || server.status === 'idle') &&
    !server.error &&
    !crash &&
    !server.auth?.needsScopes?.length;
  const [open, setOpen] = useState(false);
  const expanded = open || !healthy;
  const run = async (action: 'start' | 'stop' | 'restart') => {
    setBusy(true);
    await requestServerAction(action, server.name);
    setBusy(false);
  };
  const running =
    server.status === 'ready' || server.status === 'starting' || server.status === 'reconnecting';
  const remote = server.transport === 'http' || server.transport === 'sse';
  const [confirmRemove, setConfirmRemove] = useState(false);
  const remove = async () => {
    setBusy(true);
    await removeServer(server.name);
    setBusy(false);
    setConfirmRemove(false);
  };
  const detailsId = `server-${server.name}-details`;
  return (
    <li
      data-testid="server"
      data-server={server.name}
      data-pid={server.pid}
      data-status={server.status}
      className="rounded-lg border border-neutral-200 bg-white dark:border-neutral-800 dark:bg-neutral-900"
    >
      <h3 className="text-sm">
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={detailsId}
          disabled={!healthy}
          onClick={() => setOpen((o) => !o)}
          className="flex w-full items-center gap-2 rounded-lg px-2.5 py-1.5 text-left focus-visible:outline-2 focus-visible:outline-sky-500 enabled:hover:bg-neutral-50 dark:enabled:hover:bg-neutral-800/60"
        >
          <span aria-hidden="true" className="w-3 text-[10px] text-neutral-500">
            {healthy ? (expanded ? '▾' : '▸') : ''}
          </span>
          <ServerBadge status={server.status} quiet={healthy && server.status === 'ready'} />
          <span className="min-w-0 flex-1 truncate font-medium">{server.name}</span>
          <span className="shrink-0 text-xs text-neutral-600 dark:text-neutral-400">
            {plural(server.tools.length, 'tool')}
            {server.status === 'idle' && ' · starts on first use'}
          </span>
        </button>
      </h3>
      {expanded && (
        <div id={detailsId} className="space-y-2 px-2.5 pb-2.5">
          {server.url && (
            <p
              data-testid="server-url"
              className="truncate font-mono text-xs text-neutral-600 dark:text-neutral-400"
              title={server.url}
            >
              {server.transport === 'sse' ? 'HTTP+SSE' : 'HTTP'} · {server.url}
            </p>
          )}
          <p className="text-xs text-neutral-600 dark:text-neutral-400">
            {server.pid !== undefined && `pid ${server.pid}`}
            {server.status === 'ready' &&
              server.startedAt !== undefined &&
              ` · up ${formatDuration(now - server.startedAt)}`}
            {server.restarts > 0 && ` · ${plural(server.restarts, 'restart')}`}
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
            <p
              data-testid="server-last-crash"
              className="break-words text-xs text-amber-800 dark:text-amber-300"
            >
              Last crash at {formatClock(crash.at)}: {crash.reason}
            </p>
          )}
          <div className="flex flex-wrap gap-1.5">
            {running ? (
              <Button
                small
                onClick={() => void run('stop')}
                disabled={busy}
                aria-label={`Stop ${server.name}`}
              >
                Stop
              </Button>
            ) : (
              <Button
                small
                onClick={() => void run('start')}
                disabled={busy}
                aria-label={`Start ${server.name}`}
              >
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
              <Button
                small
                variant="ghost"
                onClick={() => openDialog({ kind: 'launcher', server: server.name })}
              >
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
            <summary className="cursor-pointer select-none text-neutral-600 dark:text-neutral-400">
              {remote ? 'Connection log' : 'Error output'} ({plural(server.stderrTail.length, 'line')})
            </summary>
            {server.stderrTail.length === 0 ? (
              <p className="mt-1 text-neutral-600 dark:text-neutral-400">
                {remote ? 'Nothing logged yet.' : 'Nothing written to stderr.'}
              </p>
            ) : (
              <ScrollingText
                testId="server-stderr"
                className="mt-1 max-h-48 whitespace-pre-wrap break-words rounded bg-neutral-100 p-2 font-mono text-[11px] leading-snug dark:bg-neutral-950"
              >
                {server.stderrTail.join('\n')}
              </ScrollingText>
            )}
          </details>
        </div>
      )}
    </li>
  );
}

function RevokeButton({ path, name }: { path: string; name: string }) {
  const toast = useStore((s) => s.toast);
  return (
    <Button
      small
      variant="ghost"
      aria-label={`Revoke ${path}`}
      title={`Revoke ${name}`}
      onClick={() =>
        taskdeck()
          .revokeRoot(path)
          .catch((error: unknown) =>
            toast({ kind: 'error', title: `Could not revoke ${name}`, body: errorMessage(error) }),
          )
      }
    >
      ✕
    </Button>
  );
}

/** What the servers may read: Taskdeck's own folders, what the user granted, uploads together. */
function GrantedRoots() {
  const roots = useStore((s) => s.monitor.roots);
  const appFolders = useStore((s) => s.monitor.appFolders);
  const list = grantedList(roots, appFolders);
  return (
    <div className="space-y-2 text-xs">
      <ul className="space-y-1" aria-label="Granted folders and files" data-testid="granted">
        {list.appFolders.map((folder) => (
          <li key={folder.path} className="flex items-center gap-1 py-0.5" title={folder.path}>
            <span className="min-w-0 flex-1 truncate">{folder.label}</span>
            <span className="shrink-0 text-neutral-600 dark:text-neutral-400">always</span>
          </li>
        ))}
        {list.groups.map((group) =>
          group.label ? (
            <li key={group.label}>
              <details>
                <summary className="cursor-pointer select-none py-0.5">{group.label}</summary>
                <ul className="ml-3 space-y-0.5">
                  {group.items.map((item) => (
                    <li key={item.path} className="flex items-center gap-1" title={item.path}>
                      <span className="min-w-0 flex-1 truncate">{item.name}</span>
                      <RevokeButton path={item.path} name={item.name} />
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ) : (
            group.items.map((item) => (
              <li key={item.path} className="flex items-center gap-1" title={item.path}>
                <span className="min-w-0 flex-1 truncate text-left font-mono" dir="rtl">
                  {/* Right-to-left keeps the end of a long path (its folder's name) in view. */}
                  <bdi>{item.name}</bdi>
                </span>
                <RevokeButton path={item.path} name={item.name} />
              </li>
            ))
          ),
        )}
      </ul>
      {roots.length === 0 && (
        <p className="text-neutral-600 dark:text-neutral-400">
          Servers read only the files you drop and the folders you scan or grant.
        </p>
      )}
    </div>
  );
}

export function ServersPanel() {
  const servers = useStore((s) => s.monitor.servers);
  const loaded = useStore((s) => s.monitor.loaded);
  const now = useNow(5000);
  const [adding, setAdding] = useState(false);
  return (
    <aside aria-label="Servers" className="flex h-full min-h-0 flex-col gap-4 overflow-y-auto p-3">
      <div className="space-y-2">
        <h2 className={heading}>Servers</h2>
        {!loaded ? (
          <p role="status" className="text-sm text-neutral-600 dark:text-neutral-400">
            Connecting…
          </p>
        ) : servers.length === 0 ? (
          <p className="text-sm text-neutral-600 dark:text-neutral-400">No servers configured.</p>
        ) : (
          <ul className="space-y-1.5">
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
      </div>
      <div className="space-y-2">
        <h2 className={heading}>Granted</h2>
        <GrantedRoots />
      </div>
    </aside>
  );
}
