import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, _electron as electron } from '@playwright/test';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { TEST_TIME_SCALE } from './fixtures';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary(projectRoot);
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

/** Why the Electron specs cannot run here, or undefined when they can. */
export const electronSkipReason: string | undefined = binary.found
  ? headlessLinux
    ? 'no display: run under xvfb-run to test the Electron window'
    : undefined
  : `Electron binary not installed (${binary.reason})`;

export interface LaunchedApp {
  app: ElectronApplication;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the built app (out/main) with its own temp data folder and fast simulated time. */
export async function launchElectron(): Promise<LaunchedApp> {
  if (!binary.found) throw new Error(electronSkipReason);
  const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-electron-e2e-'));
  const rootUser = process.getuid?.() === 0;
  const app = await electron.launch({
    executablePath: binary.path,
    args: [...(rootUser ? ['--no-sandbox'] : []), projectRoot],
    cwd: projectRoot,
    env: { ...process.env, TASKDECK_DATA_DIR: dataDir, TASKDECK_TIME_SCALE: TEST_TIME_SCALE },
  });
  return {
    app,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes a CSV for the native picker to "pick" (Electron reads files by path). */
export function csvWriter(dir: string, makeCsv: (rows: number) => string) {
  return (rows: number, name: string): string => {
    const path = join(dir, name);
    writeFileSync(path, makeCsv(rows));
    return path;
  };
}
