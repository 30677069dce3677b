import { useEffect, useState } from 'react';
import type { AppInfo } from '../../contract/api';

type Host =
  | { kind: 'web' }
  | { kind: 'electron-loading' }
  | { kind: 'electron'; info: AppInfo }
  | { kind: 'electron-error'; message: string };

function initialHost(): Host {
  return window.taskdeck ? { kind: 'electron-loading' } : { kind: 'web' };
}

function describeHost(host: Host): string {
  switch (host.kind) {
    case 'web':
      return 'web host';
    case 'electron-loading':
      return 'Electron';
    case 'electron':
      return `Electron, Taskdeck ${host.info.version} on ${host.info.platform}`;
    case 'electron-error':
      return `Electron (app info unavailable: ${host.message})`;
  }
}

export function App() {
  const [host, setHost] = useState<Host>(initialHost);

  useEffect(() => {
    const api = window.taskdeck;
    if (!api) return;
    let active = true;
    api.appInfo().then(
      (info) => {
        if (active) setHost({ kind: 'electron', info });
      },
      (error: unknown) => {
        if (active)
          setHost({
            kind: 'electron-error',
            message: error instanceof Error ? error.message : String(error),
          });
      },
    );
    return () => {
      active = false;
    };
  }, []);

  return (
    <div className="min-h-screen bg-white text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100">
      <header className="border-b border-neutral-200 px-6 py-4 dark:border-neutral-800">
        <h1 className="text-lg font-semibold tracking-tight">Taskdeck</h1>
      </header>
      <main className="max-w-2xl space-y-3 px-6 py-8">
        <p className="text-neutral-700 dark:text-neutral-300">
          The live monitor for long-running MCP tasks arrives in a later version.
        </p>
        <p className="text-sm text-neutral-500 dark:text-neutral-400">
          Running in: <span data-testid="host">{describeHost(host)}</span>
        </p>
      </main>
    </div>
  );
}
