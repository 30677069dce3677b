/**
 * Opening CSV files with Taskdeck (file association, "Open With", drag onto the icon): the
 * paths arrive in argv (Windows, Linux; a second launch forwards its argv) or through macOS's
 * `open-file` event. Each file is granted as a root and profiled with analyze_csv. No Electron
 * import, so the logic is unit-tested without the binary.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerInfo, StartTool } from '@taskdeck/contract';
import { delay } from '@taskdeck/node-common/environment';

/** The extensions electron-builder.yml associates with Taskdeck. */
const CSV_FILE = /\.csv$/i;

export function isCsvPath(path: string): boolean {
  return CSV_FILE.test(path);
}

/**
 * A command-line argument as a path. Linux desktops launch "Open With" as `Exec=… %U`, so a
 * file arrives as a `file:` URL; a URL that names no local file (another host) is kept as
 * typed, and opening it then fails with its name in the message.
 */
function argPath(arg: string, cwd: string): string {
  if (/^file:/i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return arg;
    }
  }
  return isAbsolute(arg) ? arg : resolve(cwd, arg);
}

/**
 * The CSV files named on a command line. `argv` is the whole process argv: the executable
 * (and, unpackaged, the app path) never ends in .csv; Chromium switches start with `-`.
 * Relative paths are resolved against `cwd`, the directory the launch happened in.
 */
export function csvPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const paths = argv
    .slice(1)
    .filter((arg) => !arg.startsWith('-'))
    .map((arg) => argPath(arg, cwd))
    .filter(isCsvPath);
  return [...new Set(paths)];
}

/** What the opener needs from the hub. */
export interface CsvHub {
  servers(): ServerInfo[];
  grantRoots(paths: string[]): Promise<string[]>;
  startTool(request: StartTool): Promise<{ taskId: string }>;
}

export const ANALYZE_CSV = { server: 'analytics', tool: 'analyze_csv' } as const;

export interface CsvOpenerOptions {
  /** How long to wait for the analytics server to list its tools (it starts with the app). */
  readyTimeoutMs?: number;
  pollMs?: number;
  onError?: (path: string, error: Error) => void;
}

/**
 * Queues files opened before the hub exists, then profiles each one once analytics is ready.
 * Files arrive one by one on macOS, so every call is independent.
 */
export class CsvOpener {
  private hub: CsvHub | undefined;
  private readonly pending: string[] = [];
  private closed = false;

  constructor(private readonly options: CsvOpenerOptions = {}) {}

  /** Called once the hub has started: opens what was queued. */
  attach(hub: CsvHub): Promise<void> {
    this.hub = hub;
    return this.open(this.pending.splice(0));
  }

  /** Profiles each file now, or when the hub is attached. */
  async open(paths: readonly string[]): Promise<void> {
    const hub = this.hub;
    if (this.closed) return;
    if (!hub) {
      this.pending.push(...paths);
      return;
    }
    await Promise.all(paths.map((path) => this.profile(hub, path)));
  }

  /**
   * The app is quitting: queued files are dropped and files still being opened end quietly
   * (the hub refuses new tasks while it shuts down; that is no error to show the user).
   */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  private async profile(hub: CsvHub, filePath: string): Promise<void> {
    try {
      await hub.grantRoots([filePath]);
      await this.analyticsReady(hub);
      if (!this.closed) await hub.startTool({ ...ANALYZE_CSV, arguments: { filePath } });
    } catch (error) {
      if (this.closed) return;
      this.options.onError?.(filePath, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async analyticsReady(hub: CsvHub): Promise<void> {
    const { readyTimeoutMs = 30_000, pollMs = 200 } = this.options;
    const deadline = Date.now() + readyTimeoutMs;
    while (!this.closed) {
      const server = hub.servers().find((s) => s.name === ANALYZE_CSV.server);
      if (server?.tools.some((tool) => tool.name === ANALYZE_CSV.tool)) return;
      if (Date.now() >= deadline) {
        const why = server?.error ?? (server ? `it is ${server.status}` : 'it is not configured');
        throw new Error(`The ${ANALYZE_CSV.server} server is not ready: ${why}.`);
      }
      await delay(pollMs);
    }
  }
}
