/**
 * The application menu. The template is built from plain callbacks (only Electron's types are
 * imported) so it is unit-tested without the binary; index.ts installs it.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Opens the logs folder, where each server's stderr goes (the platform's place for logs). */
  openLogsFolder(): void;
  /** Opens the data dir: history, settings, servers.json. */
  openDataFolder(): void;
}

export const OPEN_LOGS_LABEL = 'Open Logs Folder';

export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions): MenuItemConstructorOptions[] {
  const folders: MenuItemConstructorOptions[] = [
    { label: OPEN_LOGS_LABEL, click: () => actions.openLogsFolder() },
    { label: 'Open Data Folder', click: () => actions.openDataFolder() },
  ];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: folders },
  ];
}
