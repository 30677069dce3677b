import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where servers keep their state: `TASKDECK_DATA_DIR`, else the per-user app-data
 * folder Electron uses for Taskdeck (so the app and a server run alone share state).
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.TASKDECK_DATA_DIR) return env.TASKDECK_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Taskdeck');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Taskdeck');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Taskdeck');
}

/**
 * Multiplier for simulated durations (`TASKDECK_TIME_SCALE`, default 1 = realistic
 * seconds; tests use small values). A bad value is reported and ignored.
 */
export function timeScale(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => {},
): number {
  const raw = env.TASKDECK_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    warn(`TASKDECK_TIME_SCALE=${JSON.stringify(raw)} is not a non-negative number; using 1`);
    return 1;
  }
  return value;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
