/**
 * What the UI remembers between visits, in the browser's storage (the web build and Electron
 * both have it): the launcher's last server and tool (localStorage: across restarts), and the
 * list's filters, selection and scroll (sessionStorage: they survive a reload of the window).
 * Whatever is stored is checked when read: a damaged or foreign value is ignored, never trusted.
 */
import { STATUS_FILTERS, type StatusFilter, type TaskFilter } from './task-filter';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

const LAUNCHER_KEY = 'taskdeck.launcher';
const VIEW_KEY = 'taskdeck.view';

function read(storage: Store | undefined, key: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(storage?.getItem(key) ?? 'null');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function write(storage: Store | undefined, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the UI works the same, it only forgets.
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export interface LauncherChoice {
  server: string;
  tool: string;
}

export function readLauncherChoice(storage: Store | undefined): LauncherChoice | undefined {
  const value = read(storage, LAUNCHER_KEY);
  const server = text(value?.server);
  const tool = text(value?.tool);
  return server && tool ? { server, tool } : undefined;
}

export function rememberLauncherChoice(storage: Store | undefined, choice: LauncherChoice): void {
  write(storage, LAUNCHER_KEY, choice);
}

export interface ViewState {
  filter: TaskFilter;
  selectedTaskId: string | null;
  scrollTop: number;
}

export function readViewState(storage: Store | undefined): ViewState | undefined {
  const value = read(storage, VIEW_KEY);
  if (!value) return undefined;
  const filter =
    typeof value.filter === 'object' && value.filter !== null
      ? (value.filter as Record<string, unknown>)
      : {};
  const status = STATUS_FILTERS.some((option) => option.value === filter.status)
    ? (filter.status as StatusFilter)
    : 'all';
  const scrollTop = typeof value.scrollTop === 'number' && value.scrollTop >= 0 ? value.scrollTop : 0;
  return {
    filter: { status, server: text(filter.server) ?? null, text: text(filter.text) ?? '' },
    selectedTaskId: text(value.selectedTaskId) ?? null,
    scrollTop,
  };
}

export function rememberViewState(storage: Store | undefined, view: ViewState): void {
  write(storage, VIEW_KEY, view);
}
