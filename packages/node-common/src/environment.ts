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

/** Idle time after which a server that starts on first use is stopped, when nothing says otherwise. */
export const DEFAULT_SERVER_IDLE_MS = 5 * 60 * 1000;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The bundled servers' idle stop: `--server-idle` / `TASKDECK_SERVER_IDLE` as a duration
 * (`30s`, `5m`, `1h`, `500ms`; a bare number is seconds), default 5 minutes. `0` (or
 * `off`, `never`) means never stop: every server starts with Taskdeck and keeps running,
 * as user servers do. A bad value is reported and the default used.
 */
export function serverIdle(
  text: string | undefined,
  warn: (message: string) => void = () => {},
  source = 'TASKDECK_SERVER_IDLE',
): { stopAfterMs: number } | undefined {
  if (text === undefined || text.trim() === '') return { stopAfterMs: DEFAULT_SERVER_IDLE_MS };
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off' || trimmed === 'never') return undefined;
  const match = DURATION.exec(trimmed);
  if (!match) {
    warn(`${source}=${JSON.stringify(text)} is not a duration such as 30s, 5m or 0; using 5m`);
    return { stopAfterMs: DEFAULT_SERVER_IDLE_MS };
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  return ms === 0 ? undefined : { stopAfterMs: Math.max(1, Math.round(ms)) };
}
