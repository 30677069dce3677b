import { useEffect } from 'react';
import { confirmCancelTask } from './actions';
import { isTypingTarget, shortcutFor } from './shortcuts';
import { useStore } from './store';
import { filterTasks } from './task-filter';

/** Listens for the keyboard shortcuts (shortcuts.ts) on the whole window. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const state = useStore.getState();
      const action = shortcutFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        inField: isTypingTarget(document.activeElement),
        inDialog: state.dialog !== null,
      });
      if (!action) return;
      const selected = state.selectedTaskId ? state.monitor.tasks.get(state.selectedTaskId) : undefined;
      switch (action) {
        case 'new-task':
          state.openDialog({ kind: 'launcher' });
          break;
        case 'help':
          state.openDialog({ kind: 'shortcuts' });
          break;
        case 'focus-search':
          document.querySelector<HTMLElement>('[data-search]')?.focus();
          break;
        case 'cancel-task':
          if (!selected) return;
          confirmCancelTask(selected);
          break;
        case 'close-detail':
          if (!selected) return;
          state.select(null);
          break;
        case 'next-task':
        case 'previous-task': {
          const ids = filterTasks(state.monitor.order, state.monitor.tasks, state.filter);
          if (ids.length === 0) return;
          const at = selected ? ids.indexOf(selected.id) : -1;
          const step = action === 'next-task' ? 1 : -1;
          const next = at === -1 ? 0 : Math.min(ids.length - 1, Math.max(0, at + step));
          state.select(ids[next] as string);
          break;
        }
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
