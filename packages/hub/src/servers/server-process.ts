import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface SpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StopTimings {
  /** After closing stdin, how long the server may take to exit by itself. */
  stdinGraceMs: number;
  /** After SIGTERM, how long before SIGKILL. */
  termGraceMs: number;
}

export const DEFAULT_STOP_TIMINGS: StopTimings = { stdinGraceMs: 1500, termGraceMs: 2000 };

/**
 * A server child in its own process group (POSIX), so stopping it also stops whatever
 * it spawned (`npx` wrappers, shells). Stop escalates: close stdin, then SIGTERM, then
 * SIGKILL, each to the whole group.
 */
export class ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<ExitInfo>;
  /** Set when the command could not be started at all (not found, not executable). */
  spawnError: Error | undefined;
  private exitInfo: ExitInfo | undefined;

  constructor(spec: SpawnSpec) {
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    this.exited = new Promise((resolve) => {
      // 'close' waits for the stdio streams too, so the last stderr line is in.
      this.child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.child.once('error', (error) => {
        // spawn failure (ENOENT...): there will be no 'close' with streams for some errors.
        if (this.child.pid === undefined) {
          this.exitInfo = { code: null, signal: null };
          this.spawnError = error;
          resolve(this.exitInfo);
        }
      });
    });
    // A server that dies while we write must not crash the hub (EPIPE).
    this.child.stdin.on('error', () => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Signals the whole process group; falls back to the child alone. */
  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.hasExited) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  async stop(timings: StopTimings = DEFAULT_STOP_TIMINGS): Promise<ExitInfo> {
    if (this.hasExited) {
      // The leader is gone but helpers it spawned may linger in the group.
      this.signalGroup('SIGKILL');
      return this.exited;
    }
    this.child.stdin.end();
    if (await this.exitsWithin(timings.stdinGraceMs)) return this.finishGroup();
    this.signalGroup('SIGTERM');
    if (await this.exitsWithin(timings.termGraceMs)) return this.finishGroup();
    this.signalGroup('SIGKILL');
    return this.finishGroup();
  }

  private async finishGroup(): Promise<ExitInfo> {
    const info = await this.exited;
    // Sweep any process left in the group after the leader exited.
    const pid = this.child.pid;
    if (pid !== undefined && process.platform !== 'win32') {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // No such group: nothing left.
      }
    }
    return info;
  }

  /** Whether the process exits within `ms` (it is left running either way). */
  exitsWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export function describeExit(info: ExitInfo): string {
  if (info.signal) return `killed by ${info.signal}`;
  if (info.code === null) return 'exited';
  return `exited with code ${info.code}`;
}
