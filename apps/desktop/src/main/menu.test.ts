import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, OPEN_LOGS_LABEL } from './menu';

function helpItems(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  const help = template.find((item) => item.role === 'help');
  return (help?.submenu ?? []) as MenuItemConstructorOptions[];
}

describe('application menu', () => {
  it('has Help > Open Logs Folder, which opens the logs folder', () => {
    const opened: string[] = [];
    const template = menuTemplate('linux', {
      openLogsFolder: () => opened.push('logs'),
      openDataFolder: () => opened.push('data'),
    });
    const item = helpItems(template).find((entry) => entry.label === OPEN_LOGS_LABEL);
    expect(item?.click).toBeTypeOf('function');
    (item?.click as () => void)?.();
    expect(opened).toEqual(['logs']);
  });

  it('adds the app menu on macOS only', () => {
    const actions = { openLogsFolder: () => {}, openDataFolder: () => {} };
    expect(menuTemplate('darwin', actions)[0]?.role).toBe('appMenu');
    expect(menuTemplate('win32', actions).some((item) => item.role === 'appMenu')).toBe(false);
  });
});
