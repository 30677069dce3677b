/**
 * The UI store: a thin zustand wrapper around the framework-free monitor state
 * (monitor-state.ts) plus what only the UI needs: filters, selection, dialogs and toasts.
 */

import type { ConnectionState, HubEvent, TaskLogLine } from '@taskdeck/contract';
import { describeEnding, TaskEndings } from '@taskdeck/contract/task-endings';
import { create } from 'zustand';
import { applyEvent, dismissNotice, initialMonitorState, type MonitorState } from './monitor-state';
import { noFilter, type TaskFilter } from './task-filter';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  title: string;
  body?: string;
  taskId?: string;
  /** 0..1 for an upload in flight. */
  progress?: number;
}

export type Dialog =
  | { kind: 'launcher'; server?: string; tool?: string }
  | { kind: 'choose-folder' }
  | { kind: 'choose-csv' }
  | null;

const MAX_TOASTS = 5;

export interface AppStore {
  monitor: MonitorState;
  connection: ConnectionState;
  filter: TaskFilter;
  selectedTaskId: string | null;
  dialog: Dialog;
  toasts: readonly Toast[];
  receive(event: HubEvent): void;
  setConnection(state: ConnectionState): void;
  setFilter(patch: Partial<TaskFilter>): void;
  select(taskId: string | null): void;
  openDialog(dialog: Dialog): void;
  /** Adds a toast (or replaces the one with the same id) and returns its id. */
  toast(toast: Omit<Toast, 'id'> & { id?: number }): number;
  dismissToast(id: number): void;
  dismissNotice(id: string): void;
}

let nextToastId = 1;
const endings = new TaskEndings();

/**
 * Log lines and snapshots are not kept in the store (a task's logs live in its record);
 * the open detail pane listens for them here instead.
 */
type StreamListener = { onLogs(taskId: string, lines: readonly TaskLogLine[]): void; onSnapshot(): void };
const streamListeners = new Set<StreamListener>();

export function listenToTaskStream(listener: StreamListener): () => void {
  streamListeners.add(listener);
  return () => {
    streamListeners.delete(listener);
  };
}

function forwardStream(event: HubEvent): void {
  for (const listener of streamListeners) {
    if (event.type === 'snapshot') listener.onSnapshot();
    else for (const entry of event.logs) listener.onLogs(entry.taskId, entry.lines);
  }
}

function toastKind(status: string): Toast['kind'] {
  return status === 'completed' ? 'success' : status === 'cancelled' ? 'info' : 'error';
}

export const useStore = create<AppStore>()((set, get) => ({
  monitor: initialMonitorState,
  connection: { state: 'connecting' },
  filter: noFilter,
  selectedTaskId: null,
  dialog: null,
  toasts: [],
  receive(event) {
    forwardStream(event);
    const monitor = applyEvent(get().monitor, event);
    const ended = endings.take(event).map(
      (task): Toast => ({
        id: nextToastId++,
        kind: toastKind(task.status),
        ...describeEnding(task),
        taskId: task.id,
      }),
    );
    if (monitor === get().monitor && ended.length === 0) return;
    set((state) => ({
      monitor,
      toasts: ended.length > 0 ? [...state.toasts, ...ended].slice(-MAX_TOASTS) : state.toasts,
    }));
  },
  setConnection(connection) {
    set({ connection });
  },
  setFilter(patch) {
    set((state) => ({ filter: { ...state.filter, ...patch } }));
  },
  select(selectedTaskId) {
    set({ selectedTaskId });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  toast(toast) {
    const id = toast.id ?? nextToastId++;
    set((state) => {
      const rest = state.toasts.filter((t) => t.id !== id);
      return { toasts: [...rest, { ...toast, id }].slice(-MAX_TOASTS) };
    });
    return id;
  },
  dismissToast(id) {
    set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) }));
  },
  dismissNotice(id) {
    set((state) => ({ monitor: dismissNotice(state.monitor, id) }));
  },
}));
