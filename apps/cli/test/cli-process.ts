import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI (npm run build, or the vitest global setup). */
export const CLI = resolve(import.meta.dirname, '..', '..', '..', 'out', 'cli', 'taskdeck.js');

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit code, or -1 when a signal ended it. */
  exited: Promise<number | null>;
}

/** Runs `taskdeck <args>` on a data dir, with only PATH and the Taskdeck settings given. */
export function runCli(
  args: string[],
  options: { dataDir: string; timeScale?: string; stdin?: string },
): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH,
      TASKDECK_DATA_DIR: options.dataDir,
      ...(options.timeScale !== undefined && { TASKDECK_TIME_SCALE: options.timeScale }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
