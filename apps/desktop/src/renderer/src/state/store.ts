/**
 * The UI store: a thin zustand wrapper around the framework-free monitor state
 * (monitor-state.ts) plus what only the UI needs: filters, selection, the one open dialog,
 * the question queue and toasts (each with its own pure module and tests).
 */

import type { ConnectionState, HubEvent, TaskLogLine, TaskSummary } from '@taskdeck/contract';
import { TaskEndings } from '@taskdeck/contract/task-endings';
import { create } from 'zustand';
import { applyEvent, dismissNotice, initialMonitorState, type MonitorState } from './monitor-state';
import { answerQuestion, deferQuestion, emptyQueue, type QuestionQueue } from './question-queue';
import { noFilter, type TaskFilter } from './task-filter';
import { addEndings, MAX_TOASTS, seeTask, type Toast } from './toast-state';
import { readViewState, rememberViewState } from './ui-memory';

export type { Toast } from './toast-state';

/** A question for the user before something that cannot be undone (stop a server, cancel a task). */
export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm(): void;
}

/** The one modal open at a time. */
export type Dialog =
  | { kind: 'launcher'; server?: string; tool?: string }
  | { kind: 'choose-folder' }
  | { kind: 'question'; taskId: string }
  | { kind: 'confirm'; confirmation: Confirmation }
  | { kind: 'shortcuts' }
  | null;

export interface AppStore {
  monitor: MonitorState;
  connection: ConnectionState;
  filter: TaskFilter;
  selectedTaskId: string | null;
  /** Where the task list was scrolled to (kept across a reload). */
  listScrollTop: number;
  dialog: Dialog;
  questions: QuestionQueue;
  toasts: readonly Toast[];
  receive(event: HubEvent): void;
  setConnection(state: ConnectionState): void;
  setFilter(patch: Partial<TaskFilter>): void;
  select(taskId: string | null): void;
  setListScrollTop(top: number): void;
  openDialog(dialog: Dialog): void;
  /** "Not now": the question closes unanswered and waits on its task's row. */
  deferQuestion(task: TaskSummary): void;
  /** The question was answered: it closes and is not asked again. */
  answeredQuestion(task: TaskSummary): void;
  /** Adds a toast (or replaces the one with the same id) and returns its id. */
  toast(toast: Omit<Toast, 'id'> & { id?: number }): number;
  dismissToast(id: number): void;
  dismissNotice(id: string): void;
}

let nextToastId = 1;
const nextId = () => nextToastId++;
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

/** sessionStorage, where the page has one (not in unit tests). */
const session = typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
const restored = readViewState(session);

export const useStore = create<AppStore>()((set, get) => ({
  monitor: initialMonitorState,
  connection: { state: 'connecting' },
  filter: restored?.filter ?? noFilter,
  selectedTaskId: restored?.selectedTaskId ?? null,
  listScrollTop: restored?.scrollTop ?? 0,
  dialog: null,
  questions: emptyQueue,
  toasts: [],
  receive(event) {
    forwardStream(event);
    const state = get();
    const monitor = applyEvent(state.monitor, event);
    const ended = endings.take(event);
    const looking = state.selectedTaskId;
    const toasts = addEndings(state.toasts, ended, { now: Date.now(), looking, nextId });
    // A selection restored from before a reload that the hub no longer has is let go.
    const selectedTaskId =
      event.type === 'snapshot' && looking !== null && !monitor.tasks.has(looking) ? null : looking;
    if (monitor === state.monitor && toasts === state.toasts && selectedTaskId === looking) return;
    set({ monitor, toasts, selectedTaskId });
  },
  setConnection(connection) {
    set({ connection });
  },
  setFilter(patch) {
    set((state) => ({ filter: { ...state.filter, ...patch } }));
  },
  select(selectedTaskId) {
    set((state) => ({
      selectedTaskId,
      toasts: selectedTaskId === null ? state.toasts : seeTask(state.toasts, selectedTaskId),
    }));
  },
  setListScrollTop(listScrollTop) {
    set({ listScrollTop });
  },
  openDialog(dialog) {
    set({ dialog });
  },
  deferQuestion(task) {
    set((state) => ({ questions: deferQuestion(state.questions, task), dialog: null }));
  },
  answeredQuestion(task) {
    set((state) => ({ questions: answerQuestion(state.questions, task), dialog: null }));
  },
  toast(toast) {
    const id = toast.id ?? nextId();
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

// Filters, selection and scroll survive a reload of the window.
useStore.subscribe((state, previous) => {
  if (
    state.filter !== previous.filter ||
    state.selectedTaskId !== previous.selectedTaskId ||
    state.listScrollTop !== previous.listScrollTop
  ) {
    rememberViewState(session, {
      filter: state.filter,
      selectedTaskId: state.selectedTaskId,
      scrollTop: state.listScrollTop,
    });
  }
});
